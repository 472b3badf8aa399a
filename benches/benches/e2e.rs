//! End-to-end queries on in-memory SQLite and on PostgreSQL: strata next to
//! hand-written sqlx on the same driver and pool setup, Diesel and SeaORM.
//!
//! Data: 10,000 users (every other one with `hair_color = 'black'`) and
//! 20,000 posts (two per user). Shapes:
//! - `trivial/N`: N users (`LIMIT N`);
//! - `join/N`: N posts of black-haired users with their user loaded in the
//!   same query (strata `select_related`, Diesel `left_join`, SeaORM
//!   `find_also_related`, sqlx the same `LEFT JOIN` by hand);
//! - `prefetch/N`: N users, each with their posts (two per user), loaded
//!   with a second query on the users' keys and matched in memory (strata
//!   `prefetch_related`, Diesel `belonging_to` + `grouped_by`, SeaORM
//!   `load_many`, sqlx the two queries and a `HashMap` by hand);
//! - `insert/N`: a multi-row insert of N users, keys read back where the
//!   library does so (strata and SeaORM always, Diesel and sqlx with
//!   `RETURNING` on PostgreSQL); the inserted rows are deleted after each
//!   iteration, untimed.
//!
//! Every side reads rows the same way: the hand-written sqlx side on a
//! connection acquired from the pool for the query, as strata does
//! (sqlx's pool executor relays each row through a second stream, which
//! would charge the hand-written side a cost strata does not pay).
//!
//! PostgreSQL runs when `STRATA_BENCH_POSTGRES_URL` is set to a server
//! URL (e.g. `postgres://postgres@127.0.0.1:5432/test`); the benchmark
//! creates its own database next to the one named, and drops it at the end.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use diesel::prelude::*;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use sqlx::{AssertSqlSafe, Row as _};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use strata::prelude::*;
use strata_benches::diesel_schema::{posts, users, DieselPost, DieselUser};
use strata_benches::models::{new_users, Post, User};
use strata_benches::seaorm::{post as so_post, user as so_user};
use tokio::runtime::Runtime;

const USERS: usize = 10_000;
const ROW_COUNTS: [u64; 3] = [1, 100, 10_000];
const PREFETCH_COUNTS: [u64; 3] = [1, 100, 1_000];
const INSERT_COUNTS: [usize; 2] = [1, 100];
const BENCH_DB: &str = "strata_bench_e2e";

/// The schema in each backend's SQL, and the seed rows as multi-row
/// inserts. Every side gets the same tables and data.
fn schema(backend: Backend) -> Vec<String> {
    let serial = match backend {
        Backend::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
        Backend::Postgres => "SERIAL PRIMARY KEY",
    };
    let mut out = vec![
        "DROP TABLE IF EXISTS posts".to_string(),
        "DROP TABLE IF EXISTS users".to_string(),
        format!("CREATE TABLE users (id {serial}, name TEXT NOT NULL, hair_color TEXT)"),
        format!(
            "CREATE TABLE posts (id {serial}, user_id INTEGER NOT NULL REFERENCES users (id), \
             title TEXT NOT NULL, body TEXT)"
        ),
        "CREATE INDEX posts_user_id ON posts (user_id)".to_string(),
    ];
    for chunk in (1..=USERS).collect::<Vec<_>>().chunks(1000) {
        let rows: Vec<String> = chunk
            .iter()
            .map(|i| {
                let hair = if i % 2 == 1 { "'black'" } else { "NULL" };
                format!("({i}, 'User {i}', {hair})")
            })
            .collect();
        out.push(format!(
            "INSERT INTO users (id, name, hair_color) VALUES {}",
            rows.join(", ")
        ));
        let posts: Vec<String> = chunk
            .iter()
            .flat_map(|i| {
                [0, 1].map(|k| format!("({i}, 'Post {k} of {i}', 'Body of post {k} of user {i}')"))
            })
            .collect();
        out.push(format!(
            "INSERT INTO posts (user_id, title, body) VALUES {}",
            posts.join(", ")
        ));
    }
    if backend == Backend::Postgres {
        out.push("SELECT setval('users_id_seq', 10000)".into());
        out.push("ANALYZE".into());
    }
    out
}

