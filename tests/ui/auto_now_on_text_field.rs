use strata::prelude::*;

#[derive(Model)]
struct Post {
    id: i64,
    #[strata(auto_now)]
    title: String,
}

fn main() {}
