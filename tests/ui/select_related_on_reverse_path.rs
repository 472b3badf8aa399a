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
}

fn main() {
    // A reverse relation is multi-valued: prefetch_related, not select_related.
    let _ = Author::objects().select_related(Author::posts());
}
