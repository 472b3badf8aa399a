//! The shapes, and the one place that says what each side runs for each:
//! [`run`] hands a side's routine for a shape and size to a [`Runner`]
//! (criterion in `benches/e2e.rs`, the instruction counter in
//! `src/bin/e2e_instructions.rs`, the checker of [`check`] here).

use super::sides::{raw_postgres, raw_sqlite, seaorm, sqlx_hand, strata as st, Raw};
use super::summary::{Summarize, Summary};
use super::{schema, Backend, Side, Sides};
use crate::e2e::sides::diesel::DieselOps;
use crate::models::new_users;
use std::future::Future;
use std::sync::Arc;

/// One query shape of the end-to-end comparison (see the module docs of
/// [`crate::e2e`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Shape {
    Trivial,
    Join,
    Prefetch,
    Insert,
    Annotate,
    GroupBy,
    Update,
    Subquery,
}

impl Shape {
    pub const ALL: [Shape; 8] = [
        Shape::Trivial,
        Shape::Join,
        Shape::Prefetch,
        Shape::Insert,
        Shape::Annotate,
        Shape::GroupBy,
        Shape::Update,
        Shape::Subquery,
    ];

    /// The name in benchmark ids (`e2e/<backend>/<shape>/<side>/<n>`).
    pub fn name(self) -> &'static str {
        match self {
            Shape::Trivial => "trivial",
            Shape::Join => "join",
            Shape::Prefetch => "prefetch",
            Shape::Insert => "insert",
            Shape::Annotate => "annotate",
            Shape::GroupBy => "group_by",
            Shape::Update => "update",
            Shape::Subquery => "subquery",
        }
    }

    pub fn parse(name: &str) -> Option<Shape> {
        Shape::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The sizes measured: rows read (users for `prefetch`, groups for
    /// `group_by`), rows inserted or rows updated.
    pub fn sizes(self) -> &'static [u64] {
        match self {
            Shape::Trivial | Shape::Join => &[1, 100, 10_000],
            Shape::Prefetch => &[1, 100, 1_000],
            Shape::Insert => &[1, 100],
            Shape::Annotate | Shape::GroupBy | Shape::Update | Shape::Subquery => &[1, 10_000],
        }
    }

    /// Whether each run changes the data and is followed by an untimed
    /// cleanup (`insert`). `update` changes `views` only, which no other
    /// shape reads, and needs none.
    pub fn writes(self) -> bool {
        self == Shape::Insert
    }
}

/// What runs a side's routine: measures it, counts it or checks it.
pub trait Runner {
    /// A routine run again and again.
    fn read<T: Summarize, F: Future<Output = T>>(&mut self, routine: impl FnMut() -> F);
    /// A synchronous routine run again and again.
    fn read_sync<T: Summarize>(&mut self, routine: impl FnMut() -> T);
    /// A routine that writes: each run takes a fresh `input()` and is
    /// followed by `cleanup()`, both untimed.
    fn write<I, T: Summarize, F: Future<Output = T>, C: Future<Output = ()>>(
        &mut self,
        input: impl FnMut() -> I,
        routine: impl FnMut(I) -> F,
        cleanup: impl FnMut() -> C,
    );
    /// [`Runner::write`] for a synchronous connection `state`.
    fn write_sync<S, I, T: Summarize>(
        &mut self,
        state: &mut S,
        input: impl FnMut() -> I,
        routine: impl FnMut(&mut S, I) -> T,
        cleanup: impl FnMut(&mut S),
    );
}

