//! Typed column expressions (Django's `F`): a field, a literal,
//! arithmetic, text functions, `coalesce`, `cast` and `when(..).then(..)`,
//! each typed by the SQL value type it yields, so that `a + b` on a number
//! and a text, or comparing an integer with a text, does not compile.
//!
//! [`F<M, T>`] is an expression on rows of model `M` whose value has Rust
//! type `T`; [`Field`](super::Field)s are expressions too. Underneath,
//! every expression is one untyped `Node` tree the compiler walks.
//!
//! ```
//! use strata::prelude::*;
//! use strata::query::scalar::when;
//!
//! #[derive(Model, Debug, Clone)]
//! struct Post {
//!     id: i64,
//!     #[strata(max_length = 200)]
//!     title: String,
//!     likes: i32,
//!     dislikes: i32,
//!     views: i64,
//!     bonus: Option<i32>,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> strata::Result<()> {
//! let db = Db::connect("sqlite::memory:").await?;
//! db.create_tables(&[Post::META]).await?;
//! for (title, likes, dislikes, bonus) in [("Rust", 7, 2, Some(1)), ("apple", 1, 9, None)] {
//!     let mut p = Post { id: 0, title: title.into(), likes, dislikes, views: 0, bonus };
//!     p.insert(&db).await?;
//! }
//!
//! // Compare two fields; arithmetic keeps the operands' type.
//! let liked = Post::objects()
//!     .filter(Post::likes().gt(Post::dislikes()))
//!     .filter((Post::likes() - Post::dislikes()).gte(5))
//!     .all(&db)
//!     .await?;
//! assert_eq!(liked.len(), 1);
//!
//! // `views = views + 1` in one UPDATE, no read-modify-write.
//! Post::objects()
//!     .update(&db, [Post::views().set(Post::views() + 1)])
//!     .await?;
//!
//! // Case-insensitive ordering, NULLs where you want them.
//! let posts = Post::objects()
//!     .order_by([Post::bonus().asc().nulls_last(), Post::title().lower().asc()])
//!     .all(&db)
//!     .await?;
//! assert_eq!(posts[0].title, "Rust");
//! assert!(posts.iter().all(|p| p.views == 1));
//!
//! // Typed CASE, COALESCE and CAST.
//! let label = when(Post::likes().gt(5), "hot").otherwise("cold");
//! let hot = Post::objects().filter(label.eq("hot")).count(&db).await?;
//! assert_eq!(hot, 1);
//! let avg_like = Post::objects()
//!     .filter((Post::likes().cast::<f64>() / 2.0).gt(3.0))
//!     .filter(Post::bonus().coalesce(0).lt(5))
//!     .count(&db)
//!     .await?;
//! assert_eq!(avg_like, 1);
//! # Ok(()) }
//! ```

mod case;
mod dates;
mod functions;
mod node;
mod ops;
mod sql_type;
mod walk;
mod write;

pub use case::{when, Branch, Case};
pub use dates::{DateLike, DateTimeLike};
#[doc(hidden)]
pub use dates::{DatePart, TimeKind, TruncUnit};
#[doc(hidden)]
pub use node::NumKind;
pub(crate) use node::{ArithOp, Func, Node};
#[doc(hidden)]
pub use sql_type::CastTarget;
pub use sql_type::{
    ArithWith, CastTo, ComparableWith, Divisible, Integer, NotNullType, Numeric, SqlType, Text,
};
pub(crate) use write::{check_update_value, may_be_null, write_node, write_update_value};

use super::expr::{CompareOp, Expr, Q};
use super::field::{Field, IntoBind};
use super::order::OrderBy;
use crate::relation::{One, SingleValuedField};
use crate::value::Value;
use std::marker::PhantomData;

/// An expression on rows of model `M` whose value has Rust type `T`
/// (`Option<_>` when it may be `NULL`). Built from fields and literals
/// with `+ - * /` and the methods below; used in `filter` / `exclude`
/// (through its comparisons), in `update` (`Field::set`) and in
/// `order_by`.
pub struct F<M, T> {
    pub(crate) node: Node,
    _marker: PhantomData<fn() -> (M, T)>,
}

impl<M, T> Clone for F<M, T> {
    fn clone(&self) -> Self {
        F::new(self.node.clone())
    }
}

impl<M, T> std::fmt::Debug for F<M, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.node.fmt(f)
    }
}

impl<M, T> F<M, T> {
    pub(crate) fn new(node: Node) -> Self {
        F {
            node,
            _marker: PhantomData,
        }
    }
}

/// The expression tree an [`F`], a field or a value stands for; opaque.
#[doc(hidden)]
pub struct ExprNode(pub(crate) Node);

/// A literal expression: `value` bound as a parameter, typed as `T`.
/// Plain values are accepted wherever an expression is, so this is only
/// needed to start an expression from a value (`value(10) - Post::likes()`).
pub fn value<M, T: SqlType>(value: T) -> F<M, T> {
    F::new(Node::Value(value.to_value()))
}

