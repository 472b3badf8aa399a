//! Turning a URL into a pool.

use super::Pool;
use crate::dialect::Dialect;
use crate::error::{redact_url, Error, Result};

pub(super) async fn connect(url: &str) -> Result<(Pool, Dialect)> {
    let scheme = url
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    match scheme.as_str() {
        "sqlite" => sqlite(url).await,
        "postgres" | "postgresql" => postgres(url).await,
        "mysql" | "mariadb" => mysql(url).await,
        _ => Err(Error::UnsupportedUrl {
            url: redact_url(url),
        }),
    }
}

fn connect_error(url: &str) -> impl FnOnce(sqlx::Error) -> Error + '_ {
    move |source| Error::Connect {
        url: redact_url(url),
        source,
    }
}

#[cfg(feature = "sqlite")]
async fn sqlite(url: &str) -> Result<(Pool, Dialect)> {
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
    use std::str::FromStr;
    let options = SqliteConnectOptions::from_str(url)
        .map_err(connect_error(url))?
        .create_if_missing(true)
        .foreign_keys(true);
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    let pool_options = if in_memory {
        // An in-memory database lives as long as a connection to it: keep
        // exactly one, forever.
        SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
    } else {
        SqlitePoolOptions::new()
    };
    let pool = pool_options
        .connect_with(options)
        .await
        .map_err(connect_error(url))?;
    Ok((Pool::Sqlite(pool), Dialect::Sqlite))
}

#[cfg(not(feature = "sqlite"))]
async fn sqlite(url: &str) -> Result<(Pool, Dialect)> {
    Err(Error::BackendNotEnabled {
        url: redact_url(url),
        feature: "sqlite",
    })
}

#[cfg(feature = "postgres")]
async fn postgres(url: &str) -> Result<(Pool, Dialect)> {
    let pool = sqlx::postgres::PgPoolOptions::new()
        .connect(url)
        .await
        .map_err(connect_error(url))?;
    Ok((Pool::Postgres(pool), Dialect::Postgres))
}

#[cfg(not(feature = "postgres"))]
async fn postgres(url: &str) -> Result<(Pool, Dialect)> {
    Err(Error::BackendNotEnabled {
        url: redact_url(url),
        feature: "postgres",
    })
}

#[cfg(feature = "mysql")]
async fn mysql(url: &str) -> Result<(Pool, Dialect)> {
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
    let pool = sqlx::mysql::MySqlPoolOptions::new()
        .connect(url)
        .await
        .map_err(connect_error(url))?;
    Ok((Pool::MySql(pool), Dialect::MySql))
}

#[cfg(not(feature = "mysql"))]
async fn mysql(url: &str) -> Result<(Pool, Dialect)> {
    Err(Error::BackendNotEnabled {
        url: redact_url(url),
        feature: "mysql",
    })
}
