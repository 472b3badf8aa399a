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
    #[strata(related_name = "posts")]
    tags: ManyToMany<Tag>,
}

fn main() {
    // `Post::tags()` starts at Post, not at Author.
    let _ = Author::objects().prefetch_related(Post::tags());
}
