//! Projections: [`QuerySet::values`] returns typed tuples of chosen
//! fields and expressions instead of models, [`QuerySet::values_list`]
//! the values of one; [`ValuesQuerySet::annotate`] groups by the selected
//! values (Django's `values(..).annotate(..)`).
//!
//! ```
//! use strata::prelude::*;
//! use strata::query::aggregate::{Count, Sum};
//!
//! #[derive(Model, Debug)]
//! struct Author {
//!     id: i64,
//!     #[strata(max_length = 100)]
//!     name: String,
//! }
//!
//! #[derive(Model, Debug)]
//! struct Post {
//!     id: i64,
//!     #[strata(max_length = 200)]
//!     title: String,
//!     likes: i32,
//!     #[strata(on_delete = cascade, related_name = "posts")]
//!     author: ForeignKey<Author>,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> strata::Result<()> {
//! let db = Db::connect("sqlite::memory:").await?;
//! db.create_tables(&[Author::META, Post::META]).await?;
//! let mut ann = Author { id: 0, name: "Ann".into() };
//! ann.insert(&db).await?;
//! for (title, likes) in [("Rust", 3), ("SQL", 5)] {
//!     let author = ForeignKey::to(&ann);
//!     Post { id: 0, title: title.into(), likes, author }.insert(&db).await?;
//! }
//!
//! // Tuples, across the foreign key, without building models.
//! let rows: Vec<(String, String)> = Post::objects()
//!     .values((Post::title(), Post::author().name()))
//!     .order_by(Post::title().asc())
//!     .all(&db)
//!     .await?;
//! assert_eq!(rows[0], ("Rust".to_string(), "Ann".to_string()));
//!
//! // One column, flat.
//! let titles: Vec<String> = Post::objects().values_list(Post::title()).all(&db).await?;
//! assert_eq!(titles.len(), 2);
//!
//! // Grouped by the selected values, with aggregates per group.
//! let per_author: Vec<(String, i64, Option<i64>)> = Post::objects()
//!     .values(Post::author().name())
//!     .annotate((Count::all(), Sum(Post::likes())))
//!     .all(&db)
//!     .await?;
//! assert_eq!(per_author, vec![("Ann".to_string(), 2, Some(8))]);
//! # Ok(()) }
//! ```

mod body;
mod select;

pub(crate) use body::Body;
pub(crate) use select::typed;
pub use select::{
    Annotations, Concat, Flat, Selected, Selection, SingleColumn, ValueList, ValueRow,
};

use crate::db::Executor;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::query::annotate::{
    AnnotatedCondition, AnnotatedOrdering, ConditionNode, Grouped, TupleAppend,
};
use crate::query::expr::IntoCondition;
use crate::query::in_list::check_bind_count;
use crate::query::order::IntoOrderBy;
use crate::query::shape::{self, Memo, StatementKind};
use crate::query::QuerySet;
use crate::writer::{SqlWriter, Statement};
use std::marker::PhantomData;

/// A queryset of `M` that returns rows of chosen values, typed by `R`
/// (see [`ValueRow`]): made by [`QuerySet::values`] and
/// [`QuerySet::values_list`]. Filtering, ordering, slicing and
/// `distinct()` work as on the queryset; nothing runs until
/// [`all`](ValuesQuerySet::all).
///
/// With [`distinct`](ValuesQuerySet::distinct) or
/// [`annotate`](ValuesQuerySet::annotate), the ordering may only name
/// selected fields (PostgreSQL and MySQL refuse anything else, so strata
/// refuses it on every database). Both drop the model's default ordering
/// (`#[strata(ordering(...))]`) by themselves, as Django does for a
/// `GROUP BY`; order after them by selected fields.
///
/// `G` is the tuple of the types of the aggregates
/// [`annotate`](ValuesQuerySet::annotate) added (`()` for none): after
/// it, [`filter`](ValuesQuerySet::filter) also takes tests of them
/// (`Ann0.gt(1)`, in `HAVING`) and [`order_by`](ValuesQuerySet::order_by)
/// orderings on them (`Ann0.desc()`), by position among the aggregates.
pub struct ValuesQuerySet<M: Model, R, G = ()> {
    pub(crate) body: Body<M>,
    /// The statement last rendered, for rendering this value again;
    /// every method that changes the value forgets it.
    memo: Memo,
    _row: PhantomData<fn() -> (R, G)>,
}

impl<M: Model, R, G> Clone for ValuesQuerySet<M, R, G> {
    fn clone(&self) -> Self {
        ValuesQuerySet {
            body: self.body.clone(),
            memo: self.memo.clone(),
            _row: PhantomData,
        }
    }
}

impl<M: Model, R, G> std::fmt::Debug for ValuesQuerySet<M, R, G> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.body.fmt(f)
    }
}

