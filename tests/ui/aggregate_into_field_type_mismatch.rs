use strata::prelude::*;
use strata::query::aggregate::{Count, Sum};

#[derive(Model)]
struct Sale {
    id: i64,
    units: i32,
}

#[derive(strata::Aggregates)]
struct Stats {
    n: i64,
    // `Sum` of an empty set is `None`: the field must be `Option<i64>`.
    total: i64,
}

async fn stats(db: &Db) -> strata::Result<Stats> {
    Sale::objects()
        .aggregate_into::<Stats>(db, (Count::all(), Sum(Sale::units())))
        .await
}

fn main() {
    let _ = stats;
}
