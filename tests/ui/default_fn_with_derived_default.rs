use strata::prelude::*;

fn make_title() -> String {
    "untitled".into()
}

#[derive(Model)]
#[derive(Default)]
struct Post {
    id: i64,
    #[strata(default_fn = make_title)]
    title: String,
}

fn main() {}
