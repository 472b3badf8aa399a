use strata::prelude::*;

#[derive(Model)]
#[strata(primary_key(fields(order, line)))]
struct OrderLine {
    order: i64,
    line: i32,
}

fn main() {}
