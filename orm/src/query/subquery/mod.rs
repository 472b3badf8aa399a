//! Subqueries: [`Exists`] (also [`QuerySet::exists_expr`]), `is_in` with a
//! one-column values-queryset, and a scalar [`Subquery`], each either on
//! its own or correlated with the row of the enclosing query through an
//! [`OuterRef`].
//!
//! A correlated subquery is built by a closure that receives the outer
//! row, typed by the enclosing queryset's model, so that a reference to
//! another model's field does not compile, and the subquery as a whole can
//! only be used in a queryset of that model:
//!
//! ```
//! use strata::prelude::*;
//! use strata::query::subquery::{Exists, OuterRef, Subquery};
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
//! let mut bob = Author { id: 0, name: "Bob".into() };
//! bob.insert(&db).await?;
//! for (title, likes) in [("Rust", 3), ("SQL", 5)] {
//!     let author = ForeignKey::to(&ann);
//!     Post { id: 0, title: title.into(), likes, author }.insert(&db).await?;
//! }
//!
//! // Authors with a post of more than 4 likes: a correlated EXISTS.
//! let liked = Author::objects()
//!     .filter(Exists(|author: OuterRef<Author>| {
//!         Post::objects()
//!             .filter(Post::author().id().eq(author.field(Author::id())))
//!             .filter(Post::likes().gt(4))
//!     }))
//!     .all(&db)
//!     .await?;
//! assert_eq!(liked.len(), 1);
//!
//! // `IN` a one-column values-queryset.
//! let by_ann = Post::objects()
//!     .filter(Post::author().is_in(Author::objects().filter(Author::name().eq("Ann")).values(Author::id())))
//!     .count(&db)
//!     .await?;
//! assert_eq!(by_ann, 2);
//!
//! // Each author's most liked title, a scalar subquery (`None` for Bob).
//! let top_title = Subquery::new(|author: OuterRef<Author>| {
//!     Post::objects()
//!         .filter(Post::author().id().eq(author.field(Author::id())))
//!         .order_by(Post::likes().desc())
//!         .values(Post::title())
//!         .limit(1)
//! });
//! let rows = Author::objects()
//!     .order_by(Author::name().asc())
//!     .values((Author::name(), top_title))
//!     .all(&db)
//!     .await?;
//! assert_eq!(rows, vec![("Ann".to_string(), Some("SQL".to_string())), ("Bob".to_string(), None)]);
//! # Ok(()) }
//! ```
//!
//! An outer reference reads the query directly enclosing the subquery;
//! a reference two levels out (a subquery of a subquery reading the
//! outermost row) is not supported.

mod sub;

pub(crate) use sub::{Sub, SubqueryBody, SubqueryUse};

use crate::model::Model;
use crate::query::expr::{ColRef, Expr, Q};
use crate::query::scalar::{ComparableWith, Node, SqlType, F};
use crate::query::values::{Body, SingleColumn, ValuesQuerySet};
use crate::query::{Field, IntoBind, QuerySet};
use crate::relation::SingleValuedField;
use crate::value::Value;
use std::cell::RefCell;
use std::marker::PhantomData;
use std::rc::Rc;

/// The row of the enclosing queryset of model `O`, handed to the closure
/// that builds a correlated subquery: [`field`](OuterRef::field) reads
/// one of its fields.
pub struct OuterRef<O> {
    used: Rc<RefCell<Vec<ColRef>>>,
    _model: PhantomData<fn() -> O>,
}

impl<O> OuterRef<O> {
    fn new() -> (Self, Rc<RefCell<Vec<ColRef>>>) {
        let used = Rc::new(RefCell::new(Vec::new()));
        let outer = OuterRef {
            used: Rc::clone(&used),
            _model: PhantomData,
        };
        (outer, used)
    }