/// Hands `side`'s routine for `shape` at size `n` to `runner`. The side
/// must be connected in `sides`.
pub fn run<R: Runner>(sides: &mut Sides, shape: Shape, side: Side, n: u64, runner: &mut R) {
    let backend = sides.backend;
    let hand = schema::hand(backend);
    match side {
        Side::Strata => {
            let db = sides.strata.as_ref().expect("strata connected");
            match shape {
                Shape::Trivial => {
                    runner.read(|| async move { st::trivial(n).all(db).await.unwrap() })
                }
                Shape::Join => runner.read(|| async move { st::join(n).all(db).await.unwrap() }),
                Shape::Prefetch => {
                    runner.read(|| async move { st::prefetch(n).all(db).await.unwrap() })
                }
                Shape::Subquery => {
                    runner.read(|| async move { st::subquery(n).all(db).await.unwrap() })
                }
                Shape::Annotate => runner.read(|| st::annotate(db, n)),
                Shape::GroupBy => runner.read(|| st::group_by(db, n)),
                Shape::Update => runner.read(|| st::update(db, n)),
                Shape::Insert => runner.write(
                    || new_users(n as usize),
                    |rows| st::insert(db, rows),
                    || async move {
                        db.execute_raw_sql(schema::CLEANUP).await.unwrap();
                    },
                ),
            }
        }
        Side::Sqlx => {
            let pool = sides.sqlx.as_ref().expect("sqlx connected");
            match shape {
                Shape::Trivial => runner.read(|| sqlx_hand::trivial(pool, hand, n)),
                Shape::Join => runner.read(|| sqlx_hand::join(pool, hand, n)),
                Shape::Prefetch => runner.read(|| sqlx_hand::prefetch(pool, backend, hand, n)),
                Shape::Annotate => runner.read(|| sqlx_hand::annotate(pool, hand, n)),
                Shape::GroupBy => runner.read(|| sqlx_hand::group_by(pool, hand, n)),
                Shape::Update => runner.read(|| sqlx_hand::update(pool, hand, n)),
                Shape::Subquery => runner.read(|| sqlx_hand::subquery(pool, hand, n)),
                Shape::Insert => {
                    let sql: Arc<str> = schema::insert_users(backend, n as usize).into();
                    runner.write(
                        || new_users(n as usize),
                        |rows| {
                            let sql = Arc::clone(&sql);
                            async move { sqlx_hand::insert(pool, &sql, rows).await }
                        },
                        || sqlx_hand::cleanup(pool),
                    )
                }
            }
        }
        Side::SeaOrm => {
            let db = sides.seaorm.as_ref().expect("seaorm connected");
            match shape {
                Shape::Trivial => runner.read(|| seaorm::trivial(db, n)),
                Shape::Join => runner.read(|| seaorm::join(db, n)),
                Shape::Prefetch => runner.read(|| seaorm::prefetch(db, n)),
                Shape::Annotate => runner.read(|| seaorm::annotate(db, n)),
                Shape::GroupBy => runner.read(|| seaorm::group_by(db, n)),
                Shape::Update => runner.read(|| seaorm::update(db, n)),
                Shape::Subquery => runner.read(|| seaorm::subquery(db, n)),
                Shape::Insert => runner.write(
                    || new_users(n as usize),
                    |rows| seaorm::insert(db, rows),
                    || seaorm::cleanup(db),
                ),
            }
        }
        Side::Diesel => {
            let conn = sides.diesel.as_mut().expect("diesel connected");
            crate::with_diesel!(conn, |c| run_diesel(c, shape, n, runner))
        }
        Side::Raw => match sides.raw.as_ref().expect("raw driver connected") {
            Raw::Sqlite(raw) => run_rusqlite(raw, shape, n, runner),
            Raw::Postgres(raw) => run_tokio_postgres(raw, shape, n, runner),
        },
    }
}

fn run_diesel<C: DieselOps, R: Runner>(c: &mut C, shape: Shape, n: u64, runner: &mut R) {
    match shape {
        Shape::Trivial => runner.read_sync(|| c.trivial(n)),
        Shape::Join => runner.read_sync(|| c.join(n)),
        Shape::Prefetch => runner.read_sync(|| c.prefetch(n)),
        Shape::Annotate => runner.read_sync(|| c.annotate(n)),
        Shape::GroupBy => runner.read_sync(|| c.group_by(n)),
        Shape::Update => runner.read_sync(|| c.update(n)),
        Shape::Subquery => runner.read_sync(|| c.subquery(n)),
        Shape::Insert => runner.write_sync(
            c,
            || new_users(n as usize),
            |c, rows| c.insert_users(rows),
            |c| c.cleanup(),
        ),
    }
}

