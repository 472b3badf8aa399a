//! Hand-written sqlx: the SQL strata writes ([`crate::e2e::schema::hand`]),
//! run on a connection acquired from a pool set up the way
//! `strata::Db::connect` sets up its own, rows decoded by position.

use super::{group_posts, HandJoined, HandPost, HandUser};
use crate::e2e::schema::{self, HandSql, CLEANUP};
use crate::e2e::Backend;
use crate::models::User;
use sqlx::{AssertSqlSafe, Row as _};
use std::sync::Arc;

/// The pool of the hand-written side (also handed to SeaORM).
pub enum Pool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// Runs `$body` with `$c` a connection acquired from either pool.
macro_rules! with_conn {
    ($pool:expr, |$c:ident| $body:expr) => {
        match $pool {
            Pool::Sqlite(p) => {
                let mut conn = p.acquire().await.unwrap();
                let $c = &mut *conn;
                $body
            }
            Pool::Postgres(p) => {
                let mut conn = p.acquire().await.unwrap();
                let $c = &mut *conn;
                $body
            }
        }
    };
}

impl Pool {
    pub async fn connect(backend: Backend, url: &str) -> Pool {
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

    pub async fn seed(&self, backend: Backend) {
        for statement in schema::statements(backend) {
            match self {
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

    pub fn into_seaorm(self) -> sea_orm::DatabaseConnection {
        match self {
            Pool::Sqlite(p) => sea_orm::SqlxSqliteConnector::from_sqlx_sqlite_pool(p),
            Pool::Postgres(p) => sea_orm::SqlxPostgresConnector::from_sqlx_postgres_pool(p),
        }
    }

    pub async fn close(&self) {
        match self {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

impl<'r, R: sqlx::Row> sqlx::FromRow<'r, R> for HandUser
where
    usize: sqlx::ColumnIndex<R>,
    i32: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    fn from_row(row: &'r R) -> Result<Self, sqlx::Error> {
        Ok(HandUser {
            id: row.try_get(0)?,
            name: row.try_get(1)?,
            hair_color: row.try_get(2)?,
        })
    }
}

impl<'r, R: sqlx::Row> sqlx::FromRow<'r, R> for HandPost
where
    usize: sqlx::ColumnIndex<R>,
    i32: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    fn from_row(row: &'r R) -> Result<Self, sqlx::Error> {
        Ok(HandPost {
            id: row.try_get(0)?,
            user_id: row.try_get(1)?,
            title: row.try_get(2)?,
            body: row.try_get(3)?,
        })
    }
}

impl<'r, R: sqlx::Row> sqlx::FromRow<'r, R> for HandJoined
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
            Some(id) => Some(HandUser {
                id,
                name: row.try_get(5)?,
                hair_color: row.try_get(6)?,
            }),
            None => None,
        };
        Ok(HandJoined {
            post: HandPost {
                id: row.try_get(0)?,
                user_id: row.try_get(1)?,
                title: row.try_get(2)?,
                body: row.try_get(3)?,
            },
            user,
        })
    }
}

/// A user with a count in its fourth column, decoded by hand.
pub struct Counted(pub HandUser, pub i64);

impl<'r, R: sqlx::Row> sqlx::FromRow<'r, R> for Counted
where
    usize: sqlx::ColumnIndex<R>,
    i32: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    fn from_row(row: &'r R) -> Result<Self, sqlx::Error> {
        Ok(Counted(
            HandUser {
                id: row.try_get(0)?,
                name: row.try_get(1)?,
                hair_color: row.try_get(2)?,
            },
            row.try_get(3)?,
        ))
    }
}

impl crate::e2e::Digest for Counted {
    fn digest(&self) -> i64 {
        (self.0.digest(), self.1).digest()
    }
}

pub async fn trivial(pool: &Pool, sql: &HandSql, n: u64) -> Vec<HandUser> {
    with_conn!(pool, |c| sqlx::query_as(sql.trivial)
        .bind(n as i64)
        .fetch_all(c)
        .await)
    .unwrap()
}

pub async fn join(pool: &Pool, sql: &HandSql, n: u64) -> Vec<HandJoined> {
    with_conn!(pool, |c| sqlx::query_as(sql.join)
        .bind("black")
        .bind(n as i64)
        .fetch_all(c)
        .await)
    .unwrap()
}

/// `n` users with their posts the way a person writes it with sqlx: the
/// users, then their posts in one query on the users' keys, handed to the
/// users through a key -> position map.
pub async fn prefetch(
    pool: &Pool,
    backend: Backend,
    sql: &HandSql,
    n: u64,
) -> Vec<(HandUser, Vec<HandPost>)> {
    let users = trivial(pool, sql, n).await;
    let ids: Vec<i32> = users.iter().map(|u| u.id).collect();
    let posts_sql = schema::posts_of_users(backend, ids.len());
    let posts: Vec<HandPost> = match pool {
        Pool::Sqlite(p) => {
            let mut q = sqlx::query_as(AssertSqlSafe(posts_sql));
            for id in &ids {
                q = q.bind(*id);
            }
            let mut c = p.acquire().await.unwrap();
            q.fetch_all(&mut *c).await
        }
        Pool::Postgres(p) => {
            let mut c = p.acquire().await.unwrap();
            sqlx::query_as(AssertSqlSafe(posts_sql))
                .bind(&ids)
                .fetch_all(&mut *c)
                .await
        }
    }
    .unwrap();
    group_posts(users, posts)
}

pub async fn annotate(pool: &Pool, sql: &HandSql, n: u64) -> Vec<Counted> {
    with_conn!(pool, |c| sqlx::query_as(sql.annotate)
        .bind(n as i64)
        .fetch_all(c)
        .await)
    .unwrap()
}

pub async fn group_by(pool: &Pool, sql: &HandSql, n: u64) -> Vec<(i32, i64)> {
    with_conn!(pool, |c| sqlx::query_as(sql.group_by)
        .bind(n as i32)
        .fetch_all(c)
        .await)
    .unwrap()
}

pub async fn update(pool: &Pool, sql: &HandSql, n: u64) -> u64 {
    with_conn!(pool, |c| sqlx::query(sql.update)
        .bind(1i32)
        .bind(n as i32)
        .execute(c)
        .await
        .map(|done| done.rows_affected()))
    .unwrap()
}

pub async fn subquery(pool: &Pool, sql: &HandSql, n: u64) -> Vec<HandPost> {
    with_conn!(pool, |c| sqlx::query_as(sql.subquery)
        .bind("black")
        .bind(n as i64)
        .fetch_all(c)
        .await)
    .unwrap()
}

/// One multi-row insert; on PostgreSQL the keys are read back.
pub async fn insert(pool: &Pool, sql: &Arc<str>, rows: Vec<User>) -> u64 {
    match pool {
        Pool::Sqlite(p) => {
            let mut q = sqlx::query(AssertSqlSafe(Arc::clone(sql)));
            for u in rows {
                q = q.bind(u.name).bind(u.hair_color);
            }
            let mut c = p.acquire().await.unwrap();
            q.execute(&mut *c).await.unwrap().rows_affected()
        }
        Pool::Postgres(p) => {
            let mut q = sqlx::query(AssertSqlSafe(Arc::clone(sql)));
            for u in rows {
                q = q.bind(u.name).bind(u.hair_color);
            }
            let mut c = p.acquire().await.unwrap();
            let ids: Vec<i32> = q
                .fetch_all(&mut *c)
                .await
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect();
            ids.len() as u64
        }
    }
}

pub async fn cleanup(pool: &Pool) {
    with_conn!(pool, |c| sqlx::query(CLEANUP).execute(c).await.map(|_| ())).unwrap()
}
