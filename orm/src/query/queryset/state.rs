//! [`State`]: what a [`QuerySet`](super::QuerySet) holds.
//!
//! A queryset keeps the statement it rendered last (its
//! [`Memo`](crate::query::shape::Memo)), so that running the same value
//! again skips the shape key and the cache lookup. The queryset reaches
//! its state through `Deref` and `DerefMut`, and `DerefMut` forgets the
//! statement: no code that changes a queryset can leave a stale one
//! behind, however it changes it.

use super::row_lock::RowLock;
use crate::model::Model;
use crate::query::expr::Expr;
use crate::query::order::OrderBy;
use crate::relation::prefetch::PrefetchSpec;
use crate::relation::JoinPath;
use std::marker::PhantomData;

/// The filters, ordering, slicing and relations of a queryset; opaque.
#[doc(hidden)]
pub struct State<M: Model> {
    pub(super) filters: Vec<Expr>,
    pub(super) order: Vec<OrderBy<M>>,
    pub(super) limit: Option<u64>,
    pub(super) offset: Option<u64>,
    pub(super) distinct: bool,
    /// Paths loaded in the same query by `select_related`.
    pub(super) related: Vec<JoinPath>,
    /// Paths loaded by one more query each, by `prefetch_related`.
    pub(super) prefetch: Vec<PrefetchSpec>,
    /// `FOR UPDATE`, by `select_for_update`.
    pub(super) lock: Option<RowLock>,
    pub(super) _model: PhantomData<fn() -> M>,
}

impl<M: Model> Clone for State<M> {
    fn clone(&self) -> Self {
        State {
            filters: self.filters.clone(),
            order: self.order.clone(),
            limit: self.limit,
            offset: self.offset,
            distinct: self.distinct,
            related: self.related.clone(),
            prefetch: self.prefetch.clone(),
            lock: self.lock.clone(),
            _model: PhantomData,
        }
    }
}
