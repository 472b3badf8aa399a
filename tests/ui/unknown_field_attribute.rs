use strata::prelude::*;

#[derive(Model)]
struct Post {
    id: i64,
    #[strata(max_lenght = 10)]
    title: String,
}

fn main() {}
