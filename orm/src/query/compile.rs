//! The compiler: one walk over the condition tree that writes SQL text and
//! binds together through [`SqlWriter`], with a [`JoinPlan`] that gives
//! every relation path one `LEFT JOIN` and alias.

use super::expr::{ColRef, Expr};
use super::scalar::{may_be_null, write_node};
use super::subquery::SubqueryUse;
use crate::meta::ModelMeta;
use crate::relation::{JoinPath, RelationKind, RelationMeta};
use crate::writer::SqlWriter;

mod order_terms;
mod reach;

pub(crate) use order_terms::{nullable, write_order_by, write_order_term_as, write_order_terms};
pub(crate) use reach::write_correlation;
use reach::{write_exists, write_reached_from};

/// The joins of one query (or of one subquery). In the outer query,
/// columns are written unqualified without joins (the common case, and the
/// cheapest SQL) and qualified by table or alias with joins; paths are
/// joined only up to their first multi-valued hop, the rest becoming an
/// `EXISTS` subquery so that rows are never duplicated. A subquery's plan
/// aliases its root and joins every hop (duplicates do not matter inside
/// `EXISTS` / `IN`).
#[derive(Clone)]
pub(crate) struct JoinPlan {
    root: &'static ModelMeta,
    /// Joined paths in alias order.
    joins: Vec<JoinPath>,
    /// The alias of each joined path, made once when it is joined.
    aliases: Vec<String>,
    /// A subquery's root alias (`s1`); `None` for the outer query.
    root_alias: Option<String>,
    /// How deeply nested this plan's query is (0 for the outer query).
    depth: usize,
    /// A subquery reached through a many-to-many hop starts from that
    /// hop's join table.
    via: Option<&'static RelationMeta>,
    /// Qualify every column even without joins.
    force_qualify: bool,
    /// A subquery's enclosing query, against which its outer references
    /// (`OuterRef`) resolve, and the path from that query's model to the
    /// model the references start at.
    outer: Option<Box<(JoinPlan, JoinPath)>>,
}

impl JoinPlan {
    pub(crate) fn new(root: &'static ModelMeta) -> Self {
        JoinPlan {
            root,
            joins: Vec::new(),
            aliases: Vec::new(),
            root_alias: None,
            depth: 0,
            via: None,
            force_qualify: false,
            outer: None,
        }
    }

    /// Makes the plan qualify every column (the query joins more than the
    /// plan knows of).
    pub(crate) fn force_qualify(&mut self) {
        self.force_qualify = true;
    }

    /// The plan of a subquery one level below `self`, rooted at `root`.
    pub(crate) fn subquery(
        &self,
        root: &'static ModelMeta,
        via: Option<&'static RelationMeta>,
    ) -> JoinPlan {
        let depth = self.depth + 1;
        JoinPlan {
            root,
            joins: Vec::new(),
            aliases: Vec::new(),
            root_alias: Some(format!("s{depth}")),
            depth,
            via,
            force_qualify: false,
            outer: None,
        }
    }

    /// The plan of a subquery written inside this query, rooted at
    /// `root`: its outer references resolve against this plan, starting
    /// at the model `prefix` reaches.
    pub(crate) fn nested(&self, root: &'static ModelMeta, prefix: JoinPath) -> JoinPlan {
        let mut sub = self.subquery(root, None);
        let mut enclosing = self.clone();
        enclosing.outer = None;
        sub.outer = Some(Box::new((enclosing, prefix)));
        sub
    }

    /// Appends a reference to a column of the enclosing query's row
    /// (an `OuterRef`), always qualified. Outside a subquery (an outer
    /// reference taken out of its closure) it is this query's column.
    pub(crate) fn write_outer_column(&self, w: &mut SqlWriter, column: ColRef) {
        match &self.outer {
            Some(outer) => {
                let (plan, prefix) = &**outer;
                plan.write_qualified_column(
                    w,
                    ColRef {
                        column: column.column,
                        path: prefix.join(&column.path),
                    },
                );
            }
            None => self.write_qualified_column(w, column),
        }
    }

    /// Whether a lookup through a multi-valued relation becomes an
    /// `EXISTS` (so that no row repeats), rather than a join: in the outer
    /// query, and in a subquery of a queryset (whose rows are counted,
    /// grouped or sliced as the outer query's would be).
    fn splits_many(&self) -> bool {
        self.root_alias.is_none() || self.outer.is_some()
    }

    /// Whether any relation is joined.
    pub(crate) fn has_joins(&self) -> bool {
        !self.joins.is_empty()
    }

