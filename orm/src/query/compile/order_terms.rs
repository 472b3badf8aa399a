//! The terms of an `ORDER BY`: each column or expression with its
//! direction and the `NULL` placement every dialect shares.

use super::JoinPlan;
use crate::query::expr::ColRef;
use crate::query::order::OrderBy;
use crate::query::scalar::{may_be_null, write_node, Node};
use crate::writer::SqlWriter;

/// Appends ` ORDER BY ...`, if any.
pub(crate) fn write_order_by<M>(w: &mut SqlWriter, plan: &JoinPlan, order: &[OrderBy<M>]) {
    if order.is_empty() {
        return;
    }
    w.push_sql(" ORDER BY ");
    write_order_terms(w, plan, order);
}

/// Appends the terms of an ordering, comma-separated, each with its
/// direction and the `NULL` placement every dialect shares.
pub(crate) fn write_order_terms<M>(w: &mut SqlWriter, plan: &JoinPlan, order: &[OrderBy<M>]) {
    for (i, term) in order.iter().enumerate() {
        if i > 0 {
            w.push_sql(", ");
        }
        write_order_term(
            w,
            plan,
            ColRef {
                column: term.column,
                path: term.path,
            },
            term.expr.as_deref(),
            term.descending,
            term.nulls_first,
        );
    }
}

/// One term of an ordering: `column` (or `expr` instead), its direction
/// and `NULL` placement. Not generic, so it is compiled once rather than
/// for every model.
fn write_order_term(
    w: &mut SqlWriter,
    plan: &JoinPlan,
    column: ColRef,
    expr: Option<&Node>,
    descending: bool,
    nulls_first: Option<bool>,
) {
    let may_be_null = match expr {
        Some(expr) => may_be_null(expr),
        None => nullable(column),
    };
    write_order_term_as(
        w,
        &|w: &mut SqlWriter| match expr {
            Some(expr) => write_node(w, plan, expr),
            None => plan.write_column(w, column),
        },
        may_be_null,
        descending,
        nulls_first,
    );
}

/// One term of an ordering whose value `write_term` writes (`may_be_null`
/// says whether it can be `NULL`), with its direction and `NULL`
/// placement.
pub(crate) fn write_order_term_as(
    w: &mut SqlWriter,
    write_term: &dyn Fn(&mut SqlWriter),
    may_be_null: bool,
    descending: bool,
    nulls_first: Option<bool>,
) {
    let imp = w.dialect().imp();
    if let (Some(first), true) = (nulls_first, imp.nulls_order_before_term()) {
        write_term(w);
        w.push_sql(if first {
            " IS NULL DESC, "
        } else {
            " IS NULL ASC, "
        });
    }
    write_term(w);
    w.push_sql(if descending { " DESC" } else { " ASC" });
    match nulls_first {
        Some(_) if imp.nulls_order_before_term() => {}
        Some(first) => w.push_sql(if first { " NULLS FIRST" } else { " NULLS LAST" }),
        None if may_be_null => imp.write_nulls_order(w, descending),
        None => {}
    }
}

/// Whether a column reference can be `NULL`: a nullable column, or any
/// column reached through a nullable foreign key (the join may miss).
pub(crate) fn nullable(column: ColRef) -> bool {
    column.column.nullable || column.path.hops().any(|h| h.nullable)
}
