use strata::prelude::*;

#[derive(Model)]
struct Post {
    id: i64,
    rating: i32,
}

fn main() {
    let _ = Post::objects().update_sql(Dialect::Sqlite, [Post::rating().set("high")]);
}
