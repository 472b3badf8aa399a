//! [`QuerySet::annotate`] and [`Annotated`]: the models with a typed
//! value per row (see [`query::annotate`](crate::query::annotate)).

use super::QuerySet;
use crate::db::{Executor, Row};
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::query::annotate::{
    AnnotatedCondition, AnnotatedOrdering, AnnotationNode, Annotations, ConditionNode, OrderTerm,
};
use crate::query::compile::{write_conditions, write_order_terms, JoinPlan};
use crate::query::in_list::check_bind_count;
use crate::query::IntoCondition;
use crate::relation::{IntoPrefetch, JoinPath, SelectRelated};
use crate::value::Value;
use crate::writer::{SqlWriter, Statement};
use std::marker::PhantomData;

impl<M: Model> QuerySet<M> {
    /// Adds a value per row: one annotation or a tuple of up to six (an
    /// expression of `M`, an aggregate over a relation such as
    /// `Author::posts().count()`, a [`Window`](crate::query::window::Window)).
    /// [`all`](Annotated::all) then returns `(model, value)` pairs, the
    /// value typed by the annotation (a tuple for a tuple). The filters,
    /// ordering, slicing and `select_related` paths set so far are kept;
    /// see [`query::annotate`](crate::query::annotate) for an example.
    ///
    /// ```
    /// use strata::prelude::*;
    ///
    /// #[derive(Model, Debug)]
    /// struct Author {
    ///     id: i64,
    /// }
    ///
    /// #[derive(Model, Debug)]
    /// struct Book {
    ///     id: i64,
    ///     #[strata(on_delete = cascade, related_name = "books")]
    ///     author: ForeignKey<Author>,
    ///     pages: i32,
    /// }
    ///
    /// let stmt = Author::objects()
    ///     .annotate(Author::books().sum(Book::pages()))
    ///     .filter(Ann0.gt(100))
    ///     .sql(Dialect::Sqlite)
    ///     .unwrap();
    /// let sum = r#"(SELECT CAST(SUM("s1"."pages") AS INTEGER) FROM "book" AS "s1" WHERE "s1"."author_id" = "author"."id")"#;
    /// assert_eq!(
    ///     stmt.sql,
    ///     format!(r#"SELECT "id", {sum} AS "strata_a0" FROM "author" WHERE {sum} > ?"#)
    /// );
    /// ```
    pub fn annotate<A: Annotations<M>>(self, annotations: A) -> Annotated<M, A> {
        Annotated {
            annotations: annotations
                .into_annotations()
                .into_iter()
                .map(|a| a.0)
                .collect(),
            qs: self,
            conditions: Vec::new(),
            order: None,
            _annotations: PhantomData,
        }
    }
}

/// A queryset of `M` with the annotations `A`, made by
/// [`QuerySet::annotate`]. Filter and order it by its annotations
/// (`Ann0.gt(2)`, `Ann1.desc()`) as well as by `M`'s fields.
pub struct Annotated<M: Model, A> {
    qs: QuerySet<M>,
    annotations: Vec<AnnotationNode>,
    /// Tests of the fields or the annotations, in `WHERE`.
    conditions: Vec<ConditionNode>,
    /// `None`: the queryset's own ordering.
    order: Option<Vec<OrderTerm<M>>>,
    _annotations: PhantomData<fn() -> A>,
}

impl<M: Model, A> Clone for Annotated<M, A> {
    fn clone(&self) -> Self {
        Annotated {
            qs: self.qs.clone(),
            annotations: self.annotations.clone(),
            conditions: self.conditions.clone(),
            order: self.order.clone(),
            _annotations: PhantomData,
        }
    }
}

impl<M: Model, A> std::fmt::Debug for Annotated<M, A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Annotated")
            .field("queryset", &self.qs)
            .field("annotations", &self.annotations)
            .field("conditions", &self.conditions)
            .field("order", &self.order)
            .finish()
    }
}

/// The column name an annotation is selected as.
fn alias(index: usize) -> String {
    format!("strata_a{index}")
}

impl<M: Model, A: Annotations<M>> Annotated<M, A> {
    /// Keeps the rows matching `condition`: a condition on `M`'s fields,
    /// or a test of an annotation (`Ann0.gt(2)`, `Ann1.is_null(false)`),
    /// whose value must have the annotation's type. An annotation of a
    /// relation aggregate is tested in `WHERE` on its subquery (the
    /// equivalent of `HAVING`); a window annotation cannot be tested.
    pub fn filter(mut self, condition: impl AnnotatedCondition<M, A>) -> Self {
        self.conditions.push(condition.into_annotated_condition().0);
        self
    }

