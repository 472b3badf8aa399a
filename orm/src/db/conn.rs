//! [`Conn`] and [`Transaction`]: one connection taken from a [`Db`]'s pool,
//! for work that must stay on a single session (session locks, `PRAGMA`s,
//! several statements in one transaction).
//!
//! Statements run here are counted by [`Db::query_count`] and logged through
//! `tracing` (target `strata::sql`) exactly like those of [`Db::execute`];
//! `BEGIN`, `COMMIT` and `ROLLBACK` count as statements too.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> strata::Result<()> {
//! use strata::{Db, Dialect, FieldType, Statement};
//!
//! let db = Db::connect("sqlite::memory:").await?;
//! db.execute_raw_sql("CREATE TABLE t (x INTEGER)").await?;
//!
//! let mut conn = db.acquire().await?;
//! let mut tx = conn.begin().await?;
//! tx.execute_raw_sql("INSERT INTO t (x) VALUES (1)").await?;
//! tx.rollback().await?;                       // the insert is gone
//!
//! let mut tx = conn.begin().await?;
//! tx.execute_raw_sql("INSERT INTO t (x) VALUES (2)").await?;
//! tx.commit().await?;
//!
//! let xs = conn
//!     .fetch(Statement::raw(Dialect::Sqlite, "SELECT x FROM t"), |row| {
//!         i64::decode(row, 0).map_err(|e| strata::Error::Decode {
//!             model: "t",
//!             column: "x",
//!             dialect: Dialect::Sqlite,
//!             message: e.to_string(),
//!         })
//!     })
//!     .await?;
//! assert_eq!(xs, vec![2]);
//! # Ok(()) }
//! ```

use super::session::{execute, fetch, fetch_borrowed, Session};
use super::{Db, ExecResult, Pool, Row};
use crate::dialect::Dialect;
use crate::error::Result;
use crate::writer::Statement;
use std::time::Instant;

/// One connection held out of a [`Db`]'s pool until it is dropped.
///
/// Everything run through it happens on the same database session, so
/// session state (advisory locks, `SET`, SQLite `PRAGMA`s) carries from one
/// statement to the next.
pub struct Conn {
    db: Db,
    inner: PooledConn,
}

enum PooledConn {
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::pool::PoolConnection<sqlx::Sqlite>),
    #[cfg(feature = "postgres")]
    Postgres(sqlx::pool::PoolConnection<sqlx::Postgres>),
    #[cfg(feature = "mysql")]
    MySql(sqlx::pool::PoolConnection<sqlx::MySql>),
}

/// A database transaction on one connection.
///
/// Ends with [`commit`](Transaction::commit) or
/// [`rollback`](Transaction::rollback); dropped without either, it is rolled
/// back.
pub struct Transaction<'c> {
    db: Db,
    inner: Tx<'c>,
    /// 0 for a transaction, 1 for a savepoint in it, and so on.
    depth: usize,
    /// SQLite only: the transaction took the write lock when it began.
    sqlite_write_lock: bool,
}

