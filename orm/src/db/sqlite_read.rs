//! SQLite's read path: a query whose rows are decoded as they are borrowed
//! ([`Executor::fetch`](crate::Executor::fetch), what every queryset
//! terminal reads with) is stepped on the handle sqlx lends
//! ([`sqlite_raw`](super::sqlite_raw)) instead of sqlx's worker thread,
//! which hands each row over a channel. The statement is sqlx's own, which
//! sqlx prepared and cached the first time the text ran on the connection:
//! that first run, and anything that is not a plain read (a write,
//! `RETURNING`, several statements, `PRAGMA`, named parameters), goes
//! through sqlx as before, as do owned rows and streams.
//!
//! What a caller sees is the same either way: the binds are those of
//! [`bind::sqlite`](super::bind), decoding follows sqlx's own rules for
//! each type (the storage-class check, the messages of its errors, its
//! reading of `NULL`), and a failed statement is the same
//! [`Error`](crate::Error) with SQLite's code and message. sqlx's own
//! `log` lines for the statement are not written; strata's `tracing`
//! line and [`Db::query_count`] are.

pub(crate) use super::sqlite_raw::Storage;
use super::sqlite_raw::{self, Bind, Read};
use super::{unexpected_null, Db, Row};
use crate::error::Result;
use crate::types::text_formats;
use crate::value::Value;
use crate::writer::Statement;
use std::borrow::Cow;
use std::time::Instant;

pub use super::sqlite_raw::SqliteStepRow;

/// What [`fetch`] did.
pub(super) enum Fetched<T> {
    Rows(Result<Vec<T>>),
    /// Not a plain read, or not prepared by sqlx on the connection yet;
    /// the statement, untouched, for sqlx.
    NotARead(Statement),
}

/// Runs `stmt`, whose binds passed [`check_before_sending`](super::bind::check_before_sending), on
/// `conn` through the raw read path, if it is a plain read.
pub(super) async fn fetch<T>(
    db: &Db,
    conn: &mut sqlx::SqliteConnection,
    stmt: Statement,
    decode: &mut (impl FnMut(&Row) -> Result<T> + Send),
) -> Fetched<T> {
    let started = Instant::now();
    let mut handle = match conn.lock_handle().await {
        Ok(handle) => handle,
        Err(source) => {
            db.log(&stmt.sql, started);
            return Fetched::Rows(Err(db.query_error(stmt.sql.into_string(), source)));
        }
    };
    let binds: Vec<Bind<'_>> = stmt.binds.iter().map(bind_of).collect();
    let mut out = Vec::new();
    let read = sqlite_raw::read(&mut handle, &stmt.sql, &binds, |row| {
        out.push(decode(row)?);
        Ok(())
    });
    drop(binds);
    drop(handle);
    match read {
        Read::Done => {
            db.log(&stmt.sql, started);
            Fetched::Rows(Ok(out))
        }
        Read::Declined => Fetched::NotARead(stmt),
        // As on sqlx's path: a decode error ends the read at once.
        Read::Stopped(e) => Fetched::Rows(Err(e)),
        Read::Failed(e) => {
            db.log(&stmt.sql, started);
            let source = sqlx::Error::Database(Box::new(e));
            Fetched::Rows(Err(db.query_error(stmt.sql.into_string(), source)))
        }
    }
}

