use strata::prelude::*;

#[derive(Model)]
struct Author {
    id: i64,
    name: String,
}

#[derive(Model)]
struct Post {
    id: i64,
    #[strata(on_delete = cascade, related_name = "posts")]
    author: ForeignKey<Author>,
}

fn main() {
    // A post has one author: there is nothing to count.
    let _ = Post::objects().annotate(Post::author().count());
}