/// An expression of type `T` on model `M`: an [`F`], a field of `M`
/// (reached through single-valued relations only), or a plain value of
/// type `T` (bound as a parameter). A non-`NULL` expression is accepted
/// where a nullable one is expected.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an expression of type `{T}` on `{M}`",
    label = "expected a `{T}` expression on `{M}`",
    note = "write a field of `{M}` of type `{T}` (e.g. `{M}::field()`), an expression built from them, or a plain `{T}` value; fields reached through a multi-valued relation cannot be used in an expression"
)]
pub trait IntoExpr<M, T> {
    /// The untyped tree.
    #[doc(hidden)]
    fn into_node(self) -> ExprNode;
}

impl<M, T: SqlType> IntoExpr<M, T> for F<M, T> {
    fn into_node(self) -> ExprNode {
        ExprNode(self.node)
    }
}

impl<M, T: NotNullType> IntoExpr<M, Option<T>> for F<M, T> {
    fn into_node(self) -> ExprNode {
        ExprNode(self.node)
    }
}

impl<M, T: SqlType, C: SingleValuedField> IntoExpr<M, T> for Field<M, T, C> {
    fn into_node(self) -> ExprNode {
        ExprNode(Node::Column(self.col_ref()))
    }
}

impl<M, T: NotNullType, C: SingleValuedField> IntoExpr<M, Option<T>> for Field<M, T, C> {
    fn into_node(self) -> ExprNode {
        ExprNode(Node::Column(self.col_ref()))
    }
}

/// A field (through single-valued relations) or an [`F`] of model `M`,
/// whose type is its own: what an aggregate takes.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a field or expression of `{M}`",
    label = "expected a field of `{M}` (e.g. `{M}::field()`) or an expression built from them",
    note = "aggregates take a field or expression of the queryset's model; fields reached through a multi-valued relation cannot be aggregated here"
)]
pub trait Expression<M> {
    /// The type of its value.
    type Sql: SqlType;
    /// The untyped tree.
    #[doc(hidden)]
    fn into_expr_node(self) -> ExprNode;
}

impl<M, T: SqlType> Expression<M> for F<M, T> {
    type Sql = T;
    fn into_expr_node(self) -> ExprNode {
        ExprNode(self.node)
    }
}

impl<M, T: SqlType, C: SingleValuedField> Expression<M> for Field<M, T, C> {
    type Sql = T;
    fn into_expr_node(self) -> ExprNode {
        ExprNode(Node::Column(self.col_ref()))
    }
}

/// The right-hand side of `+ - * /` on an expression of type `T`: an
/// expression or field of another numeric type `U` with which `T`
/// combines (see [`ArithWith`]), or a plain value of type `T`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be combined with a `{T}` expression of `{M}`",
    label = "expected a number of type `{T}`, or an expression on `{M}` of that type",
    note = "`+ - * /` take two numbers of the same type (with or without `Option`); convert one with `.cast::<T>()` first"
)]
pub trait Operand<M, T> {
    /// The type of the result.
    type Output: SqlType;
    /// The untyped tree.
    #[doc(hidden)]
    fn into_node(self) -> ExprNode;
}

impl<M, T: ArithWith<U>, U> Operand<M, T> for F<M, U> {
    type Output = T::Output;
    fn into_node(self) -> ExprNode {
        ExprNode(self.node)
    }
}

impl<M, T: ArithWith<U>, U, C: SingleValuedField> Operand<M, T> for Field<M, U, C> {
    type Output = T::Output;
    fn into_node(self) -> ExprNode {
        ExprNode(Node::Column(self.col_ref()))
    }
}

/// Marks the [`Comparand`] impl of a plain value.
#[doc(hidden)]
pub enum ValueKind {}
/// Marks the [`Comparand`] impl of an expression.
#[doc(hidden)]
pub enum ExprKind {}

/// What a field or expression of type `T` (with cardinality `C`) is
/// compared with: a value of type `T` (see [`IntoBind`]), or an expression
/// of the same type (a field of the same model, also across single-valued
/// relations). `K` only tells the two impls apart and is always inferred.
#[diagnostic::on_unimplemented(
    message = "a `{Self}` cannot be compared with an expression of type `{T}`",
    label = "expected a `{T}` value, or a `{T}` expression on `{M}`",
    note = "compare with a value of type `{T}` (or a reference to one; `&str` for text), or with a field or expression of `{M}` of the same type (convert numbers with `.cast::<T>()`); fields reached through a multi-valued relation are compared with values only"
)]
pub trait Comparand<M, T, C, K> {
    /// The value or the expression.
    #[doc(hidden)]
    fn into_operand(self) -> Rhs;
}

/// The right-hand side of a comparison.
#[doc(hidden)]
pub enum Rhs {
    Value(Value),
    Expr(ExprNode),
}

