//! The `SELECT` of a values-queryset (and of any queryset used as a
//! subquery): its select list, `GROUP BY` and ordering, as a statement of
//! its own or inside another query.

use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::query::aggregate::{AggFunc, AggNode};
use crate::query::annotate::{
    write_named_order, write_test, AnnotationNode, ConditionNode, OrderTerm,
};
use crate::query::compile::{normalize, write_order_by, write_order_terms, write_where, JoinPlan};
use crate::query::expr::{ColRef, Expr};
use crate::query::scalar::{may_be_null, write_node, Node};
use crate::query::shape::{Checks, ShapeKey};
use crate::query::subquery::SubqueryUse;
use crate::query::QuerySet;
use crate::value::Value;
use crate::writer::SqlWriter;

/// A queryset with what it selects: expressions (`values`), aggregates
/// per group of them (`annotate`), or nothing (`SELECT 1`, for `EXISTS`).
pub(crate) struct Body<M: Model> {
    pub(crate) qs: QuerySet<M>,
    pub(crate) select: Vec<Node>,
    pub(crate) aggs: Vec<AggNode>,
    /// The annotations of the annotated queryset the values come from,
    /// checked as it checks them.
    pub(crate) checks: Vec<AnnotationNode>,
    /// Why the statement cannot run, found while building it.
    pub(crate) refusal: Option<&'static str>,
    /// Tests of the aggregates (`values(..).annotate(..).filter(Ann0..)`),
    /// in `HAVING`.
    pub(crate) having: Vec<ConditionNode>,
    /// An ordering by fields and aggregates, replacing the queryset's.
    pub(crate) agg_order: Option<Vec<OrderTerm<M>>>,
}

impl<M: Model> Body<M> {
    /// The `SELECT` of `select` over `qs`.
    pub(crate) fn new(qs: QuerySet<M>, select: Vec<Node>) -> Self {
        Body {
            qs,
            select,
            aggs: Vec::new(),
            checks: Vec::new(),
            refusal: None,
            having: Vec::new(),
            agg_order: None,
        }
    }
}

impl<M: Model> Clone for Body<M> {
    fn clone(&self) -> Self {
        Body {
            qs: self.qs.clone(),
            select: self.select.clone(),
            aggs: self.aggs.clone(),
            checks: self.checks.clone(),
            refusal: self.refusal,
            having: self.having.clone(),
            agg_order: self.agg_order.clone(),
        }
    }
}

impl<M: Model> std::fmt::Debug for Body<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Values")
            .field("queryset", &self.qs)
            .field("select", &self.select)
            .field("annotate", &self.aggs)
            .field("having", &self.having)
            .field("order", &self.agg_order)
            .finish()
    }
}

impl<M: Model> Body<M> {
    fn is_sliced(&self) -> bool {
        let (limit, offset) = self.qs.part_slice();
        limit.is_some() || offset.is_some()
    }

    /// Whether the `SELECT` is written with its `ORDER BY`: always as a
    /// statement of its own, in a subquery only where it picks the rows
    /// of a slice.
    fn writes_order(&self, usage: Option<SubqueryUse>) -> bool {
        usage.is_none() || self.is_sliced()
    }

    /// Joins what the select list, filters and (if written) ordering
    /// read.
    fn fill_plan(&self, plan: &mut JoinPlan, with_order: bool) {
        for filter in self.qs.part_filters() {
            plan.add_condition(filter);
        }
        if with_order {
            match &self.agg_order {
                Some(order) => {
                    for term in order {
                        if let OrderTerm::Fields(term) = term {
                            term.for_each_column(&mut |c| plan.add_column(c));
                        }
                    }
                }
                None => {
                    for term in self.qs.part_order() {
                        term.for_each_column(&mut |c| plan.add_column(c));
                    }
                }
            }
        }
        for node in &self.select {
            plan.add_condition(&Expr::NodeIsNull {
                node: node.clone(),
                negated: false,
            });
        }
        for agg in &self.aggs {
            agg.for_each_column(&mut |c| plan.add_column(c));
            agg.for_each_exists(&mut |p| {
                let k = p.first_many().unwrap_or(0);
                plan.add(p.prefix(k));
            });
        }
    }

