//! `FieldType` for the built-in field types.

use super::{text_formats, unexpected, DecodeError, FieldType};
use crate::column_type::ColumnType;
use crate::db::{decode_native, decode_on_servers, Row};
use crate::value::Value;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

/// A type every driver decodes natively, stored in one `Value` variant.
macro_rules! native_field_type {
    ($ty:ty, $variant:ident, $column:expr, $expected:literal) => {
        impl FieldType for $ty {
            const COLUMN: ColumnType = $column;

            fn to_value(&self) -> Value {
                Value::$variant(Some(self.clone()))
            }

            fn from_value(value: Value) -> Result<Self, DecodeError> {
                match value {
                    Value::$variant(Some(v)) => Ok(v),
                    other => Err(unexpected($expected, &other)),
                }
            }

            fn decode(row: &Row, index: usize) -> Result<Self, DecodeError> {
                decode_native!(row, index, $ty)
            }

            fn decode_option(row: &Row, index: usize) -> Result<Option<Self>, DecodeError> {
                decode_native!(row, index, Option<$ty>)
            }
        }
    };
}

native_field_type!(i16, I16, ColumnType::SmallInt, "an i16");
native_field_type!(i32, I32, ColumnType::Integer, "an i32");
native_field_type!(i64, I64, ColumnType::BigInt, "an i64");
native_field_type!(f32, F32, ColumnType::Float, "an f32");

/// An unsigned integer, bound as the next wider signed type (which every
/// driver takes for the column: MySQL's `UNSIGNED` one, or the wider
/// signed column elsewhere) and read back exactly: a value out of the
/// type's range is a decode error, never a wrapped or truncated number.
macro_rules! unsigned_field_type {
    ($ty:ty, $wide:ty, $variant:ident, $column:expr, $expected:literal) => {
        impl FieldType for $ty {
            const COLUMN: ColumnType = $column;

            fn to_value(&self) -> Value {
                Value::$variant(Some(<$wide>::from(*self)))
            }

            fn from_value(value: Value) -> Result<Self, DecodeError> {
                let wide: i64 = match value {
                    Value::I16(Some(v)) => v.into(),
                    Value::I32(Some(v)) => v.into(),
                    Value::I64(Some(v)) => v,
                    other => return Err(unexpected($expected, &other)),
                };
                <$ty>::try_from(wide).map_err(|_| {
                    format!(
                        "{wide} is out of the range of {} (0 to {})",
                        stringify!($ty),
                        <$ty>::MAX
                    )
                    .into()
                })
            }

            fn decode(row: &Row, index: usize) -> Result<Self, DecodeError> {
                let wide: i64 = match row {
                    // MySQL's UNSIGNED columns decode as the unsigned type;
                    // a signed one (an expression, a table made by hand) is
                    // read as it is and checked.
                    #[cfg(feature = "mysql")]
                    Row::MySql(r) => match sqlx::Row::try_get::<$ty, _>(r, index) {
                        Ok(v) => return Ok(v),
                        Err(_) => sqlx::Row::try_get::<i64, _>(r, index)?,
                    },
                    #[cfg(feature = "postgres")]
                    Row::Postgres(r) => sqlx::Row::try_get::<$wide, _>(r, index)?.into(),
                    #[cfg(feature = "sqlite")]
                    Row::Sqlite(r) => {
                        crate::db::sqlite_required(r, index)?;
                        sqlx::Row::try_get::<i64, _>(r, index)?
                    }
                    #[cfg(feature = "sqlite")]
                    Row::SqliteStep(r) => <i64 as crate::db::StepDecode>::step_decode(r, index)?,
                };
                Self::from_value(Value::I64(Some(wide)))
            }
        }
    };
}

unsigned_field_type!(u8, i16, I16, ColumnType::UnsignedTinyInt, "a u8");
unsigned_field_type!(u16, i32, I32, ColumnType::UnsignedSmallInt, "a u16");
unsigned_field_type!(u32, i64, I64, ColumnType::UnsignedInt, "a u32");
native_field_type!(f64, F64, ColumnType::Double, "an f64");
native_field_type!(bool, Bool, ColumnType::Boolean, "a bool");
native_field_type!(Vec<u8>, Bytes, ColumnType::Bytes, "bytes");