enum Tx<'c> {
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::Transaction<'c, sqlx::Sqlite>),
    #[cfg(feature = "postgres")]
    Postgres(sqlx::Transaction<'c, sqlx::Postgres>),
    #[cfg(feature = "mysql")]
    MySql(sqlx::Transaction<'c, sqlx::MySql>),
}

impl Db {
    /// Takes one connection out of the pool, waiting for a free one.
    ///
    /// The connection goes back to the pool when the [`Conn`] is dropped.
    pub async fn acquire(&self) -> Result<Conn> {
        let started = Instant::now();
        let inner = match &self.inner.pool {
            #[cfg(feature = "sqlite")]
            Pool::Sqlite(pool) => pool.acquire().await.map(PooledConn::Sqlite),
            #[cfg(feature = "postgres")]
            Pool::Postgres(pool) => pool.acquire().await.map(PooledConn::Postgres),
            #[cfg(feature = "mysql")]
            Pool::MySql(pool) => pool.acquire().await.map(PooledConn::MySql),
        }
        .map_err(|source| self.query_error("-- acquire a connection".into(), source))?;
        tracing::trace!(
            target: "strata::sql",
            elapsed_us = started.elapsed().as_micros() as u64,
            "acquired a connection"
        );
        Ok(Conn {
            db: self.clone(),
            inner,
        })
    }

    /// Starts a transaction on a connection of its own, which returns to
    /// the pool when the transaction ends.
    ///
    /// On SQLite this is `BEGIN IMMEDIATE` (see
    /// [`ConnectOptions::sqlite_immediate_transactions`](crate::ConnectOptions::sqlite_immediate_transactions)):
    /// the write lock is taken at the start, waiting out the busy timeout,
    /// so a transaction that reads and then writes cannot fail with
    /// "database is locked" half-way.
    pub async fn begin(&self) -> Result<Transaction<'static>> {
        let started = Instant::now();
        let begin = self.inner.begin_statement;
        let result = match &self.inner.pool {
            #[cfg(feature = "sqlite")]
            Pool::Sqlite(pool) => pool.begin_with(begin).await.map(Tx::Sqlite),
            #[cfg(feature = "postgres")]
            Pool::Postgres(pool) => pool.begin_with(begin).await.map(Tx::Postgres),
            #[cfg(feature = "mysql")]
            Pool::MySql(pool) => pool.begin_with(begin).await.map(Tx::MySql),
        };
        self.log(begin, started);
        let inner = result.map_err(|source| self.query_error(begin.into(), source))?;
        Ok(Transaction {
            db: self.clone(),
            inner,
            depth: 0,
            sqlite_write_lock: takes_sqlite_write_lock(self.dialect(), begin),
        })
    }

    /// Starts a transaction at `level` on a connection of its own (see
    /// [`Isolation`] for what each database does with it).
    pub async fn begin_isolated(&self, level: Isolation) -> Result<Transaction<'static>> {
        let Some(begin) = level.begin_statement(self.dialect()) else {
            return self.begin().await;
        };
        let started = Instant::now();
        let result = match &self.inner.pool {
            #[cfg(feature = "sqlite")]
            Pool::Sqlite(pool) => pool.begin_with(begin).await.map(Tx::Sqlite),
            #[cfg(feature = "postgres")]
            Pool::Postgres(pool) => pool.begin_with(begin).await.map(Tx::Postgres),
            #[cfg(feature = "mysql")]
            Pool::MySql(pool) => pool.begin_with(begin).await.map(Tx::MySql),
        };
        self.log(begin, started);
        let inner = result.map_err(|source| self.query_error(begin.into(), source))?;
        Ok(Transaction {
            db: self.clone(),
            inner,
            depth: 0,
            sqlite_write_lock: false,
        })
    }
}

/// Whether `begin` takes SQLite's write lock at once.
fn takes_sqlite_write_lock(dialect: Dialect, begin: &str) -> bool {
    let begin = begin.trim_start().to_ascii_uppercase();
    dialect == Dialect::Sqlite
        && (begin.starts_with("BEGIN IMMEDIATE") || begin.starts_with("BEGIN EXCLUSIVE"))
}

/// A transaction isolation level, for [`Db::begin_isolated`] and
/// [`Db::atomic_isolated`].
///
/// - PostgreSQL: `BEGIN ISOLATION LEVEL ...`; `ReadUncommitted` behaves as
///   `ReadCommitted` (PostgreSQL's own rule). The default is read committed.
/// - MySQL/MariaDB (InnoDB): `SET TRANSACTION ISOLATION LEVEL ...` for the
///   one transaction, then `START TRANSACTION`. The default is repeatable
///   read.
/// - SQLite: every transaction is serializable (one writer at a time), which
///   gives every level's guarantees; the level is accepted and the
///   transaction begins as [`Db::begin`] does.
///
/// A serializable transaction can fail with a serialization error that the
/// caller is expected to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Isolation {
    /// Reads may see uncommitted changes of other transactions.
    ReadUncommitted,
    /// Each statement sees what was committed before it began.
    ReadCommitted,
    /// Every read of the transaction sees the same snapshot.
    RepeatableRead,
    /// The transaction behaves as if transactions ran one after the other.
    Serializable,
}