    /// Whether columns are written with their table or alias.
    fn qualifies(&self) -> bool {
        self.force_qualify || self.root_alias.is_some() || self.has_joins()
    }

    /// The joined paths, in alias order.
    pub(crate) fn joins(&self) -> &[JoinPath] {
        &self.joins
    }

    /// Joins `path` and each of its prefixes.
    pub(crate) fn add(&mut self, path: JoinPath) {
        for n in 1..=path.len() {
            let prefix = path.prefix(n);
            if !self.joins.contains(&prefix) {
                self.joins.push(prefix);
                self.aliases.push(match &self.root_alias {
                    None => format!("t{}", self.joins.len()),
                    Some(root) => format!("{root}_{}", self.joins.len()),
                });
            }
        }
    }

    /// Joins the relations a column reference needs: in the outer query,
    /// up to the first multi-valued hop.
    pub(crate) fn add_column(&mut self, column: ColRef) {
        let path = normalize(column).path;
        match path.first_many() {
            Some(k) if self.splits_many() => self.add(path.prefix(k)),
            _ => self.add(path),
        }
    }

    /// Joins what a condition needs in this query.
    pub(crate) fn add_condition(&mut self, expr: &Expr) {
        expr.for_each_column(&mut |c| self.add_column(c));
        expr.for_each_exists(&mut |path| {
            let k = path.first_many().unwrap_or(0);
            self.add(path.prefix(k));
        });
    }

    /// The alias of a joined path.
    fn alias(&self, path: &JoinPath) -> Option<&str> {
        self.joins
            .iter()
            .position(|p| p == path)
            .map(|i| self.aliases[i].as_str())
    }

    /// Appends the table or alias of the rows reached through `path` (the
    /// root table for the empty path), as `FOR UPDATE OF` names them.
    pub(crate) fn write_table_ref(&self, w: &mut SqlWriter, path: &JoinPath) {
        match self.alias(path) {
            Some(alias) if !path.is_empty() => w.push_identifier(alias),
            _ => match &self.root_alias {
                Some(alias) => w.push_identifier(alias),
                None => w.push_identifier(self.root.table),
            },
        }
    }

    /// Appends the table or alias that qualifies columns reached through
    /// `path`, followed by a dot.
    fn write_qualifier(&self, w: &mut SqlWriter, path: &JoinPath) {
        self.write_table_ref(w, path);
        w.push_sql(".");
    }

    /// Appends a column reference, qualified when the query joins.
    pub(crate) fn write_column(&self, w: &mut SqlWriter, column: ColRef) {
        let column = normalize(column);
        if self.qualifies() {
            self.write_qualifier(w, &column.path);
        }
        w.push_identifier(column.column.column);
    }

    /// Appends a column reference, always qualified (it is read from a
    /// subquery, where an unqualified name could mean the subquery's own
    /// column).
    pub(crate) fn write_qualified_column(&self, w: &mut SqlWriter, column: ColRef) {
        let column = normalize(column);
        self.write_qualifier(w, &column.path);
        w.push_identifier(column.column.column);
    }

    /// Appends every column of the model reached through `path`, qualified.
    pub(crate) fn write_all_columns(&self, w: &mut SqlWriter, meta: &ModelMeta, path: &JoinPath) {
        for (i, column) in meta.columns.iter().enumerate() {
            if i > 0 {
                w.push_sql(", ");
            }
            if self.qualifies() {
                self.write_qualifier(w, path);
            }
            w.push_identifier(column.column);
        }
    }

