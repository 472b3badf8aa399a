//! Query generation without a database: how long strata takes to turn a
//! queryset into SQL text and binds, next to the physical limit of copying
//! a static string and its binds. Run: `cd benches && cargo bench`.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use strata::prelude::*;
use strata::Value;

#[derive(Model, Debug)]
#[strata(table = "users")]
struct User {
    id: i32,
    #[strata(max_length = 50)]
    name: String,
    hair_color: Option<String>,
}

fn build(c: &mut Criterion) {
    let mut group = c.benchmark_group("query_build");
    for dialect in Dialect::ALL {
        group.bench_function(format!("trivial_select/{dialect}"), |b| {
            b.iter(|| black_box(User::objects().sql(dialect)))
        });
        group.bench_function(format!("seven_filters/{dialect}"), |b| {
            b.iter(|| {
                let qs = User::objects()
                    .filter(User::name().eq(black_box("Sean")))
                    .filter(User::hair_color().eq(black_box("black")))
                    .filter(User::id().gt(black_box(1)))
                    .filter(User::id().lt(black_box(1000)))
                    .filter(User::name().contains(black_box("ea")))
                    .filter(User::hair_color().is_null(false))
                    .filter(User::id().ne(black_box(7)))
                    .order_by(User::id().desc())
                    .limit(10);
                black_box(qs.sql(dialect))
            })
        });
        group.bench_function(format!("static_string_limit/{dialect}"), |b| {
            b.iter(|| {
                let sql = String::from(black_box(r#"SELECT "id", "name", "hair_color" FROM "users" WHERE "name" = $1"#));
                let binds = vec![Value::String(Some(black_box("Sean").to_owned()))];
                black_box((sql, binds))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, build);
criterion_main!(benches);
