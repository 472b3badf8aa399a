//! [`QuerySet::stream`]: the results one model at a time, for results too
//! large to hold.
//!
//! Going through a large table, as the README's "Large tables" shows it:
//!
//! ```
//! # use strata::prelude::*;
//! #[derive(Model, Debug)]
//! struct Sensor {
//!     id: i64,
//!     #[strata(max_length = 40)]
//!     name: String,
//!     readings: Reverse<Reading>,
//! }
//!
//! #[derive(Model, Debug)]
//! struct Reading {
//!     id: i64,
//!     #[strata(on_delete = cascade, related_name = "readings")]
//!     sensor: ForeignKey<Sensor>,
//!     value: f64,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> strata::Result<()> {
//! # let db = Db::connect("sqlite::memory:").await?;
//! # db.create_tables(&[Sensor::META, Reading::META]).await?;
//! # for s in 0..60 {
//! #     let mut sensor = Sensor { id: 0, name: format!("s{s:02}"), readings: Default::default() };
//! #     sensor.insert(&db).await?;
//! #     Reading { id: 0, sensor: ForeignKey::from(&sensor), value: 1.0 }.insert(&db).await?;
//! # }
//! # let mut total = 0.0;
//! use futures_util::TryStreamExt;
//! use strata::Paginator;
//!
//! // Every reading, one at a time: memory stays flat however large the table.
//! let mut readings = Reading::objects().filter(Reading::value().gt(0.5)).stream(&db);
//! while let Some(reading) = readings.try_next().await? {
//!     total += reading.value;
//! }
//!
//! // With prefetch_related: 500 sensors a chunk, each chunk with its readings.
//! let mut sensors = Sensor::objects()
//!     .prefetch_related(Sensor::readings())
//!     .stream(&db)
//!     .chunk_size(500);
//! while let Some(sensor) = sensors.try_next().await? {
//!     println!("{}: {} readings", sensor.name, sensor.readings.loaded()?.len());
//! }
//!
//! // Numbered pages of 25, by name (then by key, to break ties).
//! let by_name = Sensor::objects().order_by(Sensor::name().asc());
//! let pages = Paginator::new(by_name.clone(), 25)?;
//! let page = pages.page(&db, 2).await?; // Error::PageOutOfRange past the last page
//! println!("page {} of {}, {} sensors", page.number(), page.num_pages(), page.total());
//!
//! // Keyset pages: as fast at page 10,000 as at page 1.
//! let first = by_name.clone().with_pk_tiebreak().limit(25).all(&db).await?;
//! if let Some(last) = first.last() {
//!     let next = by_name.clone().after(last)?.limit(25).all(&db).await?;
//! #   assert_eq!(next.iter().map(|s| s.id).collect::<Vec<_>>(), page.items().iter().map(|s| s.id).collect::<Vec<_>>());
//! }
//! # assert_eq!(total, 60.0);
//! # assert_eq!((page.number(), page.num_pages(), page.total()), (2, 3, 60));
//! # Ok(()) }
//! ```

use super::QuerySet;
use crate::db::{Executor, Generator};
use crate::error::Result;
use crate::model::Model;
use crate::query::in_list::check_bind_count;
use futures_util::stream::{self, BoxStream, Stream, StreamExt};
use std::pin::Pin;
use std::task::{Context, Poll};

/// How many rows a stream with `prefetch_related` reads per chunk unless
/// told otherwise ([`ModelStream::chunk_size`]).
pub const DEFAULT_CHUNK_SIZE: usize = 1000;

/// The stream [`QuerySet::stream`] returns: a [`Stream`] of
/// `Result<M>`, each model decoded as its row arrives. Nothing runs until
/// it is first polled.
#[must_use = "a stream does nothing until it is polled"]
pub struct ModelStream<'e, M> {
    state: State<'e, M>,
}

type Start<'e, M> = Box<dyn FnOnce(usize) -> BoxStream<'e, Result<M>> + Send + 'e>;

enum State<'e, M> {
    Idle {
        start: Start<'e, M>,
        chunk: usize,
    },
    Running(BoxStream<'e, Result<M>>),
    /// Only while switching from `Idle` to `Running`.
    Switching,
}

impl<M> ModelStream<'_, M> {
    /// How many rows to read per chunk when the queryset has
    /// `prefetch_related` (ignored otherwise; at least 1). Each chunk is
    /// one query for the rows plus one per prefetched relation, and is
    /// held in memory with its related rows until its last model has been
    /// yielded. The default is [`DEFAULT_CHUNK_SIZE`].
    pub fn chunk_size(mut self, rows: usize) -> Self {
        if let State::Idle { chunk, .. } = &mut self.state {
            *chunk = rows.max(1);
        }
        self
    }
}

impl<M> Stream for ModelStream<'_, M> {
    type Item = Result<M>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<M>>> {
        let this = self.get_mut();
        if let State::Idle { .. } = this.state {
            if let State::Idle { start, chunk } =
                std::mem::replace(&mut this.state, State::Switching)
            {
                this.state = State::Running(start(chunk));
            }
        }
        match &mut this.state {
            State::Running(inner) => inner.poll_next_unpin(cx),
            State::Idle { .. } | State::Switching => Poll::Ready(None),
        }
    }
}

impl<M> std::fmt::Debug for ModelStream<'_, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match self.state {
            State::Idle { .. } => "not started",
            State::Running(_) => "running",
            State::Switching => "starting",
        };
        f.debug_struct("ModelStream")
            .field("state", &state)
            .finish()
    }
}

