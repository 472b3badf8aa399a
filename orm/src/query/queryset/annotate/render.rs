//! The `SELECT` of an annotated queryset, its binds and its shape.
//!
//! Without a test of an annotation, the annotations are select-list
//! expressions beside the model's columns, ordered by their aliases. With
//! one, the same select list is a derived table, and the tests, ordering
//! and slice apply to it by name, so that the database computes each
//! annotation once:
//!
//! ```sql
//! SELECT * FROM (SELECT "id", .., (SELECT COUNT(*) ..) AS "strata_a0"
//!                FROM "author" WHERE <field filters>) AS "strata_q"
//! WHERE "strata_a0" > ? ORDER BY "strata_a0" DESC LIMIT ?
//! ```
//!
//! Inside it, the columns of `select_related` models are named
//! `strata_s<n>` (their own names would repeat the model's, which MySQL
//! refuses in a derived table), and ordering terms other than the model's
//! own columns `strata_o<n>`. Beside a window annotation the tests stay
//! in `WHERE`, written out: a window sees only the rows the filters keep.

use super::Annotated;
use crate::dialect::Dialect;
use crate::error::Result;
use crate::model::Model;
use crate::query::annotate::{
    write_named_order, write_test, AnnotationNode, ConditionNode, OrderTerm,
};
use crate::query::compile::{
    normalize, nullable, write_conditions, write_order_by, write_order_terms, JoinPlan,
};
use crate::query::expr::ColRef;
use crate::query::order::OrderBy;
use crate::query::scalar::{may_be_null, write_node};
use crate::query::shape::{self, ShapeKey};
use crate::relation::JoinPath;
use crate::value::Value;
use crate::writer::{SqlWriter, Statement};

/// The column name an annotation is selected as.
pub(super) fn alias(index: usize) -> String {
    format!("strata_a{index}")
}

/// The name of the derived table of the named form.
const DERIVED: &str = "strata_q";

/// How one ordering term of the named form is read from the derived
/// table.
enum Named<'a, M> {
    /// A column of the model, by its own name.
    Column(&'static str, bool, &'a OrderBy<M>),
    /// A term selected as `strata_o<n>`.
    Selected(usize, &'a OrderBy<M>),
    /// An annotation, by its alias.
    Annotation(usize, bool, Option<bool>),
}

impl<M: Model, A> Annotated<M, A> {
    /// Whether an annotation is tested and read by name from a derived
    /// table (see the module docs).
    pub(super) fn named(&self) -> bool {
        self.conditions
            .iter()
            .any(|c| matches!(c, ConditionNode::Annotation { .. }))
            && !self.annotations.iter().any(AnnotationNode::is_window)
    }

    /// The joins of the query that computes the annotations.
    pub(super) fn plan(&self) -> JoinPlan {
        let mut plan = self.qs.plan(true);
        for annotation in &self.annotations {
            annotation.add_to_plan(&mut plan);
        }
        for condition in &self.conditions {
            if let ConditionNode::Fields(expr) = condition {
                plan.add_condition(expr);
            }
        }
        self.for_each_order(|term| {
            if let OrderTerm::Fields(order) = term {
                order.for_each_column(&mut |c| plan.add_column(c));
            }
        });
        plan
    }

    /// Calls `f` with each term of the ordering in effect.
    fn for_each_order(&self, mut f: impl FnMut(&OrderTerm<M>)) {
        match &self.order {
            Some(order) => order.iter().for_each(f),
            None => {
                for term in &self.qs.order {
                    f(&OrderTerm::Fields(term.clone()));
                }
            }
        }
    }

    /// Renders the `SELECT`. Rows are models with their primary key, never
    /// repeated (relations are aggregated in subqueries), so `distinct()`
    /// has nothing to remove and is not written.
    pub(super) fn render(&self, dialect: Dialect) -> Statement {
        let mut w = SqlWriter::new(dialect);
        let plan = self.plan();
        if self.named() {
            self.write_named(&mut w, &plan);
        } else {
            self.write_direct(&mut w, &plan);
        }
        dialect
            .imp()
            .write_limit_offset(&mut w, self.qs.limit, self.qs.offset);
        w.finish()
    }

    /// The statement of [`render`](Annotated::render) through the
    /// statement cache.
    pub(super) fn cached(&self, dialect: Dialect) -> Result<Statement> {
        shape::memoized_statement(
            &self.memo,
            dialect,
            shape::StatementKind::Annotated,
            |key| self.encode(key),
            |checks| self.check_parts(dialect, checks),
            || self.render(dialect),
            |binds| self.collect_binds(dialect, binds),
        )
    }

