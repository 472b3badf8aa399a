use strata::prelude::*;
use strata::query::aggregate::Sum;

#[derive(Model)]
struct Post {
    id: i64,
    title: String,
}

fn main() {
    let _ = Post::objects().aggregate_sql(Dialect::Sqlite, (Sum(Post::title()),));
}