/// Reads text on MySQL without sqlx's type check: strata's tables use a
/// binary collation (`utf8mb4_0900_bin` on MySQL 8, `utf8mb4_nopad_bin` on
/// MariaDB, `utf8mb4_bin` on tables made before), which the server flags
/// as BINARY although the column holds UTF-8 text (the decode still
/// validates UTF-8).
#[cfg(feature = "mysql")]
fn mysql_text(row: &sqlx::mysql::MySqlRow, index: usize) -> Result<String, DecodeError> {
    Ok(sqlx::Row::try_get_unchecked::<String, _>(row, index)?)
}

/// [`mysql_text`] of a nullable column.
#[cfg(feature = "mysql")]
fn mysql_text_option(
    row: &sqlx::mysql::MySqlRow,
    index: usize,
) -> Result<Option<String>, DecodeError> {
    Ok(sqlx::Row::try_get_unchecked::<Option<String>, _>(
        row, index,
    )?)
}

impl FieldType for String {
    const COLUMN: ColumnType = ColumnType::Text;

    fn to_value(&self) -> Value {
        Value::String(Some(self.clone()))
    }

    fn from_value(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::String(Some(v)) => Ok(v),
            other => Err(unexpected("a string", &other)),
        }
    }

    fn decode(row: &Row, index: usize) -> Result<Self, DecodeError> {
        match row {
            #[cfg(feature = "mysql")]
            Row::MySql(r) => mysql_text(r, index),
            #[allow(unreachable_patterns)]
            _ => decode_native!(row, index, String),
        }
    }

    fn decode_option(row: &Row, index: usize) -> Result<Option<Self>, DecodeError> {
        match row {
            #[cfg(feature = "mysql")]
            Row::MySql(r) => mysql_text_option(r, index),
            #[allow(unreachable_patterns)]
            _ => decode_native!(row, index, Option<String>),
        }
    }
}

/// A type stored natively on PostgreSQL and MySQL and as text on SQLite.
macro_rules! text_on_sqlite_field_type {
    ($ty:ty, $variant:ident, $column:expr, $expected:literal, $parse:path) => {
        impl FieldType for $ty {
            const COLUMN: ColumnType = $column;

            fn to_value(&self) -> Value {
                Value::$variant(Some(self.clone()))
            }

            fn from_value(value: Value) -> Result<Self, DecodeError> {
                match value {
                    Value::$variant(Some(v)) => Ok(v),
                    other => Err(unexpected($expected, &other)),
                }
            }

            fn decode(row: &Row, index: usize) -> Result<Self, DecodeError> {
                match row {
                    #[cfg(feature = "sqlite")]
                    Row::Sqlite(r) => {
                        crate::db::sqlite_required(r, index)?;
                        let text: &str = sqlx::Row::try_get(r, index)?;
                        Ok($parse(text)?)
                    }
                    #[cfg(feature = "sqlite")]
                    Row::SqliteStep(r) => Ok($parse(r.text::<&str>(index)?)?),
                    #[allow(unreachable_patterns)]
                    _ => decode_on_servers!(row, index, $ty),
                }
            }

            fn decode_option(row: &Row, index: usize) -> Result<Option<Self>, DecodeError> {
                match row {
                    #[cfg(feature = "sqlite")]
                    Row::Sqlite(r) => {
                        let text: Option<&str> = sqlx::Row::try_get(r, index)?;
                        Ok(text.map($parse).transpose()?)
                    }
                    #[cfg(feature = "sqlite")]
                    Row::SqliteStep(r) => {
                        if r.is_null(index)? {
                            Ok(None)
                        } else {
                            Ok(Some($parse(r.text_of_option::<Option<&str>>(index)?)?))
                        }
                    }
                    #[allow(unreachable_patterns)]
                    _ => decode_on_servers!(row, index, Option<$ty>),
                }
            }
        }
    };
}

text_on_sqlite_field_type!(
    NaiveDate,
    Date,
    ColumnType::Date,
    "a date",
    text_formats::parse_date
);
text_on_sqlite_field_type!(
    NaiveTime,
    Time,
    ColumnType::Time,
    "a time",
    text_formats::parse_time
);
text_on_sqlite_field_type!(
    NaiveDateTime,
    DateTime,
    ColumnType::DateTime,
    "a datetime",
    text_formats::parse_datetime
);
text_on_sqlite_field_type!(
    DateTime<Utc>,
    DateTimeUtc,
    ColumnType::DateTimeUtc,
    "a UTC datetime",
    text_formats::parse_datetime_utc
);

impl FieldType for Uuid {
    const COLUMN: ColumnType = ColumnType::Uuid;

    fn to_value(&self) -> Value {
        Value::Uuid(Some(*self))
    }

