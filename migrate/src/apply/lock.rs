//! The migration lock: one `migrate` run per database at a time; a second
//! run waits for the first and then sees what it applied.
//!
//! - PostgreSQL: a session advisory lock (`pg_advisory_lock`) keyed by the
//!   current schema, so runs on different schemas of one database do not
//!   wait for each other.
//! - MySQL/MariaDB: a named lock (`GET_LOCK`) keyed by the current
//!   database.
//! - SQLite: an exclusive file lock on `<database file>.migrate-lock`,
//!   next to the database (the file is left in place; the lock is what
//!   counts). An in-memory database has one connection, which the run
//!   holds, so it needs no other lock.
//!
//! Every lock is released when the run ends, and by the operating system or
//! the server if the process dies. On PostgreSQL and MySQL the locked
//! connection is closed rather than returned to the pool if the run is
//! cancelled, so the lock never outlives it.

use crate::error::{Error, Result};
use crate::inspect::session::{get, Session};
use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;
use strata::{Conn, Dialect};

/// A held lock; give it back with [`release`].
#[derive(Debug)]
pub(crate) enum Lock {
    Postgres,
    MySql,
    /// The locked file; unlocked when closed.
    SqliteFile(File),
    /// Nothing to release (in-memory SQLite).
    None,
}

const PG_KEY: &str = "7516309, hashtext(coalesce(current_schema(), ''))";
const MYSQL_NAME: &str = "CONCAT('strata_migrate:', MD5(COALESCE(DATABASE(), '')))";
const WAITING: &str = "Waiting for another migrate run on this database to finish...";

fn lock_error(source: strata::Error) -> Error {
    Error::Database {
        action: "taking the migration lock".into(),
        source: Box::new(source),
    }
}

/// Takes the lock for `conn`'s database, writing one line to `out` if
/// another run holds it and this one has to wait.
pub(crate) async fn acquire<W: Write + ?Sized>(conn: &mut Conn, out: &mut W) -> Result<Lock> {
    match conn.dialect() {
        Dialect::Postgres => {
            conn.close_on_drop();
            let mut session = Session::Conn(conn);
            let got = session
                .fetch_raw(&format!("SELECT pg_try_advisory_lock({PG_KEY})"), |row| {
                    get::<bool>(row, 0, "lock")
                })
                .await
                .map_err(lock_error)?;
            if !got.first().copied().unwrap_or(false) {
                let _ = writeln!(out, "{WAITING}");
                session
                    .fetch_raw(
                        &format!("SELECT 1 FROM (SELECT pg_advisory_lock({PG_KEY})) AS l"),
                        |_| Ok(()),
                    )
                    .await
                    .map_err(lock_error)?;
            }
            Ok(Lock::Postgres)
        }
        Dialect::MySql => {
            conn.close_on_drop();
            let mut session = Session::Conn(conn);
            let mut waited = false;
            loop {
                let timeout = if waited { 5 } else { 0 };
                let got = session
                    .fetch_raw(
                        &format!("SELECT GET_LOCK({MYSQL_NAME}, {timeout})"),
                        |row| get::<Option<i64>>(row, 0, "lock"),
                    )
                    .await
                    .map_err(lock_error)?;
                match got.first().copied().flatten() {
                    Some(1) => return Ok(Lock::MySql),
                    Some(_) => {}
                    None => {
                        return Err(Error::Lock {
                            reason: "GET_LOCK returned NULL (out of memory, or the thread \
                                     was killed)"
                                .into(),
                        })
                    }
                }
                if !waited {
                    let _ = writeln!(out, "{WAITING}");
                    waited = true;
                }
            }
        }
        Dialect::Sqlite => {
            let mut session = Session::Conn(conn);
            let files = session
                .fetch_raw(
                    "SELECT file FROM pragma_database_list WHERE name = 'main'",
                    |row| get::<Option<String>>(row, 0, "file"),
                )
                .await
                .map_err(lock_error)?;
            let Some(file) = files.into_iter().flatten().find(|f| !f.is_empty()) else {
                return Ok(Lock::None);
            };
            let path = PathBuf::from(format!("{file}.migrate-lock"));
            let lock_file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(|source| Error::Io {
                    path: path.clone(),
                    source,
                })?;
            let mut waited = false;
            loop {
                match fs4::FileExt::try_lock(&lock_file) {
                    Ok(()) => return Ok(Lock::SqliteFile(lock_file)),
                    Err(fs4::TryLockError::WouldBlock) => {
                        if !waited {
                            let _ = writeln!(out, "{WAITING}");
                            waited = true;
                        }
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                    Err(fs4::TryLockError::Error(source)) => {
                        return Err(Error::Io { path, source });
                    }
                }
            }
        }
    }
}

/// Releases a lock taken by [`acquire`] on the same connection.
pub(crate) async fn release(conn: &mut Conn, lock: Lock) -> Result<()> {
    let mut session = Session::Conn(conn);
    let sql = match lock {
        Lock::Postgres => format!("SELECT 1 FROM (SELECT pg_advisory_unlock({PG_KEY})) AS l"),
        Lock::MySql => format!("SELECT RELEASE_LOCK({MYSQL_NAME})"),
        Lock::SqliteFile(file) => {
            drop(file);
            return Ok(());
        }
        Lock::None => return Ok(()),
    };
    session
        .fetch_raw(&sql, |_| Ok(()))
        .await
        .map_err(|source| Error::Database {
            action: "releasing the migration lock".into(),
            source: Box::new(source),
        })?;
    Ok(())
}
