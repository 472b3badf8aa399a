//! [`FieldType`]: how a Rust type is stored in a column.
//!
//! The column type a field gets on each dialect is decided by this trait on
//! the field's Rust type, so users can store their own types by
//! implementing it (see the example on [`FieldType`]).

pub(crate) mod auto_now;
mod builtin;
pub(crate) mod text_formats;

pub(crate) use auto_now::update_stamps;
pub use auto_now::AutoNowField;

use crate::column_type::ColumnType;
use crate::db::Row;
use crate::value::Value;

/// The error a field type returns when a column cannot be decoded.
pub type DecodeError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A Rust type that can be a model field.
///
/// Implemented for `i16`, `i32`, `i64`, `u8`, `u16`, `u32`, `f32`, `f64`,
/// `bool`, `String`,
/// `Vec<u8>`, `chrono::{NaiveDate, NaiveTime, NaiveDateTime, DateTime<Utc>}`,
/// `uuid::Uuid`, `rust_decimal::Decimal`, `serde_json::Value`, and
/// `Option<T>` of each (a nullable column).
///
/// A type of your own is stored through one of those: give its
/// [`COLUMN`](FieldType::COLUMN) and convert to and from a [`Value`].
///
/// ```
/// use strata::{ColumnType, DecodeError, FieldType, Value};
///
/// /// A status stored as short text.
/// #[derive(Debug, Clone, PartialEq)]
/// enum Status { Draft, Live }
///
/// impl FieldType for Status {
///     const COLUMN: ColumnType = ColumnType::Varchar(8);
///
///     fn to_value(&self) -> Value {
///         let text = match self { Status::Draft => "draft", Status::Live => "live" };
///         Value::String(Some(text.to_string()))
///     }
///
///     fn from_value(value: Value) -> Result<Self, DecodeError> {
///         match value {
///             Value::String(Some(s)) if s == "draft" => Ok(Status::Draft),
///             Value::String(Some(s)) if s == "live" => Ok(Status::Live),
///             other => Err(format!("not a status: {other}").into()),
///         }
///     }
/// }
///
/// assert_eq!(Status::from_value(Status::Live.to_value()).unwrap(), Status::Live);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the type of a model field",
    label = "unsupported field type",
    note = "strata stores i16, i32, i64, u8, u16, u32, f32, f64, bool, String, Vec<u8>, chrono::{{NaiveDate, NaiveTime, NaiveDateTime, DateTime<Utc>}}, uuid::Uuid, rust_decimal::Decimal, serde_json::Value, and Option<T> of each; relations are ForeignKey<T> and OneToOne<T>",
    note = "to store a type of your own, implement `strata::FieldType` for it"
)]
pub trait FieldType: Sized + Send + Sync + 'static {
    /// The dialect-neutral column type.
    const COLUMN: ColumnType;

    /// Whether the column allows `NULL`; true only for `Option<T>`.
    const NULLABLE: bool = false;

    /// The only values the column may hold, for an enum
    /// (`#[derive(FieldType)]`); `None` for any other type.
    const CHOICES: Option<Choices> = None;

    /// The value bound when this field is written.
    fn to_value(&self) -> Value;

    /// Rebuilds the field from a decoded value.
    fn from_value(value: Value) -> Result<Self, DecodeError>;

    /// Decodes the field from column `index` of `row`. The default decodes
    /// the column as [`COLUMN`](FieldType::COLUMN) and calls `from_value`;
    /// built-in types read the driver's row directly.
    fn decode(row: &Row, index: usize) -> Result<Self, DecodeError> {
        Self::from_value(decode_value(row, index, &Self::COLUMN)?)
    }

    /// Decodes a nullable column `index` of `row`: `None` for `NULL`.
    /// `Option<Self>` decodes through this. The default looks at the value
    /// once to see whether it is `NULL` and calls
    /// [`decode`](FieldType::decode) otherwise; built-in types let the
    /// driver do both in one look-up.
    fn decode_option(row: &Row, index: usize) -> Result<Option<Self>, DecodeError> {
        if row.is_null(index)? {
            Ok(None)
        } else {
            Self::decode(row, index).map(Some)
        }
    }
}

/// The values an enum column may hold, as stored: the column of a
/// `#[derive(FieldType)]` enum is `VARCHAR` or `INTEGER`, and these are
/// its variants' values in declaration order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Choices {
    /// An enum stored as text (`stored_as = text`, the default).
    Text(&'static [&'static str]),
    /// An enum stored as an integer (`stored_as = integer`).
    Integer(&'static [i32]),
}

