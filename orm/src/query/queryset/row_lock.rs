//! `select_for_update()`: the rows a query reads stay locked against other
//! writers until the transaction ends, as Django's `select_for_update`.
//!
//! - PostgreSQL and MySQL 8 / MariaDB 10.6+: `FOR UPDATE`, with `NOWAIT`
//!   (fail at once if a row is locked) or `SKIP LOCKED` (leave locked rows
//!   out), and `OF ...` to lock only some of the joined tables (needed on
//!   PostgreSQL with `select_related` through a nullable relation, which it
//!   cannot lock). MariaDB has no `OF`: the server refuses it (MySQL 8 has
//!   it; written from MySQL's documentation, "Locking Reads").
//! - SQLite has no row locks and no `FOR UPDATE`: a strata transaction
//!   begins with `BEGIN IMMEDIATE`, which takes the database's write lock
//!   for the whole transaction, so no other writer can change the rows read
//!   until it ends: the guarantee `select_for_update` asks for, for every
//!   row. No clause is sent; `nowait` and `skip_locked` never have a
//!   locked row to act on (other writers wait for the busy timeout at
//!   `BEGIN` instead), and `of` changes nothing. In a transaction that did
//!   not take the write lock (`Conn::begin_with("BEGIN")`, or
//!   `ConnectOptions::sqlite_immediate_transactions(false)`), the query is
//!   an error rather than a lock that silently is not there.
//!
//! Outside a transaction a lock would end with the statement, so every
//! database refuses the query with [`Error::InvalidQuery`].

use super::QuerySet;
use crate::db::Executor;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::query::compile::JoinPlan;
use crate::query::shape::ShapeKey;
use crate::relation::{JoinPath, SelectRelated};
use crate::writer::SqlWriter;
use std::marker::PhantomData;

/// What a locked row of another transaction does to the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LockWait {
    /// Wait for it (the default).
    Wait,
    /// Fail at once (`NOWAIT`).
    NoWait,
    /// Leave it out of the results (`SKIP LOCKED`).
    SkipLocked,
}

/// A `FOR UPDATE` with its model erased, as a queryset holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RowLock {
    pub(crate) wait: LockWait,
    /// The tables to lock, as paths from the model (the empty path is the
    /// model's own table); empty for every table of the query.
    pub(crate) of: Vec<JoinPath>,
}

/// The options of [`QuerySet::select_for_update_with`].
///
/// ```
/// # use strata::prelude::*;
/// # use strata::query::ForUpdate;
/// #[derive(Model, Debug)]
/// struct Job {
///     id: i64,
///     done: bool,
/// }
///
/// // A work queue: each worker takes a job no other worker holds.
/// let next = Job::objects()
///     .filter(Job::done().eq(false))
///     .select_for_update_with(ForUpdate::new().skip_locked())
///     .limit(1);
/// assert_eq!(
///     next.sql(Dialect::Postgres).sql(),
///     r#"SELECT "id", "done" FROM "job" WHERE "done" = $1 LIMIT $2 FOR UPDATE SKIP LOCKED"#
/// );
/// ```
pub struct ForUpdate<M> {
    lock: RowLock,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model> Default for ForUpdate<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M: Model> ForUpdate<M> {
    /// Lock every row the query reads, waiting for rows other transactions
    /// hold.
    pub fn new() -> Self {
        ForUpdate {
            lock: RowLock {
                wait: LockWait::Wait,
                of: Vec::new(),
            },
            _model: PhantomData,
        }
    }

    /// Fail with the database's lock error at once instead of waiting
    /// (`NOWAIT`).
    pub fn nowait(mut self) -> Self {
        self.lock.wait = LockWait::NoWait;
        self
    }

    /// Leave rows other transactions hold out of the results instead of
    /// waiting (`SKIP LOCKED`).
    pub fn skip_locked(mut self) -> Self {
        self.lock.wait = LockWait::SkipLocked;
        self
    }

    /// Lock the model's own rows (with [`of`](Self::of): among others).
    pub fn of_self(mut self) -> Self {
        if !self.lock.of.contains(&JoinPath::EMPTY) {
            self.lock.of.push(JoinPath::EMPTY);
        }
        self
    }

    /// Lock the rows of a `select_related` relation (which the queryset
    /// must also select). Naming any table leaves the others unlocked.
    pub fn of(mut self, path: impl SelectRelated<M>) -> Self {
        let path = path.join_path();
        if !self.lock.of.contains(&path) {
            self.lock.of.push(path);
        }
        self
    }
}

impl<M: Model> QuerySet<M> {
    /// Locks the rows this query reads until the transaction ends
    /// (`SELECT ... FOR UPDATE`); see [`select_for_update_with`](Self::select_for_update_with)
    /// for `nowait`, `skip_locked` and `of`. Run it on a transaction
    /// (`&mut tx`): on `&db` or a connection it is an
    /// [`Error::InvalidQuery`]. On SQLite no clause is sent: the
    /// transaction's write lock already keeps every row from other writers
    /// (see the module documentation).
    pub fn select_for_update(self) -> Self {
        self.select_for_update_with(ForUpdate::new())
    }

