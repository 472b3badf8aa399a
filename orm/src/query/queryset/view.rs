//! [`View`]: a queryset's state without its model type, for the code that
//! writes SQL from the state alone. Such code is compiled once in strata
//! instead of once per model: the prefetch `SELECT`, for one, is
//! instantiated for the target of every relation of every model, whether
//! an application prefetches it or not.

use super::{plan_of, selected_paths, QuerySet};
use crate::meta::ModelMeta;
use crate::model::Model;
use crate::query::compile::{normalize, JoinPlan};
use crate::query::expr::{ColRef, Expr};
use crate::query::order::OrderBy;
use crate::relation::JoinPath;
use crate::writer::SqlWriter;

/// A queryset's model and state, borrowed and untyped.
pub(super) struct View<'a> {
    pub(super) meta: &'static ModelMeta,
    pub(super) filters: &'a [Expr],
    pub(super) order: &'a [OrderBy<()>],
    pub(super) limit: Option<u64>,
    pub(super) offset: Option<u64>,
    pub(super) distinct: bool,
    pub(super) related: &'a [JoinPath],
}

impl<M: Model> QuerySet<M> {
    /// This queryset as a [`View`].
    #[inline]
    pub(super) fn view(&self) -> View<'_> {
        View {
            meta: M::META,
            filters: &self.filters,
            order: OrderBy::erase_slice(&self.order),
            limit: self.limit,
            offset: self.offset,
            distinct: self.distinct,
            related: &self.related,
        }
    }
}

impl View<'_> {
    /// The joins the queryset needs, select_related paths first (those
    /// only `with_related`).
    pub(super) fn plan(&self, with_related: bool) -> JoinPlan {
        let related: &[JoinPath] = if with_related { self.related } else { &[] };
        let mut plan = plan_of(self.meta, related, self.filters);
        for term in self.order {
            term.for_each_column(&mut |c| plan.add_column(c));
        }
        plan
    }

    /// The select_related paths (with their prefixes), in column order.
    pub(super) fn selected_paths(&self, plan: &JoinPlan) -> Vec<JoinPath> {
        selected_paths(plan, self.related)
    }

    /// Whether the queryset has a `LIMIT` or an `OFFSET`.
    pub(super) fn is_sliced(&self) -> bool {
        self.limit.is_some() || self.offset.is_some()
    }

    /// The ordering columns (with their term's index) that a `DISTINCT`
    /// select list must add: those of joined relations not selected.
    pub(super) fn distinct_order_columns(&self, selected: &[JoinPath]) -> Vec<(usize, ColRef)> {
        self.order
            .iter()
            .enumerate()
            .filter(|(_, term)| term.expr.is_none())
            .map(|(i, term)| {
                let column = normalize(ColRef {
                    column: term.column,
                    path: term.path,
                });
                (i, column)
            })
            .filter(|(_, c)| !c.path.is_empty() && !selected.contains(&c.path))
            .collect()
    }

    /// With `DISTINCT`, appends each ordering column of a joined relation
    /// that the select list lacks, as `, "t1"."name" AS "strata_order_0"`:
    /// PostgreSQL (and MySQL 8) refuse to order a `SELECT DISTINCT` by
    /// anything else. Decoding reads the leading columns and skips these.
    /// Ordering follows only single-valued relations (a multi-valued path
    /// does not compile), so the added columns never add rows.
    pub(super) fn write_distinct_order_columns(
        &self,
        w: &mut SqlWriter,
        plan: &JoinPlan,
        selected: &[JoinPath],
    ) {
        if !self.distinct {
            return;
        }
        for (i, column) in self.distinct_order_columns(selected) {
            w.push_sql(", ");
            plan.write_column(w, column);
            w.push_sql(" AS ");
            w.push_identifier(&format!("strata_order_{i}"));
        }
    }
}
