//! Reading a query's rows one at a time: a [`RowSink`] the executors hand
//! each row to as the driver reads it, and the [`Generator`] that turns
//! such a producer into a `Stream` without a task or a channel.
//!
//! The producer is an ordinary future that owns what the rows borrow (the
//! SQL text, the pooled connection). Each time it has a row it puts it in
//! the sink's one slot and suspends once; the stream's `poll_next` polls
//! the producer, takes the row out of the slot and returns it. So at most
//! one row waits between the driver and the caller, whatever the size of
//! the result: how much the driver itself reads ahead is its business
//! (sqlx reads PostgreSQL and MySQL rows off the socket as they are asked
//! for, and SQLite's through a channel of a few dozen rows).

use super::{bind, Db, Pool, Row};
use crate::error::Result;
use crate::relation::prefetch::BoxFuture;
use crate::writer::Statement;
use futures_util::{Stream, TryStreamExt};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Instant;

/// Where a streaming query puts its rows, one at a time (see
/// [`Executor::fetch_into`](crate::Executor::fetch_into)). Made by strata's
/// streams; not something to build yourself.
pub struct RowSink<T = Row> {
    slot: Arc<Mutex<Option<T>>>,
}

impl<T> RowSink<T> {
    /// Hands `item` to the stream and waits until it has been taken.
    pub(crate) fn send(&self, item: T) -> impl Future<Output = ()> + Send {
        *self.slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(item);
        SuspendOnce(false)
    }
}

/// Pending once, then ready: the point where the producer gives way to
/// the consumer. It registers no waker, and needs none: the generator
/// sees the filled slot and returns the item at once, and the caller's
/// next `poll_next` polls the producer again.
struct SuspendOnce(bool);

impl Future for SuspendOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            Poll::Pending
        }
    }
}

/// A stream of what a producer future sends to its [`RowSink`], ending
/// when the producer returns (with its error, if any, as the last item).
pub(crate) struct Generator<'a, T> {
    producer: Option<BoxFuture<'a, Result<()>>>,
    slot: Arc<Mutex<Option<T>>>,
    /// The producer's error, when it ended right after sending an item
    /// that was returned first.
    error: Option<crate::Error>,
}

impl<'a, T: Send + 'a> Generator<'a, T> {
    /// Starts nothing yet: `produce` is called at once with the sink, but
    /// the future it returns first runs when the stream is polled.
    pub(crate) fn new<F>(produce: impl FnOnce(RowSink<T>) -> F) -> Self
    where
        F: Future<Output = Result<()>> + Send + 'a,
    {
        let slot = Arc::new(Mutex::new(None));
        let sink = RowSink { slot: slot.clone() };
        Generator {
            producer: Some(Box::pin(produce(sink))),
            slot,
            error: None,
        }
    }
}

impl<T> Generator<'_, T> {
    fn take(&self) -> Option<T> {
        self.slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }
}

impl<T> Stream for Generator<'_, T> {
    type Item = Result<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        let this = self.get_mut();
        let Some(producer) = this.producer.as_mut() else {
            return Poll::Ready(this.error.take().map(Err));
        };
        let done = producer.as_mut().poll(cx);
        if let Poll::Ready(result) = done {
            // A finished future is never polled again.
            this.producer = None;
            this.error = result.err();
        }
        if let Some(item) = this.take() {
            return Poll::Ready(Some(Ok(item)));
        }
        match this.producer {
            Some(_) => Poll::Pending,
            None => Poll::Ready(this.error.take().map(Err)),
        }
    }
}

impl<T> Unpin for Generator<'_, T> {}

