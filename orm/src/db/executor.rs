//! [`Executor`]: what every query and model method runs on, so the same
//! call works on the pool (`&db`), one held connection (`&mut conn`) or a
//! transaction (`&mut tx`), and a unit of work can be moved into a
//! transaction without rewriting it.
//!
//! ```
//! # use strata::prelude::*;
//! #[derive(Model, Debug)]
//! struct Item {
//!     id: i64,
//!     qty: i32,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> strata::Result<()> {
//! let db = Db::connect("sqlite::memory:").await?;
//! db.create_tables(&[Item::META]).await?;
//!
//! // The same function, on the pool and inside a transaction.
//! async fn restock(ex: impl strata::Executor) -> strata::Result<u64> {
//!     Item::objects().update(ex, [Item::qty().set(10)]).await
//! }
//! Item { id: 0, qty: 1 }.insert(&db).await?;
//! restock(&db).await?;
//! let mut tx = db.begin().await?;
//! assert_eq!(restock(&mut tx).await?, 1);
//! tx.commit().await?;
//! # Ok(()) }
//! ```

use super::row_stream::{fetch_into_pool, fetch_into_session};
use super::{Conn, Db, ExecResult, Row, RowSink, Transaction};
use crate::dialect::Dialect;
use crate::error::Result;
use crate::writer::Statement;
use std::future::Future;

/// Something statements run on: `&Db` (each statement on a pooled
/// connection of its own), `&mut Conn` (one session) or `&mut Transaction`
/// (one transaction). Every queryset terminal (`all`, `get`, `count`,
/// `update`, `delete`, ...) and model method (`insert`, `save`, `delete`,
/// `refresh`, `bulk_create`, relation writes) takes one.
///
/// A method that runs several statements (a delete with its protect
/// checks, a prefetch) runs them all on the executor it was given: inside
/// a transaction they see, and are part of, that transaction.
///
/// Every future is `Send`, so the calls work in spawned tasks and web
/// handlers. Statements are counted by [`Db::query_count`] of the handle
/// they came from and logged through `tracing` (target `strata::sql`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not something strata can run statements on",
    label = "expected `&db`, `&mut conn` or `&mut tx`",
    note = "pass a `&strata::Db`, a `&mut strata::Conn` or a `&mut strata::Transaction`; \
            a transaction or connection is passed as `&mut tx`, not by value or `&tx`"
)]
pub trait Executor: Send {
    /// The dialect of the database.
    fn dialect(&self) -> Dialect;

    /// The handle the statements are counted and logged on.
    fn db(&self) -> &Db;

    /// Whether the statements run inside a transaction (a
    /// [`Transaction`], or a savepoint of one).
    fn in_transaction(&self) -> bool;

    /// Whether this is a SQLite transaction that took the write lock when
    /// it began (`BEGIN IMMEDIATE` / `BEGIN EXCLUSIVE`): what makes
    /// `select_for_update` hold on SQLite.
    #[doc(hidden)]
    fn holds_sqlite_write_lock(&self) -> bool {
        false
    }

    /// Runs a statement that returns no rows.
    fn execute(&mut self, stmt: Statement) -> impl Future<Output = Result<ExecResult>> + Send;

    /// Runs a query and hands each row, owned, to `decode`.
    fn fetch_owned<T: Send>(
        &mut self,
        stmt: Statement,
        decode: impl FnMut(Row) -> Result<T> + Send,
    ) -> impl Future<Output = Result<Vec<T>>> + Send;

    /// Runs a query and turns each row into a `T` with `decode`. The row
    /// is lent for the call: on SQLite a plain read is stepped in place on
    /// the connection's handle, with no copy of the row (see
    /// [`Row`](crate::Row)).
    fn fetch<T: Send>(
        &mut self,
        stmt: Statement,
        mut decode: impl FnMut(&Row) -> Result<T> + Send,
    ) -> impl Future<Output = Result<Vec<T>>> + Send {
        self.fetch_owned(stmt, move |row| decode(&row))
    }

    /// Runs a query and hands its rows to `sink` one at a time, as the
    /// driver reads them, holding none of them: what
    /// [`QuerySet::stream`](crate::QuerySet::stream) reads with. On `&Db`
    /// the query holds one pooled connection until its last row is read.
    #[doc(hidden)]
    fn fetch_into(
        &mut self,
        stmt: Statement,
        sink: &RowSink,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Starts a transaction: on the pool, a transaction on a connection of
    /// its own; on a connection, a transaction on it; in a transaction, a
    /// savepoint that [`Transaction::commit`] releases and
    /// [`Transaction::rollback`] rolls back to, leaving the outer
    /// transaction going.
    fn begin(&mut self) -> impl Future<Output = Result<Transaction<'_>>> + Send;
}

impl Executor for &Db {
    fn dialect(&self) -> Dialect {
        Db::dialect(self)
    }

    fn db(&self) -> &Db {
        self
    }

    fn in_transaction(&self) -> bool {
        false
    }

    fn execute(&mut self, stmt: Statement) -> impl Future<Output = Result<ExecResult>> + Send {
        Db::execute(self, stmt)
    }

    fn fetch_owned<T: Send>(
        &mut self,
        stmt: Statement,
        decode: impl FnMut(Row) -> Result<T> + Send,
    ) -> impl Future<Output = Result<Vec<T>>> + Send {
        Db::fetch_owned(self, stmt, decode)
    }