impl<M, T, C, V: IntoBind<T>> Comparand<M, T, C, ValueKind> for V {
    fn into_operand(self) -> Rhs {
        Rhs::Value(self.into_bind())
    }
}

impl<M, T: ComparableWith<U>, U, C: SingleValuedField> Comparand<M, T, C, ExprKind> for F<M, U> {
    fn into_operand(self) -> Rhs {
        Rhs::Expr(ExprNode(self.node))
    }
}

impl<M, T: ComparableWith<U>, U, C: SingleValuedField, D: SingleValuedField>
    Comparand<M, T, C, ExprKind> for Field<M, U, D>
{
    fn into_operand(self) -> Rhs {
        Rhs::Expr(ExprNode(Node::Column(self.col_ref())))
    }
}

/// What [`Field::set`] stores: a value of the field's type, or an
/// expression (an [`F`] or a field) of that type on the same model.
#[diagnostic::on_unimplemented(
    message = "a `{Self}` cannot be stored in a field of type `{T}`",
    label = "expected a `{T}` value, or a `{T}` expression on `{M}`",
    note = "`set` takes a value of the field's type (or a reference to one; `&str` for text), or an expression of `{M}`'s own fields of that type, e.g. `{M}::field().set({M}::field() + 1)`"
)]
pub trait Settable<M, T, K> {
    /// The value or the expression.
    #[doc(hidden)]
    fn into_operand(self) -> Rhs;
}

impl<M, T, V: IntoBind<T>> Settable<M, T, ValueKind> for V {
    fn into_operand(self) -> Rhs {
        Rhs::Value(self.into_bind())
    }
}

impl<M, T, U> Settable<M, T, ExprKind> for F<M, U>
where
    F<M, U>: IntoExpr<M, T>,
{
    fn into_operand(self) -> Rhs {
        Rhs::Expr(IntoExpr::<M, T>::into_node(self))
    }
}

impl<M, T, U> Settable<M, T, ExprKind> for Field<M, U, One>
where
    Field<M, U, One>: IntoExpr<M, T>,
{
    fn into_operand(self) -> Rhs {
        Rhs::Expr(IntoExpr::<M, T>::into_node(self))
    }
}

/// `left op right` as a condition.
pub(crate) fn compare<M>(left: Node, op: CompareOp, right: Rhs) -> Q<M> {
    let right = match right {
        Rhs::Value(v) if v.is_null() && op == CompareOp::Eq => {
            return Q::new(Expr::NodeIsNull {
                node: left,
                negated: false,
            })
        }
        Rhs::Value(v) => {
            if let Some(range) = dates::year_range(&left, op, &v) {
                return Q::new(range);
            }
            Node::Value(v)
        }
        Rhs::Expr(node) => node.0,
    };
    Q::new(Expr::CompareNodes { left, op, right })
}

impl<M, T: SqlType> F<M, T> {
    /// `self = other`; with a `None` value, `self IS NULL`.
    pub fn eq<K>(self, other: impl Comparand<M, T, One, K>) -> Q<M> {
        compare(self.node, CompareOp::Eq, other.into_operand())
    }

    /// The negation of [`eq`](F::eq), keeping rows where either side is
    /// `NULL` (as Django's `exclude`).
    pub fn ne<K>(self, other: impl Comparand<M, T, One, K>) -> Q<M> {
        !self.eq(other)
    }

    /// `self > other`.
    pub fn gt<K>(self, other: impl Comparand<M, T, One, K>) -> Q<M> {
        compare(self.node, CompareOp::Gt, other.into_operand())
    }

    /// `self >= other`.
    pub fn gte<K>(self, other: impl Comparand<M, T, One, K>) -> Q<M> {
        compare(self.node, CompareOp::Gte, other.into_operand())
    }

    /// `self < other`.
    pub fn lt<K>(self, other: impl Comparand<M, T, One, K>) -> Q<M> {
        compare(self.node, CompareOp::Lt, other.into_operand())
    }

    /// `self <= other`.
    pub fn lte<K>(self, other: impl Comparand<M, T, One, K>) -> Q<M> {
        compare(self.node, CompareOp::Lte, other.into_operand())
    }

    /// `self IS NULL` (`true`) or `self IS NOT NULL` (`false`).
    pub fn is_null(self, is_null: bool) -> Q<M> {
        Q::new(Expr::NodeIsNull {
            node: self.node,
            negated: !is_null,
        })
    }

    /// Ascending order on this expression (`NULL`s first, on every
    /// database, unless [`OrderBy::nulls_last`] says otherwise).
    pub fn asc(self) -> OrderBy<M> {
        OrderBy::expr(self.node, false)
    }

    /// Descending order on this expression (`NULL`s last, unless
    /// [`OrderBy::nulls_first`] says otherwise).
    pub fn desc(self) -> OrderBy<M> {
        OrderBy::expr(self.node, true)
    }
}
