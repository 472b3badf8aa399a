use strata::prelude::*;

#[derive(Model)]
struct Post {
    slug: String,
    title: String,
}

fn main() {}