    /// Writes the statement on its own.
    pub(crate) fn write_statement(&self, w: &mut SqlWriter) {
        let mut plan = self.qs.part_plan();
        self.fill_plan(&mut plan, true);
        self.write_select(w, &plan, None);
    }

    /// Writes the `SELECT` as a subquery of the query `outer` plans, its
    /// outer references starting at the model `prefix` reaches.
    pub(crate) fn write_subquery(
        &self,
        w: &mut SqlWriter,
        outer: &JoinPlan,
        prefix: crate::relation::JoinPath,
        usage: SubqueryUse,
    ) {
        let mut plan = outer.nested(M::META, prefix);
        self.fill_plan(&mut plan, self.writes_order(Some(usage)));
        // `NULL`s never equal anything (as in an in-list): dropped from
        // an `IN` subquery, so that its negation keeps the rows that
        // differ from every value.
        let drop_nulls = usage == SubqueryUse::In && self.select.first().is_some_and(may_be_null);
        // MySQL cannot `LIMIT` an `IN` subquery, and the `NULL`s of a
        // slice are dropped after slicing: both read a derived table.
        let wrap = usage == SubqueryUse::In
            && self.is_sliced()
            && (drop_nulls || w.dialect() == Dialect::MySql);
        if !wrap {
            self.write_select_with(w, &plan, Some(usage), drop_nulls, false);
            return;
        }
        w.push_sql("SELECT ");
        w.push_identifier("v");
        w.push_sql(" FROM (");
        self.write_select_with(w, &plan, Some(usage), false, true);
        w.push_sql(") AS ");
        w.push_identifier("subquery");
        if drop_nulls {
            w.push_sql(" WHERE ");
            w.push_identifier("v");
            w.push_sql(" IS NOT NULL");
        }
    }

    fn write_select(&self, w: &mut SqlWriter, plan: &JoinPlan, usage: Option<SubqueryUse>) {
        self.write_select_with(w, plan, usage, false, false);
    }

    fn write_select_with(
        &self,
        w: &mut SqlWriter,
        plan: &JoinPlan,
        usage: Option<SubqueryUse>,
        drop_nulls: bool,
        named: bool,
    ) {
        w.push_sql(if self.qs.part_distinct() {
            "SELECT DISTINCT "
        } else {
            "SELECT "
        });
        if self.select.is_empty() && self.aggs.is_empty() {
            w.push_sql("1");
        }
        let mut first = true;
        for node in &self.select {
            if !first {
                w.push_sql(", ");
            }
            first = false;
            write_node(w, plan, node);
            if named {
                // The name the derived table around it is read by.
                w.push_sql(" AS ");
                w.push_identifier("v");
            }
        }
        let aliased = self.orders_by_aggregate();
        for (i, agg) in self.aggs.iter().enumerate() {
            if !first {
                w.push_sql(", ");
            }
            first = false;
            agg.write(w, plan);
            if aliased {
                w.push_sql(" AS ");
                w.push_identifier(&format!("strata_a{i}"));
            }
        }
        plan.write_from(w);
        let filters = self.qs.part_filters();
        write_where(w, plan, filters);
        if drop_nulls {
            w.push_sql(if filters.is_empty() {
                " WHERE "
            } else {
                " AND "
            });
            if let Some(node) = self.select.first() {
                write_node(w, plan, node);
            }
            w.push_sql(" IS NOT NULL");
        }
        if !self.aggs.is_empty() && !self.select.is_empty() {
            // By position: the same text as the select list would repeat
            // its bound values.
            w.push_sql(" GROUP BY ");
            for i in 1..=self.select.len() {
                if i > 1 {
                    w.push_sql(", ");
                }
                w.push_text(&i.to_string());
            }
        }
        self.write_having(w, plan);
        if self.writes_order(usage) {
            match &self.agg_order {
                Some(order) => self.write_agg_order(w, plan, order),
                None => write_order_by(w, plan, self.qs.part_order()),
            }
        }
        let (limit, offset) = self.qs.part_slice();
        w.dialect().imp().write_limit_offset(w, limit, offset);
    }

    /// Whether the ordering names an aggregate, which is then selected
    /// with an alias to order by.
    fn orders_by_aggregate(&self) -> bool {
        self.agg_order
            .iter()
            .flatten()
            .any(|t| matches!(t, OrderTerm::Annotation { .. }))
    }

