use strata::prelude::*;

#[derive(Model)]
struct Post {
    id: i64,
    #[strata(db_default = now)]
    views: i32,
}

fn main() {}
