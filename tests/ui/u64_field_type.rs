use strata::prelude::*;

#[derive(Model)]
struct Post {
    id: i64,
    views: u64,
}

fn main() {}