    fn from_value(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::Uuid(Some(v)) => Ok(v),
            Value::String(Some(s)) => Ok(Uuid::parse_str(&s)?),
            other => Err(unexpected("a uuid", &other)),
        }
    }

    fn decode(row: &Row, index: usize) -> Result<Self, DecodeError> {
        match row {
            #[cfg(feature = "sqlite")]
            Row::Sqlite(r) => {
                crate::db::sqlite_required(r, index)?;
                let text: &str = sqlx::Row::try_get(r, index)?;
                Ok(Uuid::parse_str(text)?)
            }
            #[cfg(feature = "sqlite")]
            Row::SqliteStep(r) => Ok(Uuid::parse_str(r.text::<&str>(index)?)?),
            #[cfg(feature = "mysql")]
            Row::MySql(r) => Ok(Uuid::parse_str(&mysql_text(r, index)?)?),
            #[allow(unreachable_patterns)]
            _ => decode_on_servers!(row, index, Uuid),
        }
    }
}

impl FieldType for Decimal {
    /// Precision comes from the field's `max_digits` / `decimal_places`.
    const COLUMN: ColumnType = ColumnType::Decimal(0, 0);

    fn to_value(&self) -> Value {
        Value::Decimal(Some(*self))
    }

    fn from_value(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::Decimal(Some(v)) => Ok(v),
            other => Err(unexpected("a decimal", &other)),
        }
    }

    fn decode(row: &Row, index: usize) -> Result<Self, DecodeError> {
        match row {
            // SQLite's NUMERIC affinity stores a decimal as INTEGER, REAL
            // (15 significant digits) or, failing both, TEXT.
            #[cfg(feature = "sqlite")]
            Row::Sqlite(r) => {
                use sqlx::{TypeInfo, ValueRef};
                crate::db::sqlite_required(r, index)?;
                let raw = sqlx::Row::try_get_raw(r, index)?;
                let storage = raw.type_info().name().to_string();
                match storage.as_str() {
                    "INTEGER" => Ok(Decimal::from(sqlx::Row::try_get_unchecked::<i64, _>(
                        r, index,
                    )?)),
                    "REAL" => {
                        let f = sqlx::Row::try_get_unchecked::<f64, _>(r, index)?;
                        Ok(f.to_string().parse::<Decimal>()?)
                    }
                    _ => {
                        let text = sqlx::Row::try_get_unchecked::<String, _>(r, index)?;
                        Ok(text.trim().parse::<Decimal>()?)
                    }
                }
            }
            #[cfg(feature = "sqlite")]
            Row::SqliteStep(r) => {
                use crate::db::sqlite_read::Storage;
                match r.storage_at(index)? {
                    Storage::Integer => Ok(Decimal::from(r.int64(index))),
                    Storage::Real => Ok(r.double(index).to_string().parse::<Decimal>()?),
                    _ => Ok(r.text_unchecked(index)?.trim().parse::<Decimal>()?),
                }
            }
            #[cfg(feature = "postgres")]
            Row::Postgres(r) => Ok(sqlx::Row::try_get::<Decimal, _>(r, index)?),
            #[cfg(feature = "mysql")]
            Row::MySql(r) => Ok(sqlx::Row::try_get::<Decimal, _>(r, index)?),
        }
    }
}

impl FieldType for serde_json::Value {
    const COLUMN: ColumnType = ColumnType::Json;

    fn to_value(&self) -> Value {
        Value::Json(Some(Box::new(self.clone())))
    }

    fn from_value(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::Json(Some(v)) => Ok(*v),
            Value::String(Some(s)) => Ok(serde_json::from_str(&s)?),
            other => Err(unexpected("JSON", &other)),
        }
    }

    fn decode(row: &Row, index: usize) -> Result<Self, DecodeError> {
        match row {
            #[cfg(feature = "sqlite")]
            Row::Sqlite(r) => {
                crate::db::sqlite_required(r, index)?;
                let text: &str = sqlx::Row::try_get(r, index)?;
                Ok(serde_json::from_str(text)?)
            }
            #[cfg(feature = "sqlite")]
            Row::SqliteStep(r) => Ok(serde_json::from_str(r.text::<&str>(index)?)?),
            #[cfg(feature = "postgres")]
            Row::Postgres(r) => {
                let sqlx::types::Json(v) =
                    sqlx::Row::try_get::<sqlx::types::Json<serde_json::Value>, _>(r, index)?;
                Ok(v)
            }
            #[cfg(feature = "mysql")]
            Row::MySql(r) => Ok(serde_json::from_str(&mysql_text(r, index)?)?),
        }
    }
}
