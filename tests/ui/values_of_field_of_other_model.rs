use strata::prelude::*;

#[derive(Model)]
struct Author {
    id: i64,
    name: String,
}

#[derive(Model)]
struct Post {
    id: i64,
    title: String,
}

fn main() {
    let _ = Post::objects()
        .values((Post::id(), Author::name()))
        .sql(Dialect::Sqlite);
}
