use strata::prelude::*;

#[derive(Model)]
struct Post {
    id: i64,
    title: String,
}

fn main() {
    let _ = Post::objects()
        .filter(Post::title().eq(5))
        .sql(Dialect::Sqlite);
}
