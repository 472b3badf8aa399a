use strata::prelude::*;

#[derive(Model)]
#[strata(tabel = "blog_post")]
struct Post {
    id: i64,
    title: String,
}

fn main() {}
