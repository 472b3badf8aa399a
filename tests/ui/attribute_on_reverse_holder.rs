use strata::prelude::*;

#[derive(Model)]
pub struct Author {
    id: i64,
    #[strata(related_name = "posts")]
    posts: Reverse<Post>,
}

#[derive(Model)]
pub struct Post {
    id: i64,
    #[strata(on_delete = cascade, related_name = "posts")]
    author: ForeignKey<Author>,
}

fn main() {}
