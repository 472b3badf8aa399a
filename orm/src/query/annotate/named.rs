//! Tests and orderings of a value a query names or writes out: an
//! annotation, its select-list alias, an aggregate of a `GROUP BY`.

use super::AnnotationOp;
use crate::value::Value;
use crate::writer::SqlWriter;

/// Appends a test of a value that `write` writes (an annotation, or its
/// alias).
pub(crate) fn write_test(
    w: &mut SqlWriter,
    op: AnnotationOp,
    value: Option<&Value>,
    may_be_null: bool,
    write: &mut dyn FnMut(&mut SqlWriter),
) {
    match (op, value) {
        (AnnotationOp::Compare(op), Some(value)) => {
            write(w);
            w.push_sql(op.sql());
            w.push_bind(value.clone());
        }
        (AnnotationOp::NotEqual, Some(value)) => {
            // A `NULL` annotation differs from every value (Django's
            // `exclude`): an unknown comparison keeps the row.
            w.push_sql(if may_be_null {
                "NOT (COALESCE("
            } else {
                "NOT ("
            });
            write(w);
            w.push_sql(" = ");
            w.push_bind(value.clone());
            w.push_sql(if may_be_null { ", FALSE))" } else { ")" });
        }
        (AnnotationOp::IsNull(is_null), _) => {
            write(w);
            w.push_sql(if is_null { " IS NULL" } else { " IS NOT NULL" });
        }
        // Comparisons always carry a value.
        (_, None) => w.push_sql("1 = 0"),
    }
}

/// Appends an ordering on a named column (an alias, or a column of the
/// derived table), with the `NULL` placement every dialect shares (first
/// ascending, last descending).
pub(crate) fn write_named_order(
    w: &mut SqlWriter,
    name: &str,
    descending: bool,
    nulls_first: Option<bool>,
    may_be_null: bool,
) {
    crate::query::compile::write_order_term_as(
        w,
        &|w: &mut SqlWriter| w.push_identifier(name),
        may_be_null,
        descending,
        nulls_first,
    );
}
