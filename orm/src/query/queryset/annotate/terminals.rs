//! What runs an annotated queryset: its statement (through the statement
//! cache), `all`, `first`, and the checks every terminal makes.

use super::Annotated;
use crate::db::{Executor, Row};
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::query::annotate::{invalid, Annotations, ConditionNode, OrderTerm};
use crate::query::in_list::check_bind_count;
use crate::query::shape::Checks;
use crate::relation::JoinPath;
use crate::writer::Statement;

impl<M: Model, A: Annotations<M>> Annotated<M, A> {
    /// The `SELECT` [`all`](Annotated::all) runs on `dialect`, rendered
    /// afresh, without a database; an error for what that database cannot
    /// compute as strata promises.
    pub fn sql(&self, dialect: Dialect) -> Result<Statement> {
        self.check(dialect)?;
        Ok(self.render(dialect))
    }

    /// The statement [`all`](Annotated::all) runs: [`sql`](Annotated::sql)
    /// with its text from this thread's statement cache when an annotated
    /// queryset of the same shape (the same annotations, conditions,
    /// ordering and slicing, whatever the values) was rendered before
    /// (see [`QuerySet::statement`](crate::QuerySet::statement)).
    pub fn statement(&self, dialect: Dialect) -> Result<Statement> {
        self.cached(dialect)
    }

    /// Runs the query: every matching model with its annotations' values.
    pub async fn all(&self, mut ex: impl Executor) -> Result<Vec<(M, A::Output)>> {
        let dialect = ex.dialect();
        let stmt = self.statement(dialect)?;
        check_bind_count(M::META.name, &stmt)?;
        let plan = self.plan();
        let selected = self.qs.selected_paths(&plan);
        let attach_order = crate::query::queryset::attach_order(&selected);
        let offset = M::META.columns.len()
            + selected
                .iter()
                .filter_map(JoinPath::last)
                .map(|hop| (hop.to)().columns.len())
                .sum::<usize>();
        let mut scratch = Vec::with_capacity(selected.len());
        let rows = ex
            .fetch(stmt, |row: &Row| {
                let model = self
                    .qs
                    .decode(row, &selected, &attach_order, &mut scratch)?;
                let values = A::decode(row, offset).map_err(|(i, e)| Error::Decode {
                    model: M::META.name,
                    column: "annotation",
                    dialect,
                    message: format!("annotation {} of the tuple: {e}", i + 1),
                })?;
                Ok((model, values))
            })
            .await?;
        if self.qs.prefetch.is_empty() {
            return Ok(rows);
        }
        let (mut models, values): (Vec<M>, Vec<A::Output>) = rows.into_iter().unzip();
        crate::relation::prefetch::prefetch(&mut ex, &mut models, &self.qs.prefetch).await?;
        Ok(models.into_iter().zip(values).collect())
    }

    /// Runs the query with `LIMIT 1`: the first row, if any.
    pub async fn first(&self, ex: impl Executor) -> Result<Option<(M, A::Output)>> {
        let mut one = self.clone();
        one.memo.forget();
        one.qs.limit = Some(1);
        Ok(one.all(ex).await?.into_iter().next())
    }
}

impl<M: Model, A> Annotated<M, A> {
    /// An error for what this queryset cannot do on `dialect`.
    pub(super) fn check(&self, dialect: Dialect) -> Result<()> {
        self.check_parts(dialect, Checks::All)
    }

    /// [`check`](Self::check), or with [`Checks::Values`] the checks of
    /// the bound values only (for a shape whose checks passed before).
    pub(super) fn check_parts(&self, dialect: Dialect, checks: Checks) -> Result<()> {
        let model = M::META.name;
        self.qs.check_filters(dialect, checks)?;
        if checks.shape() {
            self.qs.check_paths()?;
        }
        self.qs.check_prefetch()?;
        if self.qs.lock.is_some() {
            return Err(invalid(
                model,
                "select_for_update() cannot lock an annotated queryset (the annotations \
                 aggregate other rows, and a derived table cannot be locked on every \
                 database); lock the rows with a plain queryset of their primary keys",
            ));
        }
        for annotation in &self.annotations {
            annotation.check(model, dialect, checks)?;
        }
        for condition in &self.conditions {
            match condition {
                ConditionNode::Fields(expr) => {
                    let mut deep = false;
                    if checks.shape() {
                        expr.for_each_path(&mut |p| deep |= p.overflowed());
                    }
                    if deep {
                        return Err(invalid(
                            model,
                            format!(
                                "a relation path is longer than {} hops",
                                crate::relation::MAX_HOPS
                            ),
                        ));
                    }
                    expr.check_values(dialect).map_err(|(column, refused)| {
                        refused.into_error(format!("{model}.{}", column.column.field))
                    })?;
                }
                ConditionNode::Annotation {
                    index,
                    value: Some(value),
                    ..
                } => {
                    crate::value::check::for_filter(value, dialect).map_err(|refused| {
                        refused.into_error(format!("annotation {} of {model}", index + 1))
                    })?;
                }
                ConditionNode::Annotation { value: None, .. } => {}
            }
        }
        for term in self.order.iter().flatten() {
            if let OrderTerm::Fields(order) = term {
                if let Some(expr) = &order.expr {
                    crate::query::annotate::check_node(expr, model, dialect, checks)?;
                }
            }
        }
        Ok(())
    }
}
