//! Ordering terms.

use super::field::Field;
use crate::meta::ColumnMeta;
use crate::relation::JoinPath;
use std::marker::PhantomData;

/// One `ORDER BY` term on a field of model `M`.
pub struct OrderBy<M> {
    pub(crate) column: &'static ColumnMeta,
    pub(crate) path: JoinPath,
    pub(crate) descending: bool,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for OrderBy<M> {
    fn clone(&self) -> Self {
        OrderBy::joined(self.column, self.path, self.descending)
    }
}

impl<M> std::fmt::Debug for OrderBy<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let dir = if self.descending { "desc" } else { "asc" };
        write!(f, "{} {dir}", self.column.field)
    }
}

impl<M> OrderBy<M> {
    pub(crate) fn new(column: &'static ColumnMeta, descending: bool) -> Self {
        OrderBy::joined(column, JoinPath::EMPTY, descending)
    }

    pub(crate) fn joined(column: &'static ColumnMeta, path: JoinPath, descending: bool) -> Self {
        OrderBy {
            column,
            path,
            descending,
            _model: PhantomData,
        }
    }
}

/// What [`QuerySet::order_by`](super::QuerySet::order_by) accepts: one
/// term (`Post::created_at().desc()`), a bare field (ascending), or an
/// array or `Vec` of terms.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot order a queryset of `{M}`",
    label = "not an ordering on `{M}`'s fields",
    note = "order_by takes `{M}::field().asc()` / `.desc()`, a bare `{M}::field()`, or an array or Vec of those; every term must be a field of `{M}`"
)]
pub trait IntoOrderBy<M> {
    /// The terms, most significant first.
    fn into_order_by(self) -> Vec<OrderBy<M>>;
}

impl<M> IntoOrderBy<M> for OrderBy<M> {
    fn into_order_by(self) -> Vec<OrderBy<M>> {
        vec![self]
    }
}

impl<M, T> IntoOrderBy<M> for Field<M, T> {
    fn into_order_by(self) -> Vec<OrderBy<M>> {
        vec![self.asc()]
    }
}

impl<M, const N: usize> IntoOrderBy<M> for [OrderBy<M>; N] {
    fn into_order_by(self) -> Vec<OrderBy<M>> {
        self.into_iter().collect()
    }
}

impl<M> IntoOrderBy<M> for Vec<OrderBy<M>> {
    fn into_order_by(self) -> Vec<OrderBy<M>> {
        self
    }
}
