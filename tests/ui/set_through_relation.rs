use strata::prelude::*;

#[derive(Model)]
pub struct Author {
    id: i64,
    name: String,
}

#[derive(Model)]
pub struct Post {
    id: i64,
    #[strata(on_delete = cascade, related_name = "posts")]
    author: ForeignKey<Author>,
}

fn main() {
    // An UPDATE of blog posts cannot write the authors' table.
    let _ = Post::author().name().set("Ann");
}
