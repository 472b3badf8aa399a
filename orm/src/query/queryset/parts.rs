//! Read access to a queryset's parts for the query layers built on it
//! (values-querysets and subqueries), which live outside this module.

use super::{limit_binds, QuerySet};
use crate::dialect::Dialect;
use crate::error::Result;
use crate::model::Model;
use crate::query::compile::JoinPlan;
use crate::query::expr::Expr;
use crate::query::order::OrderBy;
use crate::query::shape::{Checks, ShapeKey};
use crate::value::Value;

impl<M: Model> QuerySet<M> {
    /// The filters, every one of which must hold.
    pub(crate) fn part_filters(&self) -> &[Expr] {
        &self.filters
    }

    /// Adds a filter.
    pub(crate) fn push_filter(&mut self, filter: Expr) {
        self.filters.push(filter);
    }

    /// The ordering (the model's default one unless replaced).
    pub(crate) fn part_order(&self) -> &[OrderBy<M>] {
        &self.order
    }

    /// Replaces the ordering.
    pub(crate) fn set_part_order(&mut self, order: Vec<OrderBy<M>>) {
        self.order = order;
    }

    /// `LIMIT` and `OFFSET`.
    pub(crate) fn part_slice(&self) -> (Option<u64>, Option<u64>) {
        (self.limit, self.offset)
    }

    /// Whether `distinct()` was called.
    pub(crate) fn part_distinct(&self) -> bool {
        self.distinct
    }

    /// The joins of the filters and ordering (no select_related).
    pub(crate) fn part_plan(&self) -> JoinPlan {
        self.plan(false)
    }

    /// The checks every terminal runs: refused values, too-deep paths.
    pub(crate) fn part_check(&self, dialect: Dialect, checks: Checks) -> Result<()> {
        self.check_filters(dialect, checks)?;
        if checks.shape() {
            self.check_paths()?;
        }
        Ok(())
    }

    /// The shape of the queryset (see [`crate::query::shape`]).
    pub(crate) fn part_encode(&self, key: &mut ShapeKey<'_>) {
        self.encode_shape(key);
    }

    /// The values the filters bind, in order.
    pub(crate) fn part_filter_binds(&self, dialect: Dialect, out: &mut Vec<Value>) {
        self.filter_binds(dialect, out);
    }

    /// The values the ordering binds, in order.
    pub(crate) fn part_order_binds(&self, dialect: Dialect, out: &mut Vec<Value>) {
        self.order_binds(dialect, out);
    }

    /// The values `LIMIT` / `OFFSET` bind.
    pub(crate) fn part_limit_binds(&self, out: &mut Vec<Value>) {
        limit_binds(out, self.limit, self.offset);
    }
}
