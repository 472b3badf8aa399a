//! Aggregates: [`Count`], [`Sum`], [`Avg`], [`Min`], [`Max`] and
//! [`StringAgg`], each typed by what it returns on every database alike
//! (`Sum` of integers is an `i64`, `Avg` an `f64` or of decimals an exact
//! `Decimal`, `Option` where an empty set gives `NULL`),
//! with `distinct()` and a `filter(..)` (conditional aggregation), and
//! [`QuerySet::aggregate`](crate::QuerySet::aggregate), which returns a
//! typed tuple.
//!
//! ```
//! use strata::prelude::*;
//! use strata::query::aggregate::{Avg, Count, Max, Sum};
//!
//! #[derive(Model, Debug)]
//! struct Sale {
//!     id: i64,
//!     units: i32,
//!     #[strata(max_length = 20)]
//!     region: String,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> strata::Result<()> {
//! let db = Db::connect("sqlite::memory:").await?;
//! db.create_tables(&[Sale::META]).await?;
//! for (units, region) in [(3, "north"), (4, "south"), (4, "north")] {
//!     Sale { id: 0, units, region: region.into() }.insert(&db).await?;
//! }
//! let (n, total, mean, north, kinds, top) = Sale::objects()
//!     .aggregate(
//!         &db,
//!         (
//!             Count::all(),
//!             Sum(Sale::units()),
//!             Avg(Sale::units()),
//!             Count::all().filter(Sale::region().eq("north")),
//!             Count(Sale::units()).distinct(),
//!             Max(Sale::region()),
//!         ),
//!     )
//!     .await?;
//! assert_eq!((n, total, north, kinds), (3, Some(11), 2, 2));
//! assert_eq!(mean, Some(11.0 / 3.0));
//! assert_eq!(top.as_deref(), Some("south"));
//!
//! // An empty set: counts are 0, the others `None`.
//! let (n, total) = Sale::objects()
//!     .filter(Sale::units().gt(100))
//!     .aggregate(&db, (Count::all(), Sum(Sale::units())))
//!     .await?;
//! assert_eq!((n, total), (0, None));
//! # Ok(()) }
//! ```

mod decimal_avg;
mod into;
mod string_agg;
mod tuple;
mod types;
mod write;

pub use into::{AggregatesInto, FillsField, FromAggregates};
pub(crate) use string_agg::{Concat, StringAggSyntax};
pub use string_agg::{StringAgg, StringAggregate};
pub use tuple::Aggregates;
pub use types::{AvgOf, MinMaxOf, StringAggOf, SumOf};

use super::expr::{Expr, IntoCondition};
use super::scalar::{Expression, Node, SqlType};
use crate::types::FieldType;
use std::marker::PhantomData;

/// An aggregate function.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggFunc {
    /// `COUNT(*)` without an argument.
    Count = 1,
    Sum,
    Avg,
    Min,
    Max,
    /// `STRING_AGG` / `GROUP_CONCAT`; its separator and order are the
    /// node's [`Concat`].
    StringAgg,
}

/// How an aggregate's result is made the same on every database.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggCast {
    /// As the database returns it.
    None = 1,
    /// Cast to a 64-bit integer (MySQL's `SUM` is a `DECIMAL`,
    /// PostgreSQL's `SUM` of a `bigint` a `numeric`).
    BigInt,
    /// Cast to a double (the argument of `AVG`, and `SUM` of floats).
    Double,
    /// An exact decimal: SQLite cannot sum one; an average is rounded
    /// to the argument's decimal places + 4 on every database.
    Decimal,
}

/// The untyped aggregate the compiler writes.
#[derive(Debug, Clone)]
pub(crate) struct AggNode {
    pub func: AggFunc,
    pub arg: Option<Box<Node>>,
    pub cast: AggCast,
    pub distinct: bool,
    pub filter: Option<Box<Expr>>,
    /// A `StringAgg`'s separator and order.
    pub concat: Option<Box<Concat>>,
}

impl AggNode {
    /// Adds `condition` to the rows aggregated (and to earlier filters).
    pub(crate) fn add_filter(&mut self, condition: Expr) {
        self.filter = Some(Box::new(match self.filter.take() {
            Some(earlier) => Expr::And(vec![*earlier, condition]),
            None => condition,
        }));
    }
}

/// An aggregate over rows of `M` whose result has Rust type `T`: made by
/// [`Count`], [`Sum`], [`Avg`], [`Min`], [`Max`] and refined with
/// [`distinct`](Agg::distinct) and [`filter`](Agg::filter).
pub struct Agg<M, T> {
    pub(crate) node: AggNode,
    _marker: PhantomData<fn() -> (M, T)>,
}

impl<M, T> Clone for Agg<M, T> {
    fn clone(&self) -> Self {
        Agg::new(self.node.clone())
    }
}

impl<M, T> std::fmt::Debug for Agg<M, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.node.fmt(f)
    }
}

impl<M, T> Agg<M, T> {
    fn new(node: AggNode) -> Self {
        Agg {
            node,
            _marker: PhantomData,
        }
    }

    /// Over the distinct values only (`COUNT(DISTINCT x)`).
    pub fn distinct(mut self) -> Self {
        self.node.distinct = true;
        self
    }

    /// Over the rows matching `condition` only (Django's `filter=Q(..)`):
    /// `FILTER (WHERE ..)` on PostgreSQL and SQLite, `CASE WHEN` on MySQL.
    /// Several filters must all hold.
    pub fn filter(mut self, condition: impl IntoCondition<M>) -> Self {
        self.node.add_filter(condition.into_condition().expr);
        self
    }
}

