//! Writes a [`Node`] as SQL through the [`SqlWriter`], columns qualified
//! by the query's [`JoinPlan`]; the dialect differences are methods of
//! [`SqlDialect`](crate::dialect::SqlDialect).

use super::{ArithOp, Func, Node, NumKind};
use crate::query::compile::{nullable, write_condition, JoinPlan};
use crate::writer::SqlWriter;

/// Appends `node`.
pub(crate) fn write_node(w: &mut SqlWriter, plan: &JoinPlan, node: &Node) {
    match node {
        Node::Column(column) => plan.write_column(w, *column),
        Node::Value(value) => w.push_bind(value.clone()),
        Node::Outer(column) => plan.write_outer_column(w, *column),
        Node::Subquery(query) => {
            w.push_sql("(");
            query.write(w, plan, crate::query::subquery::SubqueryUse::Scalar);
            w.push_sql(")");
        }
        Node::ColumnArith { .. } => write_node(w, plan, &node.expanded()),
        Node::Arith { op, kind, operands } => {
            let [left, right] = &**operands;
            w.push_sql("(");
            write_node(w, plan, left);
            if *op == ArithOp::Div {
                let imp = w.dialect().imp();
                w.push_sql(if *kind == NumKind::Integer {
                    imp.integer_division()
                } else {
                    " / "
                });
                // Division by zero is `NULL` everywhere (PostgreSQL would
                // raise an error).
                w.push_sql("NULLIF(");
                write_node(w, plan, right);
                w.push_sql(", 0)");
            } else {
                w.push_sql(op.sql());
                write_node(w, plan, right);
            }
            w.push_sql(")");
        }
        Node::Func { func, args } => {
            let imp = w.dialect().imp();
            match func {
                Func::Concat => {
                    let write_arg = |w: &mut SqlWriter, i: usize| write_node(w, plan, &args[i]);
                    imp.write_concat(w, args.len(), &write_arg);
                }
                _ => {
                    w.push_sql(match func {
                        Func::Lower => "LOWER(",
                        Func::Upper => "UPPER(",
                        Func::Length => imp.char_length_function(),
                        Func::Substr => "SUBSTR(",
                        Func::Coalesce | Func::Concat => "COALESCE(",
                    });
                    for (i, arg) in args.iter().enumerate() {
                        if i > 0 {
                            w.push_sql(", ");
                        }
                        write_node(w, plan, arg);
                    }
                    w.push_sql(")");
                }
            }
        }
        Node::Cast {
            target,
            truncate,
            inner,
        } => {
            let imp = w.dialect().imp();
            w.push_sql("CAST(");
            if *truncate {
                let write_inner = |w: &mut SqlWriter| write_node(w, plan, inner);
                imp.write_truncate(w, &write_inner);
            } else {
                write_node(w, plan, inner);
            }
            w.push_sql(" AS ");
            w.push_sql(imp.cast_type(*target));
            w.push_sql(")");
        }
        Node::DatePart { part, kind, inner } => {
            let imp = w.dialect().imp();
            let write_inner = |w: &mut SqlWriter| write_node(w, plan, inner);
            imp.write_date_part(w, *part, *kind, &write_inner);
        }
        Node::Trunc { unit, kind, inner } => {
            let imp = w.dialect().imp();
            let write_inner = |w: &mut SqlWriter| write_node(w, plan, inner);
            imp.write_trunc(w, *unit, *kind, &write_inner);
        }
        Node::Case { whens, otherwise } => {
            w.push_sql("CASE");
            for (condition, then) in whens {
                w.push_sql(" WHEN ");
                write_condition(w, plan, condition);
                w.push_sql(" THEN ");
                write_node(w, plan, then);
            }
            if let Some(otherwise) = otherwise {
                w.push_sql(" ELSE ");
                write_node(w, plan, otherwise);
            }
            w.push_sql(" END");
        }
    }
}

