//! End-to-end queries on in-memory SQLite and on PostgreSQL: strata next to
//! hand-written sqlx on the same driver and pool setup, Diesel, SeaORM and
//! the raw driver (rusqlite, tokio-postgres). The shapes, the data and
//! every side's routine are in `strata_benches::e2e`; this file only hands
//! them to criterion, after checking once that every side reads the same
//! rows.
//!
//! PostgreSQL runs when `STRATA_BENCH_POSTGRES_URL` is set to a server
//! URL (e.g. `postgres://postgres@127.0.0.1:5432/test`); the benchmark
//! creates its own database next to the one named, and drops it at the end.
//! `STRATA_BENCH_ONLY=<text>` keeps the groups and sides whose id
//! (`e2e/<backend>/<shape>/<side>/<n>`) contains the text.

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion};
use std::future::Future;
use std::time::{Duration, Instant};
use strata_benches::e2e::sides::{create_postgres_database, drop_postgres_database};
use strata_benches::e2e::summary::Summarize;
use strata_benches::e2e::{check, run, Backend, Runner, Shape, Side, Sides};
use tokio::runtime::Runtime;

/// Hands one routine to criterion as benchmark `id` of `group`.
struct Measure<'g, 'c, 'rt> {
    group: &'g mut BenchmarkGroup<'c, WallTime>,
    id: BenchmarkId,
    rt: &'rt Runtime,
}

impl Runner for Measure<'_, '_, '_> {
    fn read<T: Summarize, F: Future<Output = T>>(&mut self, mut routine: impl FnMut() -> F) {
        let rt = self.rt;
        self.group
            .bench_function(self.id.clone(), |b| b.to_async(rt).iter(&mut routine));
    }

    fn read_sync<T: Summarize>(&mut self, mut routine: impl FnMut() -> T) {
        self.group
            .bench_function(self.id.clone(), |b| b.iter(&mut routine));
    }

    fn write<I, T: Summarize, F: Future<Output = T>, C: Future<Output = ()>>(
        &mut self,
        mut input: impl FnMut() -> I,
        mut routine: impl FnMut(I) -> F,
        mut cleanup: impl FnMut() -> C,
    ) {
        let rt = self.rt;
        self.group.bench_function(self.id.clone(), |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let rows = input();
                        let started = Instant::now();
                        let out = routine(rows).await;
                        total += started.elapsed();
                        drop(out);
                        cleanup().await;
                    }
                    total
                })
            })
        });
    }

    fn write_sync<S, I, T: Summarize>(
        &mut self,
        state: &mut S,
        mut input: impl FnMut() -> I,
        mut routine: impl FnMut(&mut S, I) -> T,
        mut cleanup: impl FnMut(&mut S),
    ) {
        self.group.bench_function(self.id.clone(), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let rows = input();
                    let started = Instant::now();
                    let out = routine(state, rows);
                    total += started.elapsed();
                    drop(out);
                    cleanup(state);
                }
                total
            })
        });
    }
}

fn bench_backend(c: &mut Criterion, rt: &Runtime, backend: Backend, url: &str, only: &str) {
    let mut sides = rt.block_on(Sides::connect(backend, url, &Side::ALL));
    for shape in Shape::ALL {
        for &n in shape.sizes() {
            let group_name = format!("e2e/{}/{}", backend.name(), shape.name());
            let wanted: Vec<Side> = Side::ALL
                .into_iter()
                .filter(|side| format!("{group_name}/{}/{n}", side.name(backend)).contains(only))
                .collect();
            if wanted.is_empty() {
                continue;
            }
            // The same rows on every side, checked once.
            check(rt, &mut sides, shape, n);
            let mut group = c.benchmark_group(&group_name);
            for side in wanted {
                let mut measure = Measure {
                    group: &mut group,
                    id: BenchmarkId::new(side.name(backend), n),
                    rt,
                };
                run(&mut sides, shape, side, n, &mut measure);
            }
            group.finish();
        }
    }
    rt.block_on(sides.close());
}

fn e2e(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let only = std::env::var("STRATA_BENCH_ONLY").unwrap_or_default();
    bench_backend(c, &rt, Backend::Sqlite, "sqlite::memory:", &only);
    if let Some((base, url)) = rt.block_on(create_postgres_database()) {
        bench_backend(c, &rt, Backend::Postgres, &url, &only);
        rt.block_on(drop_postgres_database(&base));
    } else {
        eprintln!("STRATA_BENCH_POSTGRES_URL is not set: PostgreSQL end-to-end skipped");
    }
}

criterion_group!(benches, e2e);
criterion_main!(benches);
