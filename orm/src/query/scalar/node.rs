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
