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
    // The subquery selects names, not keys.
    let _ = Post::objects()
        .filter(Post::author().is_in(Author::objects().values(Author::name())))
        .sql(Dialect::Sqlite);
}
