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
    // A count is an i64, not a text.
    let _ = Author::objects()
        .annotate(Author::posts().count())
        .filter(Ann0.eq("many"))
        .sql(Dialect::Sqlite);
}