    /// `SELECT <columns>, <annotations> FROM .. WHERE .. ORDER BY ..`.
    fn write_direct(&self, w: &mut SqlWriter, plan: &JoinPlan) {
        let selected = self.qs.selected_paths(plan);
        w.push_sql("SELECT ");
        plan.write_all_columns(w, M::META, &JoinPath::EMPTY);
        for path in &selected {
            if let Some(hop) = path.last() {
                w.push_sql(", ");
                plan.write_all_columns(w, (hop.to)(), path);
            }
        }
        self.write_annotations(w, plan);
        plan.write_from(w);
        self.write_where(w, plan, true);
        self.write_order(w, plan);
    }

    /// `, <annotation> AS "strata_a<i>"` for each annotation.
    fn write_annotations(&self, w: &mut SqlWriter, plan: &JoinPlan) {
        for (i, annotation) in self.annotations.iter().enumerate() {
            w.push_sql(", ");
            annotation.write(w, plan);
            w.push_sql(" AS ");
            w.push_identifier(&alias(i));
        }
    }

    /// `SELECT * FROM (<columns, annotations, ordering terms>) AS
    /// "strata_q" WHERE <tests by name> ORDER BY <names>`.
    fn write_named(&self, w: &mut SqlWriter, plan: &JoinPlan) {
        let selected = self.qs.selected_paths(plan);
        w.push_sql("SELECT * FROM (SELECT ");
        plan.write_all_columns(w, M::META, &JoinPath::EMPTY);
        let mut n = 0;
        for path in &selected {
            if let Some(hop) = path.last() {
                for column in (hop.to)().columns {
                    w.push_sql(", ");
                    plan.write_column(
                        w,
                        ColRef {
                            column,
                            path: *path,
                        },
                    );
                    w.push_sql(" AS ");
                    w.push_identifier(&format!("strata_s{n}"));
                    n += 1;
                }
            }
        }
        self.write_annotations(w, plan);
        let order = self.named_order();
        for term in &order {
            if let Named::Selected(j, order) = term {
                w.push_sql(", ");
                match &order.expr {
                    Some(expr) => write_node(w, plan, expr),
                    None => plan.write_column(
                        w,
                        ColRef {
                            column: order.column,
                            path: order.path,
                        },
                    ),
                }
                w.push_sql(" AS ");
                w.push_identifier(&format!("strata_o{j}"));
            }
        }
        plan.write_from(w);
        self.write_where(w, plan, false);
        w.push_sql(") AS ");
        w.push_identifier(DERIVED);
        let mut first = true;
        for condition in &self.conditions {
            if let ConditionNode::Annotation { index, op, value } = condition {
                w.push_sql(if first { " WHERE " } else { " AND " });
                first = false;
                let may_be_null = self
                    .annotations
                    .get(*index)
                    .is_some_and(AnnotationNode::may_be_null);
                write_test(w, *op, value.as_ref(), may_be_null, &mut |w| {
                    w.push_identifier(&alias(*index))
                });
            }
        }
        if order.is_empty() {
            return;
        }
        w.push_sql(" ORDER BY ");
        for (i, term) in order.iter().enumerate() {
            if i > 0 {
                w.push_sql(", ");
            }
            match term {
                Named::Column(name, nullable, order) => {
                    write_named_order(w, name, order.descending, order.nulls_first, *nullable)
                }
                Named::Selected(j, order) => {
                    let nullable = match &order.expr {
                        Some(expr) => may_be_null(expr),
                        None => nullable(ColRef {
                            column: order.column,
                            path: order.path,
                        }),
                    };
                    let name = format!("strata_o{j}");
                    write_named_order(w, &name, order.descending, order.nulls_first, nullable);
                }
                Named::Annotation(index, descending, nulls_first) => {
                    let nullable = self
                        .annotations
                        .get(*index)
                        .is_some_and(AnnotationNode::may_be_null);
                    write_named_order(w, &alias(*index), *descending, *nulls_first, nullable);
                }
            }
        }
    }

