use strata::prelude::*;
use strata::query::window::{RowNumber, Window};

#[derive(Model)]
struct Post {
    id: i64,
    likes: i32,
}

fn main() {
    // A window is no expression of one row: values() cannot read it.
    let _ = Post::objects()
        .annotate(Window::new(RowNumber).order_by(Post::likes().desc()))
        .values((Post::id(), Ann0))
        .sql(Dialect::Sqlite);
}
