use strata::prelude::*;

#[derive(Model)]
pub struct Author {
    id: i64,
}

#[derive(Model)]
pub struct Post {
    id: i64,
    #[strata(on_delete = cascade, related_name = "entries")]
    author: ForeignKey<Author>,
    #[strata(on_delete = cascade, related_name = "entries")]
    editor: ForeignKey<Author>,
}

fn main() {}
