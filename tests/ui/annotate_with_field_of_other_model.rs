use strata::prelude::*;

#[derive(Model)]
struct Author {
    id: i64,
    name: String,
}

#[derive(Model)]
struct Post {
    id: i64,
    likes: i32,
}

fn main() {
    let _ = Author::objects().annotate(Post::likes());
}
