use strata::prelude::*;

#[derive(Model)]
struct Post {
    id: i64,
    title: String,
}

fn main() {
    let _ = Post::objects().select_related(Post::title());
}