    /// Appends ` HAVING ..`: the tests of the aggregates, each written
    /// out (PostgreSQL cannot name a select-list alias there).
    fn write_having(&self, w: &mut SqlWriter, plan: &JoinPlan) {
        let mut first = true;
        for condition in &self.having {
            let ConditionNode::Annotation { index, op, value } = condition else {
                continue;
            };
            w.push_sql(if first { " HAVING " } else { " AND " });
            first = false;
            let Some(agg) = self.aggs.get(*index) else {
                // The types guarantee the aggregate exists.
                w.push_sql("1 = 0");
                continue;
            };
            let may_be_null = agg.func != AggFunc::Count;
            write_test(w, *op, value.as_ref(), may_be_null, &mut |w| {
                agg.write(w, plan)
            });
        }
    }

    /// Appends ` ORDER BY ..` of fields and aggregates (by alias).
    fn write_agg_order(&self, w: &mut SqlWriter, plan: &JoinPlan, order: &[OrderTerm<M>]) {
        if order.is_empty() {
            return;
        }
        w.push_sql(" ORDER BY ");
        for (i, term) in order.iter().enumerate() {
            if i > 0 {
                w.push_sql(", ");
            }
            match term {
                OrderTerm::Fields(term) => write_order_terms(w, plan, std::slice::from_ref(term)),
                OrderTerm::Annotation {
                    index,
                    descending,
                    nulls_first,
                } => {
                    let may_be_null = self
                        .aggs
                        .get(*index)
                        .is_some_and(|a| a.func != AggFunc::Count);
                    write_named_order(
                        w,
                        &format!("strata_a{index}"),
                        *descending,
                        *nulls_first,
                        may_be_null,
                    );
                }
            }
        }
    }

    /// The values the `SELECT` binds, in order.
    pub(crate) fn collect_binds(
        &self,
        dialect: Dialect,
        usage: Option<SubqueryUse>,
        out: &mut Vec<Value>,
    ) {
        for node in &self.select {
            node.collect_binds(dialect, out);
        }
        for agg in &self.aggs {
            agg.collect_binds(dialect, out);
        }
        self.qs.part_filter_binds(dialect, out);
        let drop_nulls = usage == Some(SubqueryUse::In)
            && !self.is_sliced()
            && self.select.first().is_some_and(may_be_null);
        if drop_nulls {
            if let Some(node) = self.select.first() {
                node.collect_binds(dialect, out);
            }
        }
        for condition in &self.having {
            if let ConditionNode::Annotation { index, value, .. } = condition {
                if let Some(agg) = self.aggs.get(*index) {
                    agg.collect_binds(dialect, out);
                }
                if let Some(value) = value {
                    out.push(value.clone());
                }
            }
        }
        if self.writes_order(usage) {
            match &self.agg_order {
                Some(order) => {
                    for term in order {
                        if let OrderTerm::Fields(term) = term {
                            term.collect_binds(dialect, out);
                        }
                    }
                }
                None => self.qs.part_order_binds(dialect, out),
            }
        }
        self.qs.part_limit_binds(out);
    }

    /// The shape of the `SELECT` (see [`crate::query::shape`]).
    pub(crate) fn encode(&self, key: &mut ShapeKey<'_>) {
        self.qs.part_encode(key);
        key.push(self.select.len());
        for node in &self.select {
            key.node(node);
        }
        key.push(self.aggs.len());
        for agg in &self.aggs {
            key.aggregate(agg);
        }
        if self.having.is_empty() && self.agg_order.is_none() {
            return;
        }
        key.push(self.having.len());
        for condition in &self.having {
            if let ConditionNode::Annotation { index, op, value } = condition {
                op.encode_test(*index, value.is_some(), key);
            }
        }
        OrderTerm::encode_all(self.agg_order.as_deref(), key);
    }

    /// Checks the values of the select list and aggregates; on a refused
    /// one, its column.
    pub(crate) fn check_selected_values(
        &self,
        dialect: Dialect,
    ) -> std::result::Result<(), (Option<ColRef>, crate::value::check::Refused)> {
        for node in &self.select {
            node.check_values(dialect)?;
        }
        for agg in &self.aggs {
            agg.check_values(dialect)?;
        }
        Ok(())
    }

