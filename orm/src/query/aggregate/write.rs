//! Writes an [`AggNode`], and the walks over it the compiler, the cache
//! and the checks need.

use super::{AggCast, AggFunc, AggNode};
use crate::dialect::{CastTarget, Dialect};
use crate::query::compile::{write_condition, JoinPlan};
use crate::query::expr::ColRef;
use crate::query::scalar::{write_node, Node};
use crate::query::shape::{collect_binds, ShapeKey};
use crate::relation::JoinPath;
use crate::value::Value;
use crate::writer::SqlWriter;

impl AggNode {
    /// Appends the aggregate.
    pub(crate) fn write(&self, w: &mut SqlWriter, plan: &JoinPlan) {
        self.write_over(w, plan, None);
    }

    /// Appends the aggregate, followed by `over` (a window's `OVER (..)`
    /// clause) inside the cast that makes its type alike everywhere.
    pub(crate) fn write_over(
        &self,
        w: &mut SqlWriter,
        plan: &JoinPlan,
        over: Option<&dyn Fn(&mut SqlWriter)>,
    ) {
        if let Some(concat) = &self.concat {
            self.write_string_agg(w, plan, concat);
            return;
        }
        if self.is_decimal_avg() {
            self.write_decimal_avg(w, plan, over);
            return;
        }
        let imp = w.dialect().imp();
        let outer_cast = match (self.func, self.cast) {
            (AggFunc::Sum, AggCast::BigInt) => Some(CastTarget::BigInt),
            (AggFunc::Sum, AggCast::Double) => Some(CastTarget::Double),
            _ => None,
        };
        if outer_cast.is_some() {
            w.push_sql("CAST(");
        }
        let func = match self.func {
            AggFunc::Count => "COUNT(",
            AggFunc::Sum => "SUM(",
            AggFunc::Avg => "AVG(",
            AggFunc::Min => "MIN(",
            AggFunc::Max => "MAX(",
            AggFunc::StringAgg => "STRING_AGG(",
        };
        match &self.arg {
            // In double precision everywhere: MySQL's AVG of integers
            // is a DECIMAL rounded to 4 places.
            Some(arg) if self.func == AggFunc::Avg => {
                let double = |w: &mut SqlWriter| {
                    w.push_sql("CAST(");
                    write_node(w, plan, arg);
                    w.push_sql(" AS ");
                    w.push_sql(imp.cast_type(CastTarget::Double));
                    w.push_sql(")");
                };
                self.write_call_with(w, plan, func, &double, over);
            }
            Some(arg) => self.write_call(w, plan, func, arg, over),
            None => self.write_call_with(w, plan, func, &|_: &mut SqlWriter| {}, over),
        }
        if let Some(target) = outer_cast {
            w.push_sql(" AS ");
            w.push_sql(imp.cast_type(target));
            w.push_sql(")");
        }
    }

    /// Appends `func` (`"SUM("`) of `arg` with the node's `DISTINCT`,
    /// filter and `over`.
    pub(crate) fn write_call(
        &self,
        w: &mut SqlWriter,
        plan: &JoinPlan,
        func: &str,
        arg: &Node,
        over: Option<&dyn Fn(&mut SqlWriter)>,
    ) {
        self.write_call_with(
            w,
            plan,
            func,
            &|w: &mut SqlWriter| write_node(w, plan, arg),
            over,
        );
    }

    /// [`write_call`](AggNode::write_call) of what `arg` writes; an `arg`
    /// that writes nothing is `*` (`COUNT(*)`).
    pub(crate) fn write_call_with(
        &self,
        w: &mut SqlWriter,
        plan: &JoinPlan,
        func: &str,
        arg: &dyn Fn(&mut SqlWriter),
        over: Option<&dyn Fn(&mut SqlWriter)>,
    ) {
        w.push_text(func);
        if self.distinct {
            w.push_sql("DISTINCT ");
        }
        let filter_clause = w.dialect().imp().aggregate_filter_clause();
        let case = match &self.filter {
            Some(condition) if !filter_clause => {
                w.push_sql("CASE WHEN ");
                write_condition(w, plan, condition);
                w.push_sql(" THEN ");
                true
            }
            _ => false,
        };
        match &self.arg {
            None if case => w.push_sql("1"),
            None => w.push_sql("*"),
            Some(_) => arg(w),
        }
        if case {
            w.push_sql(" END");
        }
        w.push_sql(")");
        if let (Some(condition), true) = (&self.filter, filter_clause) {
            w.push_sql(" FILTER (WHERE ");
            write_condition(w, plan, condition);
            w.push_sql(")");
        }
        if let Some(over) = over {
            over(w);
        }
    }

    /// Appends the values [`write`](AggNode::write) binds, in its order.
    pub(crate) fn collect_binds(&self, dialect: Dialect, out: &mut Vec<Value>) {
        if let Some(concat) = &self.concat {
            self.string_agg_binds(dialect, concat, out);
        } else if self.is_decimal_avg() {
            self.decimal_avg_binds(dialect, out);
        } else {
            self.call_binds(dialect, out);
        }
    }

