//! The libraries measured, each connected to its own copy of the data
//! (one in-memory database per connection on SQLite, the one bench
//! database on PostgreSQL), and the plain row types the hand-written
//! sides decode into.

use super::summary::{self, Digest};
use super::{schema, Backend, BENCH_DB};
use sqlx::AssertSqlSafe;

pub mod diesel;
pub mod raw_postgres;
pub mod raw_sqlite;
pub mod seaorm;
pub mod sqlx_hand;
pub mod strata;

/// One side of a comparison.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Side {
    Strata,
    /// Hand-written sqlx running the SQL strata writes.
    Sqlx,
    Diesel,
    SeaOrm,
    /// The raw driver: rusqlite on SQLite, tokio-postgres on PostgreSQL.
    Raw,
}

impl Side {
    pub const ALL: [Side; 5] = [
        Side::Strata,
        Side::Sqlx,
        Side::Diesel,
        Side::SeaOrm,
        Side::Raw,
    ];

    /// The name in benchmark ids (`e2e/<backend>/<shape>/<side>/<n>`).
    pub fn name(self, backend: Backend) -> &'static str {
        match (self, backend) {
            (Side::Strata, _) => "strata",
            (Side::Sqlx, _) => "sqlx",
            (Side::Diesel, _) => "diesel",
            (Side::SeaOrm, _) => "seaorm",
            (Side::Raw, Backend::Sqlite) => "rusqlite",
            (Side::Raw, Backend::Postgres) => "tokio_postgres",
        }
    }

    /// Parses [`Side::name`] (either raw driver's name means [`Side::Raw`]).
    pub fn parse(name: &str) -> Option<Side> {
        Side::ALL
            .into_iter()
            .find(|s| s.name(Backend::Sqlite) == name || s.name(Backend::Postgres) == name)
    }
}

/// The sides' connections to one backend (those asked for).
pub struct Sides {
    pub backend: Backend,
    pub strata: Option<::strata::Db>,
    pub sqlx: Option<sqlx_hand::Pool>,
    pub seaorm: Option<sea_orm::DatabaseConnection>,
    pub diesel: Option<diesel::DieselConn>,
    pub raw: Option<Raw>,
}

/// The raw driver's connection.
pub enum Raw {
    Sqlite(raw_sqlite::RawSqlite),
    Postgres(raw_postgres::RawPostgres),
}

impl Sides {
    /// Connects every side in `which` to `url` and seeds each in-memory
    /// SQLite database (on PostgreSQL the tables are shared and seeded
    /// once, through the first side: call with strata included, or after
    /// a run that seeded them).
    pub async fn connect(backend: Backend, url: &str, which: &[Side]) -> Sides {
        let wants = |side| which.contains(&side);
        let mut seeded = false;
        let mut seed_here = || {
            let first = !seeded || backend == Backend::Sqlite;
            seeded = true;
            first
        };
        let strata = if wants(Side::Strata) {
            let db = ::strata::Db::connect(url).await.expect("strata connects");
            if seed_here() {
                for statement in schema::statements(backend) {
                    db.execute_raw_sql(::strata::AssertSqlSafe(statement))
                        .await
                        .expect("seed");
                }
            }
            Some(db)
        } else {
            None
        };
        let sqlx = if wants(Side::Sqlx) {
            let pool = sqlx_hand::Pool::connect(backend, url).await;
            if seed_here() {
                pool.seed(backend).await;
            }
            Some(pool)
        } else {
            None
        };
        let seaorm = if wants(Side::SeaOrm) {
            let pool = sqlx_hand::Pool::connect(backend, url).await;
            if seed_here() {
                pool.seed(backend).await;
            }
            Some(pool.into_seaorm())
        } else {
            None
        };
        let diesel = if wants(Side::Diesel) {
            Some(diesel::DieselConn::connect(backend, url, seed_here()))
        } else {
            None
        };
        let raw = if wants(Side::Raw) {
            Some(match backend {
                Backend::Sqlite => Raw::Sqlite(raw_sqlite::RawSqlite::connect()),
                Backend::Postgres => {
                    let seed = seed_here();
                    Raw::Postgres(raw_postgres::RawPostgres::connect(url, seed).await)
                }
            })
        } else {
            None
        };
        Sides {
            backend,
            strata,
            sqlx,
            seaorm,
            diesel,
            raw,
        }
    }

