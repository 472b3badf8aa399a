use strata::prelude::*;

#[derive(Model)]
struct Post {
    id: i64,
    #[strata(default_fn = "make_title")]
    title: String,
}

fn main() {}
