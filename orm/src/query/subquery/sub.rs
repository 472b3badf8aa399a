//! [`Sub`]: a queryset inside another query's condition or expression,
//! type-erased, with what the compiler, the statement cache and the
//! checks need of it.

use crate::dialect::Dialect;
use crate::model::Model;
use crate::query::compile::JoinPlan;
use crate::query::expr::{ColRef, NO_COLUMN};
use crate::query::shape::ShapeKey;
use crate::query::values::Body;
use crate::relation::JoinPath;
use crate::value::check::Refused;
use crate::value::Value;
use crate::writer::SqlWriter;
use std::sync::Arc;

/// How a subquery is used, which decides how it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SubqueryUse {
    /// `(SELECT value ...)`, one value or `NULL`.
    Scalar = 1,
    /// `column IN (SELECT value ...)`.
    In,
    /// `EXISTS (SELECT 1 ...)`.
    Exists,
}

/// A queryset's `SELECT` as another query writes it.
pub(crate) trait SubqueryBody: Send + Sync + std::fmt::Debug {
    fn write(&self, w: &mut SqlWriter, outer: &JoinPlan, prefix: JoinPath, usage: SubqueryUse);
    fn encode(&self, key: &mut ShapeKey<'_>);
    fn collect_binds(&self, dialect: Dialect, usage: SubqueryUse, out: &mut Vec<Value>);
    fn check_values(&self, dialect: Dialect) -> Result<(), (ColRef, Refused)>;
    fn has_decimal_arithmetic(&self) -> bool;
    /// The table the subquery reads rows of.
    fn table(&self) -> &'static str;
}

impl<M: Model> SubqueryBody for Body<M> {
    fn write(&self, w: &mut SqlWriter, outer: &JoinPlan, prefix: JoinPath, usage: SubqueryUse) {
        self.write_subquery(w, outer, prefix, usage);
    }

    fn encode(&self, key: &mut ShapeKey<'_>) {
        Body::encode(self, key);
    }

    fn collect_binds(&self, dialect: Dialect, usage: SubqueryUse, out: &mut Vec<Value>) {
        Body::collect_binds(self, dialect, Some(usage), out);
    }

    fn check_values(&self, dialect: Dialect) -> Result<(), (ColRef, Refused)> {
        for filter in self.qs.part_filters() {
            filter.check_values(dialect)?;
        }
        for term in self.qs.part_order() {
            if let Some(expr) = &term.expr {
                expr.check_values(dialect)
                    .map_err(|(c, r)| (c.unwrap_or(NO_COLUMN), r))?;
            }
        }
        self.check_selected_values(dialect)
            .map_err(|(c, r)| (c.unwrap_or(NO_COLUMN), r))
    }

    fn has_decimal_arithmetic(&self) -> bool {
        Body::has_decimal_arithmetic(self)
    }

    fn table(&self) -> &'static str {
        M::META.table
    }
}

/// A subquery in a condition or expression.
#[derive(Clone)]
pub(crate) struct Sub {
    body: Arc<dyn SubqueryBody>,
    usage: SubqueryUse,
    /// The path from the enclosing query's model to the model the outer
    /// references start at (not empty once the condition holding the
    /// subquery is moved under a relation, as `any(..)` does).
    prefix: JoinPath,
    /// The enclosing query's columns the subquery reads (relative to the
    /// model at the end of `prefix`).
    outer_columns: Arc<[ColRef]>,
}

impl std::fmt::Debug for Sub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} subquery {:?}", self.usage, self.body)
    }
}

impl Sub {
    pub(crate) fn new<M: Model>(body: Body<M>, usage: SubqueryUse, outer: Vec<ColRef>) -> Sub {
        Sub {
            body: Arc::new(body),
            usage,
            prefix: JoinPath::EMPTY,
            outer_columns: outer.into(),
        }
    }

    /// A subquery of another kind of body than a queryset's (an
    /// annotation's aggregate over a relation).
    pub(crate) fn from_body(
        body: Arc<dyn SubqueryBody>,
        usage: SubqueryUse,
        outer: Vec<ColRef>,
    ) -> Sub {
        Sub {
            body,
            usage,
            prefix: JoinPath::EMPTY,
            outer_columns: outer.into(),
        }
    }

    /// Appends the subquery's `SELECT` (without parentheses) inside the
    /// query `plan` plans.
    pub(crate) fn write(&self, w: &mut SqlWriter, plan: &JoinPlan, usage: SubqueryUse) {
        debug_assert_eq!(usage, self.usage);
        self.body.write(w, plan, self.prefix, usage);
    }

    /// Calls `f` with every column of the enclosing query the subquery
    /// reads, as walked from the enclosing query's model.
    pub(crate) fn for_each_outer_column(&self, f: &mut dyn FnMut(ColRef)) {
        for c in self.outer_columns.iter() {
            f(ColRef {
                column: c.column,
                path: self.prefix.join(&c.path),
            });
        }
    }

    /// The same subquery, its enclosing query's model reached through
    /// `prefix` first.
    pub(crate) fn rebased(&self, prefix: &JoinPath) -> Sub {
        Sub {
            prefix: prefix.join(&self.prefix),
            ..self.clone()
        }
    }

    pub(crate) fn encode(&self, key: &mut ShapeKey<'_>) {
        key.push(self.usage as usize);
        key.path(&self.prefix);
        key.push(self.outer_columns.len());
        for c in self.outer_columns.iter() {
            key.column(c.column);
            key.path(&c.path);
        }
        self.body.encode(key);
    }

    pub(crate) fn collect_binds(&self, dialect: Dialect, out: &mut Vec<Value>) {
        self.body.collect_binds(dialect, self.usage, out);
    }

    pub(crate) fn check_values(&self, dialect: Dialect) -> Result<(), (ColRef, Refused)> {
        self.body.check_values(dialect)
    }

    pub(crate) fn has_decimal_arithmetic(&self) -> bool {
        self.body.has_decimal_arithmetic()
    }

    /// The table the subquery reads rows of.
    pub(crate) fn table(&self) -> &'static str {
        self.body.table()
    }
}