impl Isolation {
    /// The statement that begins a transaction at this level, or `None`
    /// where the ordinary `BEGIN` already gives it (SQLite).
    fn begin_statement(self, dialect: Dialect) -> Option<&'static str> {
        use Isolation::*;
        match dialect {
            Dialect::Sqlite => None,
            Dialect::Postgres => Some(match self {
                ReadUncommitted => "BEGIN ISOLATION LEVEL READ UNCOMMITTED",
                ReadCommitted => "BEGIN ISOLATION LEVEL READ COMMITTED",
                RepeatableRead => "BEGIN ISOLATION LEVEL REPEATABLE READ",
                Serializable => "BEGIN ISOLATION LEVEL SERIALIZABLE",
            }),
            // `SET TRANSACTION` (without GLOBAL or SESSION) applies to the
            // next transaction only; both statements go in one round trip.
            Dialect::MySql => Some(match self {
                ReadUncommitted => {
                    "SET TRANSACTION ISOLATION LEVEL READ UNCOMMITTED; START TRANSACTION"
                }
                ReadCommitted => {
                    "SET TRANSACTION ISOLATION LEVEL READ COMMITTED; START TRANSACTION"
                }
                RepeatableRead => {
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; START TRANSACTION"
                }
                Serializable => "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE; START TRANSACTION",
            }),
        }
    }
}

impl Conn {
    /// The dialect of the database.
    pub fn dialect(&self) -> Dialect {
        self.db.dialect()
    }

    /// The [`Db`] this connection came from.
    pub fn db(&self) -> &Db {
        &self.db
    }

    pub(super) fn session(&mut self) -> Session<'_> {
        match &mut self.inner {
            #[cfg(feature = "sqlite")]
            PooledConn::Sqlite(c) => Session::Sqlite(c),
            #[cfg(feature = "postgres")]
            PooledConn::Postgres(c) => Session::Postgres(c),
            #[cfg(feature = "mysql")]
            PooledConn::MySql(c) => Session::MySql(c),
        }
    }

    /// Runs raw SQL with no binds (see [`Db::execute_raw_sql`]).
    pub async fn execute_raw_sql(&mut self, sql: impl crate::SqlSafeStr) -> Result<ExecResult> {
        let stmt = Statement::raw(self.dialect(), sql);
        self.execute(stmt).await
    }

    /// Runs a statement that returns no rows.
    pub async fn execute(&mut self, stmt: Statement) -> Result<ExecResult> {
        let db = self.db.clone();
        execute(&db, self.session(), stmt).await
    }

    /// Runs a query and turns each row into a `T` with `decode`.
    pub async fn fetch<T: Send>(
        &mut self,
        stmt: Statement,
        decode: impl FnMut(&Row) -> Result<T> + Send,
    ) -> Result<Vec<T>> {
        let db = self.db.clone();
        fetch_borrowed(&db, self.session(), stmt, decode).await
    }

    /// Runs a query and hands each row, owned, to `decode`.
    pub(crate) async fn fetch_owned<T: Send>(
        &mut self,
        stmt: Statement,
        decode: impl FnMut(Row) -> Result<T> + Send,
    ) -> Result<Vec<T>> {
        let db = self.db.clone();
        fetch(&db, self.session(), stmt, decode).await
    }

    /// Starts a transaction on this connection (`BEGIN IMMEDIATE` on
    /// SQLite, as [`Db::begin`]).
    pub async fn begin(&mut self) -> Result<Transaction<'_>> {
        let begin = self.db.inner.begin_statement;
        self.begin_with(begin).await
    }

    /// Starts a transaction with a statement of the caller's choice, such
    /// as SQLite's `BEGIN IMMEDIATE`. The statement must open a
    /// transaction.
    pub async fn begin_with(&mut self, begin: &'static str) -> Result<Transaction<'_>> {
        use sqlx::Connection as _;
        let started = Instant::now();
        let db = self.db.clone();
        let result = match &mut self.inner {
            #[cfg(feature = "sqlite")]
            PooledConn::Sqlite(c) => c.begin_with(begin).await.map(Tx::Sqlite),
            #[cfg(feature = "postgres")]
            PooledConn::Postgres(c) => c.begin_with(begin).await.map(Tx::Postgres),
            #[cfg(feature = "mysql")]
            PooledConn::MySql(c) => c.begin_with(begin).await.map(Tx::MySql),
        };
        db.log(begin, started);
        let inner = result.map_err(|source| db.query_error(begin.into(), source))?;
        let sqlite_write_lock = takes_sqlite_write_lock(db.dialect(), begin);
        Ok(Transaction {
            db,
            inner,
            depth: 0,
            sqlite_write_lock,
        })
    }

    /// Closes the connection when it is dropped instead of returning it to
    /// the pool: for a session whose state (a lock, a setting) must not
    /// leak to the next user of the pool, even if the holder is cancelled.
    ///
    /// Do not use it on an in-memory SQLite database, which lives only as
    /// long as its one connection.
    pub fn close_on_drop(&mut self) {
        match &mut self.inner {
            #[cfg(feature = "sqlite")]
            PooledConn::Sqlite(c) => c.close_on_drop(),
            #[cfg(feature = "postgres")]
            PooledConn::Postgres(c) => c.close_on_drop(),
            #[cfg(feature = "mysql")]
            PooledConn::MySql(c) => c.close_on_drop(),
        }
    }
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Conn")
            .field("dialect", &self.dialect())
            .finish()
    }
}

