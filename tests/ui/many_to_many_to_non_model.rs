use strata::prelude::*;

pub struct NotAModel {
    id: i64,
}

#[derive(Model)]
pub struct Post {
    id: i64,
    #[strata(related_name = "posts")]
    tags: ManyToMany<NotAModel>,
}

fn main() {}