    /// Whether `side` is connected.
    pub fn has(&self, side: Side) -> bool {
        match side {
            Side::Strata => self.strata.is_some(),
            Side::Sqlx => self.sqlx.is_some(),
            Side::SeaOrm => self.seaorm.is_some(),
            Side::Diesel => self.diesel.is_some(),
            Side::Raw => self.raw.is_some(),
        }
    }

    /// Closes every connection.
    pub async fn close(self) {
        if let Some(db) = self.strata {
            db.close().await;
        }
        if let Some(pool) = self.sqlx {
            pool.close().await;
        }
        if let Some(db) = self.seaorm {
            let _ = db.close().await;
        }
    }
}

/// The PostgreSQL URL of the benchmark's own database, created fresh next
/// to the one `STRATA_BENCH_POSTGRES_URL` names; `None` when unset.
pub async fn create_postgres_database() -> Option<(String, String)> {
    let base = std::env::var("STRATA_BENCH_POSTGRES_URL").ok()?;
    let (server, _) = base.rsplit_once('/')?;
    let url = format!("{server}/{BENCH_DB}");
    let admin = sqlx::PgPool::connect(&base)
        .await
        .expect("postgres reachable");
    sqlx::raw_sql(AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)"
    )))
    .execute(&admin)
    .await
    .expect("drop old bench database");
    sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE {BENCH_DB}")))
        .execute(&admin)
        .await
        .expect("create bench database");
    admin.close().await;
    Some((base, url))
}

/// Drops the database of [`create_postgres_database`].
pub async fn drop_postgres_database(base: &str) {
    let admin = sqlx::PgPool::connect(base)
        .await
        .expect("postgres reachable");
    sqlx::raw_sql(AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)"
    )))
    .execute(&admin)
    .await
    .expect("drop bench database");
    admin.close().await;
}

/// A row of `users` decoded by hand.
#[derive(Debug)]
pub struct HandUser {
    pub id: i32,
    pub name: String,
    pub hair_color: Option<String>,
}

/// A row of `posts` decoded by hand.
#[derive(Debug)]
pub struct HandPost {
    pub id: i32,
    pub user_id: i32,
    pub title: String,
    pub body: Option<String>,
}

/// A row of `posts` with its user (`LEFT JOIN`), decoded by hand.
#[derive(Debug)]
pub struct HandJoined {
    pub post: HandPost,
    pub user: Option<HandUser>,
}

impl Digest for HandUser {
    fn digest(&self) -> i64 {
        summary::user(self.id, &self.name, self.hair_color.as_deref())
    }
}

impl Digest for HandPost {
    fn digest(&self) -> i64 {
        summary::post(self.id, self.user_id, &self.title, self.body.as_deref())
    }
}

impl Digest for HandJoined {
    fn digest(&self) -> i64 {
        (self.post.digest(), self.user.as_ref().map(Digest::digest)).digest()
    }
}

/// Hands each post to its user through a key -> position map, as a person
/// writes a prefetch by hand.
pub fn group_posts(users: Vec<HandUser>, posts: Vec<HandPost>) -> Vec<(HandUser, Vec<HandPost>)> {
    let position: std::collections::HashMap<i32, usize> =
        users.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
    let mut out: Vec<(HandUser, Vec<HandPost>)> =
        users.into_iter().map(|u| (u, Vec::new())).collect();
    for post in posts {
        if let Some(&i) = position.get(&post.user_id) {
            out[i].1.push(post);
        }
    }
    out
}
