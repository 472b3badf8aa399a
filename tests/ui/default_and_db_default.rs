use strata::prelude::*;

#[derive(Model)]
struct Post {
    id: i64,
    #[strata(default = 0, db_default = 0)]
    views: i32,
}

fn main() {}