/// What follows the seed: inserted rows are removed between iterations.
const CLEANUP: &str = "DELETE FROM users WHERE id > 10000";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The pool of one hand-written sqlx side (also handed to SeaORM), set up
/// the way `strata::Db::connect` sets up its own.
enum Pool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

async fn sqlx_pool(backend: Backend, url: &str) -> Pool {
    match backend {
        Backend::Sqlite => {
            use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
            use std::str::FromStr;
            let options = SqliteConnectOptions::from_str(url)
                .expect("sqlite url")
                .create_if_missing(true)
                .foreign_keys(true);
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(options)
                .await
                .expect("sqlite pool");
            Pool::Sqlite(pool)
        }
        Backend::Postgres => Pool::Postgres(
            sqlx::postgres::PgPoolOptions::new()
                .connect(url)
                .await
                .expect("postgres pool"),
        ),
    }
}

async fn seed_strata(db: &Db, backend: Backend) {
    for statement in schema(backend) {
        db.execute_raw_sql(strata::AssertSqlSafe(statement))
            .await
            .expect("seed");
    }
}

async fn seed_sqlx(pool: &Pool, backend: Backend) {
    for statement in schema(backend) {
        match pool {
            Pool::Sqlite(p) => sqlx::raw_sql(AssertSqlSafe(statement))
                .execute(p)
                .await
                .map(|_| ()),
            Pool::Postgres(p) => sqlx::raw_sql(AssertSqlSafe(statement))
                .execute(p)
                .await
                .map(|_| ()),
        }
        .expect("seed");
    }
}

/// A row of `users` decoded by hand.
#[allow(dead_code)] // fields are read by black_box only
struct SqlxUser {
    id: i32,
    name: String,
    hair_color: Option<String>,
}

/// A row of `posts` with its user, decoded by hand.
#[allow(dead_code)]
struct SqlxPost {
    id: i32,
    user_id: i32,
    title: String,
    body: Option<String>,
    user: Option<SqlxUser>,
}

impl<'r, R: sqlx::Row> sqlx::FromRow<'r, R> for SqlxUser
where
    usize: sqlx::ColumnIndex<R>,
    i32: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    fn from_row(row: &'r R) -> Result<Self, sqlx::Error> {
        Ok(SqlxUser {
            id: row.try_get(0)?,
            name: row.try_get(1)?,
            hair_color: row.try_get(2)?,
        })
    }
}

impl<'r, R: sqlx::Row> sqlx::FromRow<'r, R> for SqlxPost
where
    usize: sqlx::ColumnIndex<R>,
    i32: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<i32>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    fn from_row(row: &'r R) -> Result<Self, sqlx::Error> {
        let user_id: Option<i32> = row.try_get(4)?;
        let user = match user_id {
            Some(id) => Some(SqlxUser {
                id,
                name: row.try_get(5)?,
                hair_color: row.try_get(6)?,
            }),
            None => None,
        };
        Ok(SqlxPost {
            id: row.try_get(0)?,
            user_id: row.try_get(1)?,
            title: row.try_get(2)?,
            body: row.try_get(3)?,
            user,
        })
    }
}

/// A row of `posts` alone, decoded by hand.
#[allow(dead_code)]
struct SqlxPlainPost {
    id: i32,
    user_id: i32,
    title: String,
    body: Option<String>,
}

impl<'r, R: sqlx::Row> sqlx::FromRow<'r, R> for SqlxPlainPost
where
    usize: sqlx::ColumnIndex<R>,
    i32: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    fn from_row(row: &'r R) -> Result<Self, sqlx::Error> {
        Ok(SqlxPlainPost {
            id: row.try_get(0)?,
            user_id: row.try_get(1)?,
            title: row.try_get(2)?,
            body: row.try_get(3)?,
        })
    }
}

/// The SQL a person writes by hand for each shape (the same text strata
/// generates, so both sides prepare the same statement).
struct HandSql {
    trivial: &'static str,
    join: &'static str,
}