    /// The values one [`write_call`](AggNode::write_call) binds.
    pub(crate) fn call_binds(&self, dialect: Dialect, out: &mut Vec<Value>) {
        let filter_clause = dialect.imp().aggregate_filter_clause();
        if let (Some(condition), false) = (&self.filter, filter_clause) {
            collect_binds(dialect, condition, out);
        }
        if let Some(arg) = &self.arg {
            arg.collect_binds(dialect, out);
        }
        if let (Some(condition), true) = (&self.filter, filter_clause) {
            collect_binds(dialect, condition, out);
        }
    }

    /// Why strata cannot compute this aggregate exactly alike on
    /// `dialect`, if it cannot.
    pub(crate) fn refusal(&self, dialect: Dialect) -> Option<String> {
        if let Some(concat) = &self.concat {
            return self.string_agg_refusal(dialect, concat);
        }
        if self.is_decimal_avg() {
            return self.decimal_avg_refusal(dialect);
        }
        (self.cast == AggCast::Decimal && dialect == Dialect::Sqlite).then(|| {
            "SQLite has no exact decimal arithmetic, so it cannot Sum a Decimal field \
             exactly; sum it in Rust, or store it as an integer of its smallest unit"
                .into()
        })
    }

    /// Calls `f` with every column the aggregate reads at its query level.
    pub(crate) fn for_each_column(&self, f: &mut dyn FnMut(ColRef)) {
        if let Some(arg) = &self.arg {
            arg.for_each_column(f);
        }
        if let Some(condition) = &self.filter {
            condition.for_each_column(f);
        }
        for term in self.concat.iter().flat_map(|c| &c.order) {
            term.for_each_column(f);
        }
    }

    /// Calls `f` with the path of every `EXISTS` of its conditions.
    pub(crate) fn for_each_exists(&self, f: &mut impl FnMut(JoinPath)) {
        if let Some(arg) = &self.arg {
            arg.for_each_condition(&mut |e| e.for_each_exists(f));
        }
        if let Some(condition) = &self.filter {
            condition.for_each_exists(f);
        }
        for expr in self.order_exprs() {
            expr.for_each_condition(&mut |e| e.for_each_exists(f));
        }
    }

    /// The expressions a `StringAgg` orders by.
    fn order_exprs(&self) -> impl Iterator<Item = &Node> {
        self.concat
            .iter()
            .flat_map(|c| &c.order)
            .filter_map(|t| t.expr.as_deref())
    }

    /// Calls `f` with every relation path, subqueries included.
    pub(crate) fn for_each_path(&self, f: &mut dyn FnMut(JoinPath)) {
        if let Some(arg) = &self.arg {
            arg.for_each_path(f);
        }
        if let Some(condition) = &self.filter {
            condition.for_each_path(f);
        }
        for term in self.concat.iter().flat_map(|c| &c.order) {
            term.for_each_path(f);
        }
    }

    /// Whether writing it needs a subquery.
    pub(crate) fn has_subquery(&self) -> bool {
        self.arg.as_ref().is_some_and(|a| a.has_subquery())
            || self.filter.as_ref().is_some_and(|c| c.has_subquery())
            || self.order_exprs().any(Node::has_subquery)
    }

    /// Checks its values (see [`crate::value::check`]).
    pub(crate) fn check_values(
        &self,
        dialect: Dialect,
    ) -> Result<(), (Option<ColRef>, crate::value::check::Refused)> {
        if let Some(arg) = &self.arg {
            arg.check_values(dialect)?;
        }
        for expr in self.order_exprs() {
            expr.check_values(dialect)?;
        }
        if let Some(condition) = &self.filter {
            condition
                .check_values(dialect)
                .map_err(|(c, r)| (Some(c), r))?;
        }
        Ok(())
    }
}

impl ShapeKey<'_> {
    /// An aggregate's shape.
    pub(crate) fn aggregate(&mut self, agg: &AggNode) {
        self.push(agg.func as usize | (agg.cast as usize) << 4 | usize::from(agg.distinct) << 8);
        match &agg.arg {
            Some(arg) => {
                self.push(1);
                self.node(arg);
            }
            None => self.push(0),
        }
        match &agg.filter {
            Some(condition) => {
                self.push(1);
                self.expr(condition);
            }
            None => self.push(0),
        }
        // The separator is a literal on MySQL; the places of a decimal
        // average follow a bound value's scale.
        if let Some(concat) = &agg.concat {
            self.push(concat.order.len());
            for term in &concat.order {
                term.encode(self);
            }
            self.push(concat.separator.len());
            for byte in concat.separator.bytes() {
                self.push(usize::from(byte));
            }
        }
        if agg.is_decimal_avg() {
            self.push(agg.decimal_avg_places().map_or(0, |p| p as usize + 1));
        }
    }
}
