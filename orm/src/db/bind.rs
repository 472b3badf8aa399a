//! Binding [`Value`]s to a driver's query, with each dialect's storage
//! choices (text for dates, UUIDs and decimals on SQLite, text UUIDs and
//! JSON on MySQL) applied in one place. Arrays are PostgreSQL's; the other
//! databases get their text (strata never sends them one).

use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::types::text_formats;
use crate::value::{Array, Value};

/// Everything checked before a statement is sent: values no database
/// holds alike ([`crate::value::check`]) and NUL in text.
pub(crate) fn check_before_sending(dialect: Dialect, sql: &str, binds: &[Value]) -> Result<()> {
    crate::value::check::binds(binds)?;
    refuse_nul_in_text(dialect, sql, binds)
}

/// Refuses a statement that would bind text holding a NUL character, on
/// every database: PostgreSQL cannot store NUL in text, and SQLite's
/// `LIKE`, `GLOB` and `length()` stop at it, so a NUL could be
/// stored on two databases but not on the third, and looked up exactly on
/// none. One rule for storing and for looking up, checked before
/// anything is sent. Bytes (`Vec<u8>`) are unaffected.
pub(crate) fn refuse_nul_in_text(dialect: Dialect, sql: &str, binds: &[Value]) -> Result<()> {
    let nul_at = |text: &str| text.find('\0');
    let found = binds.iter().enumerate().find_map(|(index, value)| {
        let position = match value {
            Value::String(Some(text)) => nul_at(text),
            Value::Array(Array::String(items)) => items.iter().flatten().find_map(|t| nul_at(t)),
            _ => None,
        };
        position.map(|position| (index + 1, position))
    });
    match found {
        None => Ok(()),
        Some((parameter, position)) => Err(Error::NulInText {
            dialect,
            sql: sql.to_string(),
            parameter,
            position,
        }),
    }
}

#[cfg(feature = "sqlite")]
pub(crate) fn sqlite<'q>(
    q: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>,
    value: Value,
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments> {
    match value {
        Value::Bool(v) => q.bind(v),
        Value::I16(v) => q.bind(v),
        Value::I32(v) => q.bind(v),
        Value::I64(v) => q.bind(v),
        Value::F32(v) => q.bind(v),
        Value::F64(v) => q.bind(v),
        Value::String(v) => q.bind(v),
        Value::Bytes(v) => q.bind(v),
        Value::Date(v) => q.bind(v.map(|d| d.format(text_formats::DATE).to_string())),
        Value::Time(v) => q.bind(v.map(|t| t.format(text_formats::TIME).to_string())),
        Value::DateTime(v) => q.bind(v.map(|t| t.format(text_formats::DATETIME).to_string())),
        Value::DateTimeUtc(v) => {
            q.bind(v.map(|t| t.format(text_formats::DATETIME_UTC).to_string()))
        }
        Value::Uuid(v) => q.bind(v.map(|u| u.hyphenated().to_string())),
        Value::Decimal(v) => q.bind(v.map(|d| d.to_string())),
        Value::Json(v) => q.bind(v.map(|j| j.to_string())),
        Value::Array(a) => q.bind(a.to_string()),
    }
}

#[cfg(feature = "postgres")]
pub(crate) fn postgres<'q>(
    q: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    value: Value,
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    match value {
        Value::Bool(v) => q.bind(v),
        Value::I16(v) => q.bind(v),
        Value::I32(v) => q.bind(v),
        Value::I64(v) => q.bind(v),
        Value::F32(v) => q.bind(v),
        Value::F64(v) => q.bind(v),
        Value::String(v) => q.bind(v),
        Value::Bytes(v) => q.bind(v),
        Value::Date(v) => q.bind(v),
        Value::Time(v) => q.bind(v),
        Value::DateTime(v) => q.bind(v),
        Value::DateTimeUtc(v) => q.bind(v),
        Value::Uuid(v) => q.bind(v),
        Value::Decimal(v) => q.bind(v),
        Value::Json(v) => q.bind(v.map(|j| sqlx::types::Json(*j))),
        Value::Array(a) => match a {
            crate::Array::Bool(v) => q.bind(v),
            crate::Array::I16(v) => q.bind(v),
            crate::Array::I32(v) => q.bind(v),
            crate::Array::I64(v) => q.bind(v),
            crate::Array::F32(v) => q.bind(v),
            crate::Array::F64(v) => q.bind(v),
            crate::Array::String(v) => q.bind(v),
            crate::Array::Bytes(v) => q.bind(v),
            crate::Array::Date(v) => q.bind(v),
            crate::Array::Time(v) => q.bind(v),
            crate::Array::DateTime(v) => q.bind(v),
            crate::Array::DateTimeUtc(v) => q.bind(v),
            crate::Array::Uuid(v) => q.bind(v),
            crate::Array::Decimal(v) => q.bind(v),
            // A kind added to `Array` later, bound as its text.
            #[allow(unreachable_patterns)]
            other => q.bind(other.to_string()),
        },
    }
}

#[cfg(feature = "mysql")]
pub(crate) fn mysql<'q>(
    q: sqlx::query::Query<'q, sqlx::MySql, sqlx::mysql::MySqlArguments>,
    value: Value,
) -> sqlx::query::Query<'q, sqlx::MySql, sqlx::mysql::MySqlArguments> {
    match value {
        Value::Bool(v) => q.bind(v),
        Value::I16(v) => q.bind(v),
        Value::I32(v) => q.bind(v),
        Value::I64(v) => q.bind(v),
        Value::F32(v) => q.bind(v),
        Value::F64(v) => q.bind(v),
        Value::String(v) => q.bind(v),
        Value::Bytes(v) => q.bind(v),
        Value::Date(v) => q.bind(v),
        Value::Time(v) => q.bind(v),
        Value::DateTime(v) => q.bind(v),
        // The column is a `DATETIME(6)` holding UTC: bound as a `DATETIME`,
        // not as sqlx's `TIMESTAMP` for `DateTime<Utc>`, whose range
        // (1970..2038) would turn other instants into NULL.
        Value::DateTimeUtc(v) => q.bind(v.map(|t| t.naive_utc())),
        Value::Uuid(v) => q.bind(v.map(|u| u.hyphenated().to_string())),
        Value::Decimal(v) => q.bind(v),
        Value::Json(v) => q.bind(v.map(|j| j.to_string())),
        Value::Array(a) => q.bind(a.to_string()),
    }
}
