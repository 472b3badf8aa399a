//! Turning a URL into a pool.
//!
//! The first connection of a server database is opened directly, under
//! [`ConnectOptions::connect_timeout`], before the pool is made: sqlx's pool
//! retries a refused connection for its whole acquire timeout and then
//! reports only "pool timed out", while a direct connection fails at once
//! with the driver's cause (connection refused, password authentication
//! failed, unknown database).

use super::{ConnectOptions, Pool};
use crate::dialect::Dialect;
use crate::error::{redact_url, Error, Result};
use std::future::Future;

/// Connects to `url`; its `strata_...` parameters are applied to `options`
/// first (and removed from the URL the driver sees).
pub(super) async fn connect(url: &str, options: &mut ConnectOptions) -> Result<(Pool, Dialect)> {
    let url = super::url_params::apply(&normalize_url(url), options)?;
    let options = &*options;
    let scheme = url.split(':').next().unwrap_or_default();
    match scheme {
        "sqlite" => sqlite(&url, options).await,
        "postgres" | "postgresql" => postgres(&url, options).await,
        "mysql" | "mariadb" => mysql(&url, options).await,
        _ => Err(Error::UnsupportedUrl {
            url: redact_url(&url),
        }),
    }
}

/// The URL with its scheme in lower case, and SQLite's `:memory:` marker
/// too: both are case-insensitive, as they are for the server databases'
/// URLs (`SQLITE::MEMORY:` would otherwise name a file).
fn normalize_url(url: &str) -> String {
    let Some(colon) = url.find(':') else {
        return url.to_string();
    };
    let scheme = url[..colon].to_ascii_lowercase();
    let rest = &url[colon..];
    if scheme == "sqlite" {
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (rest, None),
        };
        let marker = path
            .strip_prefix("://")
            .or_else(|| path.strip_prefix(':'))
            .unwrap_or(path);
        if marker.eq_ignore_ascii_case(":memory:") {
            let mut out = String::from("sqlite::memory:");
            if let Some(q) = query {
                out.push('?');
                out.push_str(q);
            }
            return out;
        }
    }
    format!("{scheme}{rest}")
}

fn connect_error(url: &str) -> impl FnOnce(sqlx::Error) -> Error + '_ {
    move |source| Error::Connect {
        url: redact_url(url),
        source,
    }
}

/// Opens one connection directly, failing with the driver's error or after
/// `connect_timeout`.
async fn first_connection<C, F>(url: &str, options: &ConnectOptions, connecting: F) -> Result<C>
where
    F: Future<Output = std::result::Result<C, sqlx::Error>>,
{
    match tokio::time::timeout(options.connect_timeout, connecting).await {
        Ok(result) => result.map_err(connect_error(url)),
        Err(_) => Err(Error::ConnectTimedOut {
            url: redact_url(url),
            timeout: options.connect_timeout,
        }),
    }
}

/// The pool options every backend shares.
fn pool_options<DB: sqlx::Database>(options: &ConnectOptions) -> sqlx::pool::PoolOptions<DB> {
    let pool = sqlx::pool::PoolOptions::<DB>::new().acquire_timeout(options.acquire_timeout);
    match options.max_connections {
        Some(max) => pool.max_connections(max),
        None => pool,
    }
}

