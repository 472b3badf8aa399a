use strata::prelude::*;

#[derive(Model)]
struct Post {
    id: i64,
    #[strata(default = "yes")]
    published: bool,
}

fn main() {}
