use strata::prelude::*;

#[derive(Model)]
#[strata(tabel = "blog_post")]
struct Post {
    id: i64,
    #[strata(max_lenght = 200)]
    title: String,
    #[strata(default = "yes")]
    published: bool,
}

fn main() {}