    /// Appends ` FROM "root"` and a `LEFT JOIN` per joined path.
    pub(crate) fn write_from(&self, w: &mut SqlWriter) {
        w.push_sql(" FROM ");
        match (&self.root_alias, self.via) {
            (None, _) => w.push_identifier(self.root.table),
            (Some(alias), None) => {
                w.push_identifier(self.root.table);
                w.push_sql(" AS ");
                w.push_identifier(alias);
            }
            (Some(alias), Some(via)) => {
                let link = format!("{alias}_j");
                w.push_identifier(via.join_table());
                w.push_sql(" AS ");
                w.push_identifier(&link);
                w.push_sql(" INNER JOIN ");
                w.push_identifier(self.root.table);
                w.push_sql(" AS ");
                w.push_identifier(alias);
                w.push_sql(" ON ");
                w.push_identifier(alias);
                w.push_sql(".");
                w.push_identifier(self.root.pk().column);
                w.push_sql(" = ");
                w.push_identifier(&link);
                w.push_sql(".");
                w.push_identifier(via.join_to);
            }
        }
        for path in &self.joins {
            let Some(hop) = path.last() else { continue };
            let target = (hop.to)();
            let parent = path.prefix(path.len() - 1);
            let alias = self.alias(path).unwrap_or_default();
            match hop.kind {
                RelationKind::Forward => {
                    self.write_join(w, target.table, alias);
                    self.write_qualifier(w, path);
                    w.push_identifier(target.pk().column);
                    w.push_sql(" = ");
                    self.write_qualifier(w, &parent);
                    w.push_identifier(hop.column);
                }
                RelationKind::Reverse => {
                    self.write_join(w, target.table, alias);
                    self.write_qualifier(w, path);
                    w.push_identifier(hop.column);
                    w.push_sql(" = ");
                    self.write_qualifier(w, &parent);
                    w.push_identifier((hop.from)().pk().column);
                }
                RelationKind::ManyToMany => {
                    let link = format!("{alias}_j");
                    self.write_join(w, hop.join_table(), &link);
                    w.push_identifier(&link);
                    w.push_sql(".");
                    w.push_identifier(hop.join_from);
                    w.push_sql(" = ");
                    self.write_qualifier(w, &parent);
                    w.push_identifier((hop.from)().pk().column);
                    self.write_join(w, target.table, alias);
                    self.write_qualifier(w, path);
                    w.push_identifier(target.pk().column);
                    w.push_sql(" = ");
                    w.push_identifier(&link);
                    w.push_sql(".");
                    w.push_identifier(hop.join_to);
                }
            }
        }
    }

    /// ` LEFT JOIN "table" AS "alias" ON `
    fn write_join(&self, w: &mut SqlWriter, table: &str, alias: &str) {
        w.push_sql(" LEFT JOIN ");
        w.push_identifier(table);
        w.push_sql(" AS ");
        w.push_identifier(alias);
        w.push_sql(" ON ");
    }
}

/// A reference to the primary key of a forward relation's target is the
/// foreign-key column itself: `Post::author().id()` needs no join.
pub(crate) fn normalize(column: ColRef) -> ColRef {
    let Some(hop) = column.path.last() else {
        return column;
    };
    if hop.kind != RelationKind::Forward || !std::ptr::eq(column.column, (hop.to)().pk()) {
        return column;
    }
    match (hop.from)().columns.iter().find(|c| c.column == hop.column) {
        Some(fk_column) => ColRef {
            column: fk_column,
            path: column.path.prefix(column.path.len() - 1),
        },
        None => column,
    }
}

/// Appends ` WHERE ...` for the conjunction of `filters`, if any.
pub(crate) fn write_where(w: &mut SqlWriter, plan: &JoinPlan, filters: &[Expr]) {
    if filters.is_empty() {
        return;
    }
    w.push_sql(" WHERE ");
    write_conditions(w, plan, filters, filters.len() > 1);
}

/// Appends the conjunction of `filters`; `nested` puts parentheses around
/// a top-level OR (needed when other conditions sit beside it).
pub(crate) fn write_conditions(w: &mut SqlWriter, plan: &JoinPlan, filters: &[Expr], nested: bool) {
    for (i, expr) in filters.iter().enumerate() {
        if i > 0 {
            w.push_sql(" AND ");
        }
        write_expr(w, plan, expr, false, nested);
    }
}

