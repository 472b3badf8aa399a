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
    // The subquery is correlated with a `Book` row, but runs inside a
    // queryset of `Author`.
    let _ = Author::objects()
        .filter(Exists(|book: OuterRef<Book>| {
            Post::objects().filter(Post::author().id().eq(book.field(Book::id())))
        }))
        .sql(Dialect::Sqlite);
}