/// The `NULL` of a column type.
pub fn null_of(ty: &ColumnType) -> Value {
    match ty {
        ColumnType::SmallInt | ColumnType::UnsignedTinyInt => Value::I16(None),
        ColumnType::UnsignedSmallInt => Value::I32(None),
        ColumnType::UnsignedInt => Value::I64(None),
        ColumnType::Integer => Value::I32(None),
        ColumnType::BigInt => Value::I64(None),
        ColumnType::Float => Value::F32(None),
        ColumnType::Double => Value::F64(None),
        ColumnType::Boolean => Value::Bool(None),
        ColumnType::Text | ColumnType::Varchar(_) | ColumnType::Custom(_) => Value::String(None),
        ColumnType::Bytes => Value::Bytes(None),
        ColumnType::Date => Value::Date(None),
        ColumnType::Time => Value::Time(None),
        ColumnType::DateTime => Value::DateTime(None),
        ColumnType::DateTimeUtc => Value::DateTimeUtc(None),
        ColumnType::Uuid => Value::Uuid(None),
        ColumnType::Decimal(..) => Value::Decimal(None),
        ColumnType::Json => Value::Json(None),
    }
}

/// Decodes column `index` as the built-in type that stores `ty`.
/// Custom column types are read as text.
pub fn decode_value(row: &Row, index: usize, ty: &ColumnType) -> Result<Value, DecodeError> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
    Ok(match ty {
        ColumnType::SmallInt => Value::I16(Option::<i16>::decode(row, index)?),
        ColumnType::UnsignedTinyInt => Value::I16(Option::<u8>::decode(row, index)?.map(i16::from)),
        ColumnType::UnsignedSmallInt => {
            Value::I32(Option::<u16>::decode(row, index)?.map(i32::from))
        }
        ColumnType::UnsignedInt => Value::I64(Option::<u32>::decode(row, index)?.map(i64::from)),
        ColumnType::Integer => Value::I32(Option::<i32>::decode(row, index)?),
        ColumnType::BigInt => Value::I64(Option::<i64>::decode(row, index)?),
        ColumnType::Float => Value::F32(Option::<f32>::decode(row, index)?),
        ColumnType::Double => Value::F64(Option::<f64>::decode(row, index)?),
        ColumnType::Boolean => Value::Bool(Option::<bool>::decode(row, index)?),
        ColumnType::Text | ColumnType::Varchar(_) | ColumnType::Custom(_) => {
            Value::String(Option::<String>::decode(row, index)?)
        }
        ColumnType::Bytes => Value::Bytes(Option::<Vec<u8>>::decode(row, index)?),
        ColumnType::Date => Value::Date(Option::<NaiveDate>::decode(row, index)?),
        ColumnType::Time => Value::Time(Option::<NaiveTime>::decode(row, index)?),
        ColumnType::DateTime => Value::DateTime(Option::<NaiveDateTime>::decode(row, index)?),
        ColumnType::DateTimeUtc => Value::DateTimeUtc(Option::<DateTime<Utc>>::decode(row, index)?),
        ColumnType::Uuid => Value::Uuid(Option::<uuid::Uuid>::decode(row, index)?),
        ColumnType::Decimal(..) => {
            Value::Decimal(Option::<rust_decimal::Decimal>::decode(row, index)?)
        }
        ColumnType::Json => {
            Value::Json(Option::<serde_json::Value>::decode(row, index)?.map(Box::new))
        }
    })
}

impl<T: FieldType> FieldType for Option<T> {
    const COLUMN: ColumnType = T::COLUMN;
    const NULLABLE: bool = true;
    const CHOICES: Option<Choices> = T::CHOICES;

    fn to_value(&self) -> Value {
        match self {
            Some(v) => v.to_value(),
            None => null_of(&T::COLUMN),
        }
    }

    fn from_value(value: Value) -> Result<Self, DecodeError> {
        if value.is_null() {
            Ok(None)
        } else {
            T::from_value(value).map(Some)
        }
    }

    fn decode(row: &Row, index: usize) -> Result<Self, DecodeError> {
        T::decode_option(row, index)
    }
}

/// The error of a value of the wrong kind reaching `from_value`.
pub(crate) fn unexpected(expected: &str, got: &Value) -> DecodeError {
    if got.is_null() {
        format!("expected {expected}, got NULL (use Option<_> for a nullable column)").into()
    } else {
        format!("expected {expected}, got a {} value", got.kind_name()).into()
    }
}