fn run_rusqlite<R: Runner>(raw: &raw_sqlite::RawSqlite, shape: Shape, n: u64, runner: &mut R) {
    match shape {
        Shape::Trivial => runner.read_sync(|| raw.trivial(n)),
        Shape::Join => runner.read_sync(|| raw.join(n)),
        Shape::Prefetch => runner.read_sync(|| raw.prefetch(n)),
        Shape::Annotate => runner.read_sync(|| raw.annotate(n)),
        Shape::GroupBy => runner.read_sync(|| raw.group_by(n)),
        Shape::Update => runner.read_sync(|| raw.update(n)),
        Shape::Subquery => runner.read_sync(|| raw.subquery(n)),
        Shape::Insert => {
            let sql = schema::insert_users(Backend::Sqlite, n as usize);
            runner.write_sync(
                &mut (),
                || new_users(n as usize),
                |_, rows| raw.insert(&sql, rows),
                |_| raw.cleanup(),
            )
        }
    }
}

fn run_tokio_postgres<R: Runner>(
    raw: &raw_postgres::RawPostgres,
    shape: Shape,
    n: u64,
    runner: &mut R,
) {
    match shape {
        Shape::Trivial => runner.read(|| raw.trivial(n)),
        Shape::Join => runner.read(|| raw.join(n)),
        Shape::Prefetch => runner.read(|| raw.prefetch(n)),
        Shape::Annotate => runner.read(|| raw.annotate(n)),
        Shape::GroupBy => runner.read(|| raw.group_by(n)),
        Shape::Update => runner.read(|| raw.update(n)),
        Shape::Subquery => runner.read(|| raw.subquery(n)),
        Shape::Insert => runner.write(
            || new_users(n as usize),
            |rows| raw.insert(rows),
            || raw.cleanup(),
        ),
    }
}

/// A [`Runner`] that runs each routine once and keeps its [`Summary`].
struct Once<'rt> {
    rt: &'rt tokio::runtime::Runtime,
    got: Option<Summary>,
}

impl Runner for Once<'_> {
    fn read<T: Summarize, F: Future<Output = T>>(&mut self, mut routine: impl FnMut() -> F) {
        self.got = Some(self.rt.block_on(routine()).summary());
    }

    fn read_sync<T: Summarize>(&mut self, mut routine: impl FnMut() -> T) {
        self.got = Some(routine().summary());
    }

    fn write<I, T: Summarize, F: Future<Output = T>, C: Future<Output = ()>>(
        &mut self,
        mut input: impl FnMut() -> I,
        mut routine: impl FnMut(I) -> F,
        mut cleanup: impl FnMut() -> C,
    ) {
        self.got = Some(self.rt.block_on(routine(input())).summary());
        self.rt.block_on(cleanup());
    }

    fn write_sync<S, I, T: Summarize>(
        &mut self,
        state: &mut S,
        mut input: impl FnMut() -> I,
        mut routine: impl FnMut(&mut S, I) -> T,
        mut cleanup: impl FnMut(&mut S),
    ) {
        self.got = Some(routine(state, input()).summary());
        cleanup(state);
    }
}

/// Runs `side` once on `shape` at size `n` and returns what it read.
pub fn summarize(
    rt: &tokio::runtime::Runtime,
    sides: &mut Sides,
    shape: Shape,
    side: Side,
    n: u64,
) -> Summary {
    let mut once = Once { rt, got: None };
    run(sides, shape, side, n, &mut once);
    once.got.expect("the routine ran")
}

/// The shapes whose rows are fixed by their SQL alone at every size
/// (the others take `LIMIT N` rows in no stated order; at the largest
/// size every matching row is taken, so there the digests must agree
/// too).
fn rows_fixed(shape: Shape, n: u64) -> bool {
    match shape {
        Shape::GroupBy | Shape::Update | Shape::Insert => true,
        Shape::Trivial | Shape::Annotate | Shape::Prefetch => true,
        Shape::Join | Shape::Subquery => n >= 10_000,
    }
}