    /// [`select_for_update`](Self::select_for_update) with options.
    pub fn select_for_update_with(mut self, options: ForUpdate<M>) -> Self {
        self.lock = Some(options.lock);
        self
    }

    /// An error for a locking query that cannot hold its locks on `ex`,
    /// or whose `of(...)` names a relation the query does not select.
    pub(super) fn check_lock(&self, ex: &impl Executor) -> Result<()> {
        let Some(lock) = &self.lock else {
            return Ok(());
        };
        let refuse = |reason: String| Error::InvalidQuery {
            model: M::META.name,
            reason,
        };
        if !ex.in_transaction() {
            return Err(refuse(
                "select_for_update() needs a transaction: its locks would end with the \
                 statement. Run it on `&mut tx` (db.begin() or db.atomic(...))"
                    .into(),
            ));
        }
        if ex.dialect() == Dialect::Sqlite && !ex.holds_sqlite_write_lock() {
            return Err(refuse(
                "select_for_update() on SQLite needs a transaction that took the write lock \
                 when it began (BEGIN IMMEDIATE, strata's default for db.begin()); this one \
                 began deferred, so other writers could still change the rows"
                    .into(),
            ));
        }
        for path in &lock.of {
            if !path.is_empty() && !self.related.contains(path) {
                return Err(refuse(format!(
                    "select_for_update of({path:?}) names a relation the query does not load: \
                     add select_related({path:?})"
                )));
            }
        }
        Ok(())
    }

    /// Appends ` FOR UPDATE [OF ...] [NOWAIT | SKIP LOCKED]` where the
    /// dialect has row locks.
    pub(super) fn write_lock(&self, w: &mut SqlWriter, plan: &JoinPlan) {
        let Some(lock) = &self.lock else { return };
        if !w.dialect().imp().has_row_locks() {
            return;
        }
        w.push_sql(" FOR UPDATE");
        for (i, path) in lock.of.iter().enumerate() {
            w.push_sql(if i == 0 { " OF " } else { ", " });
            plan.write_table_ref(w, path);
        }
        match lock.wait {
            LockWait::Wait => {}
            LockWait::NoWait => w.push_sql(" NOWAIT"),
            LockWait::SkipLocked => w.push_sql(" SKIP LOCKED"),
        }
    }

    /// Writes the lock into the statement cache key.
    pub(super) fn encode_lock(&self, key: &mut ShapeKey<'_>) {
        match &self.lock {
            None => key.push(0),
            Some(lock) => {
                key.push(match lock.wait {
                    LockWait::Wait => 1,
                    LockWait::NoWait => 2,
                    LockWait::SkipLocked => 3,
                });
                key.push(lock.of.len());
                for path in &lock.of {
                    key.path(path);
                }
            }
        }
    }
}
