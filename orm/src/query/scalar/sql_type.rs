//! The SQL value types of expressions, and which types combine: what `a +
//! b` gives, what may be compared with what, what may be cast to what.
//!
//! Implemented for strata's built-in field types and `Option` of each, by
//! concrete impls (no blanket ones), so that a mismatch names both types
//! in the compiler's message instead of an associated-type projection.

use crate::types::FieldType;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

/// A type an expression can have: a built-in field type or `Option` of
/// one (a value that may be `NULL`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a type strata expressions can have",
    label = "not a built-in field type",
    note = "expressions have the built-in field types (i16, i32, i64, f32, f64, bool, String, Vec<u8>, chrono dates and times, Uuid, Decimal, serde_json::Value) or `Option` of one"
)]
pub trait SqlType: FieldType {
    /// The type without `NULL`: `i32` for both `i32` and `Option<i32>`.
    type NotNull: SqlType;
    /// The type with `NULL`: `Option<i32>` for both.
    type Nullable: SqlType;
    /// `U` with this type's nullability: `U` for a non-null type,
    /// `Option<U>` for a nullable one (the type of `length()` of a text).
    type Like<U>;
}

/// The built-in types without `NULL`; `Option<T>` is the nullable form of
/// each.
pub trait NotNullType: SqlType {}

/// Whether two expression types may be compared (`=`, `<`, ...): the same
/// type, with or without `NULL`.
#[diagnostic::on_unimplemented(
    message = "a `{Self}` expression cannot be compared with a `{Rhs}` expression",
    label = "expected an expression of type `{Self}`",
    note = "both sides of a comparison must have the same type (with or without `Option`); convert numbers with `.cast::<T>()`"
)]
pub trait ComparableWith<Rhs> {}

/// The type of `Self op Rhs` for `+ - * /`: numeric operands of one type,
/// `Option` when either side is.
#[diagnostic::on_unimplemented(
    message = "cannot do arithmetic on a `{Self}` and a `{Rhs}`",
    label = "expected a number of type `{Self}`",
    note = "`+ - * /` take two numbers of the same type (i16, i32, i64, f32, f64 or Decimal, with or without `Option`); convert one with `.cast::<T>()` first"
)]
pub trait ArithWith<Rhs> {
    /// The type of the result.
    type Output: SqlType;
}

/// Number types: arithmetic, `Sum`, `Avg`, `cast`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a number",
    label = "this needs a numeric expression",
    note = "arithmetic, `Sum`, `Avg` and `cast` take i16, i32, i64, f32, f64 or Decimal expressions (or `Option` of one)"
)]
pub trait Numeric: SqlType {
    /// Integer, float or decimal.
    #[doc(hidden)]
    const KIND: super::NumKind;
}

/// Numbers `/` divides the same way on every database: integers
/// (truncating toward zero) and floats. Decimal quotients get a different
/// scale on each database (PostgreSQL at least 16 places, MySQL 4 more
/// than the dividend), so decimals are not divided in SQL.
#[diagnostic::on_unimplemented(
    message = "strata does not divide `{Self}` values in SQL",
    label = "`/` needs integers or floats",
    note = "databases give a decimal quotient different scales; divide the loaded values in Rust, or use a float field"
)]
pub trait Divisible: Numeric {}

/// Integer types: division truncates toward zero on every database.
pub trait Integer: Numeric {}

/// Text types: `lower`, `upper`, `length`, `concat`, `substr`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not text",
    label = "this text function needs a `String` or `Option<String>` expression",
    note = "`lower`, `upper`, `length`, `concat` and `substr` apply to text expressions only"
)]
pub trait Text: SqlType {}

/// Which SQL type a number is cast to (see [`CastTo`]).
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CastTarget {
    SmallInt,
    Integer,
    BigInt,
    Float,
    Double,
}

