//! [`Node`]: the untyped expression tree behind [`F`](super::F).

use super::dates::{DatePart, TimeKind, TruncUnit};
use super::sql_type::CastTarget;
use crate::query::expr::{ColRef, Expr};
use crate::query::subquery::Sub;
use crate::value::Value;

/// One expression, as the compiler walks it.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    /// A column of the queryset's model or of a model reached through
    /// single-valued relations.
    Column(ColRef),
    /// A bound value.
    Value(Value),
    /// `left op right` on numbers of `kind`. Integer division truncates
    /// toward zero on every database; every division by zero gives `NULL`.
    Arith {
        op: ArithOp,
        kind: NumKind,
        /// The left and right operands, in one allocation.
        operands: Box<[Node; 2]>,
    },
    /// `column op value` on numbers of `kind`, for a column of the
    /// queryset's own model: [`Arith`](Node::Arith) of that column and
    /// that value (the same SQL, the same shape key), kept without an
    /// allocation, as `views + 1` in an `update()` is built on every call.
    ColumnArith {
        op: ArithOp,
        kind: NumKind,
        column: &'static crate::meta::ColumnMeta,
        value: Value,
    },
    /// A function of the arguments.
    Func { func: Func, args: Vec<Node> },
    /// `CAST(inner AS target)`; `truncate` drops a float's fraction first.
    Cast {
        target: CastTarget,
        truncate: bool,
        inner: Box<Node>,
    },
    /// A part of a date or time stored as `kind`, in UTC.
    DatePart {
        part: DatePart,
        kind: TimeKind,
        inner: Box<Node>,
    },
    /// A date or time stored as `kind` truncated to `unit`, in UTC.
    Trunc {
        unit: TruncUnit,
        kind: TimeKind,
        inner: Box<Node>,
    },
    /// `CASE WHEN c1 THEN v1 ... ELSE otherwise END`.
    Case {
        whens: Vec<(Expr, Node)>,
        otherwise: Option<Box<Node>>,
    },
    /// A scalar subquery: `(SELECT one value ...)`, `NULL` when it finds
    /// no row.
    Subquery(Sub),
    /// A column of the row of the query enclosing this expression's
    /// subquery (an `OuterRef`).
    Outer(ColRef),
}

/// An arithmetic operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArithOp {
    Add = 1,
    Sub,
    Mul,
    Div,
}

impl ArithOp {
    pub(crate) fn sql(self) -> &'static str {
        match self {
            ArithOp::Add => " + ",
            ArithOp::Sub => " - ",
            ArithOp::Mul => " * ",
            ArithOp::Div => " / ",
        }
    }
}

/// What kind of number an arithmetic node computes on.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumKind {
    Integer = 1,
    Float,
    /// Exact on PostgreSQL and MySQL; SQLite would compute in floating
    /// point, so strata refuses it there.
    Decimal,
}

/// A scalar function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Func {
    Lower = 1,
    Upper,
    /// In characters, on every database.
    Length,
    /// Text joined; `NULL` if any part is.
    Concat,
    /// `SUBSTR(text, start, length)`, 1-based, in characters; the length
    /// argument may be missing (to the end).
    Substr,
    /// The first argument that is not `NULL`.
    Coalesce,
}

impl Node {
    /// `left op right` on numbers of `kind`: a [`ColumnArith`]
    /// (Node::ColumnArith) when `left` is a column of the queryset's own
    /// model and `right` a value, else an [`Arith`](Node::Arith).
    pub(crate) fn arith(op: ArithOp, kind: NumKind, left: Node, right: Node) -> Node {
        match (left, right) {
            (Node::Column(column), Node::Value(value))
                if column.path.is_empty() && !column.path.overflowed() =>
            {
                Node::ColumnArith {
                    op,
                    kind,
                    column: column.column,
                    value,
                }
            }
            (left, right) => Node::Arith {
                op,
                kind,
                operands: Box::new([left, right]),
            },
        }
    }

    /// A [`ColumnArith`](Node::ColumnArith) as the [`Arith`](Node::Arith)
    /// it stands for (for the walks that rendering alone runs); any other
    /// node unchanged.
    pub(crate) fn expanded(&self) -> std::borrow::Cow<'_, Node> {
        match self {
            Node::ColumnArith {
                op,
                kind,
                column,
                value,
            } => std::borrow::Cow::Owned(Node::Arith {
                op: *op,
                kind: *kind,
                operands: Box::new([
                    Node::Column(ColRef {
                        column,
                        path: crate::relation::JoinPath::EMPTY,
                    }),
                    Node::Value(value.clone()),
                ]),
            }),
            other => std::borrow::Cow::Borrowed(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_arith_node_has_the_shape_and_binds_of_the_arith_it_stands_for() {
        for value in [Value::I64(Some(1)), Value::I64(None), Value::F64(Some(0.5))] {
            let node = Node::ColumnArith {
                op: ArithOp::Sub,
                kind: NumKind::Integer,
                column: &crate::query::expr::NO_COLUMN_META,
                value,
            };
            let expanded = node.expanded();
            assert!(matches!(&*expanded, Node::Arith { .. }));
            for dialect in crate::Dialect::ALL {
                assert!(crate::query::shape::same_node(dialect, &node, &expanded));
            }
        }
    }

    #[test]
    fn a_column_arith_node_makes_no_node_larger() {
        // The variant exists to save an allocation per `field op value`;
        // it must not cost every node bytes instead: its fields take no
        // more room than a column reference's.
        let fields =
            std::mem::size_of::<(ArithOp, NumKind, &'static crate::meta::ColumnMeta, Value)>();
        assert!(fields <= std::mem::size_of::<ColRef>(), "{fields}");
    }
}
