use strata::prelude::*;

#[derive(Model)]
struct Post {
    id: i64,
    #[strata(max_length = 10)]
    count: i32,
}

fn main() {}
