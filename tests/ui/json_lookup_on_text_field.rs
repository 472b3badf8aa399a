use strata::prelude::*;

#[derive(Model)]
pub struct Doc {
    id: i64,
    body: String,
}

fn main() {
    let _ = Doc::objects().filter(Doc::body().has_key("a"));
}
