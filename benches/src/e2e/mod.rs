//! End-to-end queries on in-memory SQLite and on PostgreSQL, every side
//! answering the same question on the same data: strata, hand-written
//! sqlx running the SQL strata writes, Diesel, SeaORM, and the raw driver
//! (rusqlite on SQLite, tokio-postgres on PostgreSQL) as the physical
//! limit.
//!
//! Data ([`schema`]): 10,000 users (every other one with
//! `hair_color = 'black'`) and 20,000 posts (two per user, `views` 0 at
//! first). Shapes ([`Shape`]):
//! - `trivial/N`: N users (`LIMIT N`);
//! - `join/N`: N posts of black-haired users with their user loaded in the
//!   same query (strata `select_related`, Diesel `left_join`, SeaORM
//!   `find_also_related`, the others the same `LEFT JOIN` by hand);
//! - `prefetch/N`: N users, each with their posts (two per user), loaded
//!   with a second query on the users' keys and matched in memory (strata
//!   `prefetch_related`, Diesel `belonging_to` + `grouped_by`, SeaORM
//!   `load_many`, the others the two queries and a key map by hand);
//! - `insert/N`: a multi-row insert of N users, keys read back where the
//!   library does so (strata and SeaORM always, the others with
//!   `RETURNING` on PostgreSQL); the inserted rows are deleted after each
//!   iteration, untimed;
//! - `annotate/N`: N users, each with its post count (strata
//!   `annotate(User::posts().count())`: a correlated `COUNT(*)` subquery;
//!   Diesel `single_value()` of the same count; SeaORM a sea-query
//!   subquery column);
//! - `group_by/N`: the post count per `user_id` of the first N users
//!   (strata `values(..).annotate(Count::all())`, `GROUP BY`);
//! - `update/N`: `views = views + 1` on N posts (`WHERE id <= N`; strata
//!   `update` with an F expression, Diesel `update().set()`, SeaORM
//!   `update_many().col_expr()`);
//! - `subquery/N`: N posts whose user is in a filtered-users subquery
//!   (`user_id IN (SELECT id FROM users WHERE hair_color = ..)`).
//!
//! Every side reads rows the same way: the hand-written sqlx side on a
//! connection acquired from the pool for the query, as strata does
//! (sqlx's pool executor relays each row through a second stream, which
//! would charge the hand-written side a cost strata does not pay).
//! Before any timing, [`check`] runs every side once on each shape and
//! size and asserts they return the same rows ([`Summary`]).
//!
//! The criterion bench (`benches/e2e.rs`) and the instruction counter
//! (`src/bin/e2e_instructions.rs`) run exactly the same routines, through
//! [`run`] and a [`Runner`] of their own.

pub mod schema;
pub mod shapes;
pub mod sides;
pub mod summary;
pub mod views;

pub use shapes::{check, run, Runner, Shape};
pub use sides::{Side, Sides};
pub use summary::{Digest, Summary};

/// The users seeded; inserted rows get keys above this.
pub const USERS: usize = 10_000;
/// The database the PostgreSQL runs create next to the one named in
/// `STRATA_BENCH_POSTGRES_URL`, and drop at the end.
pub const BENCH_DB: &str = "strata_bench_e2e";

/// Where the queries run.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Backend {
    /// In memory (`sqlite::memory:`), one database per connection.
    Sqlite,
    /// The server of `STRATA_BENCH_POSTGRES_URL`.
    Postgres,
}

impl Backend {
    /// The name used in benchmark ids (`e2e/<backend>/...`).
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// Parses [`Backend::name`].
    pub fn parse(name: &str) -> Option<Backend> {
        match name {
            "sqlite" => Some(Backend::Sqlite),
            "postgres" => Some(Backend::Postgres),
            _ => None,
        }
    }

    /// The URL strata and sqlx connect to (PostgreSQL: the bench database).
    pub fn url(self, postgres: Option<&str>) -> Option<String> {
        match self {
            Backend::Sqlite => Some("sqlite::memory:".into()),
            Backend::Postgres => postgres.map(str::to_string),
        }
    }
}
