//! The tables and seed rows every side reads, and the SQL the hand-written
//! sides run (the text strata writes, so that every side prepares the same
//! statement; [`super::check`] asserts it still is).

use super::{Backend, USERS};

/// The schema in each backend's SQL, and the seed rows as multi-row
/// inserts. Every side gets the same tables and data. `posts.views` is
/// not in diesel_bench's schema: it is the numeric column of the
/// `update/N` shape, read through the models of [`super::views`].
pub fn statements(backend: Backend) -> Vec<String> {
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
             title TEXT NOT NULL, body TEXT, views INTEGER NOT NULL DEFAULT 0)"
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
pub const CLEANUP: &str = "DELETE FROM users WHERE id > 10000";

/// The SQL a person writes by hand for each single-statement shape: the
/// same text strata generates, so every side prepares the same statement.
/// Literals, as a person writes them: sqlx 0.9 takes a `&'static str` as
/// it is (no copy, no `AssertSqlSafe`).
pub struct HandSql {
    /// `trivial/N`: binds the limit.
    pub trivial: &'static str,
    /// `join/N`: binds `'black'` and the limit.
    pub join: &'static str,
    /// `annotate/N`: binds the limit.
    pub annotate: &'static str,
    /// `group_by/N`: binds N (`user_id <= N`).
    pub group_by: &'static str,
    /// `update/N`: binds the increment 1 and N (`id <= N`).
    pub update: &'static str,
    /// `subquery/N`: binds `'black'` and the limit.
    pub subquery: &'static str,
}

/// [`HandSql`] with `?` placeholders (SQLite, rusqlite).
pub const SQLITE: HandSql = HandSql {
    trivial: r#"SELECT "id", "name", "hair_color" FROM "users" LIMIT ?"#,
    join: r#"SELECT "posts"."id", "posts"."user_id", "posts"."title", "posts"."body", "t1"."id", "t1"."name", "t1"."hair_color" FROM "posts" LEFT JOIN "users" AS "t1" ON "t1"."id" = "posts"."user_id" WHERE "t1"."hair_color" = ? LIMIT ?"#,
    annotate: r#"SELECT "id", "name", "hair_color", (SELECT COUNT(*) FROM "posts" AS "s1" WHERE "s1"."user_id" = "users"."id") AS "strata_a0" FROM "users" LIMIT ?"#,
    group_by: r#"SELECT "user_id", COUNT(*) FROM "posts" WHERE "user_id" <= ? GROUP BY 1"#,
    update: r#"UPDATE "posts" SET "views" = ("views" + ?) WHERE "id" <= ?"#,
    subquery: r#"SELECT "id", "user_id", "title", "body" FROM "posts" WHERE "user_id" IN (SELECT "s1"."id" FROM "users" AS "s1" WHERE "s1"."hair_color" = ?) LIMIT ?"#,
};

/// [`HandSql`] with `$n` placeholders (PostgreSQL, tokio-postgres).
pub const POSTGRES: HandSql = HandSql {
    trivial: r#"SELECT "id", "name", "hair_color" FROM "users" LIMIT $1"#,
    join: r#"SELECT "posts"."id", "posts"."user_id", "posts"."title", "posts"."body", "t1"."id", "t1"."name", "t1"."hair_color" FROM "posts" LEFT JOIN "users" AS "t1" ON "t1"."id" = "posts"."user_id" WHERE "t1"."hair_color" = $1 LIMIT $2"#,
    annotate: r#"SELECT "id", "name", "hair_color", (SELECT COUNT(*) FROM "posts" AS "s1" WHERE "s1"."user_id" = "users"."id") AS "strata_a0" FROM "users" LIMIT $1"#,
    group_by: r#"SELECT "user_id", COUNT(*) FROM "posts" WHERE "user_id" <= $1 GROUP BY 1"#,
    update: r#"UPDATE "posts" SET "views" = ("views" + $1) WHERE "id" <= $2"#,
    subquery: r#"SELECT "id", "user_id", "title", "body" FROM "posts" WHERE "user_id" IN (SELECT "s1"."id" FROM "users" AS "s1" WHERE "s1"."hair_color" = $1) LIMIT $2"#,
};

/// The hand-written SQL of `backend`.
pub fn hand(backend: Backend) -> &'static HandSql {
    match backend {
        Backend::Sqlite => &SQLITE,
        Backend::Postgres => &POSTGRES,
    }
}

/// The posts of the users with keys `ids`, as a person writes it: one
/// array bind (`= ANY($1)`) on PostgreSQL, an `IN` list of one
/// placeholder per key on SQLite (built for each call, as the number of
/// keys varies).
pub fn posts_of_users(backend: Backend, keys: usize) -> String {
    let mut sql =
        String::from(r#"SELECT "id", "user_id", "title", "body" FROM "posts" WHERE "user_id" "#);
    if backend == Backend::Postgres {
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
pub fn insert_users(backend: Backend, n: usize) -> String {
    let mut sql = String::from(r#"INSERT INTO "users" ("name", "hair_color") VALUES "#);
    for i in 0..n {
        if i > 0 {
            sql.push_str(", ");
        }
        match backend {
            Backend::Postgres => sql.push_str(&format!("(${}, ${})", 2 * i + 1, 2 * i + 2)),
            Backend::Sqlite => sql.push_str("(?, ?)"),
        }
    }
    if backend == Backend::Postgres {
        sql.push_str(r#" RETURNING "id""#);
    }
    sql
}
