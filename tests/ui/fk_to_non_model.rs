use strata::prelude::*;

struct NotAModel {
    id: i64,
}

#[derive(Model)]
struct Post {
    id: i64,
    #[strata(on_delete = cascade)]
    author: ForeignKey<NotAModel>,
}

fn main() {}
