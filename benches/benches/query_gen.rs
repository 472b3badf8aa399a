//! Query generation without a database, strata next to the static-string
//! limit, Diesel and sea-query (see `strata_benches::query_gen` for what
//! each side and mode runs). Set `STRATA_BENCH_ONLY=<substring>` to run the
//! cases whose `shape/dialect/side/mode` contains it.

use criterion::{criterion_group, criterion_main, Criterion};
use strata_benches::query_gen::cases;

fn query_gen(c: &mut Criterion) {
    let only = std::env::var("STRATA_BENCH_ONLY").unwrap_or_default();
    let mut cases = cases();
    let mut i = 0;
    while i < cases.len() {
        let (shape, dialect) = (cases[i].shape.clone(), cases[i].dialect);
        let mut group = c.benchmark_group(format!("query_gen/{shape}/{dialect}"));
        while i < cases.len() && cases[i].shape == shape && cases[i].dialect == dialect {
            let case = &mut cases[i];
            let name = format!("{}/{}", case.side, case.mode);
            if format!("{shape}/{dialect}/{name}").contains(&only) {
                group.bench_function(name, |b| b.iter(&mut case.run));
            }
            i += 1;
        }
        group.finish();
    }
}

criterion_group!(benches, query_gen);
criterion_main!(benches);