impl Transaction<'_> {
    /// The dialect of the database.
    pub fn dialect(&self) -> Dialect {
        self.db.dialect()
    }

    pub(super) fn session(&mut self) -> Session<'_> {
        match &mut self.inner {
            #[cfg(feature = "sqlite")]
            Tx::Sqlite(t) => Session::Sqlite(t),
            #[cfg(feature = "postgres")]
            Tx::Postgres(t) => Session::Postgres(t),
            #[cfg(feature = "mysql")]
            Tx::MySql(t) => Session::MySql(t),
        }
    }

    /// Runs raw SQL with no binds (see [`Db::execute_raw_sql`]).
    pub async fn execute_raw_sql(&mut self, sql: impl crate::SqlSafeStr) -> Result<ExecResult> {
        let stmt = Statement::raw(self.dialect(), sql);
        self.execute(stmt).await
    }

    /// Runs a statement that returns no rows.
    pub async fn execute(&mut self, stmt: Statement) -> Result<ExecResult> {
        let db = self.db.clone();
        execute(&db, self.session(), stmt).await
    }

    /// Runs a query and turns each row into a `T` with `decode`.
    pub async fn fetch<T: Send>(
        &mut self,
        stmt: Statement,
        decode: impl FnMut(&Row) -> Result<T> + Send,
    ) -> Result<Vec<T>> {
        let db = self.db.clone();
        fetch_borrowed(&db, self.session(), stmt, decode).await
    }

    /// Runs a query and hands each row, owned, to `decode`.
    pub(crate) async fn fetch_owned<T: Send>(
        &mut self,
        stmt: Statement,
        decode: impl FnMut(Row) -> Result<T> + Send,
    ) -> Result<Vec<T>> {
        let db = self.db.clone();
        fetch(&db, self.session(), stmt, decode).await
    }

    /// The [`Db`] this transaction runs on.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// 0 for a transaction, 1 for a savepoint in one, 2 for a savepoint in
    /// that, and so on.
    pub fn depth(&self) -> usize {
        self.depth
    }

    pub(crate) fn holds_sqlite_write_lock(&self) -> bool {
        self.sqlite_write_lock
    }

    /// Starts a savepoint in this transaction, as a transaction of its own:
    /// its [`commit`](Transaction::commit) releases the savepoint (the
    /// changes stay part of this transaction), its
    /// [`rollback`](Transaction::rollback), or dropping it, undoes only the
    /// changes made since the savepoint. Works on every database.
    pub async fn begin(&mut self) -> Result<Transaction<'_>> {
        use sqlx::Connection as _;
        let started = Instant::now();
        let db = self.db.clone();
        let depth = self.depth + 1;
        let statement = format!("SAVEPOINT _sqlx_savepoint_{depth}");
        let result = match &mut self.inner {
            #[cfg(feature = "sqlite")]
            Tx::Sqlite(t) => (**t).begin().await.map(Tx::Sqlite),
            #[cfg(feature = "postgres")]
            Tx::Postgres(t) => (**t).begin().await.map(Tx::Postgres),
            #[cfg(feature = "mysql")]
            Tx::MySql(t) => (**t).begin().await.map(Tx::MySql),
        };
        db.log(&statement, started);
        let inner = result.map_err(|source| db.query_error(statement, source))?;
        Ok(Transaction {
            db,
            inner,
            depth,
            sqlite_write_lock: self.sqlite_write_lock,
        })
    }

    /// What ending this transaction sends.
    fn end_statement(&self, commit: bool) -> String {
        match (self.depth, commit) {
            (0, true) => "COMMIT".into(),
            (0, false) => "ROLLBACK".into(),
            (d, true) => format!("RELEASE SAVEPOINT _sqlx_savepoint_{d}"),
            (d, false) => format!("ROLLBACK TO SAVEPOINT _sqlx_savepoint_{d}"),
        }
    }

    /// Makes the transaction's changes permanent (for a savepoint: part of
    /// the enclosing transaction).
    pub async fn commit(self) -> Result<()> {
        let statement = self.end_statement(true);
        let started = Instant::now();
        let result = match self.inner {
            #[cfg(feature = "sqlite")]
            Tx::Sqlite(t) => t.commit().await,
            #[cfg(feature = "postgres")]
            Tx::Postgres(t) => t.commit().await,
            #[cfg(feature = "mysql")]
            Tx::MySql(t) => t.commit().await,
        };
        self.db.log(&statement, started);
        result.map_err(|source| self.db.query_error(statement, source))
    }

    /// Discards the transaction's changes (for a savepoint: those made
    /// since it began).
    pub async fn rollback(self) -> Result<()> {
        let statement = self.end_statement(false);
        let started = Instant::now();
        let result = match self.inner {
            #[cfg(feature = "sqlite")]
            Tx::Sqlite(t) => t.rollback().await,
            #[cfg(feature = "postgres")]
            Tx::Postgres(t) => t.rollback().await,
            #[cfg(feature = "mysql")]
            Tx::MySql(t) => t.rollback().await,
        };
        self.db.log(&statement, started);
        result.map_err(|source| self.db.query_error(statement, source))
    }
}

