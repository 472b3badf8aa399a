use strata::prelude::*;
use strata::query::aggregate::Count;

#[derive(Model)]
struct Post {
    id: i64,
    author_id: i64,
}

fn main() {
    // A count is an `i64`, not text.
    let _ = Post::objects()
        .values(Post::author_id())
        .annotate(Count::all())
        .filter(Ann0.gt("many"))
        .sql(Dialect::Sqlite);
}