/// Runs a query on a connection of `db`'s pool and hands each row to
/// `sink`, the connection held until the last row has been read.
pub(crate) async fn fetch_into_pool(db: &Db, stmt: Statement, sink: &RowSink) -> Result<()> {
    let started = Instant::now();
    let Statement { sql, binds, .. } = stmt;
    bind::check_before_sending(db.dialect(), &sql, &binds)?;
    let sql = sql.into_shared();
    macro_rules! pump {
        ($pool:expr, $bind:path, $variant:ident) => {{
            let mut q = sqlx::query(super::sql_text::for_sqlx(&sql));
            for v in binds {
                q = $bind(q, v);
            }
            match $pool.acquire().await {
                Ok(mut conn) => {
                    let mut rows = q.fetch(&mut *conn);
                    loop {
                        match rows.try_next().await {
                            Ok(Some(row)) => sink.send(Row::$variant(row)).await,
                            Ok(None) => break Ok(()),
                            Err(e) => break Err(e),
                        }
                    }
                }
                Err(e) => Err(e),
            }
        }};
    }
    let result: std::result::Result<(), sqlx::Error> = match &db.inner.pool {
        #[cfg(feature = "sqlite")]
        Pool::Sqlite(pool) => pump!(pool, bind::sqlite, Sqlite),
        #[cfg(feature = "postgres")]
        Pool::Postgres(pool) => pump!(pool, bind::postgres, Postgres),
        #[cfg(feature = "mysql")]
        Pool::MySql(pool) => pump!(pool, bind::mysql, MySql),
    };
    db.log(&sql, started);
    result.map_err(|source| db.query_error(std::sync::Arc::unwrap_or_clone(sql), source))
}

/// Runs a query on one session (a held connection or a transaction) and
/// hands each row to `sink`.
pub(super) async fn fetch_into_session(
    db: &Db,
    session: super::session::Session<'_>,
    stmt: Statement,
    sink: &RowSink,
) -> Result<()> {
    use super::session::Session;
    let started = Instant::now();
    let Statement { sql, binds, .. } = stmt;
    bind::check_before_sending(db.dialect(), &sql, &binds)?;
    let sql = sql.into_shared();
    macro_rules! pump {
        ($conn:expr, $bind:path, $variant:ident) => {{
            let mut q = sqlx::query(super::sql_text::for_sqlx(&sql));
            for v in binds {
                q = $bind(q, v);
            }
            let mut rows = q.fetch($conn);
            loop {
                match rows.try_next().await {
                    Ok(Some(row)) => sink.send(Row::$variant(row)).await,
                    Ok(None) => break Ok(()),
                    Err(e) => break Err(e),
                }
            }
        }};
    }
    let result: std::result::Result<(), sqlx::Error> = match session {
        #[cfg(feature = "sqlite")]
        Session::Sqlite(conn) => pump!(conn, bind::sqlite, Sqlite),
        #[cfg(feature = "postgres")]
        Session::Postgres(conn) => pump!(conn, bind::postgres, Postgres),
        #[cfg(feature = "mysql")]
        Session::MySql(conn) => pump!(conn, bind::mysql, MySql),
    };
    db.log(&sql, started);
    result.map_err(|source| db.query_error(std::sync::Arc::unwrap_or_clone(sql), source))
}

#[cfg(test)]
mod tests {
    use super::Generator;
    use futures_util::StreamExt;

    #[tokio::test]
    async fn a_generator_yields_what_its_producer_sends_then_its_error() {
        let stream = Generator::new(|sink| async move {
            for i in 0..3 {
                sink.send(i).await;
            }
            Err(crate::Error::DoesNotExist { model: "Thing" })
        });
        let items: Vec<_> = stream.collect().await;
        assert_eq!(items.len(), 4);
        assert_eq!(
            items[..3]
                .iter()
                .map(|r| *r.as_ref().unwrap())
                .collect::<Vec<i32>>(),
            vec![0, 1, 2]
        );
        assert!(matches!(items[3], Err(crate::Error::DoesNotExist { .. })));
    }

    #[tokio::test]
    async fn an_item_sent_without_waiting_comes_before_the_error() {
        let stream = Generator::new(|sink| async move {
            drop(sink.send(7));
            Err(crate::Error::DoesNotExist { model: "Thing" })
        });
        let items: Vec<_> = stream.collect().await;
        assert_eq!(items.len(), 2);
        assert_eq!(*items[0].as_ref().unwrap(), 7);
        assert!(items[1].is_err());
    }

    #[tokio::test]
    async fn a_generator_holds_one_item_at_a_time() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        let produced = Arc::new(AtomicUsize::new(0));
        let counter = produced.clone();
        let mut stream = Generator::new(move |sink| async move {
            for i in 0..100 {
                counter.fetch_add(1, Ordering::SeqCst);
                sink.send(i).await;
            }
            Ok(())
        });
        assert_eq!(
            produced.load(Ordering::SeqCst),
            0,
            "nothing runs before a poll"
        );
        for expected in 0..5 {
            assert_eq!(stream.next().await.unwrap().unwrap(), expected);
            assert_eq!(produced.load(Ordering::SeqCst), expected + 1);
        }
    }
}