/// `value` as [`bind::sqlite`] binds it.
fn bind_of(value: &Value) -> Bind<'_> {
    fn text(text: String) -> Bind<'static> {
        Bind::Text(Cow::Owned(text))
    }
    let null = Bind::Null;
    match value {
        Value::Bool(v) => v.map_or(null, |b| Bind::Int(i64::from(b))),
        Value::I16(v) => v.map_or(null, |n| Bind::Int(n.into())),
        Value::I32(v) => v.map_or(null, |n| Bind::Int(n.into())),
        Value::I64(v) => v.map_or(null, Bind::Int),
        Value::F32(v) => v.map_or(null, |f| Bind::Double(f.into())),
        Value::F64(v) => v.map_or(null, Bind::Double),
        Value::String(v) => v.as_deref().map_or(null, |s| Bind::Text(Cow::Borrowed(s))),
        Value::Bytes(v) => v.as_deref().map_or(null, Bind::Blob),
        Value::Date(v) => v.map_or(null, |d| text(d.format(text_formats::DATE).to_string())),
        Value::Time(v) => v.map_or(null, |t| text(t.format(text_formats::TIME).to_string())),
        Value::DateTime(v) => {
            v.map_or(null, |t| text(t.format(text_formats::DATETIME).to_string()))
        }
        Value::DateTimeUtc(v) => v.map_or(null, |t| {
            text(t.format(text_formats::DATETIME_UTC).to_string())
        }),
        Value::Uuid(v) => v.map_or(null, |u| text(u.hyphenated().to_string())),
        Value::Decimal(v) => v.map_or(null, |d| text(d.to_string())),
        Value::Json(v) => v.as_ref().map_or(null, |j| text(j.to_string())),
        Value::Array(a) => text(a.to_string()),
    }
}

/// sqlx's reading of a [`SqliteStepRow`]: its errors, word for word.
impl SqliteStepRow {
    /// The storage class at `index`, or sqlx's out-of-bounds error.
    pub(crate) fn storage_at(&self, index: usize) -> std::result::Result<Storage, sqlx::Error> {
        self.storage(index)
            .ok_or(sqlx::Error::ColumnIndexOutOfBounds {
                index,
                len: self.len(),
            })
    }

    pub(crate) fn is_null(&self, index: usize) -> std::result::Result<bool, sqlx::Error> {
        Ok(self.storage_at(index)? == Storage::Null)
    }

    /// The text at `index` as sqlx reads a `T` that is not an `Option`
    /// (`&str`): refused if `NULL` (see [`unexpected_null`]), checked to
    /// be stored as text, then checked UTF-8.
    pub(crate) fn text<T: sqlx::Type<sqlx::Sqlite>>(
        &self,
        index: usize,
    ) -> std::result::Result<&str, sqlx::Error> {
        let storage = self.storage_at(index)?;
        check_required::<T>(index, storage, &[Storage::Text])?;
        std::str::from_utf8(self.bytes(index)).map_err(|e| decode_error(index, e))
    }

    /// [`text`](Self::text) of a nullable `T` (`Option<&str>`), for a value
    /// known not to be `NULL`: sqlx's check, worded for `T`.
    pub(crate) fn text_of_option<T: sqlx::Type<sqlx::Sqlite>>(
        &self,
        index: usize,
    ) -> std::result::Result<&str, sqlx::Error> {
        let storage = self.storage_at(index)?;
        check::<T>(index, storage, &[Storage::Text])?;
        std::str::from_utf8(self.bytes(index)).map_err(|e| decode_error(index, e))
    }

    /// The text at `index` without sqlx's storage check
    /// (`try_get_unchecked::<String>`): a blob's bytes if UTF-8; `NULL` is
    /// refused.
    pub(crate) fn text_unchecked(&self, index: usize) -> std::result::Result<&str, sqlx::Error> {
        if self.storage_at(index)? == Storage::Null {
            return Err(unexpected_null(index));
        }
        std::str::from_utf8(self.bytes(index)).map_err(|e| decode_error(index, e))
    }
}

/// sqlx's check before decoding: a value that is not `NULL` must be
/// stored in one of `accepted`; its error, word for word.
fn check<T: sqlx::Type<sqlx::Sqlite>>(
    index: usize,
    storage: Storage,
    accepted: &[Storage],
) -> std::result::Result<(), sqlx::Error> {
    if storage == Storage::Null || accepted.contains(&storage) {
        return Ok(());
    }
    use sqlx::TypeInfo as _;
    Err(sqlx::Error::ColumnDecode {
        index: format!("{index:?}"),
        source: format!(
            "mismatched types; Rust type `{}` (as SQL type `{}`) is not compatible with SQL type `{}`",
            std::any::type_name::<T>(),
            T::type_info().name(),
            storage.name()
        )
        .into(),
    })
}