    /// Drops the rows matching a condition on `M`'s fields (see
    /// [`QuerySet::exclude`]).
    pub fn exclude(mut self, condition: impl IntoCondition<M>) -> Self {
        self.conditions
            .push(ConditionNode::Fields(condition.into_condition().not().expr));
        self
    }

    /// Orders the rows by `M`'s fields and the annotations (`Ann0.desc()`,
    /// or a tuple like `(Ann0.desc(), Author::name().asc())`), replacing
    /// any earlier ordering.
    pub fn order_by(mut self, order: impl AnnotatedOrdering<M, A>) -> Self {
        self.order = Some(order.into_terms().into_iter().map(|t| t.0).collect());
        self
    }

    /// Returns at most `n` rows.
    pub fn limit(mut self, n: u64) -> Self {
        self.qs.limit = Some(n);
        self
    }

    /// Skips the first `n` rows.
    pub fn offset(mut self, n: u64) -> Self {
        self.qs.offset = Some(n);
        self
    }

    /// Loads a forward relation in the same query (see
    /// [`QuerySet::select_related`]).
    pub fn select_related(mut self, path: impl SelectRelated<M>) -> Self {
        self.qs = self.qs.select_related(path);
        self
    }

    /// Loads a relation of the models with one more query (see
    /// [`QuerySet::prefetch_related`]).
    pub fn prefetch_related(mut self, prefetch: impl IntoPrefetch<M>) -> Self {
        self.qs = self.qs.prefetch_related(prefetch);
        self
    }

    /// The `SELECT` [`all`](Annotated::all) runs on `dialect`, without a
    /// database; an error for what that database cannot compute as
    /// strata promises.
    pub fn sql(&self, dialect: Dialect) -> Result<Statement> {
        self.check(dialect)?;
        Ok(self.render(dialect))
    }

    /// Runs the query: every matching model with its annotations' values.
    pub async fn all(&self, mut ex: impl Executor) -> Result<Vec<(M, A::Output)>> {
        let dialect = ex.dialect();
        self.check(dialect)?;
        let stmt = self.render(dialect);
        check_bind_count(M::META.name, &stmt)?;
        let plan = self.plan();
        let selected = self.qs.selected_paths(&plan);
        let mut attach_order: Vec<usize> = (0..selected.len()).collect();
        attach_order.sort_by_key(|&i| std::cmp::Reverse(selected[i].len()));
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
        one.qs.limit = Some(1);
        Ok(one.all(ex).await?.into_iter().next())
    }