impl std::fmt::Debug for Transaction<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transaction")
            .field("dialect", &self.dialect())
            .finish()
    }
}

#[cfg(all(test, feature = "sqlite"))]
mod tests {
    use crate::{Db, Error, FieldType, Row, Statement};

    fn int(row: &Row) -> crate::Result<i64> {
        i64::decode(row, 0).map_err(|e| Error::Decode {
            model: "t",
            column: "x",
            dialect: row.dialect(),
            message: e.to_string(),
        })
    }

    async fn count(db: &Db) -> i64 {
        db.fetch(Statement::raw(db.dialect(), "SELECT COUNT(*) FROM t"), int)
            .await
            .unwrap()[0]
    }

    #[tokio::test]
    async fn a_dropped_transaction_is_rolled_back_and_statements_are_counted() {
        let db = Db::connect("sqlite::memory:").await.unwrap();
        db.execute_raw_sql("CREATE TABLE t (x INTEGER)")
            .await
            .unwrap();
        let before = db.query_count();
        {
            let mut conn = db.acquire().await.unwrap();
            let mut tx = conn.begin().await.unwrap();
            tx.execute_raw_sql("INSERT INTO t (x) VALUES (1)")
                .await
                .unwrap();
            // Dropped without commit.
        }
        assert_eq!(count(&db).await, 0);
        // BEGIN, INSERT, then the COUNT.
        assert_eq!(db.query_count() - before, 3);

        let mut tx = db.begin().await.unwrap();
        tx.execute_raw_sql("INSERT INTO t (x) VALUES (1)")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(count(&db).await, 1);
    }

    #[tokio::test]
    async fn session_state_stays_on_one_connection() {
        let db = Db::connect("sqlite::memory:").await.unwrap();
        let mut conn = db.acquire().await.unwrap();
        conn.execute_raw_sql("PRAGMA foreign_keys = OFF")
            .await
            .unwrap();
        let on = conn
            .fetch(Statement::raw(db.dialect(), "PRAGMA foreign_keys"), int)
            .await
            .unwrap();
        assert_eq!(on, vec![0]);
        conn.execute_raw_sql("PRAGMA foreign_keys = ON")
            .await
            .unwrap();
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.unwrap();
        let err = tx
            .execute_raw_sql("SELECT * FROM missing")
            .await
            .unwrap_err();
        assert!(err.to_string().contains("missing"), "{err}");
        tx.rollback().await.unwrap();
    }
}