fn hand_sql(dialect: Dialect) -> HandSql {
    // Literals, as a person writes them: sqlx 0.9 takes a `&'static str`
    // as it is (no copy, no `AssertSqlSafe`).
    match dialect {
        Dialect::Postgres => HandSql {
            trivial: r#"SELECT "id", "name", "hair_color" FROM "users" LIMIT $1"#,
            join: r#"SELECT "posts"."id", "posts"."user_id", "posts"."title", "posts"."body", "t1"."id", "t1"."name", "t1"."hair_color" FROM "posts" LEFT JOIN "users" AS "t1" ON "t1"."id" = "posts"."user_id" WHERE "t1"."hair_color" = $1 LIMIT $2"#,
        },
        _ => HandSql {
            trivial: r#"SELECT "id", "name", "hair_color" FROM "users" LIMIT ?"#,
            join: r#"SELECT "posts"."id", "posts"."user_id", "posts"."title", "posts"."body", "t1"."id", "t1"."name", "t1"."hair_color" FROM "posts" LEFT JOIN "users" AS "t1" ON "t1"."id" = "posts"."user_id" WHERE "t1"."hair_color" = ? LIMIT ?"#,
        },
    }
}

/// The posts of the users with keys `ids`, as a person writes it with
/// sqlx: one array bind (`= ANY($1)`) on PostgreSQL, an `IN` list of one
/// placeholder per key on SQLite (built for each call, as the number of
/// keys varies).
fn hand_posts_sql(dialect: Dialect, keys: usize) -> String {
    let mut sql =
        String::from(r#"SELECT "id", "user_id", "title", "body" FROM "posts" WHERE "user_id" "#);
    if dialect == Dialect::Postgres {
        sql.push_str("= ANY($1)");
    } else {
        sql.push_str("IN (");
        for i in 0..keys {
            sql.push_str(if i == 0 { "?" } else { ", ?" });
        }
        sql.push(')');
    }
    sql
}

/// `INSERT INTO "users" ("name", "hair_color") VALUES (..), .. [RETURNING "id"]`
/// for `n` rows, as a person would build it once.
fn hand_insert_sql(dialect: Dialect, n: usize) -> String {
    let mut sql = String::from(r#"INSERT INTO "users" ("name", "hair_color") VALUES "#);
    for i in 0..n {
        if i > 0 {
            sql.push_str(", ");
        }
        match dialect {
            Dialect::Postgres => sql.push_str(&format!("(${}, ${})", 2 * i + 1, 2 * i + 2)),
            _ => sql.push_str("(?, ?)"),
        }
    }
    if dialect == Dialect::Postgres {
        sql.push_str(r#" RETURNING "id""#);
    }
    sql
}

/// Checks once, before measuring, that every side returns the same rows.
fn assert_same_count(what: &str, counts: [usize; 4]) {
    assert!(
        counts.iter().all(|c| *c == counts[0]),
        "{what}: sides disagree on the row count: {counts:?}"
    );
}

struct Sides {
    backend: Backend,
    strata: Db,
    sqlx: Pool,
    seaorm: sea_orm::DatabaseConnection,
    diesel: DieselConn,
}

enum DieselConn {
    Sqlite(diesel::SqliteConnection),
    Postgres(diesel::PgConnection),
}

macro_rules! with_diesel {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            DieselConn::Sqlite($c) => $body,
            DieselConn::Postgres($c) => $body,
        }
    };
}

async fn setup(backend: Backend, url: &str) -> Sides {
    let strata = Db::connect(url).await.expect("strata connects");
    seed_strata(&strata, backend).await;
    let sqlx = sqlx_pool(backend, url).await;
    let seaorm = match backend {
        Backend::Sqlite => {
            let pool = sqlx_pool(backend, url).await;
            seed_sqlx(&pool, backend).await;
            match pool {
                Pool::Sqlite(p) => sea_orm::SqlxSqliteConnector::from_sqlx_sqlite_pool(p),
                Pool::Postgres(_) => unreachable!("sqlite pool"),
            }
        }
        Backend::Postgres => match sqlx_pool(backend, url).await {
            Pool::Postgres(p) => sea_orm::SqlxPostgresConnector::from_sqlx_postgres_pool(p),
            Pool::Sqlite(_) => unreachable!("postgres pool"),
        },
    };
    if backend == Backend::Sqlite {
        // Each in-memory SQLite connection is its own database.
        seed_sqlx(&sqlx, backend).await;
    }
    let diesel = match backend {
        Backend::Sqlite => {
            let mut c = diesel::SqliteConnection::establish(":memory:").expect("diesel sqlite");
            diesel::sql_query("PRAGMA foreign_keys = ON")
                .execute(&mut c)
                .expect("pragma");
            for statement in schema(backend) {
                diesel::sql_query(statement).execute(&mut c).expect("seed");
            }
            DieselConn::Sqlite(c)
        }
        Backend::Postgres => {
            DieselConn::Postgres(diesel::PgConnection::establish(url).expect("diesel postgres"))
        }
    };
    Sides {
        backend,
        strata,
        sqlx,
        seaorm,
        diesel,
    }
}

fn bench_backend(c: &mut Criterion, rt: &Runtime, backend: Backend, url: &str) {
    let mut sides = rt.block_on(setup(backend, url));
    let dialect = sides.strata.dialect();
    let hand = hand_sql(dialect);
    let name = backend.name();

    for n in ROW_COUNTS {
        // The same rows on every side, checked once.
        let counts = [
            rt.block_on(User::objects().limit(n).all(&sides.strata))
                .unwrap()
                .len(),
            rt.block_on(sqlx_trivial(&sides.sqlx, hand.trivial, n))
                .len(),
            with_diesel!(&mut sides.diesel, |c| c.trivial(n)),
            rt.block_on(so_user::Entity::find().limit(n).all(&sides.seaorm))
                .unwrap()
                .len(),
        ];
        assert_same_count("trivial", counts);
        let mut group = c.benchmark_group(format!("e2e/{name}/trivial"));
        group.bench_function(BenchmarkId::new("strata", n), |b| {
            b.to_async(rt)
                .iter(|| async { User::objects().limit(n).all(&sides.strata).await.unwrap() })
        });
        group.bench_function(BenchmarkId::new("sqlx", n), |b| {
            b.to_async(rt)
                .iter(|| sqlx_trivial(&sides.sqlx, hand.trivial, n))
        });
        group.bench_function(BenchmarkId::new("diesel", n), |b| {
            with_diesel!(&mut sides.diesel, |conn| b.iter(|| conn.trivial(n)))
        });
        group.bench_function(BenchmarkId::new("seaorm", n), |b| {
            b.to_async(rt).iter(|| async {
                so_user::Entity::find()
                    .limit(n)
                    .all(&sides.seaorm)
                    .await
                    .unwrap()
            })
        });
        group.finish();
    }

    for n in ROW_COUNTS {
        let strata_join = || {
            Post::objects()
                .filter(Post::user().hair_color().eq("black"))
                .select_related(Post::user())
                .limit(n)
        };
        let counts = [
            rt.block_on(strata_join().all(&sides.strata)).unwrap().len(),
            rt.block_on(sqlx_join(&sides.sqlx, hand.join, n)).len(),
            with_diesel!(&mut sides.diesel, |c| c.join(n)),
            rt.block_on(seaorm_join(&sides.seaorm, n)).len(),
        ];
        assert_same_count("join", counts);
        let mut group = c.benchmark_group(format!("e2e/{name}/join"));
        group.bench_function(BenchmarkId::new("strata", n), |b| {
            b.to_async(rt)
                .iter(|| async { strata_join().all(&sides.strata).await.unwrap() })
        });
        group.bench_function(BenchmarkId::new("sqlx", n), |b| {
            b.to_async(rt).iter(|| sqlx_join(&sides.sqlx, hand.join, n))
        });
        group.bench_function(BenchmarkId::new("diesel", n), |b| {
            with_diesel!(&mut sides.diesel, |conn| b.iter(|| conn.join(n)))
        });
        group.bench_function(BenchmarkId::new("seaorm", n), |b| {
            b.to_async(rt).iter(|| seaorm_join(&sides.seaorm, n))
        });
        group.finish();
    }

    for n in PREFETCH_COUNTS {
        let strata_prefetch = || User::objects().prefetch_related(User::posts()).limit(n);
        // (users, posts) on every side, checked once.
        let strata_counts = {
            let users = rt.block_on(strata_prefetch().all(&sides.strata)).unwrap();
            let posts = users.iter().map(|u| u.posts.loaded().unwrap().len()).sum();
            (users.len(), posts)
        };
        let sqlx_counts = {
            let users = rt.block_on(sqlx_prefetch(&sides.sqlx, dialect, hand.trivial, n));
            (users.len(), users.iter().map(|(_, p)| p.len()).sum())
        };
        let diesel_counts = with_diesel!(&mut sides.diesel, |c| c.prefetch(n));
        let seaorm_counts = {
            let users = rt.block_on(seaorm_prefetch(&sides.seaorm, n));
            (users.len(), users.iter().map(|(_, p)| p.len()).sum())
        };
        let all = [strata_counts, sqlx_counts, diesel_counts, seaorm_counts];
        assert_same_count("prefetch users", all.map(|c| c.0));
        assert_same_count("prefetch posts", all.map(|c| c.1));
        assert_eq!(strata_counts, (n as usize, 2 * n as usize));
        let mut group = c.benchmark_group(format!("e2e/{name}/prefetch"));
        group.bench_function(BenchmarkId::new("strata", n), |b| {
            b.to_async(rt)
                .iter(|| async { strata_prefetch().all(&sides.strata).await.unwrap() })
        });
        group.bench_function(BenchmarkId::new("sqlx", n), |b| {
            b.to_async(rt)
                .iter(|| sqlx_prefetch(&sides.sqlx, dialect, hand.trivial, n))
        });
        group.bench_function(BenchmarkId::new("diesel", n), |b| {
            with_diesel!(&mut sides.diesel, |conn| b.iter(|| conn.prefetch(n)))
        });
        group.bench_function(BenchmarkId::new("seaorm", n), |b| {
            b.to_async(rt).iter(|| seaorm_prefetch(&sides.seaorm, n))
        });
        group.finish();
    }

    for n in INSERT_COUNTS {
        let rows = new_users(n);
        let insert_sql: Arc<str> = hand_insert_sql(dialect, n).into();
        let mut group = c.benchmark_group(format!("e2e/{name}/insert"));
        group.bench_function(BenchmarkId::new("strata", n), |b| {
            b.iter_custom(|iters| {
                rt.block_on(timed(
                    iters,
                    rows.clone(),
                    |mut objects| async {
                        User::bulk_create(&sides.strata, &mut objects)
                            .await
                            .unwrap();
                        objects
                    },
                    || async {
                        sides.strata.execute_raw_sql(CLEANUP).await.unwrap();
                    },
                ))
            })
        });
        group.bench_function(BenchmarkId::new("sqlx", n), |b| {
            b.iter_custom(|iters| {
                rt.block_on(timed(
                    iters,
                    rows.clone(),
                    |objects| async {
                        sqlx_insert(&sides.sqlx, &insert_sql, &objects).await;
                        objects
                    },
                    || async { sqlx_cleanup(&sides.sqlx).await },
                ))
            })
        });
        group.bench_function(BenchmarkId::new("diesel", n), |b| {
            with_diesel!(&mut sides.diesel, |conn| b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let started = Instant::now();
                    conn.insert_users(&rows);
                    total += started.elapsed();
                    conn.cleanup();
                }
                total
            }))
        });
        group.bench_function(BenchmarkId::new("seaorm", n), |b| {
            b.iter_custom(|iters| {
                rt.block_on(timed(
                    iters,
                    rows.clone(),
                    |objects| async {
                        seaorm_insert(&sides.seaorm, &objects).await;
                        objects
                    },
                    || async {
                        use sea_orm::ConnectionTrait;
                        sides.seaorm.execute_unprepared(CLEANUP).await.unwrap();
                    },
                ))
            })
        });
        group.finish();
    }
    rt.block_on(async {
        sides.strata.close().await;
        match &sides.sqlx {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
        let _ = sides.seaorm.close().await;
    });
    drop(sides.diesel);
    let _ = sides.backend;
}

