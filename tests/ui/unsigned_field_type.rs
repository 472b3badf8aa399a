use strata::prelude::*;

#[derive(Model)]
struct Post {
    id: i64,
    views: u32,
}

fn main() {}