/// A numeric type `Self` converts to with `.cast::<T>()`: a wider integer,
/// any float, or (from a float) any integer, truncated toward zero as
/// Rust's `as` does. Narrowing an integer is not offered: databases
/// disagree on what an out-of-range value becomes.
#[diagnostic::on_unimplemented(
    message = "a `{Self}` expression cannot be cast to `{Target}`",
    label = "no cast from `{Self}` to `{Target}`",
    note = "casts go to a wider integer (i16 -> i32 -> i64), to f32 / f64, or from a float to an integer (truncating toward zero); the result is `Option` when the source is"
)]
pub trait CastTo<Target> {
    /// The type of the result (`Option` when `Self` is).
    type Output: SqlType;
    /// The SQL type cast to.
    #[doc(hidden)]
    const TARGET: CastTarget;
    /// Whether the source is a float cast to an integer.
    #[doc(hidden)]
    const TRUNCATE: bool;
}

macro_rules! sql_types {
    ($($ty:ty),* $(,)?) => {$(
        impl SqlType for $ty {
            type NotNull = $ty;
            type Nullable = Option<$ty>;
            type Like<U> = U;
        }
        impl SqlType for Option<$ty> {
            type NotNull = $ty;
            type Nullable = Option<$ty>;
            type Like<U> = Option<U>;
        }
        impl NotNullType for $ty {}
        impl ComparableWith<$ty> for $ty {}
        impl ComparableWith<Option<$ty>> for $ty {}
        impl ComparableWith<$ty> for Option<$ty> {}
        impl ComparableWith<Option<$ty>> for Option<$ty> {}
    )*};
}

sql_types!(
    i16,
    i32,
    i64,
    f32,
    f64,
    bool,
    String,
    Vec<u8>,
    NaiveDate,
    NaiveTime,
    NaiveDateTime,
    DateTime<Utc>,
    Uuid,
    Decimal,
    serde_json::Value,
);

macro_rules! numeric {
    ($($ty:ty: $kind:ident),*) => {$(
        impl Numeric for $ty { const KIND: super::NumKind = super::NumKind::$kind; }
        impl Numeric for Option<$ty> { const KIND: super::NumKind = super::NumKind::$kind; }
        impl ArithWith<$ty> for $ty { type Output = $ty; }
        impl ArithWith<Option<$ty>> for $ty { type Output = Option<$ty>; }
        impl ArithWith<$ty> for Option<$ty> { type Output = Option<$ty>; }
        impl ArithWith<Option<$ty>> for Option<$ty> { type Output = Option<$ty>; }
    )*};
}

numeric!(i16: Integer, i32: Integer, i64: Integer, f32: Float, f64: Float, Decimal: Decimal);

macro_rules! divisible {
    ($($ty:ty),*) => {$(
        impl Divisible for $ty {}
        impl Divisible for Option<$ty> {}
    )*};
}

divisible!(i16, i32, i64, f32, f64);

impl Integer for i16 {}
impl Integer for Option<i16> {}
impl Integer for i32 {}
impl Integer for Option<i32> {}
impl Integer for i64 {}
impl Integer for Option<i64> {}

impl Text for String {}
impl Text for Option<String> {}

macro_rules! casts {
    ($($from:ty => $to:ty : $target:ident, $truncate:expr;)*) => {$(
        impl CastTo<$to> for $from {
            type Output = $to;
            const TARGET: CastTarget = CastTarget::$target;
            const TRUNCATE: bool = $truncate;
        }
        impl CastTo<$to> for Option<$from> {
            type Output = Option<$to>;
            const TARGET: CastTarget = CastTarget::$target;
            const TRUNCATE: bool = $truncate;
        }
    )*};
}

casts! {
    i16 => i16: SmallInt, false;
    i16 => i32: Integer, false;
    i16 => i64: BigInt, false;
    i16 => f32: Float, false;
    i16 => f64: Double, false;
    i32 => i32: Integer, false;
    i32 => i64: BigInt, false;
    i32 => f32: Float, false;
    i32 => f64: Double, false;
    i64 => i64: BigInt, false;
    i64 => f32: Float, false;
    i64 => f64: Double, false;
    f32 => i16: SmallInt, true;
    f32 => i32: Integer, true;
    f32 => i64: BigInt, true;
    f32 => f32: Float, false;
    f32 => f64: Double, false;
    f64 => i16: SmallInt, true;
    f64 => i32: Integer, true;
    f64 => i64: BigInt, true;
    f64 => f32: Float, false;
    f64 => f64: Double, false;
}
