use strata::prelude::*;

#[derive(Model)]
struct Post {
    id: i64,
    #[strata(default = "a\0b")]
    title: String,
}

fn main() {}
