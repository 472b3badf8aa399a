use strata::prelude::*;
use strata::query::window::{RowNumber, Window};

#[derive(Model)]
struct Post {
    id: i64,
    likes: i32,
}

fn main() {
    let _ = Post::objects()
        .annotate(Window::new(RowNumber).order_by(Post::likes().desc()))
        .filter(Ann0.lte(3))
        .sql(Dialect::Sqlite);
}
