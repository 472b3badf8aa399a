use strata::prelude::*;

#[derive(Model)]
pub struct Author {
    id: i64,
}

#[derive(Model)]
pub struct Tag {
    id: i64,
}

#[derive(Model)]
pub struct Post {
    id: i64,
    #[strata(on_delete = cascade, related_name = "posts")]
    author: ForeignKey<Author>,
}

fn main() {
    let tag = Tag { id: 1 };
    // A relation is compared with a row of its own target, or its key.
    let _ = Post::objects().filter(Post::author().eq(&tag));
}
