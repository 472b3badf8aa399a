use strata::prelude::*;
use strata::query::subquery::{Exists, OuterRef};

#[derive(Model)]
struct Author {
    id: i64,
    name: String,
}

#[derive(Model)]
struct Book {
    id: i64,
    title: String,
}

#[derive(Model)]
struct Post {
    id: i64,
    #[strata(on_delete = cascade, related_name = "posts")]
    author: ForeignKey<Author>,
}

fn main() {
    let _ = Author::objects()
        .filter(Exists(|author: OuterRef<Author>| {
            Post::objects().filter(Post::author().id().eq(author.field(Book::id())))
        }))
        .sql(Dialect::Sqlite);
}