#[cfg(feature = "sqlite")]
async fn sqlite(url: &str, options: &ConnectOptions) -> Result<(Pool, Dialect)> {
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
    use sqlx::{ConnectOptions as _, Connection as _};
    use std::str::FromStr;
    let connect_options = SqliteConnectOptions::from_str(url)
        .map_err(connect_error(url))?
        .create_if_missing(true)
        .foreign_keys(true)
        .busy_timeout(options.sqlite_busy_timeout)
        // `REGEXP` (the `regex` / `iregex` lookups) on every connection.
        .with_regexp();
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let in_memory = url.starts_with("sqlite::memory:")
        || query
            .split('&')
            .any(|kv| kv.eq_ignore_ascii_case("mode=memory"));
    let pool = if in_memory {
        // An in-memory database lives as long as a connection to it: keep
        // exactly one, forever.
        SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(connect_options)
            .await
            .map_err(connect_error(url))?
    } else {
        // The journal mode is switched once, on a first connection of its
        // own: `PRAGMA journal_mode` needs an exclusive lock that the busy
        // timeout does not wait for, so pooled connections opened while
        // others write must not ask for it.
        let first = if options.sqlite_wal {
            connect_options.clone().journal_mode(SqliteJournalMode::Wal)
        } else {
            connect_options.clone()
        };
        // Another process switching the same new file at the same moment
        // holds that lock for an instant: wait it out, within the busy
        // timeout, as a statement would.
        let deadline = std::time::Instant::now() + options.sqlite_busy_timeout;
        let conn = loop {
            match first_connection(url, options, first.connect()).await {
                Err(Error::Connect { source, .. })
                    if sqlite_locked(&source) && std::time::Instant::now() < deadline =>
                {
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
                other => break other?,
            }
        };
        let _ = conn.close().await;
        pool_options::<sqlx::Sqlite>(options).connect_lazy_with(connect_options)
    };
    Ok((Pool::Sqlite(pool), Dialect::Sqlite))
}

/// Whether a SQLite error is `SQLITE_BUSY` / `SQLITE_LOCKED` ("database is
/// locked"), which waiting resolves.
#[cfg(feature = "sqlite")]
fn sqlite_locked(error: &sqlx::Error) -> bool {
    error.as_database_error().is_some_and(|e| {
        let code = e.code();
        let primary = code
            .as_deref()
            .and_then(|c| c.parse::<i64>().ok())
            .map(|c| c & 0xff);
        matches!(primary, Some(5 | 6)) || e.message().contains("database is locked")
    })
}

#[cfg(not(feature = "sqlite"))]
async fn sqlite(url: &str, _options: &ConnectOptions) -> Result<(Pool, Dialect)> {
    Err(Error::BackendNotEnabled {
        url: redact_url(url),
        feature: "sqlite",
    })
}

#[cfg(feature = "postgres")]
async fn postgres(url: &str, options: &ConnectOptions) -> Result<(Pool, Dialect)> {
    use sqlx::{ConnectOptions as _, Connection as _};
    use std::str::FromStr;
    let mut connect_options =
        sqlx::postgres::PgConnectOptions::from_str(url).map_err(connect_error(url))?;
    if let Some(timeout) = options.statement_timeout {
        // A startup parameter: every connection has it from its first
        // statement, pooled or not.
        connect_options =
            connect_options.options([("statement_timeout", format!("{}ms", timeout.as_millis()))]);
    }
    let conn = first_connection(url, options, connect_options.connect()).await?;
    let _ = conn.close().await;
    let pool = pool_options::<sqlx::Postgres>(options).connect_lazy_with(connect_options);
    Ok((Pool::Postgres(pool), Dialect::Postgres))
}

#[cfg(not(feature = "postgres"))]
async fn postgres(url: &str, _options: &ConnectOptions) -> Result<(Pool, Dialect)> {
    Err(Error::BackendNotEnabled {
        url: redact_url(url),
        feature: "postgres",
    })
}

#[cfg(feature = "mysql")]
async fn mysql(url: &str, options: &ConnectOptions) -> Result<(Pool, Dialect)> {
    use sqlx::{ConnectOptions as _, Connection as _};
    use std::str::FromStr;
    let url_owned;
    let url = match url.strip_prefix("mariadb:") {
        Some(rest) => {
            url_owned = format!("mysql:{rest}");
            url_owned.as_str()
        }
        None => url,
    };
    // sqlx sets the session time zone to UTC, which DATETIME columns of
    // DateTime<Utc> fields rely on.
    let connect_options =
        sqlx::mysql::MySqlConnectOptions::from_str(url).map_err(connect_error(url))?;
    let conn = first_connection(url, options, connect_options.connect()).await?;
    let _ = conn.close().await;
    let mut pool = pool_options::<sqlx::MySql>(options);
    if let Some(timeout) = options.statement_timeout {
        let set = std::sync::Arc::new(mysql_statement_timeout_sql(timeout));
        pool = pool.after_connect(move |conn, _| {
            let set = super::sql_text::for_sqlx(&set);
            Box::pin(async move {
                sqlx::Executor::execute(conn, set).await?;
                Ok(())
            })
        });
    }
    let pool = pool.connect_lazy_with(connect_options);
    Ok((Pool::MySql(pool), Dialect::MySql))
}

/// The `SET` of a statement timeout for either server: MariaDB reads the
/// `/*M! */` comment (`max_statement_time`, seconds, every statement),
/// MySQL 8 the `/*!80000 */` one (`max_execution_time`, milliseconds,
/// `SELECT`s only) and each ignores the other's.
#[cfg_attr(not(feature = "mysql"), allow(dead_code))]
fn mysql_statement_timeout_sql(timeout: std::time::Duration) -> String {
    let ms = timeout.as_millis().max(1);
    format!(
        "SET /*M! SESSION max_statement_time = {}.{:03} */ /*!80000 SESSION max_execution_time = {ms} */",
        ms / 1000,
        ms % 1000
    )
}

#[cfg(not(feature = "mysql"))]
async fn mysql(url: &str, _options: &ConnectOptions) -> Result<(Pool, Dialect)> {
    Err(Error::BackendNotEnabled {
        url: redact_url(url),
        feature: "mysql",
    })
}

#[cfg(test)]
mod tests {
    use super::{mysql_statement_timeout_sql, normalize_url};

    #[test]
    fn the_mysql_statement_timeout_names_each_servers_variable() {
        assert_eq!(
            mysql_statement_timeout_sql(std::time::Duration::from_millis(1500)),
            "SET /*M! SESSION max_statement_time = 1.500 */ /*!80000 SESSION max_execution_time = 1500 */"
        );
    }

    #[test]
    fn schemes_and_the_memory_marker_are_case_insensitive() {
        assert_eq!(normalize_url("SQLITE::MEMORY:"), "sqlite::memory:");
        assert_eq!(normalize_url("Sqlite://:Memory:"), "sqlite::memory:");
        assert_eq!(
            normalize_url("sqlite::MEMORY:?cache=shared"),
            "sqlite::memory:?cache=shared"
        );
        assert_eq!(normalize_url("SQLite://Blog.db"), "sqlite://Blog.db");
        assert_eq!(
            normalize_url("POSTGRES://Me@Host/DB"),
            "postgres://Me@Host/DB"
        );
        assert_eq!(normalize_url("sqlite://memory.db"), "sqlite://memory.db");
        assert_eq!(normalize_url("sqlite:memory:"), "sqlite:memory:");
    }
}
