//! Connection settings: a statement timeout on the server databases, and
//! every setting taken from `strata_...` URL parameters.

use std::time::Duration;
use strata::{ConnectOptions, Db, Dialect, Error, FieldType, Statement};
use strata_tests::{MYSQL_ENV, POSTGRES_ENV};

fn env_url(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn with_param(url: &str, param: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{param}")
}

/// The first column of the first row of `sql`, decoded as `T`.
async fn scalar<T: FieldType + Send>(db: &Db, sql: &str) -> strata::Result<T> {
    let rows = db
        .fetch(
            Statement::raw(db.dialect(), strata::AssertSqlSafe(sql)),
            |row| {
                T::decode(row, 0).map_err(|e| Error::InvalidQuery {
                    model: "scalar",
                    reason: e.to_string(),
                })
            },
        )
        .await?;
    Ok(rows.into_iter().next().expect("one row"))
}

/// A statement that runs for about three seconds on `dialect`.
fn slow_sql(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => "SELECT pg_sleep(3)",
        Dialect::MySql => "SELECT SLEEP(3)",
        Dialect::Sqlite => unreachable!("SQLite has no statement timeout"),
    }
}

/// The server URLs that are configured.
fn server_urls() -> Vec<String> {
    [POSTGRES_ENV, MYSQL_ENV]
        .into_iter()
        .filter_map(env_url)
        .collect()
}

#[tokio::test]
async fn a_statement_running_past_statement_timeout_is_cancelled() {
    for url in server_urls() {
        let options = ConnectOptions::new().statement_timeout(Duration::from_millis(200));
        let db = Db::connect_with(&url, options).await.unwrap();
        let err = db
            .execute_raw_sql(strata::AssertSqlSafe(slow_sql(db.dialect())))
            .await
            .unwrap_err();
        assert!(err.is_statement_timeout(), "{} : {err}", db.dialect());
        // A statement within the limit runs, on the same pool.
        assert_eq!(scalar::<i32>(&db, "SELECT 1").await.unwrap(), 1);
        db.close().await;
    }
}

#[tokio::test]
async fn a_statement_timeout_from_the_url_is_cancelled_too() {
    for url in server_urls() {
        let db = Db::connect(&with_param(&url, "strata_statement_timeout=200ms"))
            .await
            .unwrap();
        let err = db
            .execute_raw_sql(strata::AssertSqlSafe(slow_sql(db.dialect())))
            .await
            .unwrap_err();
        assert!(err.is_statement_timeout(), "{} : {err}", db.dialect());
        db.close().await;
    }
}

#[tokio::test]
async fn the_servers_hold_the_statement_timeout_that_was_set() {
    if let Some(url) = env_url(POSTGRES_ENV) {
        let db = Db::connect(&with_param(&url, "strata_statement_timeout=1500ms"))
            .await
            .unwrap();
        assert_eq!(
            scalar::<String>(&db, "SHOW statement_timeout")
                .await
                .unwrap(),
            "1500ms"
        );
        db.close().await;
        let db = Db::connect(&url).await.unwrap();
        assert_eq!(
            scalar::<String>(&db, "SHOW statement_timeout")
                .await
                .unwrap(),
            "0"
        );
        db.close().await;
    }
    if let Some(url) = env_url(MYSQL_ENV) {
        let db = Db::connect(&with_param(&url, "strata_statement_timeout=1500ms"))
            .await
            .unwrap();
        // MariaDB's variable, in seconds (MySQL 8 would set max_execution_time).
        let seconds = scalar::<f64>(&db, "SELECT @@SESSION.max_statement_time")
            .await
            .unwrap();
        assert_eq!(seconds, 1.5);
        db.close().await;
    }
}

#[tokio::test]
async fn sqlite_settings_come_from_the_url() {
    let dir = std::env::temp_dir().join(format!("strata_url_params_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("settings.db");
    let url = format!(
        "sqlite://{}?strata_busy_timeout=1234ms&strata_wal=false",
        path.display()
    );
    let db = Db::connect(&url).await.unwrap();
    assert_eq!(
        scalar::<i64>(&db, "PRAGMA busy_timeout").await.unwrap(),
        1234
    );
    assert_eq!(
        scalar::<String>(&db, "PRAGMA journal_mode").await.unwrap(),
        "delete"
    );
    db.close().await;
    let db = Db::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    assert_eq!(
        scalar::<String>(&db, "PRAGMA journal_mode").await.unwrap(),
        "wal"
    );
    assert_eq!(
        scalar::<i64>(&db, "PRAGMA busy_timeout").await.unwrap(),
        5000
    );
    db.close().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn sqlite_ignores_the_statement_timeout() {
    // A statement far longer than 1 ms runs to the end: SQLite has no
    // statement timeout, as `ConnectOptions` documents.
    let db = Db::connect("sqlite::memory:?strata_statement_timeout=1ms")
        .await
        .unwrap();
    let n = scalar::<i64>(
        &db,
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000) SELECT COUNT(*) FROM c",
    )
    .await
    .unwrap();
    assert_eq!(n, 300000);
}

#[tokio::test]
async fn an_unknown_strata_url_parameter_fails_before_connecting() {
    let mut urls = vec!["sqlite::memory:".to_string()];
    urls.extend(server_urls());
    for url in urls {
        let err = Db::connect(&with_param(&url, "strata_statment_timeout=5s"))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidUrlParameter { name, .. } if name == "strata_statment_timeout"),
            "{err}"
        );
        assert!(
            err.to_string().contains("strata_statement_timeout"),
            "{err}"
        );
    }
}
