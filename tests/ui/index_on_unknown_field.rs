use strata::prelude::*;

#[derive(Model)]
#[strata(index(fields(nope)))]
struct Post {
    id: i64,
    title: String,
}

fn main() {}
