//! [`QuerySet::annotate`] and [`Annotated`]: the models with a typed
//! value per row (see [`query::annotate`](crate::query::annotate)).
//!
//! This file builds an annotated queryset; [`render`] writes its SQL (a
//! derived table where annotations are filtered on), [`terminals`] runs
//! it through the statement cache, and [`project`] turns it into a
//! `count`, an `exists` or a values-queryset.

mod project;
mod render;
mod terminals;

use super::QuerySet;
use crate::model::Model;
use crate::query::annotate::{
    AnnotatedCondition, AnnotatedOrdering, AnnotationNode, Annotations, ChainAnnotations,
    ConditionNode, OrderTerm,
};
use crate::query::shape::Memo;
use crate::query::IntoCondition;
use crate::relation::{IntoPrefetch, PrefetchStart, SelectRelated};
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
    /// A filter on an annotation names it instead of computing it twice:
    /// the annotated rows are a derived table, filtered by the alias.
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
    ///     stmt.sql(),
    ///     format!(
    ///         r#"SELECT * FROM (SELECT "id", {sum} AS "strata_a0" FROM "author") AS "strata_q" WHERE "strata_a0" > ?"#
    ///     )
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
            memo: Memo::default(),
            _annotations: PhantomData,
        }
    }
}

/// A queryset of `M` with the annotations `A`, made by
/// [`QuerySet::annotate`]. Filter and order it by its annotations
/// (`Ann0.gt(2)`, `Ann1.desc()`) as well as by `M`'s fields; add more with
/// [`annotate`](Annotated::annotate); count it, test it, or project it
/// with [`values`](Annotated::values).
pub struct Annotated<M: Model, A> {
    qs: QuerySet<M>,
    annotations: Vec<AnnotationNode>,
    /// Tests of the fields or the annotations.
    conditions: Vec<ConditionNode>,
    /// `None`: the queryset's own ordering.
    order: Option<Vec<OrderTerm<M>>>,
    /// The statement last rendered, for rendering this value again;
    /// every method that changes the value forgets it.
    memo: Memo,
    _annotations: PhantomData<fn() -> A>,
}

impl<M: Model, A> Clone for Annotated<M, A> {
    fn clone(&self) -> Self {
        Annotated {
            qs: self.qs.clone(),
            annotations: self.annotations.clone(),
            conditions: self.conditions.clone(),
            order: self.order.clone(),
            memo: self.memo.clone(),
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

impl<M: Model, A: Annotations<M>> Annotated<M, A> {
    /// Keeps the rows matching `condition`: a condition on `M`'s fields,
    /// or a test of an annotation (`Ann0.gt(2)`, `Ann1.is_null(false)`),
    /// whose value must have the annotation's type. The database computes
    /// a tested annotation once: the rows are read from a derived table
    /// (`SELECT * FROM (SELECT .., <annotation> AS "strata_a0" ..) AS
    /// "strata_q" WHERE "strata_a0" > ?`). Beside a window annotation,
    /// which must see only the rows the filters keep, the test is written
    /// out in `WHERE` instead. A window annotation cannot be tested.
    pub fn filter(mut self, condition: impl AnnotatedCondition<M, A>) -> Self {
        self.memo.forget();
        self.conditions.push(condition.into_annotated_condition().0);
        self
    }

    /// Drops the rows matching a condition on `M`'s fields (see
    /// [`QuerySet::exclude`]).
    pub fn exclude(mut self, condition: impl IntoCondition<M>) -> Self {
        self.memo.forget();
        self.conditions
            .push(ConditionNode::Fields(condition.into_condition().not().expr));
        self
    }

    /// Orders the rows by `M`'s fields and the annotations (`Ann0.desc()`,
    /// or a tuple like `(Ann0.desc(), Author::name().asc())`), replacing
    /// any earlier ordering.
    pub fn order_by(mut self, order: impl AnnotatedOrdering<M, A>) -> Self {
        self.memo.forget();
        self.order = Some(order.into_terms().into_iter().map(|t| t.0).collect());
        self
    }

    /// Adds more annotations after these: their positions continue
    /// (after `annotate(a)`, `annotate(b)` makes `b` `Ann1`), up to six
    /// in all. Filters and orderings on the earlier ones stay.
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
    /// let qs: strata::query::Annotated<Author, _> = Author::objects()
    ///     .annotate(Author::books().count())
    ///     .filter(Ann0.gt(1))
    ///     .annotate(Author::books().max(Book::pages()))
    ///     .order_by(Ann1.desc());
    /// assert!(qs.sql(Dialect::Postgres).unwrap().sql().contains(r#"AS "strata_a1""#));
    /// ```
    pub fn annotate<B: Annotations<M>>(self, more: B) -> Annotated<M, A::Chained>
    where
        A: ChainAnnotations<M, B>,
    {
        let mut annotations = self.annotations;
        annotations.extend(more.into_annotations().into_iter().map(|a| a.0));
        Annotated {
            qs: self.qs,
            annotations,
            conditions: self.conditions,
            order: self.order,
            memo: Memo::default(),
            _annotations: PhantomData,
        }
    }

    /// Returns at most `n` rows.
    pub fn limit(mut self, n: u64) -> Self {
        self.memo.forget();
        self.qs.limit = Some(n);
        self
    }

    /// Skips the first `n` rows.
    pub fn offset(mut self, n: u64) -> Self {
        self.memo.forget();
        self.qs.offset = Some(n);
        self
    }

    /// Loads a forward relation in the same query (see
    /// [`QuerySet::select_related`]).
    pub fn select_related(mut self, path: impl SelectRelated<M>) -> Self {
        self.memo.forget();
        self.qs = self.qs.select_related(path);
        self
    }

    /// Loads a relation of the models with one more query (see
    /// [`QuerySet::prefetch_related`]).
    pub fn prefetch_related<S: PrefetchStart<M>>(mut self, prefetch: impl IntoPrefetch<S>) -> Self {
        self.memo.forget();
        self.qs = self.qs.prefetch_related(prefetch);
        self
    }
}