impl<M: Model> QuerySet<M> {
    /// The results as a [`Stream`] of models, decoded one by one as the
    /// database sends their rows, so that memory stays bounded however
    /// many rows match: use it instead of [`all`](QuerySet::all) to go
    /// through a large table.
    ///
    /// Without `prefetch_related` the query is one statement whose rows
    /// the driver reads as the stream is polled (PostgreSQL and MySQL
    /// send them over the connection as they are asked for, with the
    /// socket's buffers between; SQLite steps its statement a few rows
    /// ahead). `select_related` rows are decoded as in `all()`. On `&db`
    /// the stream holds one pooled connection until it ends or is dropped;
    /// on `&mut conn` or `&mut tx` it borrows that session, which runs
    /// nothing else meanwhile. A stream dropped half-way leaves the rest
    /// of the rows to be skipped by the connection's next statement. The
    /// statement runs until its last row is read, so a
    /// [`statement_timeout`](crate::ConnectOptions::statement_timeout)
    /// can end a stream that is read slowly.
    ///
    /// With `prefetch_related` the rows are read in chunks of
    /// [`chunk_size`](ModelStream::chunk_size) (default
    /// [`DEFAULT_CHUNK_SIZE`]): each chunk is a query of its own, and the
    /// chunk's related rows are loaded before its models are yielded. The
    /// chunks follow one another by keyset (see
    /// [`after`](QuerySet::after)): the queryset's ordering, with the
    /// primary key as tiebreaker, must be on non-null fields of the model,
    /// else the first item is [`Error::InvalidQuery`](crate::Error::InvalidQuery).
    /// Outside a transaction, a row inserted while the stream runs appears
    /// if it sorts after the current chunk; run it in a transaction for one
    /// consistent view.
    ///
    /// Errors (a value refused before sending, a failed query, a row that
    /// does not decode) come as an item; the stream ends after one.
    ///
    /// ```
    /// # use strata::prelude::*;
    /// use futures_util::TryStreamExt;
    ///
    /// #[derive(Model, Debug)]
    /// struct Reading {
    ///     id: i64,
    ///     value: i32,
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> strata::Result<()> {
    /// let db = Db::connect("sqlite::memory:").await?;
    /// db.create_tables(&[Reading::META]).await?;
    /// for value in 1..=10 {
    ///     Reading { id: 0, value }.insert(&db).await?;
    /// }
    /// let mut total = 0;
    /// let mut readings = Reading::objects().filter(Reading::value().gt(5)).stream(&db);
    /// while let Some(reading) = readings.try_next().await? {
    ///     total += reading.value;
    /// }
    /// assert_eq!(total, 6 + 7 + 8 + 9 + 10);
    /// # Ok(()) }
    /// ```
    pub fn stream<'e, E: Executor + 'e>(&self, ex: E) -> ModelStream<'e, M> {
        let qs = self.clone();
        let start: Start<'e, M> = Box::new(move |chunk| {
            if qs.prefetch.is_empty() {
                qs.row_stream(ex)
            } else {
                qs.chunk_stream(ex, chunk)
            }
        });
        ModelStream {
            state: State::Idle {
                start,
                chunk: DEFAULT_CHUNK_SIZE,
            },
        }
    }

    /// One statement, each row decoded as it arrives.
    fn row_stream<'e, E: Executor + 'e>(self, ex: E) -> BoxStream<'e, Result<M>> {
        let dialect = ex.dialect();
        let stmt = match self
            .check_lock(&ex)
            .and_then(|()| self.checked_statement(dialect))
            .and_then(|stmt| check_bind_count(M::META.name, &stmt).map(|()| stmt))
        {
            Ok(stmt) => stmt,
            Err(e) => return stream::once(async move { Err(e) }).boxed(),
        };
        let plan = self.plan(true);
        let selected = self.selected_paths(&plan);
        let attach_order = crate::query::queryset::attach_order(&selected);
        let mut scratch = Vec::with_capacity(selected.len());
        let rows = Generator::new(move |sink| async move {
            let mut ex = ex;
            ex.fetch_into(stmt, &sink).await
        });
        rows.map(move |row| {
            row.and_then(|row| self.decode(&row, &selected, &attach_order, &mut scratch))
        })
        .boxed()
    }

    /// Chunks of `chunk` rows, each with its prefetched relations, the
    /// chunks after the first found by keyset.
    fn chunk_stream<'e, E: Executor + 'e>(self, ex: E, chunk: usize) -> BoxStream<'e, Result<M>> {
        let base = {
            let mut base = self.clone().totally_ordered();
            base.limit = None;
            base.offset = None;
            base
        };
        let columns = match base.keyset_columns() {
            Ok(columns) => columns,
            Err(e) => return stream::once(async move { Err(e) }).boxed(),
        };
        Generator::new(move |sink| async move {
            let mut ex = ex;
            let chunk = u64::try_from(chunk).unwrap_or(u64::MAX);
            let mut remaining = self.limit;
            let mut last_keys = None;
            loop {
                let size = remaining.map_or(chunk, |r| r.min(chunk));
                if size == 0 {
                    break;
                }
                let mut page = match last_keys.take() {
                    Some(keys) => base.clone().after_keys(keys),
                    None => {
                        let mut first = base.clone();
                        first.offset = self.offset;
                        first
                    }
                };
                page.limit = Some(size);
                let rows = page.all(&mut ex).await?;
                let got = rows.len() as u64;
                if let Some(last) = rows.last() {
                    last_keys = Some(super::keyset::values_at(last, &columns));
                }
                for model in rows {
                    sink.send(model).await;
                }
                if got < size {
                    break;
                }
                remaining = remaining.map(|r| r - got);
            }
            Ok(())
        })
        .boxed()
    }
}
