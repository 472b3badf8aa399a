use strata::prelude::*;

#[derive(Model)]
struct Post {
    id: i64,
    rating: i32,
}

fn main() {
    let _ = Post::objects()
        .filter(Post::rating().contains("x"))
        .sql(Dialect::Sqlite);
}
