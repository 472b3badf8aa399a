//! Which expression types each aggregate takes, and what it returns.

use super::AggCast;
use crate::query::scalar::SqlType;
use crate::types::FieldType;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;

/// Types `Sum` adds up, and the type of their sum.
#[diagnostic::on_unimplemented(
    message = "`Sum` cannot add up `{Self}` values",
    label = "`Sum` needs a numeric expression",
    note = "`Sum` takes i16, i32, i64 (summed as i64), f32, f64 (as f64) or Decimal expressions, or `Option` of one; count text with `Count`"
)]
pub trait SumOf: SqlType {
    /// The type of the sum (without the `Option` of an empty set).
    type Output: FieldType;
    /// How the sum is made alike on every database.
    #[doc(hidden)]
    const CAST: AggCast;
}

/// Types `Avg` averages, and the type of their average.
#[diagnostic::on_unimplemented(
    message = "`Avg` cannot average `{Self}` values",
    label = "`Avg` needs a numeric expression",
    note = "`Avg` takes i16, i32, i64, f32 or f64 expressions (averaged as an f64) or Decimal ones (as an exact Decimal), or `Option` of one"
)]
pub trait AvgOf: SqlType {
    /// The type of the average (without the `Option` of an empty set).
    type Output: FieldType;
    /// How the average is made alike on every database.
    #[doc(hidden)]
    const CAST: AggCast;
}

/// Text types `StringAgg` concatenates.
#[diagnostic::on_unimplemented(
    message = "`StringAgg` cannot concatenate `{Self}` values",
    label = "`StringAgg` needs a text expression",
    note = "`StringAgg` takes `String` / `Option<String>` fields or text expressions; to join numbers, aggregate them in Rust"
)]
pub trait StringAggOf: SqlType {}

impl StringAggOf for String {}
impl StringAggOf for Option<String> {}

/// Types with an order `Min` and `Max` follow the same way on every
/// database.
#[diagnostic::on_unimplemented(
    message = "`Min` / `Max` cannot order `{Self}` values",
    label = "`Min` / `Max` need a number, text, date or time expression",
    note = "`Min` and `Max` take numbers, text, dates and times (or `Option` of one)"
)]
pub trait MinMaxOf: SqlType {}

macro_rules! both {
    ($trait:ident for $($ty:ty),*) => {$(
        impl $trait for $ty {}
        impl $trait for Option<$ty> {}
    )*};
}

macro_rules! sums {
    ($($ty:ty => $out:ty, $cast:ident;)*) => {$(
        impl SumOf for $ty {
            type Output = $out;
            const CAST: AggCast = AggCast::$cast;
        }
        impl SumOf for Option<$ty> {
            type Output = $out;
            const CAST: AggCast = AggCast::$cast;
        }
    )*};
}

sums! {
    i16 => i64, BigInt;
    i32 => i64, BigInt;
    i64 => i64, BigInt;
    f32 => f64, Double;
    f64 => f64, Double;
    Decimal => Decimal, Decimal;
}

macro_rules! avgs {
    ($($ty:ty => $out:ty, $cast:ident;)*) => {$(
        impl AvgOf for $ty {
            type Output = $out;
            const CAST: AggCast = AggCast::$cast;
        }
        impl AvgOf for Option<$ty> {
            type Output = $out;
            const CAST: AggCast = AggCast::$cast;
        }
    )*};
}

avgs! {
    i16 => f64, Double;
    i32 => f64, Double;
    i64 => f64, Double;
    f32 => f64, Double;
    f64 => f64, Double;
    Decimal => Decimal, Decimal;
}

both!(MinMaxOf for i16, i32, i64, f32, f64, Decimal, String, NaiveDate, NaiveTime, NaiveDateTime, DateTime<Utc>);
