//! Atomic blocks: a closure whose statements commit together when it
//! returns `Ok` and roll back together when it returns `Err` or panics,
//! as Django's `transaction.atomic`. Nested blocks are savepoints, so a
//! failed inner block undoes only its own changes.
//!
//! ```
//! # use strata::prelude::*;
//! #[derive(Model, Debug)]
//! struct Account {
//!     id: i64,
//!     balance: i64,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> strata::Result<()> {
//! let db = Db::connect("sqlite::memory:").await?;
//! db.create_tables(&[Account::META]).await?;
//! let mut a = Account { id: 0, balance: 100 };
//! a.insert(&db).await?;
//!
//! let left = db
//!     .atomic(|tx| {
//!         Box::pin(async move {
//!             let mut a = Account::objects().select_for_update().get(&mut *tx).await?;
//!             a.balance -= 30;
//!             a.save(&mut *tx).await?;
//!             // A nested block that fails rolls back only itself.
//!             let refused: strata::Result<()> = tx
//!                 .atomic(|tx| {
//!                     Box::pin(async move {
//!                         Account::objects().update(&mut *tx, [Account::balance().set(0)]).await?;
//!                         Err(strata::Error::InvalidQuery { model: "Account", reason: "no".into() })
//!                     })
//!                 })
//!                 .await;
//!             assert!(refused.is_err());
//!             Ok::<_, strata::Error>(a.balance)
//!         })
//!     })
//!     .await?;
//! assert_eq!(left, 70);
//! assert_eq!(Account::objects().get(&db).await?.balance, 70);
//! # Ok(()) }
//! ```
//!
//! An order and its lines, all or nothing:
//!
//! ```
//! # use strata::prelude::*;
//! #[derive(Model, Debug)]
//! struct Order {
//!     id: i64,
//!     #[strata(max_length = 40)]
//!     customer: String,
//!     total: i64,
//! }
//!
//! #[derive(Model, Debug)]
//! struct OrderLine {
//!     id: i64,
//!     #[strata(on_delete = cascade)]
//!     order: ForeignKey<Order>,
//!     #[strata(max_length = 20)]
//!     sku: String,
//!     qty: i64,
//!     price: i64,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> strata::Result<()> {
//! let db = Db::connect("sqlite::memory:").await?;
//! db.create_tables(&[Order::META, OrderLine::META]).await?;
//! let order_id = db
//!     .atomic(|tx| {
//!         Box::pin(async move {
//!             let mut order = Order { id: 0, customer: "ann".into(), total: 0 };
//!             order.insert(&mut *tx).await?;
//!             let mut lines = vec![
//!                 OrderLine { id: 0, order: ForeignKey::to(&order), sku: "pen".into(), qty: 2, price: 150 },
//!                 OrderLine { id: 0, order: ForeignKey::to(&order), sku: "ink".into(), qty: 1, price: 700 },
//!             ];
//!             OrderLine::bulk_create(&mut *tx, &mut lines).await?;
//!             order.total = lines.iter().map(|l| l.qty * l.price).sum();
//!             order.save(&mut *tx).await?;
//!             Ok::<_, strata::Error>(order.id)
//!         })
//!     })
//!     .await?;
//! assert_eq!(Order::objects().get(&db).await?.total, 1000);
//! assert_eq!(Order::objects().get(&db).await?.id, order_id);
//! assert_eq!(OrderLine::objects().count(&db).await?, 2);
//! # Ok(()) }
//! ```

use super::{Conn, Db, Isolation, Transaction};
use crate::error::Error;
use futures_util::FutureExt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;

/// The future an atomic block's closure returns: write the block as
/// `|tx| Box::pin(async move { ... })`. It is `Send`, so atomic blocks run
/// in spawned tasks and web handlers.
pub type TxFuture<'t, T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send + 't>>;

impl Db {
    /// Runs `block` in a transaction on a connection of its own: commits
    /// when it returns `Ok`, rolls back when it returns `Err` (the error is
    /// returned) or panics (the panic goes on after the rollback).
    ///
    /// The error type is the caller's: anything a [`strata::Error`](Error)
    /// converts into, so `?` works on strata calls inside the block.
    pub async fn atomic<T, E, F>(&self, block: F) -> Result<T, E>
    where
        F: for<'t> FnOnce(&'t mut Transaction<'static>) -> TxFuture<'t, T, E> + Send,
        T: Send,
        E: From<Error> + Send,
    {
        let tx = self.begin().await?;
        run(tx, block).await
    }

    /// [`atomic`](Db::atomic) at an isolation level (see [`Isolation`]).
    pub async fn atomic_isolated<T, E, F>(&self, level: Isolation, block: F) -> Result<T, E>
    where
        F: for<'t> FnOnce(&'t mut Transaction<'static>) -> TxFuture<'t, T, E> + Send,
        T: Send,
        E: From<Error> + Send,
    {
        let tx = self.begin_isolated(level).await?;
        run(tx, block).await
    }
}

impl Conn {
    /// [`Db::atomic`] on this connection.
    pub async fn atomic<'c, T, E, F>(&'c mut self, block: F) -> Result<T, E>
    where
        F: for<'t> FnOnce(&'t mut Transaction<'c>) -> TxFuture<'t, T, E> + Send,
        T: Send,
        E: From<Error> + Send,
    {
        let tx = self.begin().await?;
        run(tx, block).await
    }
}

impl<'p> Transaction<'p> {
    /// A nested atomic block: a savepoint in this transaction, released
    /// when `block` returns `Ok`, rolled back to when it returns `Err` or
    /// panics. Only the block's own changes are undone; this transaction
    /// goes on.
    pub async fn atomic<'c, T, E, F>(&'c mut self, block: F) -> Result<T, E>
    where
        F: for<'t> FnOnce(&'t mut Transaction<'c>) -> TxFuture<'t, T, E> + Send,
        T: Send,
        E: From<Error> + Send,
    {
        let tx = self.begin().await?;
        run(tx, block).await
    }
}

/// Runs `block` on `tx` and ends `tx` by the outcome.
async fn run<'c, T, E, F>(mut tx: Transaction<'c>, block: F) -> Result<T, E>
where
    F: for<'t> FnOnce(&'t mut Transaction<'c>) -> TxFuture<'t, T, E> + Send,
    E: From<Error>,
{
    // The block's future only borrows `tx`; a panic inside it is caught
    // here so the rollback is sent before the panic resumes, instead of
    // being left to the connection's next user.
    let outcome = AssertUnwindSafe(block(&mut tx)).catch_unwind().await;
    match outcome {
        Ok(Ok(value)) => {
            tx.commit().await?;
            Ok(value)
        }
        Ok(Err(error)) => {
            if let Err(rollback) = tx.rollback().await {
                // The block's error is the one the caller acts on; the
                // driver queues the rollback again for the connection's
                // next use.
                tracing::warn!(target: "strata::sql", "rollback after an error failed: {rollback}");
            }
            Err(error)
        }
        Err(panic) => {
            if let Err(rollback) = tx.rollback().await {
                tracing::warn!(target: "strata::sql", "rollback after a panic failed: {rollback}");
            }
            std::panic::resume_unwind(panic)
        }
    }
}
