//! [`Session`]: a borrowed driver connection of whichever backend, and how
//! a statement runs on one: what both [`Conn`](super::Conn) and
//! [`Transaction`](super::Transaction) execute and fetch through. Every
//! statement is checked before it is sent, logged, counted and, on
//! failure, reported with its SQL.

use super::{bind, Db, ExecResult, Row};
use crate::error::Result;
use crate::writer::Statement;
use futures_util::TryStreamExt;
use std::time::Instant;

/// A borrowed driver connection of whichever backend: what both [`Conn`](super::Conn)
/// and [`Transaction`](super::Transaction) run statements on.
pub(super) enum Session<'a> {
    #[cfg(feature = "sqlite")]
    Sqlite(&'a mut sqlx::SqliteConnection),
    #[cfg(feature = "postgres")]
    Postgres(&'a mut sqlx::PgConnection),
    #[cfg(feature = "mysql")]
    MySql(&'a mut sqlx::MySqlConnection),
}

pub(super) async fn execute(db: &Db, session: Session<'_>, stmt: Statement) -> Result<ExecResult> {
    let started = Instant::now();
    let Statement { sql, binds, .. } = stmt;
    bind::check_before_sending(db.dialect(), &sql, &binds)?;
    let sql = sql.into_shared();
    let result = match session {
        #[cfg(feature = "sqlite")]
        Session::Sqlite(conn) => {
            let mut q = sqlx::query(super::sql_text::for_sqlx(&sql));
            for v in binds {
                q = bind::sqlite(q, v);
            }
            q.execute(conn).await.map(|r| ExecResult {
                rows_affected: r.rows_affected(),
                last_insert_id: Some(r.last_insert_rowid()),
            })
        }
        #[cfg(feature = "postgres")]
        Session::Postgres(conn) => {
            let mut q = sqlx::query(super::sql_text::for_sqlx(&sql));
            for v in binds {
                q = bind::postgres(q, v);
            }
            q.execute(conn).await.map(|r| ExecResult {
                rows_affected: r.rows_affected(),
                last_insert_id: None,
            })
        }
        #[cfg(feature = "mysql")]
        Session::MySql(conn) => {
            let mut q = sqlx::query(super::sql_text::for_sqlx(&sql));
            for v in binds {
                q = bind::mysql(q, v);
            }
            q.execute(conn).await.map(|r| ExecResult {
                rows_affected: r.rows_affected(),
                last_insert_id: i64::try_from(r.last_insert_id()).ok(),
            })
        }
    };
    db.log(&sql, started);
    result.map_err(|source| db.query_error(std::sync::Arc::unwrap_or_clone(sql), source))
}

/// Runs a query whose rows `decode` borrows: on SQLite through the read
/// path of `sqlite_read` when the statement is a plain read, else as
/// [`fetch`] does.
pub(super) async fn fetch_borrowed<T: Send>(
    db: &Db,
    session: Session<'_>,
    stmt: Statement,
    mut decode: impl FnMut(&Row) -> Result<T> + Send,
) -> Result<Vec<T>> {
    bind::check_before_sending(db.dialect(), &stmt.sql, &stmt.binds)?;
    match session {
        #[cfg(feature = "sqlite")]
        Session::Sqlite(conn) => {
            match super::sqlite_read::fetch(db, &mut *conn, stmt, &mut decode).await {
                super::sqlite_read::Fetched::Rows(rows) => rows,
                super::sqlite_read::Fetched::NotARead(stmt) => {
                    fetch_checked(db, Session::Sqlite(conn), stmt, |row| decode(&row)).await
                }
            }
        }
        #[allow(unreachable_patterns)]
        session => fetch_checked(db, session, stmt, move |row| decode(&row)).await,
    }
}

pub(super) async fn fetch<T: Send>(
    db: &Db,
    session: Session<'_>,
    stmt: Statement,
    decode: impl FnMut(Row) -> Result<T> + Send,
) -> Result<Vec<T>> {
    bind::check_before_sending(db.dialect(), &stmt.sql, &stmt.binds)?;
    fetch_checked(db, session, stmt, decode).await
}

/// [`fetch`] of a statement whose binds passed
/// [`bind::check_before_sending`].
async fn fetch_checked<T: Send>(
    db: &Db,
    session: Session<'_>,
    stmt: Statement,
    mut decode: impl FnMut(Row) -> Result<T> + Send,
) -> Result<Vec<T>> {
    let started = Instant::now();
    let Statement { sql, binds, .. } = stmt;
    let sql = sql.into_shared();
    let mut out = Vec::new();
    macro_rules! drain {
        ($conn:expr, $bind:path, $variant:ident) => {{
            let mut q = sqlx::query(super::sql_text::for_sqlx(&sql));
            for v in binds {
                q = $bind(q, v);
            }
            let mut rows = q.fetch($conn);
            loop {
                match rows.try_next().await {
                    Ok(Some(row)) => out.push(decode(Row::$variant(row))?),
                    Ok(None) => break Ok(()),
                    Err(e) => break Err(e),
                }
            }
        }};
    }
    let result: std::result::Result<(), sqlx::Error> = match session {
        #[cfg(feature = "sqlite")]
        Session::Sqlite(conn) => drain!(conn, bind::sqlite, Sqlite),
        #[cfg(feature = "postgres")]
        Session::Postgres(conn) => drain!(conn, bind::postgres, Postgres),
        #[cfg(feature = "mysql")]
        Session::MySql(conn) => drain!(conn, bind::mysql, MySql),
    };
    db.log(&sql, started);
    result.map_err(|source| db.query_error(std::sync::Arc::unwrap_or_clone(sql), source))?;
    Ok(out)
}