/// Writes one condition. `negated` is true under an odd number of `NOT`s:
/// there, a lookup on a nullable column also requires the column to be
/// non-null, so that `NOT` keeps the rows where it is `NULL` (SQL's
/// three-valued logic would drop them). `nested` asks for parentheses
/// around a compound condition.
fn write_expr(w: &mut SqlWriter, plan: &JoinPlan, expr: &Expr, negated: bool, nested: bool) {
    if plan.splits_many() {
        if let Some(column) = expr.leaf_column() {
            if let Some(k) = normalize(column).path.first_many() {
                // A lookup through a multi-valued relation: "some related
                // row matches", so that no parent row is repeated.
                let path = column.path.prefix(k + 1);
                let inner = expr.rebased_leaf(column.path.suffix(k + 1));
                write_exists(w, plan, path, &inner);
                return;
            }
        }
    }
    match expr {
        Expr::Compare { column, op, value } => {
            guard_null(w, plan, *column, negated, |w| {
                plan.write_column(w, *column);
                w.push_sql(op.sql());
                w.push_bind(value.clone());
            });
        }
        Expr::IsNull {
            column,
            negated: not_null,
        } => {
            plan.write_column(w, *column);
            w.push_sql(if *not_null {
                " IS NOT NULL"
            } else {
                " IS NULL"
            });
        }
        Expr::In { column, values } => {
            if values.is_empty() {
                // IN () is not valid SQL; nothing is in an empty list.
                w.push_sql("1 = 0");
                return;
            }
            guard_null(w, plan, *column, negated, |w| {
                plan.write_column(w, *column);
                values.write(w);
            });
        }
        Expr::Between { column, low, high } => {
            guard_null(w, plan, *column, negated, |w| {
                plan.write_column(w, *column);
                w.push_sql(" BETWEEN ");
                w.push_bind(low.clone());
                w.push_sql(" AND ");
                w.push_bind(high.clone());
            });
        }
        Expr::Text {
            column,
            lookup,
            case_insensitive,
            text,
        } => {
            guard_null(w, plan, *column, negated, |w| {
                let imp = w.dialect().imp();
                let write_column = |w: &mut SqlWriter| plan.write_column(w, *column);
                imp.write_text_lookup(w, &write_column, *lookup, *case_insensitive, text);
            });
        }
        Expr::Lookup { column, lookup } => {
            guard_null(w, plan, *column, negated, |w| {
                let write_column = |w: &mut SqlWriter| plan.write_column(w, *column);
                lookup.write(w, &write_column);
            });
        }
        Expr::And(items) => write_compound(w, plan, items, " AND ", negated, nested),
        Expr::Or(items) => write_compound(w, plan, items, " OR ", negated, nested),
        Expr::Not(inner) => {
            w.push_sql("NOT (");
            write_expr(w, plan, inner, !negated, false);
            w.push_sql(")");
        }
        Expr::Exists { path, condition } => write_exists(w, plan, *path, condition),
        Expr::ReachedFrom { path, key } => write_reached_from(w, plan, *path, key),
        Expr::CompareNodes { left, op, right } => {
            // Under `NOT`, a comparison that is unknown (a side is `NULL`)
            // counts as not matching, so the row is kept.
            let guard = negated && (may_be_null(left) || may_be_null(right));
            if guard {
                w.push_sql("COALESCE(");
            }
            write_node(w, plan, left);
            w.push_sql(op.sql());
            write_node(w, plan, right);
            if guard {
                w.push_sql(", FALSE)");
            }
        }
        Expr::NodeIsNull {
            node,
            negated: not_null,
        } => {
            write_node(w, plan, node);
            w.push_sql(if *not_null {
                " IS NOT NULL"
            } else {
                " IS NULL"
            });
        }
        Expr::InSubquery { column, query } => {
            guard_null(w, plan, *column, negated, |w| {
                plan.write_column(w, *column);
                w.push_sql(" IN (");
                query.write(w, plan, SubqueryUse::In);
                w.push_sql(")");
            });
        }
        Expr::ExistsSubquery(query) => {
            w.push_sql("EXISTS (");
            query.write(w, plan, SubqueryUse::Exists);
            w.push_sql(")");
        }
        Expr::Raw(raw) => {
            // As for expressions: under `NOT`, unknown counts as not
            // matching, so the row is kept.
            if negated {
                w.push_sql("COALESCE(");
            }
            raw.write(w);
            if negated {
                w.push_sql(", FALSE)");
            }
        }
    }
}

/// Appends one condition (of a `CASE` branch).
pub(crate) fn write_condition(w: &mut SqlWriter, plan: &JoinPlan, expr: &Expr) {
    write_expr(w, plan, expr, false, true);
}

fn write_compound(
    w: &mut SqlWriter,
    plan: &JoinPlan,
    items: &[Expr],
    joiner: &str,
    negated: bool,
    nested: bool,
) {
    let parens = nested && items.len() > 1;
    if parens {
        w.push_sql("(");
    }
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            w.push_text(joiner);
        }
        write_expr(w, plan, item, negated, true);
    }
    if parens {
        w.push_sql(")");
    }
}

fn guard_null(
    w: &mut SqlWriter,
    plan: &JoinPlan,
    column: ColRef,
    negated: bool,
    body: impl FnOnce(&mut SqlWriter),
) {
    if negated && nullable(column) {
        w.push_sql("(");
        body(w);
        w.push_sql(" AND ");
        plan.write_column(w, column);
        w.push_sql(" IS NOT NULL");
        w.push_sql(")");
    } else {
        body(w);
    }
}