    /// Whether any part computes decimal arithmetic.
    pub(crate) fn has_decimal_arithmetic(&self) -> bool {
        self.qs
            .part_filters()
            .iter()
            .any(Expr::has_decimal_arithmetic)
            || self.select.iter().any(Node::has_decimal_arithmetic)
            || self.aggs.iter().any(|a| {
                a.arg.as_ref().is_some_and(|n| n.has_decimal_arithmetic())
                    || a.filter
                        .as_ref()
                        .is_some_and(|c| c.has_decimal_arithmetic())
            })
            || self
                .qs
                .part_order()
                .iter()
                .any(|o| o.expr.as_ref().is_some_and(|e| e.has_decimal_arithmetic()))
    }

    /// The checks of a statement of its own: those of the queryset, of
    /// the selected values, and the orderings `DISTINCT` and `GROUP BY`
    /// allow on every database alike.
    ///
    /// With [`Checks::Values`], only the checks of the bound values (for a
    /// shape whose checks passed before).
    pub(crate) fn check_parts(&self, dialect: Dialect, checks: Checks) -> Result<()> {
        let model = M::META.name;
        let invalid = |reason: String| Error::InvalidQuery { model, reason };
        if let Some(reason) = self.refusal {
            return Err(invalid(reason.into()));
        }
        self.qs.part_check(dialect, checks)?;
        for annotation in &self.checks {
            annotation.check(model, dialect, checks)?;
        }
        for condition in &self.having {
            if let ConditionNode::Annotation {
                index,
                value: Some(value),
                ..
            } = condition
            {
                crate::value::check::for_filter(value, dialect).map_err(|refused| {
                    refused.into_error(format!("aggregate {} of {model}", index + 1))
                })?;
            }
        }
        self.check_selected_values(dialect)
            .map_err(|(column, refused)| {
                let name = match column {
                    Some(c) => format!("{model}.{}", c.column.field),
                    None => format!("a selected expression of {model}"),
                };
                refused.into_error(name)
            })?;
        if checks.shape() {
            self.check_shape(dialect)?;
        }
        Ok(())
    }

    /// The checks of the statement's shape (see [`check_parts`](Self::check_parts)).
    fn check_shape(&self, dialect: Dialect) -> Result<()> {
        let model = M::META.name;
        let invalid = |reason: String| Error::InvalidQuery { model, reason };
        if dialect == Dialect::Sqlite && self.has_decimal_arithmetic() {
            return Err(crate::query::queryset::sqlite_decimal_error(model));
        }
        if let Some(reason) = self.aggs.iter().find_map(|a| a.refusal(dialect)) {
            return Err(invalid(reason));
        }
        let mut deep = false;
        for node in &self.select {
            node.for_each_path(&mut |p| deep |= p.overflowed());
        }
        if deep {
            return Err(invalid(format!(
                "a relation path is longer than {} hops",
                crate::relation::MAX_HOPS
            )));
        }
        let grouped = !self.aggs.is_empty();
        if grouped || self.qs.part_distinct() {
            let what = if grouped {
                "values(..).annotate(..)"
            } else {
                "values(..).distinct()"
            };
            let fields: Vec<&crate::query::order::OrderBy<M>> = match &self.agg_order {
                Some(order) => order
                    .iter()
                    .filter_map(|t| match t {
                        OrderTerm::Fields(term) => Some(term),
                        OrderTerm::Annotation { .. } => None,
                    })
                    .collect(),
                None => self.qs.part_order().iter().collect(),
            };
            for term in fields {
                let selected = term.expr.is_none() && {
                    let column = normalize(ColRef {
                        column: term.column,
                        path: term.path,
                    });
                    self.select.iter().any(|n| match n {
                        Node::Column(c) => {
                            let c = normalize(*c);
                            std::ptr::eq(c.column, column.column) && c.path == column.path
                        }
                        _ => false,
                    })
                };
                if !selected {
                    return Err(invalid(format!(
                        "{what} can only be ordered by selected fields (PostgreSQL and MySQL \
                         refuse anything else), not by `{}`; select it, order by a selected \
                         field, or call order_by([]) first",
                        term.column.field
                    )));
                }
            }
        }
        Ok(())
    }
}
