use strata::prelude::*;

#[derive(Model)]
pub struct Author {
    id: i64,
}

#[derive(Model)]
pub struct Post {
    id: i64,
    #[strata(on_delete = cascade, related_name = "posts")]
    author: ForeignKey<Author>,
    title: String,
}

fn main() {
    // Ordering by a reverse relation would repeat authors; it does not compile.
    let _ = Author::objects().order_by(Author::posts().title().asc());
}
