use strata::prelude::*;
use strata::query::aggregate::Avg;

#[derive(Model)]
struct Event {
    id: i64,
    day: chrono::NaiveDate,
}

fn main() {
    let _ = Event::objects().aggregate_sql(Dialect::Sqlite, (Avg(Event::day()),));
}
