use strata::prelude::*;

#[derive(Model)]
struct Post {
    id: i64,
    title: String,
    likes: i32,
}

fn main() {
    let _ = Post::objects()
        .filter(Post::likes().gt(Post::title().lower()))
        .sql(Dialect::Sqlite);
}
