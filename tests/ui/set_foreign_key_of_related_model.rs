use strata::prelude::*;

#[derive(Model)]
pub struct Country {
    id: i64,
}

#[derive(Model)]
pub struct Author {
    id: i64,
    #[strata(on_delete = cascade, related_name = "authors")]
    country: ForeignKey<Country>,
}

#[derive(Model)]
pub struct Post {
    id: i64,
    #[strata(on_delete = cascade, related_name = "posts")]
    author: ForeignKey<Author>,
}

fn main() {
    // `country` is the author's foreign key, not the post's.
    let _ = Post::author().country().set(1);
}
