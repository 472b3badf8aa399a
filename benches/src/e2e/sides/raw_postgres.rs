//! tokio-postgres: the physical limit on PostgreSQL. The same SQL as the
//! hand-written sqlx side, each statement prepared once on connecting,
//! rows decoded by position as they stream in (`query_raw`, no `Vec<Row>`
//! in between).

use super::{group_posts, HandJoined, HandPost, HandUser};
use crate::e2e::schema::{self, CLEANUP, POSTGRES};
use crate::e2e::{Backend, Shape};
use crate::models::User;
use futures_util::{pin_mut, TryStreamExt};
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, NoTls, Row, Statement};

pub struct RawPostgres {
    pub client: Client,
    trivial: Statement,
    join: Statement,
    posts_of_users: Statement,
    annotate: Statement,
    group_by: Statement,
    update: Statement,
    subquery: Statement,
    /// The multi-row inserts of `insert/N`, by N.
    inserts: Vec<(usize, Statement)>,
}

type Param<'a> = &'a (dyn ToSql + Sync);

fn user_at(row: &Row, at: usize) -> HandUser {
    HandUser {
        id: row.get(at),
        name: row.get(at + 1),
        hair_color: row.get(at + 2),
    }
}

fn post(row: &Row) -> HandPost {
    HandPost {
        id: row.get(0),
        user_id: row.get(1),
        title: row.get(2),
        body: row.get(3),
    }
}

/// Runs `stmt` and decodes each row with `decode` as it arrives.
async fn collect<'a, T>(
    client: &Client,
    stmt: &Statement,
    params: impl IntoIterator<Item = Param<'a>, IntoIter: ExactSizeIterator>,
    decode: impl Fn(&Row) -> T,
) -> Vec<T> {
    let rows = client.query_raw(stmt, params).await.unwrap();
    pin_mut!(rows);
    let mut out = Vec::new();
    while let Some(row) = rows.try_next().await.unwrap() {
        out.push(decode(&row));
    }
    out
}

impl RawPostgres {
    /// Connects (with `seed`, creating and filling the tables first); the
    /// connection task runs on the current tokio runtime.
    pub async fn connect(url: &str, seed: bool) -> RawPostgres {
        let (client, connection) = tokio_postgres::connect(url, NoTls)
            .await
            .expect("tokio-postgres connects");
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                eprintln!("tokio-postgres connection: {e}");
            }
        });
        if seed {
            for statement in schema::statements(Backend::Postgres) {
                client.batch_execute(&statement).await.expect("seed");
            }
        }
        let mut inserts = Vec::new();
        for &n in Shape::Insert.sizes() {
            let sql = schema::insert_users(Backend::Postgres, n as usize);
            inserts.push((n as usize, client.prepare(&sql).await.unwrap()));
        }
        let prepare = |sql: &'static str| client.prepare(sql);
        RawPostgres {
            trivial: prepare(POSTGRES.trivial).await.unwrap(),
            join: prepare(POSTGRES.join).await.unwrap(),
            posts_of_users: client
                .prepare(&schema::posts_of_users(Backend::Postgres, 0))
                .await
                .unwrap(),
            annotate: prepare(POSTGRES.annotate).await.unwrap(),
            group_by: prepare(POSTGRES.group_by).await.unwrap(),
            update: prepare(POSTGRES.update).await.unwrap(),
            subquery: prepare(POSTGRES.subquery).await.unwrap(),
            inserts,
            client,
        }
    }

    pub async fn trivial(&self, n: u64) -> Vec<HandUser> {
        let limit = n as i64;
        collect(&self.client, &self.trivial, [&limit as Param], |r| {
            user_at(r, 0)
        })
        .await
    }

    pub async fn join(&self, n: u64) -> Vec<HandJoined> {
        let limit = n as i64;
        collect(&self.client, &self.join, [&"black" as Param, &limit], |r| {
            HandJoined {
                post: post(r),
                user: r.get::<_, Option<i32>>(4).map(|_| user_at(r, 4)),
            }
        })
        .await
    }

    pub async fn prefetch(&self, n: u64) -> Vec<(HandUser, Vec<HandPost>)> {
        let users = self.trivial(n).await;
        let ids: Vec<i32> = users.iter().map(|u| u.id).collect();
        let posts = collect(&self.client, &self.posts_of_users, [&ids as Param], post).await;
        group_posts(users, posts)
    }

    pub async fn annotate(&self, n: u64) -> Vec<(HandUser, i64)> {
        let limit = n as i64;
        collect(&self.client, &self.annotate, [&limit as Param], |r| {
            (user_at(r, 0), r.get(3))
        })
        .await
    }

    pub async fn group_by(&self, n: u64) -> Vec<(i32, i64)> {
        let max = n as i32;
        collect(&self.client, &self.group_by, [&max as Param], |r| {
            (r.get(0), r.get(1))
        })
        .await
    }

    pub async fn update(&self, n: u64) -> u64 {
        self.client
            .execute(&self.update, &[&1i32, &(n as i32)])
            .await
            .unwrap()
    }

    pub async fn subquery(&self, n: u64) -> Vec<HandPost> {
        let limit = n as i64;
        collect(
            &self.client,
            &self.subquery,
            [&"black" as Param, &limit],
            post,
        )
        .await
    }

    /// One multi-row insert with `RETURNING "id"`, keys read back.
    pub async fn insert(&self, rows: Vec<User>) -> u64 {
        let stmt = self
            .inserts
            .iter()
            .find(|(n, _)| *n == rows.len())
            .map(|(_, stmt)| stmt)
            .expect("an insert size of Shape::Insert.sizes()");
        let mut params: Vec<Param> = Vec::with_capacity(rows.len() * 2);
        for u in &rows {
            params.push(&u.name);
            params.push(&u.hair_color);
        }
        let ids = collect(&self.client, stmt, params, |r| r.get::<_, i32>(0)).await;
        ids.len() as u64
    }

    pub async fn cleanup(&self) {
        self.client.batch_execute(CLEANUP).await.unwrap();
    }
}
