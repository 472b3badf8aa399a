//! Shared support for strata's integration tests: a database per test on
//! every configured backend, and the models the tests use.
//!
//! SQLite always runs (in memory). PostgreSQL and MySQL/MariaDB run when
//! `STRATA_TEST_POSTGRES_URL` / `STRATA_TEST_MYSQL_URL` are set; once set,
//! an unreachable server fails the test instead of skipping it.

pub mod aggregated;
pub mod annotated;
pub mod blog;
pub mod dates;
pub mod day_one;
pub mod expressions;
pub mod ledger;
pub mod models;
pub mod relations;
pub mod shapes;
pub mod streaming;
pub mod tree;

use futures_util::FutureExt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use strata::{AssertSqlSafe, Db};

/// The environment variable with the PostgreSQL server URL.
pub const POSTGRES_ENV: &str = "STRATA_TEST_POSTGRES_URL";
/// The environment variable with the MySQL/MariaDB server URL.
pub const MYSQL_ENV: &str = "STRATA_TEST_MYSQL_URL";

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A name no other test of any process uses: `t_<test>_<pid>_<n>`,
/// shortened to fit an identifier. Only ASCII letters, digits and `_`,
/// which is why the DDL below may put it in SQL text (`AssertSqlSafe`).
fn unique_name(test: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let clean: String = test
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    format!("t_{clean}_{}_{n}", std::process::id())
}

/// One throw-away database on one backend.
pub struct TestDb {
    pub db: Db,
    admin: Option<(Db, String)>,
}

impl TestDb {
    async fn cleanup(self) {
        self.db.close().await;
        if let Some((admin, drop_sql)) = self.admin {
            if let Err(e) = admin.execute_raw_sql(AssertSqlSafe(drop_sql)).await {
                eprintln!("warning: test cleanup failed: {e}");
            }
            admin.close().await;
        }
    }
}

async fn sqlite() -> TestDb {
    TestDb {
        db: Db::connect("sqlite::memory:")
            .await
            .expect("in-memory SQLite"),
        admin: None,
    }
}

/// Appends `key=value` to a URL's query string.
fn with_param(url: &str, param: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{param}")
}

async fn postgres(url: &str, test: &str) -> TestDb {
    let admin = Db::connect(url)
        .await
        .unwrap_or_else(|e| panic!("{POSTGRES_ENV} is set but PostgreSQL is unreachable: {e}"));
    let schema = unique_name(test);
    admin
        .execute_raw_sql(AssertSqlSafe(format!("CREATE SCHEMA \"{schema}\"")))
        .await
        .expect("create test schema");
    let db = Db::connect(&with_param(
        url,
        &format!("options=-c%20search_path%3D{schema}"),
    ))
    .await
    .expect("connect to the test schema");
    TestDb {
        db,
        admin: Some((admin, format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))),
    }
}

/// `url` with its database name replaced by `database`.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{database}", &base[..path_start]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

async fn mysql(url: &str, test: &str) -> TestDb {
    let admin = Db::connect(url)
        .await
        .unwrap_or_else(|e| panic!("{MYSQL_ENV} is set but MySQL/MariaDB is unreachable: {e}"));
    let database = unique_name(test);
    admin
        .execute_raw_sql(AssertSqlSafe(format!("CREATE DATABASE `{database}`")))
        .await
        .expect("create test database");
    let db = Db::connect(&with_database(url, &database))
        .await
        .expect("connect to the test database");
    TestDb {
        db,
        admin: Some((admin, format!("DROP DATABASE IF EXISTS `{database}`"))),
    }
}

/// A fresh database on each configured backend: SQLite always, then
/// PostgreSQL and MySQL when their URLs are set.
pub async fn databases(test: &str) -> Vec<TestDb> {
    let mut out = vec![sqlite().await];
    if let Some(url) = env_url(POSTGRES_ENV) {
        out.push(postgres(&url, test).await);
    }
    if let Some(url) = env_url(MYSQL_ENV) {
        out.push(mysql(&url, test).await);
    }
    out
}

fn env_url(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Runs `body` once per backend, each with its own fresh database that is
/// dropped afterwards, even if `body` panics. A panic names the backend.
pub async fn each_db<F, Fut>(test: &str, body: F)
where
    F: Fn(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    for test_db in databases(test).await {
        let dialect = test_db.db.dialect();
        let outcome = AssertUnwindSafe(body(test_db.db.clone()))
            .catch_unwind()
            .await;
        test_db.cleanup().await;
        if let Err(panic) = outcome {
            eprintln!("test `{test}` failed on {dialect}");
            std::panic::resume_unwind(panic);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_names_are_replaced_in_urls() {
        assert_eq!(
            with_database("mysql://root@127.0.0.1:3306/test", "t_x"),
            "mysql://root@127.0.0.1:3306/t_x"
        );
        assert_eq!(
            with_database("mysql://u:p@h/test?ssl-mode=disabled", "t_x"),
            "mysql://u:p@h/t_x?ssl-mode=disabled"
        );
        assert_eq!(with_param("postgres://h/db", "a=b"), "postgres://h/db?a=b");
        assert_eq!(
            with_param("postgres://h/db?x=y", "a=b"),
            "postgres://h/db?x=y&a=b"
        );
    }
}
