use strata::prelude::*;

#[derive(Model)]
struct Author {
    id: i64,
    name: String,
}

#[derive(Model)]
struct Post {
    id: i64,
    #[strata(on_delete = cascade, related_name = "posts")]
    author: ForeignKey<Author>,
}

fn main() {
    // One annotation: only `Ann0` exists.
    let _ = Author::objects()
        .annotate(Author::posts().count())
        .order_by(Ann1.desc())
        .sql(Dialect::Sqlite);
}