/// Times `iters` runs of `run` on a fresh copy of `input` each, with
/// `cleanup` after each run, untimed.
async fn timed<I, F, Fut, C, CFut>(iters: u64, input: I, mut run: F, mut cleanup: C) -> Duration
where
    I: Clone,
    F: FnMut(I) -> Fut,
    Fut: std::future::Future<Output = I>,
    C: FnMut() -> CFut,
    CFut: std::future::Future<Output = ()>,
{
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let copy = input.clone();
        let started = Instant::now();
        let out = run(copy).await;
        total += started.elapsed();
        drop(out);
        cleanup().await;
    }
    total
}

async fn sqlx_trivial(pool: &Pool, sql: &'static str, n: u64) -> Vec<SqlxUser> {
    match pool {
        Pool::Sqlite(p) => {
            let mut c = p.acquire().await.unwrap();
            sqlx::query_as(sql).bind(n as i64).fetch_all(&mut *c).await
        }
        Pool::Postgres(p) => {
            let mut c = p.acquire().await.unwrap();
            sqlx::query_as(sql).bind(n as i64).fetch_all(&mut *c).await
        }
    }
    .unwrap()
}

async fn sqlx_join(pool: &Pool, sql: &'static str, n: u64) -> Vec<SqlxPost> {
    match pool {
        Pool::Sqlite(p) => {
            let mut c = p.acquire().await.unwrap();
            sqlx::query_as(sql)
                .bind("black")
                .bind(n as i64)
                .fetch_all(&mut *c)
                .await
        }
        Pool::Postgres(p) => {
            let mut c = p.acquire().await.unwrap();
            sqlx::query_as(sql)
                .bind("black")
                .bind(n as i64)
                .fetch_all(&mut *c)
                .await
        }
    }
    .unwrap()
}