    /// An error for what this queryset cannot do on `dialect`.
    fn check(&self, dialect: Dialect) -> Result<()> {
        let model = M::META.name;
        self.qs.check_values(dialect)?;
        self.qs.check_paths()?;
        self.qs.check_prefetch()?;
        if self.qs.lock.is_some() {
            return Err(crate::query::annotate::invalid(
                model,
                "select_for_update() cannot lock an annotated queryset",
            ));
        }
        for annotation in &self.annotations {
            annotation.check(model, dialect)?;
        }
        for condition in &self.conditions {
            match condition {
                ConditionNode::Fields(expr) => {
                    let mut deep = false;
                    expr.for_each_path(&mut |p| deep |= p.overflowed());
                    if deep {
                        return Err(crate::query::annotate::invalid(
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
                    crate::query::annotate::check_node(expr, model, dialect)?;
                }
            }
        }
        Ok(())
    }

    /// The joins of the outer query.
    fn plan(&self) -> JoinPlan {
        let mut plan = self.qs.plan(true);
        for annotation in &self.annotations {
            annotation.add_to_plan(&mut plan);
        }
        for condition in &self.conditions {
            if let ConditionNode::Fields(expr) = condition {
                plan.add_condition(expr);
            }
        }
        for term in self.order.iter().flatten() {
            if let OrderTerm::Fields(order) = term {
                order.for_each_column(&mut |c| plan.add_column(c));
            }
        }
        plan
    }

    /// Renders the `SELECT`. Rows are models with their primary key, never
    /// repeated (relations are aggregated in subqueries), so `distinct()`
    /// has nothing to remove and is not written.
    fn render(&self, dialect: Dialect) -> Statement {
        let mut w = SqlWriter::new(dialect);
        let plan = self.plan();
        let selected = self.qs.selected_paths(&plan);
        w.push_sql("SELECT ");
        plan.write_all_columns(&mut w, M::META, &JoinPath::EMPTY);
        for path in &selected {
            if let Some(hop) = path.last() {
                w.push_sql(", ");
                plan.write_all_columns(&mut w, (hop.to)(), path);
            }
        }
        for (i, annotation) in self.annotations.iter().enumerate() {
            w.push_sql(", ");
            annotation.write(&mut w, &plan);
            w.push_sql(" AS ");
            w.push_identifier(&alias(i));
        }
        plan.write_from(&mut w);
        self.write_where(&mut w, &plan);
        self.write_order(&mut w, &plan);
        dialect
            .imp()
            .write_limit_offset(&mut w, self.qs.limit, self.qs.offset);
        w.finish()
    }

    /// Appends ` WHERE ..` for the queryset's filters and the conditions.
    fn write_where(&self, w: &mut SqlWriter, plan: &JoinPlan) {
        let count = self.qs.filters.len() + self.conditions.len();
        if count == 0 {
            return;
        }
        w.push_sql(" WHERE ");
        write_conditions(w, plan, &self.qs.filters, count > 1);
        for (i, condition) in self.conditions.iter().enumerate() {
            if i > 0 || !self.qs.filters.is_empty() {
                w.push_sql(" AND ");
            }
            match condition {
                ConditionNode::Fields(expr) => {
                    write_conditions(w, plan, std::slice::from_ref(expr), count > 1)
                }
                ConditionNode::Annotation { index, op, value } => {
                    self.write_annotation_test(w, plan, *index, *op, value.as_ref())
                }
            }
        }
    }

    /// Appends a test of the annotation at `index`, written out again
    /// (`WHERE` cannot name a select-list alias).
    fn write_annotation_test(
        &self,
        w: &mut SqlWriter,
        plan: &JoinPlan,
        index: usize,
        op: crate::query::annotate::AnnotationOp,
        value: Option<&Value>,
    ) {
        use crate::query::annotate::AnnotationOp;
        let Some(annotation) = self.annotations.get(index) else {
            // The types guarantee the annotation exists.
            w.push_sql("1 = 0");
            return;
        };
        match (op, value) {
            (AnnotationOp::Compare(op), Some(value)) => {
                annotation.write(w, plan);
                w.push_sql(op.sql());
                w.push_bind(value.clone());
            }
            (AnnotationOp::NotEqual, Some(value)) => {
                // A `NULL` annotation differs from every value (Django's
                // `exclude`): an unknown comparison keeps the row.
                let guard = annotation.may_be_null();
                w.push_sql(if guard { "NOT (COALESCE(" } else { "NOT (" });
                annotation.write(w, plan);
                w.push_sql(" = ");
                w.push_bind(value.clone());
                w.push_sql(if guard { ", FALSE))" } else { ")" });
            }
            (AnnotationOp::IsNull(is_null), _) => {
                annotation.write(w, plan);
                w.push_sql(if is_null { " IS NULL" } else { " IS NOT NULL" });
            }
            // Comparisons always carry a value.
            (_, None) => w.push_sql("1 = 0"),
        }
    }

    /// Appends ` ORDER BY ..`: fields as the queryset writes them,
    /// annotations by their select-list alias.
    fn write_order(&self, w: &mut SqlWriter, plan: &JoinPlan) {
        let Some(order) = &self.order else {
            crate::query::compile::write_order_by(w, plan, &self.qs.order);
            return;
        };
        if order.is_empty() {
            return;
        }
        w.push_sql(" ORDER BY ");
        for (i, term) in order.iter().enumerate() {
            if i > 0 {
                w.push_sql(", ");
            }
            match term {
                OrderTerm::Fields(order) => write_order_terms(w, plan, std::slice::from_ref(order)),
                OrderTerm::Annotation {
                    index,
                    descending,
                    nulls_first,
                } => {
                    let may_be_null = self
                        .annotations
                        .get(*index)
                        .is_some_and(AnnotationNode::may_be_null);
                    write_alias_order(w, *index, *descending, *nulls_first, may_be_null);
                }
            }
        }
    }
}

/// Appends an ordering on an annotation's alias, with the `NULL`
/// placement every dialect shares (first ascending, last descending).
fn write_alias_order(
    w: &mut SqlWriter,
    index: usize,
    descending: bool,
    nulls_first: Option<bool>,
    may_be_null: bool,
) {
    let imp = w.dialect().imp();
    let name = alias(index);
    if let (Some(first), true) = (nulls_first, imp.nulls_order_before_term()) {
        w.push_identifier(&name);
        w.push_sql(if first {
            " IS NULL DESC, "
        } else {
            " IS NULL ASC, "
        });
    }
    w.push_identifier(&name);
    w.push_sql(if descending { " DESC" } else { " ASC" });
    match nulls_first {
        Some(_) if imp.nulls_order_before_term() => {}
        Some(first) => w.push_sql(if first { " NULLS FIRST" } else { " NULLS LAST" }),
        None if may_be_null => imp.write_nulls_order(w, descending),
        None => {}
    }
}