fn agg<M, T>(func: AggFunc, arg: Option<Node>, cast: AggCast) -> Agg<M, T> {
    Agg::new(AggNode {
        func,
        arg: arg.map(Box::new),
        cast,
        distinct: false,
        filter: None,
        concat: None,
    })
}

/// `COUNT(x)`: how many rows have a non-`NULL` `x`; [`Count::all`] counts
/// rows. Never `NULL`: 0 for an empty set.
#[allow(non_snake_case)]
pub fn Count<M>(expr: impl Expression<M>) -> Agg<M, i64> {
    agg(AggFunc::Count, Some(expr.into_expr_node().0), AggCast::None)
}

/// The namespace of [`Count::all`] (the function [`Count()`] counts
/// values).
pub enum Count {}

impl Count {
    /// `COUNT(*)`: how many rows.
    pub fn all<M>() -> Agg<M, i64> {
        agg(AggFunc::Count, None, AggCast::None)
    }
}

/// `SUM(x)`: `i64` for integers, `f64` for floats, `Decimal` for
/// decimals (not on SQLite, which has no exact decimal arithmetic);
/// `None` for an empty set or all `NULL`s. Text does not compile.
#[allow(non_snake_case)]
pub fn Sum<M, E: Expression<M>>(expr: E) -> Agg<M, Option<<E::Sql as SumOf>::Output>>
where
    E::Sql: SumOf,
{
    agg(
        AggFunc::Sum,
        Some(expr.into_expr_node().0),
        <E::Sql as SumOf>::CAST,
    )
}

/// `AVG(x)`; `None` for an empty set or all `NULL`s. Dates and text do
/// not compile.
///
/// - Of integers or floats an `f64`, computed in double precision on
///   every database (MySQL would round an integer average to 4 decimals).
/// - Of decimals an exact `Decimal`: the exact mean rounded half away
///   from zero to **the argument's decimal places + 4** (at most 28,
///   `rust_decimal`'s limit), with that scale, on every database alike
///   (PostgreSQL's own `AVG` keeps about 16 significant digits, MySQL's
///   the places + `div_precision_increment`). The argument's places are a
///   field's `decimal_places` (the largest of a `Coalesce` or `Case`, the
///   sum for `*`). SQLite, which has no decimal arithmetic, averages a
///   decimal field of at most 15 `max_digits` exactly, in integers of its
///   smallest unit, and refuses other decimal expressions.
///
/// ```
/// use rust_decimal::Decimal;
/// use strata::prelude::*;
/// use strata::query::aggregate::Avg;
///
/// #[derive(Model, Debug)]
/// struct Price {
///     id: i64,
///     #[strata(max_digits = 10, decimal_places = 2)]
///     amount: Decimal,
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> strata::Result<()> {
/// let db = Db::connect("sqlite::memory:").await?;
/// db.create_tables(&[Price::META]).await?;
/// for cents in [10, 20, 20] {
///     Price { id: 0, amount: Decimal::new(cents, 2) }.insert(&db).await?;
/// }
/// let (mean,) = Price::objects().aggregate(&db, (Avg(Price::amount()),)).await?;
/// // 0.50 / 3, to 2 + 4 places; a float average would print 0.16666666666666666.
/// assert_eq!(mean, Some(Decimal::new(166667, 6)));
/// assert_eq!(mean.unwrap().to_string(), "0.166667");
/// # Ok(()) }
/// ```
#[allow(non_snake_case)]
pub fn Avg<M, E: Expression<M>>(expr: E) -> Agg<M, Option<<E::Sql as AvgOf>::Output>>
where
    E::Sql: AvgOf,
{
    agg(
        AggFunc::Avg,
        Some(expr.into_expr_node().0),
        <E::Sql as AvgOf>::CAST,
    )
}

/// `MIN(x)`: the smallest value (text by code point, on strata's binary
/// collations); `None` for an empty set.
#[allow(non_snake_case)]
pub fn Min<M, E: Expression<M>>(expr: E) -> Agg<M, Option<<E::Sql as SqlType>::NotNull>>
where
    E::Sql: MinMaxOf,
{
    agg(AggFunc::Min, Some(expr.into_expr_node().0), AggCast::None)
}

/// `MAX(x)`: the largest value; `None` for an empty set.
#[allow(non_snake_case)]
pub fn Max<M, E: Expression<M>>(expr: E) -> Agg<M, Option<<E::Sql as SqlType>::NotNull>>
where
    E::Sql: MinMaxOf,
{
    agg(AggFunc::Max, Some(expr.into_expr_node().0), AggCast::None)
}

/// One aggregate of [`QuerySet::aggregate`](crate::QuerySet::aggregate)'s
/// tuple.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an aggregate over `{M}`",
    label = "expected `Count(..)`, `Sum(..)`, `Avg(..)`, `Min(..)`, `Max(..)` or `StringAgg(..)` of `{M}`'s fields",
    note = "aggregate takes a tuple of aggregates, e.g. `(Count::all(), Sum({M}::field()))`"
)]
pub trait Aggregate<M> {
    /// The Rust type of the result.
    type Output: FieldType;
    /// The untyped aggregate.
    #[doc(hidden)]
    fn into_agg(self) -> AggregateNode;
}

/// The aggregate an [`Agg`] stands for; opaque.
#[doc(hidden)]
pub struct AggregateNode(pub(crate) AggNode);

impl<M, T: FieldType> Aggregate<M> for Agg<M, T> {
    type Output = T;
    fn into_agg(self) -> AggregateNode {
        AggregateNode(self.node)
    }
}