/// `n` users with their posts the way a person writes it with sqlx: the
/// users, then their posts in one query on the users' keys, handed to the
/// users through a key -> position map.
async fn sqlx_prefetch(
    pool: &Pool,
    dialect: Dialect,
    users_sql: &'static str,
    n: u64,
) -> Vec<(SqlxUser, Vec<SqlxPlainPost>)> {
    let users = sqlx_trivial(pool, users_sql, n).await;
    let ids: Vec<i32> = users.iter().map(|u| u.id).collect();
    let sql = hand_posts_sql(dialect, ids.len());
    let posts: Vec<SqlxPlainPost> = match pool {
        Pool::Sqlite(p) => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql));
            for id in &ids {
                q = q.bind(*id);
            }
            let mut c = p.acquire().await.unwrap();
            q.fetch_all(&mut *c).await
        }
        Pool::Postgres(p) => {
            let mut c = p.acquire().await.unwrap();
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(&ids)
                .fetch_all(&mut *c)
                .await
        }
    }
    .unwrap();
    let position: HashMap<i32, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut out: Vec<(SqlxUser, Vec<SqlxPlainPost>)> =
        users.into_iter().map(|u| (u, Vec::new())).collect();
    for post in posts {
        if let Some(&i) = position.get(&post.user_id) {
            out[i].1.push(post);
        }
    }
    out
}

