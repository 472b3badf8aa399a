//! [`Row`]: a result row of whichever database the [`Db`](crate::Db) uses.

use crate::types::DecodeError;
use sqlx::Row as _;
use sqlx::ValueRef as _;

#[cfg(not(any(feature = "sqlite", feature = "postgres", feature = "mysql")))]
compile_error!("strata needs at least one of the `sqlite`, `postgres` or `mysql` features");

/// One result row. Field types decode themselves from it (see
/// [`FieldType::decode`](crate::FieldType::decode)).
#[non_exhaustive]
pub enum Row {
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::sqlite::SqliteRow),
    #[cfg(feature = "postgres")]
    Postgres(sqlx::postgres::PgRow),
    #[cfg(feature = "mysql")]
    MySql(sqlx::mysql::MySqlRow),
    /// A SQLite row read in place, on the handle sqlx lends (see
    /// [`Executor::fetch`](crate::Executor::fetch)): only ever lent to a
    /// decoder, for the one row it is on. Decodes as
    /// [`Row::Sqlite`] does.
    #[cfg(feature = "sqlite")]
    #[doc(hidden)]
    SqliteStep(super::sqlite_read::SqliteStepRow),
}

impl Row {
    /// Whether the value at `index` is `NULL`.
    pub fn is_null(&self, index: usize) -> Result<bool, DecodeError> {
        Ok(match self {
            #[cfg(feature = "sqlite")]
            Row::Sqlite(r) => r.try_get_raw(index)?.is_null(),
            #[cfg(feature = "sqlite")]
            Row::SqliteStep(r) => r.is_null(index)?,
            #[cfg(feature = "postgres")]
            Row::Postgres(r) => r.try_get_raw(index)?.is_null(),
            #[cfg(feature = "mysql")]
            Row::MySql(r) => r.try_get_raw(index)?.is_null(),
        })
    }

    /// The number of columns.
    pub fn len(&self) -> usize {
        match self {
            #[cfg(feature = "sqlite")]
            Row::Sqlite(r) => r.len(),
            #[cfg(feature = "sqlite")]
            Row::SqliteStep(r) => r.len(),
            #[cfg(feature = "postgres")]
            Row::Postgres(r) => r.len(),
            #[cfg(feature = "mysql")]
            Row::MySql(r) => r.len(),
        }
    }

    /// Whether the row has no columns.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Decodes `$ty` at `$index` of `$row`, the same way on every backend.
///
/// A `NULL` decodes only into an `Option<_>`: for any other type it is the
/// driver's "unexpected null" error on every database (SQLite's driver
/// would read it as `0`, `""` or `false`; [`sqlite_required`] refuses it
/// first).
macro_rules! decode_native {
    ($row:expr, $index:expr, Option<$ty:ty>) => {
        match $row {
            #[cfg(feature = "sqlite")]
            $crate::db::Row::Sqlite(r) => Ok(sqlx::Row::try_get::<Option<$ty>, _>(r, $index)?),
            #[cfg(feature = "sqlite")]
            $crate::db::Row::SqliteStep(r) => Ok(
                <Option<$ty> as $crate::db::StepDecode>::step_decode(r, $index)?,
            ),
            #[cfg(feature = "postgres")]
            $crate::db::Row::Postgres(r) => Ok(sqlx::Row::try_get::<Option<$ty>, _>(r, $index)?),
            #[cfg(feature = "mysql")]
            $crate::db::Row::MySql(r) => Ok(sqlx::Row::try_get::<Option<$ty>, _>(r, $index)?),
        }
    };
    ($row:expr, $index:expr, $ty:ty) => {
        match $row {
            #[cfg(feature = "sqlite")]
            $crate::db::Row::Sqlite(r) => {
                $crate::db::sqlite_required(r, $index)?;
                Ok(sqlx::Row::try_get::<$ty, _>(r, $index)?)
            }
            #[cfg(feature = "sqlite")]
            $crate::db::Row::SqliteStep(r) => {
                Ok(<$ty as $crate::db::StepDecode>::step_decode(r, $index)?)
            }
            #[cfg(feature = "postgres")]
            $crate::db::Row::Postgres(r) => Ok(sqlx::Row::try_get::<$ty, _>(r, $index)?),
            #[cfg(feature = "mysql")]
            $crate::db::Row::MySql(r) => Ok(sqlx::Row::try_get::<$ty, _>(r, $index)?),
        }
    };
}
pub(crate) use decode_native;

/// [`decode_native!`] for a type SQLite stores otherwise (as text), which
/// the caller has decoded from SQLite's rows already: the servers' arms.
macro_rules! decode_on_servers {
    ($row:expr, $index:expr, $ty:ty) => {
        match $row {
            #[cfg(feature = "postgres")]
            $crate::db::Row::Postgres(r) => Ok(sqlx::Row::try_get::<$ty, _>(r, $index)?),
            #[cfg(feature = "mysql")]
            $crate::db::Row::MySql(r) => Ok(sqlx::Row::try_get::<$ty, _>(r, $index)?),
            #[allow(unreachable_patterns)]
            _ => Err(concat!(
                "strata: a SQLite row reached the server decoder of ",
                stringify!($ty)
            )
            .into()),
        }
    };
}
pub(crate) use decode_on_servers;

/// Refuses a `NULL` at `index` of a SQLite row read into a type that is
/// not an `Option`, with the error the servers' drivers give
/// (`UnexpectedNullError`), before sqlx's SQLite decoder reads it as `0`,
/// `""` or `false`.
#[cfg(feature = "sqlite")]
#[inline]
pub(crate) fn sqlite_required(
    row: &sqlx::sqlite::SqliteRow,
    index: usize,
) -> Result<(), sqlx::Error> {
    if row.try_get_raw(index)?.is_null() {
        return Err(unexpected_null(index));
    }
    Ok(())
}

/// The drivers' error for a `NULL` decoded into a type that is not an
/// `Option`, worded as sqlx words it for PostgreSQL and MySQL.
#[cfg(feature = "sqlite")]
#[cold]
pub(crate) fn unexpected_null(index: usize) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: format!("{index:?}"),
        source: Box::new(sqlx::error::UnexpectedNullError),
    }
}

impl Row {
    /// The dialect of the database the row came from.
    pub fn dialect(&self) -> crate::Dialect {
        match self {
            #[cfg(feature = "sqlite")]
            Row::Sqlite(_) | Row::SqliteStep(_) => crate::Dialect::Sqlite,
            #[cfg(feature = "postgres")]
            Row::Postgres(_) => crate::Dialect::Postgres,
            #[cfg(feature = "mysql")]
            Row::MySql(_) => crate::Dialect::MySql,
        }
    }
}
