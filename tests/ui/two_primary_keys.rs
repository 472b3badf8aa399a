use strata::prelude::*;

#[derive(Model)]
struct Post {
    #[strata(primary_key)]
    slug: String,
    #[strata(primary_key)]
    code: String,
}

fn main() {}