async fn sqlx_insert(pool: &Pool, sql: &Arc<str>, rows: &[User]) {
    match pool {
        Pool::Sqlite(p) => {
            let mut q = sqlx::query(AssertSqlSafe(Arc::clone(sql)));
            for u in rows {
                q = q.bind(u.name.clone()).bind(u.hair_color.clone());
            }
            q.execute(p).await.unwrap();
        }
        Pool::Postgres(p) => {
            let mut q = sqlx::query(AssertSqlSafe(Arc::clone(sql)));
            for u in rows {
                q = q.bind(u.name.clone()).bind(u.hair_color.clone());
            }
            let mut c = p.acquire().await.unwrap();
            let ids: Vec<i32> = q
                .fetch_all(&mut *c)
                .await
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect();
            assert_eq!(ids.len(), rows.len());
        }
    }
}

async fn sqlx_cleanup(pool: &Pool) {
    match pool {
        Pool::Sqlite(p) => sqlx::query(CLEANUP).execute(p).await.map(|_| ()),
        Pool::Postgres(p) => sqlx::query(CLEANUP).execute(p).await.map(|_| ()),
    }
    .unwrap()
}

/// What the Diesel side runs, for each connection type.
trait DieselOps {
    fn trivial(&mut self, n: u64) -> usize;
    fn join(&mut self, n: u64) -> usize;
    /// (users, posts) loaded.
    fn prefetch(&mut self, n: u64) -> (usize, usize);
    fn insert_users(&mut self, rows: &[User]);
    fn cleanup(&mut self);
}

