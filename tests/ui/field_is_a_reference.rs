use strata::prelude::*;

#[derive(Model)]
struct Post {
    id: i64,
    title: &'static str,
}

fn main() {}
