//! rusqlite: the physical limit on SQLite. The same SQL as the
//! hand-written sqlx side, on the same bundled SQLite (libsqlite3-sys
//! 0.30.1), each statement prepared once and kept in rusqlite's statement
//! cache, rows decoded by position on the calling thread.

use super::{group_posts, HandJoined, HandPost, HandUser};
use crate::e2e::schema::{self, CLEANUP, SQLITE};
use crate::e2e::Backend;
use crate::models::User;
use rusqlite::{params, params_from_iter, Connection, Row};

pub struct RawSqlite {
    pub conn: Connection,
}

fn user_at(row: &Row<'_>, at: usize) -> rusqlite::Result<HandUser> {
    Ok(HandUser {
        id: row.get(at)?,
        name: row.get(at + 1)?,
        hair_color: row.get(at + 2)?,
    })
}

fn post(row: &Row<'_>) -> rusqlite::Result<HandPost> {
    Ok(HandPost {
        id: row.get(0)?,
        user_id: row.get(1)?,
        title: row.get(2)?,
        body: row.get(3)?,
    })
}

impl RawSqlite {
    pub fn connect() -> RawSqlite {
        let conn = Connection::open_in_memory().expect("rusqlite in memory");
        conn.execute_batch("PRAGMA foreign_keys = ON")
            .expect("pragma");
        conn.set_prepared_statement_cache_capacity(64);
        for statement in schema::statements(Backend::Sqlite) {
            conn.execute_batch(&statement).expect("seed");
        }
        RawSqlite { conn }
    }

    pub fn trivial(&self, n: u64) -> Vec<HandUser> {
        let mut stmt = self.conn.prepare_cached(SQLITE.trivial).unwrap();
        let rows = stmt.query_map([n as i64], |r| user_at(r, 0)).unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    }

    pub fn join(&self, n: u64) -> Vec<HandJoined> {
        let mut stmt = self.conn.prepare_cached(SQLITE.join).unwrap();
        let rows = stmt
            .query_map(params!["black", n as i64], |r| {
                let user = match r.get::<_, Option<i32>>(4)? {
                    Some(_) => Some(user_at(r, 4)?),
                    None => None,
                };
                Ok(HandJoined {
                    post: post(r)?,
                    user,
                })
            })
            .unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    }

    pub fn prefetch(&self, n: u64) -> Vec<(HandUser, Vec<HandPost>)> {
        let users = self.trivial(n);
        let sql = schema::posts_of_users(Backend::Sqlite, users.len());
        let mut stmt = self.conn.prepare_cached(&sql).unwrap();
        let posts = stmt
            .query_map(params_from_iter(users.iter().map(|u| u.id)), post)
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        group_posts(users, posts)
    }

    pub fn annotate(&self, n: u64) -> Vec<(HandUser, i64)> {
        let mut stmt = self.conn.prepare_cached(SQLITE.annotate).unwrap();
        let rows = stmt
            .query_map([n as i64], |r| Ok((user_at(r, 0)?, r.get(3)?)))
            .unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    }

    pub fn group_by(&self, n: u64) -> Vec<(i32, i64)> {
        let mut stmt = self.conn.prepare_cached(SQLITE.group_by).unwrap();
        let rows = stmt
            .query_map([n as i32], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    }

    pub fn update(&self, n: u64) -> u64 {
        let mut stmt = self.conn.prepare_cached(SQLITE.update).unwrap();
        stmt.execute(params![1i32, n as i32]).unwrap() as u64
    }

    pub fn subquery(&self, n: u64) -> Vec<HandPost> {
        let mut stmt = self.conn.prepare_cached(SQLITE.subquery).unwrap();
        let rows = stmt.query_map(params!["black", n as i64], post).unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    }

    /// One multi-row insert (`sql` from [`schema::insert_users`]).
    pub fn insert(&self, sql: &str, rows: Vec<User>) -> u64 {
        let mut stmt = self.conn.prepare_cached(sql).unwrap();
        let mut binds: Vec<rusqlite::types::Value> = Vec::with_capacity(rows.len() * 2);
        for u in rows {
            binds.push(u.name.into());
            binds.push(u.hair_color.into());
        }
        stmt.execute(params_from_iter(binds)).unwrap() as u64
    }

    pub fn cleanup(&self) {
        self.conn.execute(CLEANUP, []).unwrap();
    }
}