    /// The ordering in effect, each term as the named form reads it.
    fn named_order(&self) -> Vec<Named<'_, M>> {
        match &self.order {
            None => self
                .qs
                .order
                .iter()
                .enumerate()
                .map(|(j, o)| named_field(j, o))
                .collect(),
            Some(order) => order
                .iter()
                .enumerate()
                .map(|(j, term)| match term {
                    OrderTerm::Fields(o) => named_field(j, o),
                    OrderTerm::Annotation {
                        index,
                        descending,
                        nulls_first,
                    } => Named::Annotation(*index, *descending, *nulls_first),
                })
                .collect(),
        }
    }

    /// Appends ` WHERE ..`: the queryset's filters and the conditions on
    /// fields, and (with `tests`) the tests of annotations, written out.
    fn write_where(&self, w: &mut SqlWriter, plan: &JoinPlan, tests: bool) {
        let conditions: Vec<&ConditionNode> = self
            .conditions
            .iter()
            .filter(|c| tests || matches!(c, ConditionNode::Fields(_)))
            .collect();
        let count = self.qs.filters.len() + conditions.len();
        if count == 0 {
            return;
        }
        w.push_sql(" WHERE ");
        write_conditions(w, plan, &self.qs.filters, count > 1);
        for (i, condition) in conditions.into_iter().enumerate() {
            if i > 0 || !self.qs.filters.is_empty() {
                w.push_sql(" AND ");
            }
            match condition {
                ConditionNode::Fields(expr) => {
                    write_conditions(w, plan, std::slice::from_ref(expr), count > 1)
                }
                ConditionNode::Annotation { index, op, value } => {
                    let Some(annotation) = self.annotations.get(*index) else {
                        // The types guarantee the annotation exists.
                        w.push_sql("1 = 0");
                        continue;
                    };
                    write_test(w, *op, value.as_ref(), annotation.may_be_null(), &mut |w| {
                        annotation.write(w, plan)
                    });
                }
            }
        }
    }

    /// Appends ` ORDER BY ..` of the direct form: fields as the queryset
    /// writes them, annotations by their select-list alias.
    fn write_order(&self, w: &mut SqlWriter, plan: &JoinPlan) {
        let Some(order) = &self.order else {
            write_order_by(w, plan, &self.qs.order);
            return;
        };
        if order.is_empty() {
            return;
        }
        w.push_sql(" ORDER BY ");
        for (i, term) in order.iter().enumerate() {
            if i > 0 {
                w.push_sql(", ");
            }
            match term {
                OrderTerm::Fields(order) => write_order_terms(w, plan, std::slice::from_ref(order)),
                OrderTerm::Annotation {
                    index,
                    descending,
                    nulls_first,
                } => {
                    let may_be_null = self
                        .annotations
                        .get(*index)
                        .is_some_and(AnnotationNode::may_be_null);
                    write_named_order(w, &alias(*index), *descending, *nulls_first, may_be_null);
                }
            }
        }
    }

    /// Appends the values [`render`](Annotated::render) binds, in order.
    pub(super) fn collect_binds(&self, dialect: Dialect, out: &mut Vec<Value>) {
        for annotation in &self.annotations {
            annotation.collect_binds(dialect, out);
        }
        if self.named() {
            for term in self.named_order() {
                if let Named::Selected(_, order) = term {
                    if let Some(expr) = &order.expr {
                        expr.collect_binds(dialect, out);
                    }
                }
            }
            self.qs.filter_binds(dialect, out);
            for condition in &self.conditions {
                if let ConditionNode::Fields(expr) = condition {
                    shape::collect_binds(dialect, expr, out);
                }
            }
            for condition in &self.conditions {
                if let ConditionNode::Annotation {
                    value: Some(value), ..
                } = condition
                {
                    out.push(value.clone());
                }
            }
        } else {
            self.qs.filter_binds(dialect, out);
            for condition in &self.conditions {
                match condition {
                    ConditionNode::Fields(expr) => shape::collect_binds(dialect, expr, out),
                    ConditionNode::Annotation { index, value, .. } => {
                        if let Some(annotation) = self.annotations.get(*index) {
                            annotation.collect_binds(dialect, out);
                        }
                        if let Some(value) = value {
                            out.push(value.clone());
                        }
                    }
                }
            }
            match &self.order {
                None => self.qs.order_binds(dialect, out),
                Some(order) => {
                    for term in order {
                        if let OrderTerm::Fields(order) = term {
                            order.collect_binds(dialect, out);
                        }
                    }
                }
            }
        }
        self.qs.part_limit_binds(out);
    }

    /// The shape of the `SELECT` (see [`crate::query::shape`]): the
    /// queryset's, then every annotation, condition and ordering term.
    pub(super) fn encode(&self, key: &mut ShapeKey<'_>) {
        self.qs.encode_shape(key);
        key.push(self.annotations.len());
        for annotation in &self.annotations {
            annotation.encode(key);
        }
        key.push(self.conditions.len());
        for condition in &self.conditions {
            match condition {
                ConditionNode::Fields(expr) => {
                    key.push(1);
                    key.expr(expr);
                }
                ConditionNode::Annotation { index, op, value } => {
                    key.push(2);
                    op.encode_test(*index, value.is_some(), key);
                }
            }
        }
        OrderTerm::encode_all(self.order.as_deref(), key);
    }
}

/// How the named form reads an ordering term on fields.
fn named_field<M>(j: usize, order: &OrderBy<M>) -> Named<'_, M> {
    if order.expr.is_none() {
        let column = normalize(ColRef {
            column: order.column,
            path: order.path,
        });
        if column.path.is_empty() {
            return Named::Column(column.column.column, nullable(column), order);
        }
    }
    Named::Selected(j, order)
}
