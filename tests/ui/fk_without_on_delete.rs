use strata::prelude::*;

#[derive(Model)]
struct Author {
    id: i64,
}

#[derive(Model)]
struct Post {
    id: i64,
    author: ForeignKey<Author>,
}

fn main() {}
