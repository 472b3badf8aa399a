use strata::prelude::*;

#[derive(Model)]
struct Post {
    id: i64,
    title: String,
    likes: i32,
}

fn main() {
    let _ = Post::objects().update_sql(Dialect::Sqlite, [Post::likes().set(Post::title().length())]);
}