/// Whether `node` may be `NULL` (conservatively: `true` when unsure).
pub(crate) fn may_be_null(node: &Node) -> bool {
    match node {
        Node::Column(column) | Node::Outer(column) => nullable(*column),
        Node::Value(value) => value.is_null(),
        // No row gives `NULL`.
        Node::Subquery(_) => true,
        Node::Arith { op, operands, .. } => *op == ArithOp::Div || operands.iter().any(may_be_null),
        Node::ColumnArith {
            op, column, value, ..
        } => *op == ArithOp::Div || column.nullable || value.is_null(),
        Node::Func {
            func: Func::Coalesce,
            args,
        } => args.iter().all(may_be_null),
        Node::Func { args, .. } => args.iter().any(may_be_null),
        Node::Cast { inner, .. } | Node::DatePart { inner, .. } | Node::Trunc { inner, .. } => {
            may_be_null(inner)
        }
        Node::Case { whens, otherwise } => {
            whens.iter().any(|(_, then)| may_be_null(then))
                || otherwise.as_deref().is_none_or(may_be_null)
        }
    }
}

/// Why an expression cannot be the new value of an `UPDATE`.
pub(crate) enum UpdateValueError {
    /// It reads a field through a relation, which an `UPDATE` cannot join.
    Joined,
    /// One of its values is refused (see [`crate::value::check`]).
    Refused(crate::value::check::Refused),
    /// Decimal arithmetic, on SQLite.
    SqliteDecimal,
    /// A subquery of the updated table, on MySQL.
    MySqlSameTable,
}

impl UpdateValueError {
    pub(crate) fn into_error(self, model: &'static str, field: String) -> crate::Error {
        match self {
            UpdateValueError::Joined => crate::Error::InvalidQuery {
                model,
                reason: format!(
                    "update() can set `{field}` from an expression of {model}'s own fields only, \
                     not of a related model's; filter on the relation instead"
                ),
            },
            UpdateValueError::Refused(refused) => refused.into_error(field),
            UpdateValueError::SqliteDecimal => crate::query::queryset::sqlite_decimal_error(model),
            UpdateValueError::MySqlSameTable => crate::Error::InvalidQuery {
                model,
                reason: format!(
                    "MySQL cannot set `{field}` from a subquery that reads {model}'s own table \
                     (\"can't specify target table for update\"); compute the values first, or \
                     read them from another model"
                ),
            },
        }
    }
}

/// Checks that `expr` can be the new value of a column in an `UPDATE` of
/// `meta`'s table on `dialect` (written by [`write_update_value`]).
pub(crate) fn check_update_value(
    dialect: crate::Dialect,
    meta: &'static crate::meta::ModelMeta,
    expr: &Node,
    checks: crate::query::shape::Checks,
) -> Result<(), UpdateValueError> {
    if checks.shape() {
        let mut joined = false;
        expr.for_each_path(&mut |p| joined |= !p.is_empty());
        if joined {
            return Err(UpdateValueError::Joined);
        }
    }
    expr.check_values(dialect)
        .map_err(|(_, refused)| UpdateValueError::Refused(refused))?;
    if !checks.shape() {
        return Ok(());
    }
    if dialect == crate::Dialect::Sqlite && expr.has_decimal_arithmetic() {
        return Err(UpdateValueError::SqliteDecimal);
    }
    if dialect == crate::Dialect::MySql {
        let mut same_table = false;
        expr.for_each_scalar_subquery(&mut |q| same_table |= q.table() == meta.table);
        if same_table {
            return Err(UpdateValueError::MySqlSameTable);
        }
    }
    Ok(())
}

/// Appends `expr`, checked by [`check_update_value`], as the new value of
/// a column in an `UPDATE` of `meta`'s table: unqualified columns, no
/// joins.
pub(crate) fn write_update_value(
    w: &mut SqlWriter,
    meta: &'static crate::meta::ModelMeta,
    expr: &Node,
) {
    write_node(w, &JoinPlan::new(meta), expr);
}
