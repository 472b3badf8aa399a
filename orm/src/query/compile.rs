//! The compiler: one walk over the condition tree that writes SQL text and
//! binds together through [`SqlWriter`], with a [`JoinPlan`] that gives
//! every relation path one `LEFT JOIN` and alias.

use super::expr::{ColRef, Expr};
use super::order::OrderBy;
use crate::meta::ModelMeta;
use crate::relation::{JoinPath, RelationKind};
use crate::writer::SqlWriter;

/// The joins of one query. Without joins, columns are written unqualified
/// (the common case, and the cheapest SQL); with joins, every column is
/// qualified by its table or alias.
pub(crate) struct JoinPlan {
    root: &'static ModelMeta,
    /// Joined paths in alias order: `t1`, `t2`, ...
    joins: Vec<JoinPath>,
    /// The alias of each joined path, made once when it is joined.
    aliases: Vec<String>,
}

impl JoinPlan {
    pub(crate) fn new(root: &'static ModelMeta) -> Self {
        JoinPlan {
            root,
            joins: Vec::new(),
            aliases: Vec::new(),
        }
    }

    /// Whether any relation is joined.
    pub(crate) fn has_joins(&self) -> bool {
        !self.joins.is_empty()
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
                self.aliases.push(format!("t{}", self.joins.len()));
            }
        }
    }

    /// Joins the relations a column reference needs.
    pub(crate) fn add_column(&mut self, column: ColRef) {
        self.add(normalize(column).path);
    }

    /// The alias of a joined path (`t1`, ...).
    fn alias(&self, path: &JoinPath) -> Option<&str> {
        self.joins
            .iter()
            .position(|p| p == path)
            .map(|i| self.aliases[i].as_str())
    }

    /// Appends the table or alias that qualifies columns reached through
    /// `path`, followed by a dot.
    fn write_qualifier(&self, w: &mut SqlWriter, path: &JoinPath) {
        match self.alias(path) {
            Some(alias) if !path.is_empty() => w.push_identifier(alias),
            _ => w.push_identifier(self.root.table),
        }
        w.push_sql(".");
    }

    /// Appends a column reference, qualified when the query joins.
    pub(crate) fn write_column(&self, w: &mut SqlWriter, column: ColRef) {
        let column = normalize(column);
        if self.has_joins() {
            self.write_qualifier(w, &column.path);
        }
        w.push_identifier(column.column.column);
    }

    /// Appends every column of the model reached through `path`, qualified.
    pub(crate) fn write_all_columns(&self, w: &mut SqlWriter, meta: &ModelMeta, path: &JoinPath) {
        for (i, column) in meta.columns.iter().enumerate() {
            if i > 0 {
                w.push_sql(", ");
            }
            if self.has_joins() {
                self.write_qualifier(w, path);
            }
            w.push_identifier(column.column);
        }
    }

    /// Appends ` FROM "root"` and a `LEFT JOIN` per joined path.
    pub(crate) fn write_from(&self, w: &mut SqlWriter) {
        w.push_sql(" FROM ");
        w.push_identifier(self.root.table);
        for path in &self.joins {
            let Some(hop) = path.last() else { continue };
            let target = (hop.to)();
            let parent = path.prefix(path.len() - 1);
            match hop.kind {
                RelationKind::Forward => {
                    w.push_sql(" LEFT JOIN ");
                    w.push_identifier(target.table);
                    w.push_sql(" AS ");
                    w.push_identifier(self.alias(path).unwrap_or_default());
                    w.push_sql(" ON ");
                    self.write_qualifier(w, path);
                    w.push_identifier(target.pk().column);
                    w.push_sql(" = ");
                    self.write_qualifier(w, &parent);
                    w.push_identifier(hop.column);
                }
            }
        }
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
    for (i, expr) in filters.iter().enumerate() {
        if i > 0 {
            w.push_sql(" AND ");
        }
        // A lone top-level OR needs parentheses next to its siblings.
        write_expr(w, plan, expr, false, filters.len() > 1);
    }
}

/// Appends ` ORDER BY ...`, if any.
pub(crate) fn write_order_by<M>(w: &mut SqlWriter, plan: &JoinPlan, order: &[OrderBy<M>]) {
    if order.is_empty() {
        return;
    }
    w.push_sql(" ORDER BY ");
    for (i, term) in order.iter().enumerate() {
        if i > 0 {
            w.push_sql(", ");
        }
        let column = ColRef {
            column: term.column,
            path: term.path,
        };
        plan.write_column(w, column);
        w.push_sql(if term.descending { " DESC" } else { " ASC" });
        if nullable(column) {
            w.dialect().imp().write_nulls_order(w, term.descending);
        }
    }
}

/// Whether a column reference can be `NULL`: a nullable column, or any
/// column reached through a nullable foreign key (the join may miss).
fn nullable(column: ColRef) -> bool {
    column.column.nullable || column.path.hops().any(|h| h.nullable)
}

/// Writes one condition. `negated` is true under an odd number of `NOT`s:
/// there, a lookup on a nullable column also requires the column to be
/// non-null, so that `NOT` keeps the rows where it is `NULL` (SQL's
/// three-valued logic would drop them). `nested` asks for parentheses
/// around a compound condition.
fn write_expr(w: &mut SqlWriter, plan: &JoinPlan, expr: &Expr, negated: bool, nested: bool) {
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
                w.push_sql(" IN (");
                for (i, value) in values.iter().enumerate() {
                    if i > 0 {
                        w.push_sql(", ");
                    }
                    w.push_bind(value.clone());
                }
                w.push_sql(")");
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
        Expr::And(items) => write_compound(w, plan, items, " AND ", negated, nested),
        Expr::Or(items) => write_compound(w, plan, items, " OR ", negated, nested),
        Expr::Not(inner) => {
            w.push_sql("NOT (");
            write_expr(w, plan, inner, !negated, false);
            w.push_sql(")");
        }
    }
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
            w.push_sql(joiner);
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