    /// The value of `field` (a field of `O`, also across foreign keys) in
    /// the enclosing query's current row, as an expression of the
    /// subquery's model `M`: compare with it, compute with it.
    pub fn field<M, S: OuterField<O>>(&self, field: S) -> F<M, S::Sql> {
        // `Model::relation().id()` is the foreign key itself, no join.
        let column = crate::query::compile::normalize(field.outer_column().0);
        self.used.borrow_mut().push(column);
        F::new(Node::Outer(column))
    }
}

/// A field of `O`, the model of the queryset enclosing a correlated
/// subquery.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a field of `{O}`, the model of the enclosing queryset",
    label = "this outer reference names a field of another model",
    note = "an `OuterRef<{O}>` reads the row of the enclosing `QuerySet<{O}>`: write `outer.field({O}::field())`; if the enclosing queryset is of another model, name that model in the closure's parameter type (`|outer: OuterRef<Model>|`)"
)]
pub trait OuterField<O> {
    /// The field's type.
    type Sql: SqlType;
    /// The column.
    #[doc(hidden)]
    fn outer_column(self) -> ColRefHandle;
}

/// An opaque column reference.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct ColRefHandle(pub(crate) ColRef);

impl<O, T: SqlType, C: SingleValuedField> OuterField<O> for Field<O, T, C> {
    type Sql = T;
    fn outer_column(self) -> ColRefHandle {
        ColRefHandle(self.col_ref())
    }
}

/// Marks the argument impls of a queryset on its own.
#[doc(hidden)]
pub enum Plain {}
/// Marks the argument impls of a closure building a correlated subquery
/// of model `N`.
#[doc(hidden)]
pub struct Correlated<N>(PhantomData<fn() -> N>);

/// What [`Exists`] takes: a queryset, or a closure that builds one from
/// the row of the enclosing queryset of `O`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a subquery `Exists` can test",
    label = "expected a queryset, or a closure `|outer: OuterRef<{O}>| Model::objects()...`",
    note = "`Exists(Model::objects().filter(..))`, or correlated with the enclosing queryset of `{O}`: `Exists(|outer: OuterRef<{O}>| Model::objects().filter(Model::field().eq(outer.field({O}::field()))))`"
)]
pub trait ExistsArg<O, K> {
    /// The subquery.
    #[doc(hidden)]
    fn into_exists(self) -> SubHandle;
}

/// An opaque subquery.
#[doc(hidden)]
pub struct SubHandle(pub(crate) Sub);

fn exists_of<N: Model>(qs: QuerySet<N>, outer: Vec<ColRef>) -> SubHandle {
    let body = Body::new(qs, Vec::new());
    SubHandle(Sub::new(body, SubqueryUse::Exists, outer))
}

impl<O, N: Model> ExistsArg<O, Plain> for QuerySet<N> {
    fn into_exists(self) -> SubHandle {
        exists_of(self, Vec::new())
    }
}

impl<O, N: Model, C: FnOnce(OuterRef<O>) -> QuerySet<N>> ExistsArg<O, Correlated<N>> for C {
    fn into_exists(self) -> SubHandle {
        let (outer, used) = OuterRef::new();
        let qs = self(outer);
        let used = used.borrow().clone();
        exists_of(qs, used)
    }
}

/// `EXISTS (SELECT 1 FROM ...)`: whether the queryset has any row, as a
/// condition on the enclosing queryset of `O` (negate it with `!` or
/// `exclude`). Takes a queryset, or a closure building one from the
/// enclosing row (see the [module docs](self)).
#[allow(non_snake_case)]
pub fn Exists<O, K>(query: impl ExistsArg<O, K>) -> Q<O> {
    Q::new(Expr::ExistsSubquery(query.into_exists().0))
}

impl<N: Model> QuerySet<N> {
    /// This queryset as an `EXISTS (...)` condition of another queryset:
    /// the same as [`Exists(self)`](Exists).
    pub fn exists_expr<O>(self) -> Q<O> {
        Exists::<O, Plain>(self)
    }
}

