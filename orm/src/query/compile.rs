//! The compiler: one walk over the condition tree that writes SQL text and
//! binds together through [`SqlWriter`].

use super::expr::Expr;
use super::order::OrderBy;
use crate::meta::ColumnMeta;
use crate::writer::SqlWriter;

/// Appends ` WHERE ...` for the conjunction of `filters`, if any.
pub(crate) fn write_where(w: &mut SqlWriter, filters: &[Expr]) {
    if filters.is_empty() {
        return;
    }
    w.push_sql(" WHERE ");
    for (i, expr) in filters.iter().enumerate() {
        if i > 0 {
            w.push_sql(" AND ");
        }
        // A lone top-level OR needs parentheses next to its siblings.
        write_expr(w, expr, false, filters.len() > 1);
    }
}

/// Appends ` ORDER BY ...`, if any.
pub(crate) fn write_order_by<M>(w: &mut SqlWriter, order: &[OrderBy<M>]) {
    if order.is_empty() {
        return;
    }
    w.push_sql(" ORDER BY ");
    for (i, term) in order.iter().enumerate() {
        if i > 0 {
            w.push_sql(", ");
        }
        w.push_identifier(term.column.column);
        w.push_sql(if term.descending { " DESC" } else { " ASC" });
        if term.column.nullable {
            w.dialect().imp().write_nulls_order(w, term.descending);
        }
    }
}

/// Writes one condition. `negated` is true under an odd number of `NOT`s:
/// there, a lookup on a nullable column also requires the column to be
/// non-null, so that `NOT` keeps the rows where it is `NULL` (SQL's
/// three-valued logic would drop them). `nested` asks for parentheses
/// around a compound condition.
fn write_expr(w: &mut SqlWriter, expr: &Expr, negated: bool, nested: bool) {
    match expr {
        Expr::Compare { column, op, value } => {
            guard_null(w, column, negated, |w| {
                w.push_identifier(column.column);
                w.push_sql(op.sql());
                w.push_bind(value.clone());
            });
        }
        Expr::IsNull {
            column,
            negated: not_null,
        } => {
            w.push_identifier(column.column);
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
            guard_null(w, column, negated, |w| {
                w.push_identifier(column.column);
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
            guard_null(w, column, negated, |w| {
                w.push_identifier(column.column);
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
            guard_null(w, column, negated, |w| {
                let imp = w.dialect().imp();
                imp.write_text_lookup(w, column.column, *lookup, *case_insensitive, text);
            });
        }
        Expr::And(items) => write_compound(w, items, " AND ", negated, nested),
        Expr::Or(items) => write_compound(w, items, " OR ", negated, nested),
        Expr::Not(inner) => {
            w.push_sql("NOT (");
            write_expr(w, inner, !negated, false);
            w.push_sql(")");
        }
    }
}

fn write_compound(w: &mut SqlWriter, items: &[Expr], joiner: &str, negated: bool, nested: bool) {
    let parens = nested && items.len() > 1;
    if parens {
        w.push_sql("(");
    }
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            w.push_sql(joiner);
        }
        write_expr(w, item, negated, true);
    }
    if parens {
        w.push_sql(")");
    }
}

fn guard_null(
    w: &mut SqlWriter,
    column: &ColumnMeta,
    negated: bool,
    body: impl FnOnce(&mut SqlWriter),
) {
    if negated && column.nullable {
        w.push_sql("(");
        body(w);
        w.push_sql(" AND ");
        w.push_identifier(column.column);
        w.push_sql(" IS NOT NULL)");
    } else {
        body(w);
    }
}
