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

    /// Whether SQLite transactions begin with `BEGIN IMMEDIATE`.
    pub fn sqlite_immediate_transactions(mut self, on: bool) -> Self {
        self.sqlite_immediate = on;
        self
    }
}