impl<M: Model> QuerySet<M> {
    /// The queryset's rows as tuples of `fields` (one field or expression
    /// of `M`, or a tuple of up to eight), decoded by their types and
    /// without building models: `values((Post::id(), Post::author().name()))`
    /// returns `Vec<(i64, String)>`. Fields across foreign keys join as
    /// filters do (a `LEFT JOIN`; a missing row reads `NULL`, so select
    /// `Option` fields there). A single field gives 1-tuples; see
    /// [`values_list`](QuerySet::values_list) for plain values.
    pub fn values<V: ValueList<M>>(self, fields: V) -> ValuesQuerySet<M, V::Row> {
        ValuesQuerySet::new(self, fields.into_nodes().into_iter().map(|s| s.0).collect())
    }

    /// The queryset's values of one field or expression, flat:
    /// `values_list(Post::title())` returns `Vec<String>`.
    pub fn values_list<S: Selection<M>>(self, field: S) -> ValuesQuerySet<M, Flat<S::Sql>> {
        ValuesQuerySet::new(self, vec![field.into_selected().0])
    }
}

impl<M: Model, R> ValuesQuerySet<M, R> {
    fn new(qs: QuerySet<M>, select: Vec<crate::query::scalar::Node>) -> Self {
        Self::from_body(Body::new(qs, select))
    }

    /// Keeps the rows matching `condition`.
    pub fn filter(self, condition: impl IntoCondition<M>) -> Self {
        self.map_qs(|qs| qs.filter(condition))
    }

    /// Orders the rows, replacing any earlier ordering.
    pub fn order_by(self, order: impl IntoOrderBy<M>) -> Self {
        self.map_qs(|qs| qs.order_by(order))
    }
}

macro_rules! grouped {
    ($(($($g:ident),+))*) => {$(
        impl<M: Model, R, $($g),+> ValuesQuerySet<M, R, ($($g,)+)> {
            /// Keeps the rows matching `condition`: a condition on `M`'s
            /// fields (in `WHERE`, before grouping), or a test of one of
            /// the aggregates by position, `Ann0.gt(1)`, with a value of
            /// its type (in `HAVING`, after grouping).
            pub fn filter(mut self, condition: impl AnnotatedCondition<M, Grouped<($($g,)+)>>) -> Self {
                self.memo.forget();
                match condition.into_annotated_condition().0 {
                    ConditionNode::Fields(expr) => self.body.qs.push_filter(expr),
                    having => self.body.having.push(having),
                }
                self
            }

            /// Orders the rows by selected fields and by the aggregates
            /// (`Ann0.desc()`, or a tuple like
            /// `(Ann0.desc(), Post::author_id().asc())`), replacing any
            /// earlier ordering.
            pub fn order_by(mut self, order: impl AnnotatedOrdering<M, Grouped<($($g,)+)>>) -> Self {
                self.memo.forget();
                self.body.agg_order = Some(order.into_terms().into_iter().map(|t| t.0).collect());
                self
            }
        }
    )*};
}

grouped! {
    (A)
    (A, B)
    (A, B, C)
    (A, B, C, D)
    (A, B, C, D, E)
    (A, B, C, D, E, F5)
}

impl<M: Model, R, G> ValuesQuerySet<M, R, G> {
    /// The values-queryset of `body`.
    pub(crate) fn from_body(body: Body<M>) -> Self {
        ValuesQuerySet {
            body,
            memo: Memo::default(),
            _row: PhantomData,
        }
    }

    fn map_qs(mut self, f: impl FnOnce(QuerySet<M>) -> QuerySet<M>) -> Self {
        self.memo.forget();
        self.body.qs = f(self.body.qs);
        self
    }

    /// Drops the rows matching `condition` (see [`QuerySet::exclude`]).
    pub fn exclude(self, condition: impl IntoCondition<M>) -> Self {
        self.map_qs(|qs| qs.exclude(condition))
    }

    /// Returns at most `n` rows.
    pub fn limit(self, n: u64) -> Self {
        self.map_qs(|qs| qs.limit(n))
    }

    /// Skips the first `n` rows.
    pub fn offset(self, n: u64) -> Self {
        self.map_qs(|qs| qs.offset(n))
    }

    /// Removes duplicate rows of values (`SELECT DISTINCT`). The model's
    /// default ordering is dropped (it would order by fields that are not
    /// selected); order afterwards by selected fields.
    pub fn distinct(mut self) -> Self {
        self.drop_default_ordering();
        self.map_qs(QuerySet::distinct)
    }

