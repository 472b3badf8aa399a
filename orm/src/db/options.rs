//! [`ConnectOptions`]: how [`Db::connect_with`](super::Db::connect_with)
//! opens a database.

use std::time::Duration;

/// How a [`Db`](super::Db) connects; [`Db::connect`](super::Db::connect)
/// uses the defaults.
///
/// - `connect_timeout` (5 s): how long the first connection may take. A
///   server that refuses the connection, rejects the password or has no
///   such database fails at once with the driver's own cause; one that does
///   not answer fails after this long. strata never retries a refused
///   connection at start-up (sqlx's pool would, for its whole acquire
///   timeout, and then say only "pool timed out").
/// - `acquire_timeout` (30 s): how long a statement waits for a free
///   connection of the pool once it runs.
/// - `max_connections` (sqlx's default, 10): the pool's size. An in-memory
///   SQLite database always has exactly one connection, since it lives as
///   long as that connection.
/// - `sqlite_busy_timeout` (5 s): how long a SQLite statement waits for a
///   lock another connection holds before failing with "database is locked".
/// - `sqlite_wal` (on): file databases are switched to write-ahead logging,
///   so readers never block the writer and writers queue on the busy
///   timeout instead of failing. The mode is stored in the database file;
///   turn this off to leave the file's journal mode as it is.
/// - `sqlite_immediate_transactions` (on): SQLite transactions start with
///   `BEGIN IMMEDIATE`, taking the write lock up front (waiting out the busy
///   timeout). A deferred `BEGIN` that reads and then writes fails at once
///   with "database is locked" when another connection wrote in between;
///   turn this off for read-mostly transactions that must not queue.
/// - `statement_timeout` (none): the longest a statement may run before the
///   database cancels it, failing with an [`Error::Query`](crate::Error::Query)
///   that [`Error::is_statement_timeout`](crate::Error::is_statement_timeout)
///   recognises. PostgreSQL applies it to every statement
///   (`statement_timeout`, set when each connection starts); MariaDB to
///   every statement too (`max_statement_time`); MySQL 8 only to `SELECT`s
///   (`max_execution_time`, written from MySQL's documentation, not tested
///   here). One `SET` statement serves both servers, through executable
///   comments. SQLite has no statement timeout: the setting is ignored
///   there (its busy timeout still bounds how long a statement waits for
///   a lock).
///
/// Every setting can also come from the URL, as `?strata_...` query
/// parameters (`sqlite://app.db?strata_busy_timeout=10s`,
/// `postgres://.../app?strata_statement_timeout=30s&strata_max_connections=20`),
/// which override the builder; the names are listed below. strata removes
/// them before the driver sees the URL, and an unknown `strata_` parameter
/// or a malformed value is [`Error::InvalidUrlParameter`](crate::Error::InvalidUrlParameter).
///
/// | parameter                  | value              | option |
/// |----------------------------|--------------------|--------|
/// | `strata_connect_timeout`   | duration           | `connect_timeout` |
/// | `strata_acquire_timeout`   | duration           | `acquire_timeout` |
/// | `strata_statement_timeout` | duration, or `off` | `statement_timeout` |
/// | `strata_max_connections`   | whole number ≥ 1   | `max_connections` |
/// | `strata_busy_timeout`      | duration           | `sqlite_busy_timeout` |
/// | `strata_wal`               | `true` / `false`   | `sqlite_wal` |
/// | `strata_immediate`         | `true` / `false`   | `sqlite_immediate_transactions` |
///
/// A duration is a whole number with a unit: `250ms`, `5s`, `2m`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> strata::Result<()> {
/// use std::time::Duration;
/// use strata::{ConnectOptions, Db};
///
/// let options = ConnectOptions::new()
///     .connect_timeout(Duration::from_secs(2))
///     .sqlite_busy_timeout(Duration::from_secs(10));
/// let db = Db::connect_with("sqlite::memory:", options).await?;
/// # let _ = db;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub(crate) connect_timeout: Duration,
    pub(crate) acquire_timeout: Duration,
    pub(crate) max_connections: Option<u32>,
    pub(crate) sqlite_busy_timeout: Duration,
    pub(crate) sqlite_wal: bool,
    pub(crate) sqlite_immediate: bool,
    pub(crate) statement_timeout: Option<Duration>,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            connect_timeout: Duration::from_secs(5),
            acquire_timeout: Duration::from_secs(30),
            max_connections: None,
            sqlite_busy_timeout: Duration::from_secs(5),
            sqlite_wal: true,
            sqlite_immediate: true,
            statement_timeout: None,
        }
    }
}

impl ConnectOptions {
    /// The defaults listed on [`ConnectOptions`].
    pub fn new() -> Self {
        Self::default()
    }

    /// How long the first connection may take before connecting fails.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long a statement waits for a free pooled connection.
    pub fn acquire_timeout(mut self, timeout: Duration) -> Self {
        self.acquire_timeout = timeout;
        self
    }

    /// The most connections the pool opens (ignored for in-memory SQLite).
    pub fn max_connections(mut self, max: u32) -> Self {
        self.max_connections = Some(max.max(1));
        self
    }

    /// How long SQLite waits for another connection's lock.
    pub fn sqlite_busy_timeout(mut self, timeout: Duration) -> Self {
        self.sqlite_busy_timeout = timeout;
        self
    }

    /// Whether SQLite file databases are switched to write-ahead logging.
    pub fn sqlite_wal(mut self, on: bool) -> Self {
        self.sqlite_wal = on;
        self
    }

    /// The longest a statement may run on PostgreSQL and MySQL/MariaDB
    /// before the database cancels it (see [`ConnectOptions`]); ignored on
    /// SQLite. A zero duration means no limit.
    pub fn statement_timeout(mut self, timeout: Duration) -> Self {
        self.statement_timeout = Some(timeout).filter(|t| !t.is_zero());
        self
    }

    /// Whether SQLite transactions begin with `BEGIN IMMEDIATE`.
    pub fn sqlite_immediate_transactions(mut self, on: bool) -> Self {
        self.sqlite_immediate = on;
        self
    }
}
