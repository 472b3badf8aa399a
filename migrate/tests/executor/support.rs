//! A database of its own per test on every configured backend, reachable by
//! URL (so that a second pool or another process can open it too):
//! SQLite in a file of a temporary directory, always; a PostgreSQL schema
//! and a MySQL/MariaDB database when `STRATA_TEST_POSTGRES_URL` /
//! `STRATA_TEST_MYSQL_URL` are set. Once set, an unreachable server fails
//! the test instead of skipping it.

use futures_util::FutureExt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use strata::{AssertSqlSafe, Db, Dialect, FieldType, Statement};

/// The environment variable with the PostgreSQL server URL.
pub const POSTGRES_ENV: &str = "STRATA_TEST_POSTGRES_URL";
/// The environment variable with the MySQL/MariaDB server URL.
pub const MYSQL_ENV: &str = "STRATA_TEST_MYSQL_URL";

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// What a test gets: a pool on its database and the URL to open more.
#[derive(Clone)]
pub struct Ctx {
    /// A pool on the database.
    pub db: Db,
    /// Its URL, for more pools and other processes.
    pub url: String,
}

impl Ctx {
    /// The dialect.
    pub fn dialect(&self) -> Dialect {
        self.db.dialect()
    }

    /// Another pool on the same database.
    pub async fn connect_again(&self) -> Db {
        Db::connect(&self.url).await.expect("a second pool")
    }
}

/// One throw-away database.
struct TestDb {
    ctx: Ctx,
    /// Removes it: the server's admin pool and the statement.
    drop_with: Option<(Db, String)>,
    /// Keeps the SQLite file's directory alive.
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    async fn cleanup(self) {
        self.ctx.db.close().await;
        if let Some((admin, sql)) = self.drop_with {
            if let Err(e) = admin.execute_raw_sql(AssertSqlSafe(sql)).await {
                eprintln!("warning: cleaning up a test database failed: {e}");
            }
            admin.close().await;
        }
    }
}

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
        .take(30)
        .collect();
    format!("m_{clean}_{}_{n}", std::process::id())
}

fn env_url(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// `url` with `param` added to its query string.
fn add_param(url: &str, param: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{param}")
}

/// `url` naming database `database` instead of its own.
fn replace_database(url: &str, database: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let start = base.find("://").map_or(0, |i| i + 3);
    let path = base[start..].find('/').map_or(base.len(), |i| start + i);
    let mut out = format!("{}/{database}", &base[..path]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

async fn sqlite(test: &str) -> TestDb {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join(format!("{}.db", unique_name(test)));
    let url = format!("sqlite://{}", path.display());
    TestDb {
        ctx: Ctx {
            db: Db::connect(&url).await.expect("a SQLite file database"),
            url,
        },
        drop_with: None,
        _dir: Some(dir),
    }
}

async fn postgres(server: &str, test: &str) -> TestDb {
    let admin = Db::connect(server)
        .await
        .unwrap_or_else(|e| panic!("{POSTGRES_ENV} is set but PostgreSQL is unreachable: {e}"));
    let schema = unique_name(test);
    admin
        .execute_raw_sql(AssertSqlSafe(format!("CREATE SCHEMA \"{schema}\"")))
        .await
        .expect("create the test schema");
    let url = add_param(server, &format!("options=-c%20search_path%3D{schema}"));
    TestDb {
        ctx: Ctx {
            db: Db::connect(&url).await.expect("connect to the test schema"),
            url,
        },
        drop_with: Some((admin, format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))),
        _dir: None,
    }
}

async fn mysql(server: &str, test: &str) -> TestDb {
    let admin = Db::connect(server)
        .await
        .unwrap_or_else(|e| panic!("{MYSQL_ENV} is set but MySQL/MariaDB is unreachable: {e}"));
    let database = unique_name(test);
    admin
        .execute_raw_sql(AssertSqlSafe(format!("CREATE DATABASE `{database}`")))
        .await
        .expect("create the test database");
    let url = replace_database(server, &database);
    TestDb {
        ctx: Ctx {
            db: Db::connect(&url)
                .await
                .expect("connect to the test database"),
            url,
        },
        drop_with: Some((admin, format!("DROP DATABASE IF EXISTS `{database}`"))),
        _dir: None,
    }
}

/// Runs `body` once per configured backend with a fresh database, dropped
/// afterwards even if `body` panics; a panic names the backend.
pub async fn each_db<F, Fut>(test: &str, body: F)
where
    F: Fn(Ctx) -> Fut,
    Fut: Future<Output = ()>,
{
    let mut dialects = vec![Dialect::Sqlite];
    if env_url(POSTGRES_ENV).is_some() {
        dialects.push(Dialect::Postgres);
    }
    if env_url(MYSQL_ENV).is_some() {
        dialects.push(Dialect::MySql);
    }
    for dialect in dialects {
        let test_db = match dialect {
            Dialect::Sqlite => sqlite(test).await,
            Dialect::Postgres => postgres(&env_url(POSTGRES_ENV).unwrap_or_default(), test).await,
            Dialect::MySql => mysql(&env_url(MYSQL_ENV).unwrap_or_default(), test).await,
        };
        let outcome = AssertUnwindSafe(body(test_db.ctx.clone()))
            .catch_unwind()
            .await;
        test_db.cleanup().await;
        if let Err(panic) = outcome {
            eprintln!("test `{test}` failed on {dialect}");
            std::panic::resume_unwind(panic);
        }
    }
}

/// `SELECT COUNT(*) FROM table`.
pub async fn count(db: &Db, table: &str) -> i64 {
    let sql = format!(
        "SELECT COUNT(*) FROM {}",
        db.dialect().quote_identifier(table)
    );
    scalar_i64(db, &sql).await
}

/// The first column of the first row of `sql`, as an integer.
pub async fn scalar_i64(db: &Db, sql: &str) -> i64 {
    let rows = db
        .fetch(Statement::raw(db.dialect(), AssertSqlSafe(sql)), |row| {
            Ok(i64::decode(row, 0).expect("an integer"))
        })
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows[0]
}

/// The first column of every row of `sql`, as text.
pub async fn strings(db: &Db, sql: &str) -> Vec<String> {
    db.fetch(Statement::raw(db.dialect(), AssertSqlSafe(sql)), |row| {
        Ok(String::decode(row, 0).expect("text"))
    })
    .await
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}