macro_rules! diesel_ops {
    ($conn:ty, |$self_:ident, $values:ident| $insert:expr) => {
        impl DieselOps for $conn {
            fn trivial(&mut self, n: u64) -> usize {
                users::table
                    .select(DieselUser::as_select())
                    .limit(n as i64)
                    .load::<DieselUser>(self)
                    .unwrap()
                    .len()
            }

            fn join(&mut self, n: u64) -> usize {
                posts::table
                    .left_join(users::table)
                    .filter(users::hair_color.eq("black"))
                    .select((DieselPost::as_select(), Option::<DieselUser>::as_select()))
                    .limit(n as i64)
                    .load::<(DieselPost, Option<DieselUser>)>(self)
                    .unwrap()
                    .len()
            }

            fn prefetch(&mut self, n: u64) -> (usize, usize) {
                let users = users::table
                    .select(DieselUser::as_select())
                    .limit(n as i64)
                    .load::<DieselUser>(self)
                    .unwrap();
                let posts = DieselPost::belonging_to(&users)
                    .select(DieselPost::as_select())
                    .load::<DieselPost>(self)
                    .unwrap();
                let loaded: Vec<(DieselUser, Vec<DieselPost>)> = posts
                    .grouped_by(&users)
                    .into_iter()
                    .zip(users)
                    .map(|(posts, user)| (user, posts))
                    .collect();
                (loaded.len(), loaded.iter().map(|(_, p)| p.len()).sum())
            }

            fn insert_users(&mut $self_, rows: &[User]) {
                let $values: Vec<_> = rows
                    .iter()
                    .map(|u| (users::name.eq(&u.name), users::hair_color.eq(&u.hair_color)))
                    .collect();
                let inserted = $insert;
                assert_eq!(inserted, rows.len());
            }

            fn cleanup(&mut self) {
                diesel::sql_query(CLEANUP).execute(self).unwrap();
            }
        }
    };
}

diesel_ops!(diesel::SqliteConnection, |self, values| {
    diesel::insert_into(users::table)
        .values(&values)
        .execute(self)
        .unwrap()
});

diesel_ops!(diesel::PgConnection, |self, values| {
    diesel::insert_into(users::table)
        .values(&values)
        .returning(users::id)
        .get_results::<i32>(self)
        .unwrap()
        .len()
});

async fn seaorm_join(
    db: &sea_orm::DatabaseConnection,
    n: u64,
) -> Vec<(so_post::Model, Option<so_user::Model>)> {
    so_post::Entity::find()
        .find_also_related(so_user::Entity)
        .filter(so_user::Column::HairColor.eq("black"))
        .limit(n)
        .all(db)
        .await
        .unwrap()
}

/// `n` users with their posts: SeaORM's loader runs the second query.
async fn seaorm_prefetch(
    db: &sea_orm::DatabaseConnection,
    n: u64,
) -> Vec<(so_user::Model, Vec<so_post::Model>)> {
    use sea_orm::LoaderTrait;
    let users = so_user::Entity::find().limit(n).all(db).await.unwrap();
    let posts = users.load_many(so_post::Entity, db).await.unwrap();
    users.into_iter().zip(posts).collect()
}

async fn seaorm_insert(db: &sea_orm::DatabaseConnection, rows: &[User]) {
    use sea_orm::ActiveValue::{NotSet, Set};
    let models = rows.iter().map(|u| so_user::ActiveModel {
        id: NotSet,
        name: Set(u.name.clone()),
        hair_color: Set(u.hair_color.clone()),
    });
    so_user::Entity::insert_many(models).exec(db).await.unwrap();
}

/// The PostgreSQL URL of the benchmark's own database, created fresh.
fn postgres_database(rt: &Runtime) -> Option<(String, String)> {
    let base = std::env::var("STRATA_BENCH_POSTGRES_URL").ok()?;
    let (server, _) = base.rsplit_once('/')?;
    let url = format!("{server}/{BENCH_DB}");
    rt.block_on(async {
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
    });
    Some((base, url))
}

fn drop_postgres_database(rt: &Runtime, base: &str) {
    rt.block_on(async {
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
    });
}

fn e2e(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    bench_backend(c, &rt, Backend::Sqlite, "sqlite::memory:");
    if let Some((base, url)) = postgres_database(&rt) {
        bench_backend(c, &rt, Backend::Postgres, &url);
        drop_postgres_database(&rt, &base);
    } else {
        eprintln!("STRATA_BENCH_POSTGRES_URL is not set: PostgreSQL end-to-end skipped");
    }
}

criterion_group!(benches, e2e);
criterion_main!(benches);
