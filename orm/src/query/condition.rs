//! [`Q`]: a typed condition on model `M` (a wrapper of the untyped
//! [`Expr`] tree), the trait of what `filter` accepts, and the conditions
//! generated code and the instance methods build.

use super::expr::{ColRef, CompareOp, Expr};
use crate::meta::ColumnMeta;
use crate::relation::JoinPath;
use crate::value::Value;
use std::marker::PhantomData;

/// A condition on rows of model `M`, built from field lookups and combined
/// with [`and`](Q::and), [`or`](Q::or), [`not`](Q::not) (or `&`, `|`, `!`).
///
/// The model is part of the type, so a condition on another model's field
/// is rejected by the compiler.
pub struct Q<M> {
    pub(crate) expr: Expr,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for Q<M> {
    fn clone(&self) -> Self {
        Q::new(self.expr.clone())
    }
}

impl<M> std::fmt::Debug for Q<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.expr.fmt(f)
    }
}

impl<M> Q<M> {
    pub(crate) fn new(expr: Expr) -> Self {
        Q {
            expr,
            _model: PhantomData,
        }
    }

    /// Both conditions hold.
    pub fn and(self, other: Q<M>) -> Q<M> {
        Q::new(match (self.expr, other.expr) {
            (Expr::And(mut a), Expr::And(b)) => {
                a.extend(b);
                Expr::And(a)
            }
            (Expr::And(mut a), b) => {
                a.push(b);
                Expr::And(a)
            }
            (a, b) => Expr::And(vec![a, b]),
        })
    }

    /// Either condition holds.
    pub fn or(self, other: Q<M>) -> Q<M> {
        Q::new(match (self.expr, other.expr) {
            (Expr::Or(mut a), Expr::Or(b)) => {
                a.extend(b);
                Expr::Or(a)
            }
            (Expr::Or(mut a), b) => {
                a.push(b);
                Expr::Or(a)
            }
            (a, b) => Expr::Or(vec![a, b]),
        })
    }

    /// The condition does not hold. Rows where a compared nullable field is
    /// `NULL` count as not matching the inner condition, so they are kept
    /// (Django's `exclude` semantics).
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Q<M> {
        Q::new(match self.expr {
            Expr::Not(inner) => *inner,
            other => Expr::Not(Box::new(other)),
        })
    }
}

/// What [`QuerySet::filter`](super::QuerySet::filter) and `exclude`
/// accept: a condition on the queryset's own model.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a condition on `{M}`",
    label = "this condition is on another model's fields",
    note = "a `QuerySet<{M}>` is filtered with lookups on `{M}`'s own fields, e.g. `{M}::field().eq(value)`"
)]
pub trait IntoCondition<M> {
    /// The condition.
    fn into_condition(self) -> Q<M>;
}

impl<M> IntoCondition<M> for Q<M> {
    fn into_condition(self) -> Q<M> {
        self
    }
}

/// `column = value` on model `M`'s own column.
pub(crate) fn column_eq<M>(column: &'static ColumnMeta, value: Value) -> Q<M> {
    Q::new(Expr::Compare {
        column: ColRef {
            column,
            path: JoinPath::EMPTY,
        },
        op: CompareOp::Eq,
        value,
    })
}

/// `primary key = value` on model `M`.
pub(crate) fn pk_eq<M: crate::Model>(value: Value) -> Q<M> {
    Q::new(Expr::Compare {
        column: ColRef {
            column: M::META.pk(),
            path: JoinPath::EMPTY,
        },
        op: CompareOp::Eq,
        value,
    })
}

impl<M> std::ops::BitAnd for Q<M> {
    type Output = Q<M>;
    fn bitand(self, rhs: Q<M>) -> Q<M> {
        self.and(rhs)
    }
}

impl<M> std::ops::BitOr for Q<M> {
    type Output = Q<M>;
    fn bitor(self, rhs: Q<M>) -> Q<M> {
        self.or(rhs)
    }
}

impl<M> std::ops::Not for Q<M> {
    type Output = Q<M>;
    fn not(self) -> Q<M> {
        Q::not(self)
    }
}

/// `EXISTS` over the rows `path` reaches from a row of `R`, one of which
/// must satisfy `condition`. Used by generated `any(...)` methods.
pub fn exists<R, T>(path: JoinPath, condition: Q<T>) -> Q<R> {
    Q::new(Expr::Exists {
        path,
        condition: Box::new(condition.expr),
    })
}

/// The rows of `T` reached by walking `path` from the row of the path's
/// first model whose primary key is `key`.
pub(crate) fn reached_from<T>(path: JoinPath, key: Value) -> Q<T> {
    Q::new(Expr::ReachedFrom { path, key })
}
