use strata::prelude::*;
use strata::query::aggregate::StringAgg;

#[derive(Model)]
struct Sale {
    id: i64,
    units: i32,
}

fn main() {
    let _ = Sale::objects().aggregate_sql(Dialect::Sqlite, (StringAgg(Sale::units(), ", "),));
}
