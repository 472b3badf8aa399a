use strata::prelude::*;
use strata::query::aggregate::Count;

#[derive(Model)]
struct Post {
    id: i64,
    author_id: i64,
}

fn main() {
    // One aggregate: only `Ann0` exists.
    let _ = Post::objects()
        .values(Post::author_id())
        .annotate(Count::all())
        .order_by(Ann1.desc())
        .sql(Dialect::Sqlite);
}