/// Checks, before anything is measured, that every connected side reads
/// the same rows and values for `shape` at size `n` (rows and a digest
/// of every value; for `update`/`insert` the rows written), that strata
/// writes the SQL the hand-written sides run, and that strata's update
/// really adds one per row. Panics naming the shape and the sides that
/// disagree.
pub fn check(rt: &tokio::runtime::Runtime, sides: &mut Sides, shape: Shape, n: u64) {
    let backend = sides.backend;
    if let Some(db) = sides.strata.as_ref() {
        check_hand_sql(db.dialect(), backend, shape, n);
    }
    let before = sides
        .strata
        .as_ref()
        .filter(|_| shape == Shape::Update)
        .map(|db| rt.block_on(st::total_views(db)));
    let mut got: Vec<(&'static str, Summary)> = Vec::new();
    for side in Side::ALL {
        if sides.has(side) {
            got.push((side.name(backend), summarize(rt, sides, shape, side, n)));
        }
    }
    if let (Some(before), Some(db)) = (before, sides.strata.as_ref()) {
        let after = rt.block_on(st::total_views(db));
        assert_eq!(
            after - before,
            n as i64 * sides_on_strata_tables(sides),
            "update/{n} on {}: strata's update did not add 1 to each of the {n} rows",
            backend.name()
        );
    }
    let expected_rows = match shape {
        Shape::Prefetch | Shape::GroupBy | Shape::Update | Shape::Insert | Shape::Trivial => {
            Some(n as usize)
        }
        _ => None,
    };
    let Some(&(first_name, first)) = got.first() else {
        return;
    };
    for &(name, summary) in &got {
        let what = format!("{}/{n} on {}", shape.name(), backend.name());
        assert_eq!(
            summary.rows, first.rows,
            "{what}: {name} read {} rows, {first_name} {}: {got:?}",
            summary.rows, first.rows
        );
        if rows_fixed(shape, n) {
            assert_eq!(
                summary.digest, first.digest,
                "{what}: {name} and {first_name} read different values: {got:?}"
            );
        }
        if let Some(rows) = expected_rows {
            assert_eq!(
                summary.rows, rows,
                "{what}: {name} read {} rows",
                summary.rows
            );
        }
    }
}

/// How many of the checked sides update strata's copy of `posts`: on
/// PostgreSQL every side shares the tables; on SQLite each connection is
/// its own database.
fn sides_on_strata_tables(sides: &Sides) -> i64 {
    match sides.backend {
        Backend::Sqlite => 1,
        Backend::Postgres => Side::ALL.into_iter().filter(|s| sides.has(*s)).count() as i64,
    }
}

/// Asserts that strata writes, for the single-statement shapes, the text
/// the hand-written sqlx and raw-driver sides run: otherwise they would
/// measure different statements.
fn check_hand_sql(dialect: strata::Dialect, backend: Backend, shape: Shape, n: u64) {
    let hand = schema::hand(backend);
    let (strata_sql, hand_sql) = match shape {
        Shape::Trivial => (
            st::trivial(n).sql(dialect).into_sql(),
            hand.trivial.to_string(),
        ),
        Shape::Join => (st::join(n).sql(dialect).into_sql(), hand.join.to_string()),
        Shape::Subquery => (
            st::subquery(n).sql(dialect).into_sql(),
            hand.subquery.to_string(),
        ),
        Shape::Annotate => (st::annotate_sql(dialect, n), hand.annotate.to_string()),
        Shape::GroupBy => (st::group_by_sql(dialect, n), hand.group_by.to_string()),
        Shape::Update => (st::update_sql(dialect, n), hand.update.to_string()),
        Shape::Insert => (
            st::insert_sql(dialect, n),
            schema::insert_users(backend, n as usize),
        ),
        Shape::Prefetch => return,
    };
    assert_eq!(
        strata_sql,
        hand_sql,
        "{}/{n} on {}: strata's SQL is no longer the hand-written SQL of src/e2e/schema.rs; \
         update it so that every side runs the same statement",
        shape.name(),
        backend.name()
    );
}
