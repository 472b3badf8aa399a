use strata::prelude::*;

#[derive(Model)]
struct Event {
    id: i64,
    day: chrono::NaiveDate,
}

fn main() {
    let _ = Event::objects()
        .filter(Event::day().hour().eq(3))
        .sql(Dialect::Sqlite);
}