    /// Clears the ordering if it is the model's default one
    /// (`#[strata(ordering(...))]`), as Django does for `GROUP BY`.
    fn drop_default_ordering(&mut self) {
        self.memo.forget();
        let default = M::META.ordering;
        let order = self.body.qs.part_order();
        let is_default = !default.is_empty()
            && order.len() == default.len()
            && order.iter().zip(default).all(|(o, d)| {
                o.expr.is_none()
                    && o.path.is_empty()
                    && o.nulls_first.is_none()
                    && o.descending == d.descending
                    && std::ptr::eq(o.column, &M::META.columns[d.column])
            });
        if is_default && self.body.agg_order.is_none() {
            self.body.qs.set_part_order(Vec::new());
        }
    }

    /// Groups the rows by the selected values and adds `aggregates` per
    /// group (one, or a tuple of up to four): each row is the selected
    /// values followed by the aggregates' results,
    /// `values(Post::author().name()).annotate(Count::all())` giving
    /// `(String, i64)`. Filters apply before grouping (SQL's `WHERE`).
    /// The model's default ordering is dropped; order afterwards by
    /// selected fields.
    ///
    /// The aggregates are then `Ann0`, `Ann1`, .. (continuing after an
    /// earlier `annotate`): `filter(Ann0.gt(1))` tests one in `HAVING`,
    /// `order_by(Ann0.desc())` orders by it.
    ///
    /// ```
    /// use strata::prelude::*;
    /// use strata::query::aggregate::Count;
    ///
    /// #[derive(Model, Debug)]
    /// struct Post {
    ///     id: i64,
    ///     author_id: i64,
    /// }
    ///
    /// let stmt = Post::objects()
    ///     .values(Post::author_id())
    ///     .annotate(Count::all())
    ///     .filter(Ann0.gt(1))
    ///     .order_by(Ann0.desc())
    ///     .sql(Dialect::Postgres);
    /// assert_eq!(
    ///     stmt.sql(),
    ///     r#"SELECT "author_id", COUNT(*) AS "strata_a0" FROM "post" GROUP BY 1 HAVING COUNT(*) > $1 ORDER BY "strata_a0" DESC"#
    /// );
    /// ```
    pub fn annotate<A: Annotations<M>>(
        mut self,
        aggregates: A,
    ) -> ValuesQuerySet<M, R::Output, G::Joined>
    where
        R: Concat<A::Row>,
        G: TupleAppend<A::Row>,
    {
        self.drop_default_ordering();
        self.body
            .aggs
            .extend(aggregates.into_aggs().into_iter().map(|a| a.0));
        ValuesQuerySet {
            body: self.body,
            memo: Memo::default(),
            _row: PhantomData,
        }
    }

    /// The `SELECT` this runs on `dialect`, with its binds, without a
    /// database.
    pub fn sql(&self, dialect: Dialect) -> Statement {
        let mut w = SqlWriter::new(dialect);
        self.body.write_statement(&mut w);
        w.finish()
    }

    /// The statement [`all`](ValuesQuerySet::all) runs: [`sql`](ValuesQuerySet::sql)
    /// through the statement cache (see [`QuerySet::statement`]).
    pub fn statement(&self, dialect: Dialect) -> Statement {
        shape::statement(
            dialect,
            StatementKind::Values,
            |key| self.body.encode(key),
            || self.sql(dialect),
            |binds| self.body.collect_binds(dialect, None, binds),
        )
    }

    /// The statement [`all`](ValuesQuerySet::all) runs:
    /// [`statement`](Self::statement) after the checks of the query
    /// (only those of its values when its shape passed them before), and
    /// remembered by this value, so that running it again skips the
    /// shape's key and the cache lookup.
    pub fn checked_statement(&self, dialect: Dialect) -> Result<Statement> {
        shape::memoized_statement(
            &self.memo,
            dialect,
            StatementKind::Values,
            |key| self.body.encode(key),
            |checks| self.body.check_parts(dialect, checks),
            || self.sql(dialect),
            |binds| self.body.collect_binds(dialect, None, binds),
        )
    }
}

impl<M: Model, R: ValueRow, G> ValuesQuerySet<M, R, G> {
    /// Runs the query and returns every row, decoded as `R` says.
    pub async fn all(&self, mut ex: impl Executor) -> Result<Vec<R::Output>> {
        let dialect = ex.dialect();
        let stmt = self.checked_statement(dialect)?;
        check_bind_count(M::META.name, &stmt)?;
        ex.fetch(stmt, |row| {
            R::decode(row).map_err(|(i, e)| Error::Decode {
                model: M::META.name,
                column: "values",
                dialect,
                message: format!("value {} of the row: {e}", i + 1),
            })
        })
        .await
    }

    /// The first row in the queryset's ordering, if any.
    pub async fn first(&self, ex: impl Executor) -> Result<Option<R::Output>> {
        let mut rows = self.clone().limit(1).all(ex).await?;
        Ok(if rows.is_empty() {
            None
        } else {
            Some(rows.swap_remove(0))
        })
    }
}
