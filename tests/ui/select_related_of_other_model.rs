use strata::prelude::*;

#[derive(Model)]
struct Author {
    id: i64,
}

#[derive(Model)]
struct Post {
    id: i64,
    #[strata(on_delete = cascade)]
    author: ForeignKey<Author>,
}

#[derive(Model)]
struct Comment {
    id: i64,
    #[strata(on_delete = cascade)]
    post: ForeignKey<Post>,
}

fn main() {
    // A path that starts at Post cannot load relations of Comments.
    let _ = Comment::objects().select_related(Post::author());
}
