use strata::prelude::*;

#[derive(Model)]
pub struct Author {
    id: i64,
}

#[derive(Model)]
pub struct Post {
    id: i64,
    #[strata(on_delete = cascade, related_name = "posts")]
    author: ForeignKey<Author>,
}

fn main() {
    // `author` is not an Option: every post has one.
    let _ = Post::objects().filter(Post::author().is_null(true));
}
