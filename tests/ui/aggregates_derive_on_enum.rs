#[derive(strata::Aggregates)]
enum Stats {
    Count(i64),
}

fn main() {}