/// What [`Subquery::new`] takes: a one-column values-queryset, or a
/// closure that builds one from the row of the enclosing queryset of `O`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a one-column subquery",
    label = "expected `Model::objects()...values(Model::field())`, or a closure `|outer: OuterRef<{O}>| ...` returning one",
    note = "a scalar subquery selects one column (`.values(Model::field())`, usually with `.limit(1)`); correlated with the enclosing queryset of `{O}`, build it in `|outer: OuterRef<{O}>| ...` and read the outer row with `outer.field({O}::field())`"
)]
pub trait SubqueryArg<O, K> {
    /// The type of the selected column.
    type Sql: SqlType;
    /// The subquery.
    #[doc(hidden)]
    fn into_scalar(self) -> SubHandle;
}

impl<O, N: Model, R: SingleColumn> SubqueryArg<O, Plain> for ValuesQuerySet<N, R> {
    type Sql = R::Sql;
    fn into_scalar(self) -> SubHandle {
        SubHandle(Sub::new(self.body, SubqueryUse::Scalar, Vec::new()))
    }
}

impl<O, N: Model, R: SingleColumn, C> SubqueryArg<O, Correlated<(N, R)>> for C
where
    C: FnOnce(OuterRef<O>) -> ValuesQuerySet<N, R>,
{
    type Sql = R::Sql;
    fn into_scalar(self) -> SubHandle {
        let (outer, used) = OuterRef::new();
        let values = self(outer);
        let used = used.borrow().clone();
        SubHandle(Sub::new(values.body, SubqueryUse::Scalar, used))
    }
}

/// A scalar subquery: the one value a one-column values-queryset selects
/// (its first row's; `NULL` when it has none, so the expression's type is
/// `Option` of the column's), as an expression of the enclosing queryset
/// of `O`, usable in `filter`, `order_by` and `values`.
pub enum Subquery {}

impl Subquery {
    /// The subquery's value; see the [module docs](self). (A namespace
    /// like [`Count::all`](crate::query::aggregate::Count::all): the
    /// result is an expression, not a `Subquery`.)
    #[allow(clippy::new_ret_no_self)]
    pub fn new<O, K, A: SubqueryArg<O, K>>(query: A) -> F<O, <A::Sql as SqlType>::Nullable> {
        F::new(Node::Subquery(query.into_scalar().0))
    }
}

/// What `is_in` takes: values of the field's type `T` (any iterable of
/// them), or a one-column values-queryset whose column has type `T`
/// (`column IN (SELECT ...)`). `K` tells the impls apart and is inferred.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is neither values nor a one-column subquery of type `{T}`",
    label = "expected values of type `{T}`, or a values-queryset of one `{T}` column",
    note = "`is_in` takes an array, slice or iterator of `{T}` values (or references to them), or `Model::objects().values(Model::field())` where the field has type `{T}`"
)]
pub trait InValues<T, K> {
    /// The values or the subquery.
    #[doc(hidden)]
    fn into_in(self) -> InArg;
}

/// The right-hand side of `IN`; opaque.
#[doc(hidden)]
pub enum InArg {
    #[doc(hidden)]
    List(Vec<Value>),
    #[doc(hidden)]
    Query(SubHandle),
}

/// Marks the [`InValues`] impl of values.
#[doc(hidden)]
pub enum ListKind {}
/// Marks the [`InValues`] impl of a subquery.
#[doc(hidden)]
pub enum QueryKind {}

impl<T, V: IntoBind<T>, I: IntoIterator<Item = V>> InValues<T, ListKind> for I {
    fn into_in(self) -> InArg {
        InArg::List(self.into_iter().map(IntoBind::into_bind).collect())
    }
}

impl<T: ComparableWith<R::Sql>, N: Model, R: SingleColumn> InValues<T, QueryKind>
    for ValuesQuerySet<N, R>
{
    fn into_in(self) -> InArg {
        InArg::Query(SubHandle(Sub::new(self.body, SubqueryUse::In, Vec::new())))
    }
}
