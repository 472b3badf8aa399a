//! [`Value`]: a typed value on its way to the database as a bound parameter.

mod array;
pub(crate) mod check;

pub use array::Array;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use std::fmt;
use uuid::Uuid;

/// A value bound as a parameter of a statement.
///
/// Every variant carries an `Option` so that a SQL `NULL` still knows its
/// type: PostgreSQL needs that to accept `SET "name" = $1` with a null `$1`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    Bool(Option<bool>),
    I16(Option<i16>),
    I32(Option<i32>),
    I64(Option<i64>),
    F32(Option<f32>),
    F64(Option<f64>),
    String(Option<String>),
    Bytes(Option<Vec<u8>>),
    Date(Option<NaiveDate>),
    Time(Option<NaiveTime>),
    DateTime(Option<NaiveDateTime>),
    DateTimeUtc(Option<DateTime<Utc>>),
    Uuid(Option<Uuid>),
    Decimal(Option<Decimal>),
    Json(Option<Box<serde_json::Value>>),
    /// A list bound as one array parameter; strata writes these only for
    /// PostgreSQL (`"id" = ANY($1)`). SQLite and MySQL have no array
    /// parameters: there the array is sent as the text of PostgreSQL's
    /// array literal, which no strata statement asks for.
    Array(Array),
}

impl Value {
    /// Whether this is a SQL `NULL`.
    #[inline]
    pub fn is_null(&self) -> bool {
        match self {
            Value::Bool(v) => v.is_none(),
            Value::I16(v) => v.is_none(),
            Value::I32(v) => v.is_none(),
            Value::I64(v) => v.is_none(),
            Value::F32(v) => v.is_none(),
            Value::F64(v) => v.is_none(),
            Value::String(v) => v.is_none(),
            Value::Bytes(v) => v.is_none(),
            Value::Date(v) => v.is_none(),
            Value::Time(v) => v.is_none(),
            Value::DateTime(v) => v.is_none(),
            Value::DateTimeUtc(v) => v.is_none(),
            Value::Uuid(v) => v.is_none(),
            Value::Decimal(v) => v.is_none(),
            Value::Json(v) => v.is_none(),
            Value::Array(_) => false,
        }
    }

    /// The same kind of value, but `NULL`.
    pub fn to_null(&self) -> Value {
        match self {
            Value::Bool(_) => Value::Bool(None),
            Value::I16(_) => Value::I16(None),
            Value::I32(_) => Value::I32(None),
            Value::I64(_) => Value::I64(None),
            Value::F32(_) => Value::F32(None),
            Value::F64(_) => Value::F64(None),
            Value::String(_) => Value::String(None),
            Value::Bytes(_) => Value::Bytes(None),
            Value::Date(_) => Value::Date(None),
            Value::Time(_) => Value::Time(None),
            Value::DateTime(_) => Value::DateTime(None),
            Value::DateTimeUtc(_) => Value::DateTimeUtc(None),
            Value::Uuid(_) => Value::Uuid(None),
            Value::Decimal(_) => Value::Decimal(None),
            Value::Json(_) => Value::Json(None),
            // An array parameter is never NULL itself: the same kind, empty.
            Value::Array(a) => Value::Array(a.emptied()),
        }
    }

    /// A short name of the value's kind, for error messages.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Bool(_) => "bool",
            Value::I16(_) => "i16",
            Value::I32(_) => "i32",
            Value::I64(_) => "i64",
            Value::F32(_) => "f32",
            Value::F64(_) => "f64",
            Value::String(_) => "string",
            Value::Bytes(_) => "bytes",
            Value::Date(_) => "date",
            Value::Time(_) => "time",
            Value::DateTime(_) => "datetime",
            Value::DateTimeUtc(_) => "datetime (UTC)",
            Value::Uuid(_) => "uuid",
            Value::Decimal(_) => "decimal",
            Value::Json(_) => "json",
            Value::Array(_) => "array",
        }
    }
}

/// Shows the value the way a reviewer reads it: strings quoted, `NULL` bare.
/// This is for display only; values are always sent as bound parameters.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn show<T: fmt::Display>(f: &mut fmt::Formatter<'_>, v: &Option<T>) -> fmt::Result {
            match v {
                Some(v) => write!(f, "{v}"),
                None => f.write_str("NULL"),
            }
        }
        fn quoted<T: fmt::Display>(f: &mut fmt::Formatter<'_>, v: &Option<T>) -> fmt::Result {
            match v {
                Some(v) => write!(f, "'{}'", v.to_string().replace('\'', "''")),
                None => f.write_str("NULL"),
            }
        }
        match self {
            Value::Bool(v) => show(f, v),
            Value::I16(v) => show(f, v),
            Value::I32(v) => show(f, v),
            Value::I64(v) => show(f, v),
            Value::F32(v) => show(f, v),
            Value::F64(v) => show(f, v),
            Value::String(v) => quoted(f, v),
            Value::Bytes(Some(b)) => {
                f.write_str("x'")?;
                for byte in b {
                    write!(f, "{byte:02x}")?;
                }
                f.write_str("'")
            }
            Value::Bytes(None) => f.write_str("NULL"),
            Value::Date(v) => quoted(f, v),
            Value::Time(v) => quoted(f, v),
            Value::DateTime(v) => quoted(f, v),
            Value::DateTimeUtc(v) => quoted(f, v),
            Value::Uuid(v) => quoted(f, v),
            Value::Decimal(v) => show(f, v),
            Value::Json(v) => quoted(f, v),
            Value::Array(a) => write!(f, "{a}"),
        }
    }
}
