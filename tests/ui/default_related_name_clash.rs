use strata::prelude::*;

#[derive(Model)]
pub struct Author {
    id: i64,
}

#[derive(Model)]
pub struct Post {
    id: i64,
    #[strata(on_delete = cascade)]
    author: ForeignKey<Author>,
    // Both would give Author a `post_set()`.
    #[strata(on_delete = cascade)]
    editor: ForeignKey<Author>,
}

fn main() {}
