//! Instructions per end-to-end query on in-memory SQLite, counted by
//! valgrind's callgrind: a figure that does not move with the load of a
//! shared machine (criterion's times on 2 busy cores do), for comparing
//! strata with sqlx, rusqlite, Diesel and SeaORM and for measuring a
//! change to strata's query path before and after.
//!
//! ```text
//! cargo build --release --manifest-path benches/Cargo.toml --bin e2e_instructions
//! benches/target/release/e2e_instructions [filter ...]
//! ```
//!
//! For every case `<shape>/<side>/<n>` (the read shapes of
//! `strata_benches::e2e::Shape` at 1 and 10,000 rows, `prefetch` at 1 and
//! 1,000 users, sides strata, sqlx, rusqlite, diesel, seaorm) whose name
//! contains one of the filters (all without one), the binary runs itself
//! twice under `valgrind --tool=callgrind`: once connecting, seeding and
//! running the case once (which also checks its row count), once running
//! it `K` more times; the difference divided by `K` is printed. Callgrind
//! counts every thread, so sqlx's SQLite worker thread is included.
//! `insert` is left out: its untimed cleanup would be counted with it.
//!
//! The figures go to `target/strata-report/e2e_instructions.json` (merged
//! with the cases already there), which the report reads.

use serde_json::{json, Value};
use std::future::Future;
use std::process::Command;
use strata_benches::e2e::summary::Summarize;
use strata_benches::e2e::{run, shapes::summarize, Backend, Runner, Shape, Side, Sides};

const SHAPES: [Shape; 7] = [
    Shape::Trivial,
    Shape::Join,
    Shape::Prefetch,
    Shape::Annotate,
    Shape::GroupBy,
    Shape::Update,
    Shape::Subquery,
];
const SIDES: [Side; 5] = [
    Side::Strata,
    Side::Sqlx,
    Side::Raw,
    Side::Diesel,
    Side::SeaOrm,
];

/// The sizes counted for `shape`: the smallest and the largest measured.
fn sizes(shape: Shape) -> [u64; 2] {
    let all = shape.sizes();
    [all[0], all[all.len() - 1]]
}

/// Iterations counted: enough for a stable mean, few enough that a
/// 10,000-row query under callgrind stays within seconds.
fn iterations(n: u64) -> u64 {
    if n >= 1_000 {
        5
    } else {
        200
    }
}

/// Runs a routine `times` times.
struct Repeat<'rt> {
    rt: &'rt tokio::runtime::Runtime,
    times: u64,
}

impl Runner for Repeat<'_> {
    fn read<T: Summarize, F: Future<Output = T>>(&mut self, mut routine: impl FnMut() -> F) {
        let times = self.times;
        self.rt.block_on(async {
            for _ in 0..times {
                std::hint::black_box(routine().await);
            }
        });
    }

    fn read_sync<T: Summarize>(&mut self, mut routine: impl FnMut() -> T) {
        for _ in 0..self.times {
            std::hint::black_box(routine());
        }
    }

    fn write<I, T: Summarize, F: Future<Output = T>, C: Future<Output = ()>>(
        &mut self,
        _: impl FnMut() -> I,
        _: impl FnMut(I) -> F,
        _: impl FnMut() -> C,
    ) {
        unreachable!("writes are not counted (their cleanup would be)")
    }

    fn write_sync<S, I, T: Summarize>(
        &mut self,
        _: &mut S,
        _: impl FnMut() -> I,
        _: impl FnMut(&mut S, I) -> T,
        _: impl FnMut(&mut S),
    ) {
        unreachable!("writes are not counted (their cleanup would be)")
    }
}

/// Child mode: connect one side, run the case once, then `times` more.
fn child(shape: Shape, side: Side, n: u64, times: u64) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let backend = Backend::Sqlite;
    let mut sides = rt.block_on(Sides::connect(backend, "sqlite::memory:", &[side]));
    let summary = summarize(&rt, &mut sides, shape, side, n);
    eprintln!("rows: {}", summary.rows);
    let mut repeat = Repeat { rt: &rt, times };
    run(&mut sides, shape, side, n, &mut repeat);
    rt.block_on(sides.close());
}

/// What callgrind counted for one child run, and the rows it read.
fn count(me: &std::path::Path, name: &str, times: u64) -> Option<(u64, String)> {
    let out = Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(me)
        .args(["--run", name, &times.to_string()])
        .output()
        .ok()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        eprintln!("{name}: the child failed:\n{stderr}");
        return None;
    }
    let collected = stderr
        .lines()
        .find_map(|l| l.split("Collected :").nth(1))
        .and_then(|n| n.trim().parse().ok())?;
    let rows = stderr
        .lines()
        .find_map(|l| l.strip_prefix("rows: "))
        .unwrap_or("?")
        .to_string();
    Some((collected, rows))
}

fn parse_case(name: &str) -> Option<(Shape, Side, u64)> {
    let mut parts = name.split('/');
    let shape = Shape::parse(parts.next()?)?;
    let side = Side::parse(parts.next()?)?;
    let n = parts.next()?.parse().ok()?;
    Some((shape, side, n))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--run") {
        let (shape, side, n) = args
            .get(1)
            .and_then(|c| parse_case(c))
            .expect("--run <shape>/<side>/<n> <times>");
        let times = args.get(2).and_then(|t| t.parse().ok()).unwrap_or(0);
        child(shape, side, n, times);
        return;
    }
    let filters = args;
    let me = std::env::current_exe().expect("own path");
    let out_path = strata_benches::data_dir().join("e2e_instructions.json");
    let mut results: Vec<Value> = std::fs::read_to_string(&out_path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    println!(
        "{:<32} {:>16} {:>8}   (sqlite, in memory; per iteration)",
        "case", "instructions", "rows"
    );
    for shape in SHAPES {
        for n in sizes(shape) {
            for side in SIDES {
                let name = format!("{}/{}/{n}", shape.name(), side.name(Backend::Sqlite));
                if !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str())) {
                    continue;
                }
                let times = iterations(n);
                match (count(&me, &name, 0), count(&me, &name, times)) {
                    (Some((base, rows)), Some((total, _))) => {
                        let per = total.saturating_sub(base) as f64 / times as f64;
                        println!("{name:<32} {per:>16.0} {rows:>8}");
                        results.retain(|r| {
                            !(r["backend"] == "sqlite"
                                && r["shape"] == shape.name()
                                && r["side"] == side.name(Backend::Sqlite)
                                && r["n"] == n)
                        });
                        results.push(json!({
                            "backend": "sqlite",
                            "shape": shape.name(),
                            "side": side.name(Backend::Sqlite),
                            "n": n,
                            "iterations": times,
                            "instructions": per,
                        }));
                    }
                    _ => println!("{name:<32} {:>16}", "valgrind failed"),
                }
            }
        }
    }
    let _ = std::fs::create_dir_all(strata_benches::data_dir());
    std::fs::write(
        &out_path,
        serde_json::to_string_pretty(&results).expect("json"),
    )
    .expect("write the instruction counts");
    println!("wrote {}", out_path.display());
}