    fn fetch<T: Send>(
        &mut self,
        stmt: Statement,
        decode: impl FnMut(&Row) -> Result<T> + Send,
    ) -> impl Future<Output = Result<Vec<T>>> + Send {
        Db::fetch(self, stmt, decode)
    }

    fn fetch_into(
        &mut self,
        stmt: Statement,
        sink: &RowSink,
    ) -> impl Future<Output = Result<()>> + Send {
        fetch_into_pool(self, stmt, sink)
    }

    fn begin(&mut self) -> impl Future<Output = Result<Transaction<'_>>> + Send {
        let db: &Db = self;
        async move {
            // A transaction on a pooled connection of its own lives as long
            // as it likes; the trait asks for one tied to `self`.
            let tx: Result<Transaction<'_>> = Db::begin(db).await;
            tx
        }
    }
}

impl Executor for &mut Conn {
    fn dialect(&self) -> Dialect {
        Conn::dialect(self)
    }

    fn db(&self) -> &Db {
        Conn::db(self)
    }

    fn in_transaction(&self) -> bool {
        false
    }

    fn execute(&mut self, stmt: Statement) -> impl Future<Output = Result<ExecResult>> + Send {
        Conn::execute(self, stmt)
    }

    fn fetch_owned<T: Send>(
        &mut self,
        stmt: Statement,
        decode: impl FnMut(Row) -> Result<T> + Send,
    ) -> impl Future<Output = Result<Vec<T>>> + Send {
        Conn::fetch_owned(self, stmt, decode)
    }

    fn fetch<T: Send>(
        &mut self,
        stmt: Statement,
        decode: impl FnMut(&Row) -> Result<T> + Send,
    ) -> impl Future<Output = Result<Vec<T>>> + Send {
        Conn::fetch(self, stmt, decode)
    }

    fn fetch_into(
        &mut self,
        stmt: Statement,
        sink: &RowSink,
    ) -> impl Future<Output = Result<()>> + Send {
        let db = Conn::db(self).clone();
        async move { fetch_into_session(&db, self.session(), stmt, sink).await }
    }

    fn begin(&mut self) -> impl Future<Output = Result<Transaction<'_>>> + Send {
        Conn::begin(self)
    }
}

impl Executor for &mut Transaction<'_> {
    fn dialect(&self) -> Dialect {
        Transaction::dialect(self)
    }

    fn db(&self) -> &Db {
        Transaction::db(self)
    }

    fn in_transaction(&self) -> bool {
        true
    }

    fn holds_sqlite_write_lock(&self) -> bool {
        Transaction::holds_sqlite_write_lock(self)
    }

    fn execute(&mut self, stmt: Statement) -> impl Future<Output = Result<ExecResult>> + Send {
        Transaction::execute(self, stmt)
    }

    fn fetch_owned<T: Send>(
        &mut self,
        stmt: Statement,
        decode: impl FnMut(Row) -> Result<T> + Send,
    ) -> impl Future<Output = Result<Vec<T>>> + Send {
        Transaction::fetch_owned(self, stmt, decode)
    }

    fn fetch<T: Send>(
        &mut self,
        stmt: Statement,
        decode: impl FnMut(&Row) -> Result<T> + Send,
    ) -> impl Future<Output = Result<Vec<T>>> + Send {
        Transaction::fetch(self, stmt, decode)
    }

    fn fetch_into(
        &mut self,
        stmt: Statement,
        sink: &RowSink,
    ) -> impl Future<Output = Result<()>> + Send {
        let db = Transaction::db(self).clone();
        async move { fetch_into_session(&db, self.session(), stmt, sink).await }
    }

    fn begin(&mut self) -> impl Future<Output = Result<Transaction<'_>>> + Send {
        Transaction::begin(self)
    }
}

/// An executor borrowed again, so one can be handed to several calls in
/// turn (`qs.get(&mut ex)`, then `obj.save(&mut ex)`).
impl<E: Executor + ?Sized> Executor for &mut E {
    fn dialect(&self) -> Dialect {
        (**self).dialect()
    }

    fn db(&self) -> &Db {
        (**self).db()
    }

    fn in_transaction(&self) -> bool {
        (**self).in_transaction()
    }

    fn holds_sqlite_write_lock(&self) -> bool {
        (**self).holds_sqlite_write_lock()
    }

    fn execute(&mut self, stmt: Statement) -> impl Future<Output = Result<ExecResult>> + Send {
        (**self).execute(stmt)
    }

    fn fetch_owned<T: Send>(
        &mut self,
        stmt: Statement,
        decode: impl FnMut(Row) -> Result<T> + Send,
    ) -> impl Future<Output = Result<Vec<T>>> + Send {
        (**self).fetch_owned(stmt, decode)
    }

    fn fetch<T: Send>(
        &mut self,
        stmt: Statement,
        decode: impl FnMut(&Row) -> Result<T> + Send,
    ) -> impl Future<Output = Result<Vec<T>>> + Send {
        (**self).fetch(stmt, decode)
    }

    fn fetch_into(
        &mut self,
        stmt: Statement,
        sink: &RowSink,
    ) -> impl Future<Output = Result<()>> + Send {
        (**self).fetch_into(stmt, sink)
    }

    fn begin(&mut self) -> impl Future<Output = Result<Transaction<'_>>> + Send {
        (**self).begin()
    }
}