/// [`check`] for a type that is not an `Option`: `NULL` is refused too,
/// where sqlx would read it as `0`, `""` or `false`.
#[inline]
fn check_required<T: sqlx::Type<sqlx::Sqlite>>(
    index: usize,
    storage: Storage,
    accepted: &[Storage],
) -> std::result::Result<(), sqlx::Error> {
    if storage == Storage::Null {
        return Err(unexpected_null(index));
    }
    check::<T>(index, storage, accepted)
}

fn decode_error(
    index: usize,
    source: impl std::error::Error + Send + Sync + 'static,
) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: format!("{index:?}"),
        source: Box::new(source),
    }
}

/// A type read from a stepped row exactly as sqlx's `Row::try_get` reads
/// it from one of its own rows.
pub(crate) trait StepDecode: Sized + sqlx::Type<sqlx::Sqlite> {
    fn step_decode(row: &SqliteStepRow, index: usize) -> std::result::Result<Self, sqlx::Error>;
}

/// The integers: stored as `INTEGER`, narrowed with a range check.
macro_rules! step_int {
    ($($ty:ty),*) => {$(
        impl StepDecode for $ty {
            fn step_decode(row: &SqliteStepRow, index: usize) -> std::result::Result<Self, sqlx::Error> {
                check_required::<Self>(index, row.storage_at(index)?, &[Storage::Integer])?;
                <$ty>::try_from(row.int64(index)).map_err(|e| decode_error(index, e))
            }
        }
        impl StepDecode for Option<$ty> {
            fn step_decode(row: &SqliteStepRow, index: usize) -> std::result::Result<Self, sqlx::Error> {
                let storage = row.storage_at(index)?;
                if storage == Storage::Null {
                    return Ok(None);
                }
                check::<Self>(index, storage, &[Storage::Integer])?;
                <$ty>::try_from(row.int64(index)).map(Some).map_err(|e| decode_error(index, e))
            }
        }
    )*};
}
step_int!(i16, i32, i64);

/// The other types: stored in one of the listed classes, read by `$read`.
macro_rules! step_value {
    ($ty:ty, [$($accepted:ident),*], |$row:ident, $index:ident| $read:expr) => {
        impl StepDecode for $ty {
            fn step_decode($row: &SqliteStepRow, $index: usize) -> std::result::Result<Self, sqlx::Error> {
                check_required::<Self>($index, $row.storage_at($index)?, &[$(Storage::$accepted),*])?;
                $read
            }
        }
        impl StepDecode for Option<$ty> {
            fn step_decode($row: &SqliteStepRow, $index: usize) -> std::result::Result<Self, sqlx::Error> {
                let storage = $row.storage_at($index)?;
                if storage == Storage::Null {
                    return Ok(None);
                }
                check::<Self>($index, storage, &[$(Storage::$accepted),*])?;
                $read.map(Some)
            }
        }
    };
}
step_value!(f64, [Real], |row, index| Ok(row.double(index)));
#[allow(clippy::cast_possible_truncation)]
mod f32_decode {
    use super::*;
    step_value!(f32, [Real], |row, index| Ok(row.double(index) as f32));
}
step_value!(bool, [Integer], |row, index| Ok(row.int64(index) != 0));
step_value!(Vec<u8>, [Blob, Text], |row, index| Ok(row
    .bytes(index)
    .to_vec()));
step_value!(String, [Text], |row, index| std::str::from_utf8(
    row.bytes(index)
)
.map(str::to_owned)
.map_err(|e| decode_error(index, e)));
