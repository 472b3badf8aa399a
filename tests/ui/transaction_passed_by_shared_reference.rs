use strata::prelude::*;

#[derive(Model)]
struct Author {
    id: i64,
}

async fn count(tx: &strata::Transaction<'_>) -> strata::Result<u64> {
    // A transaction runs statements through `&mut tx`.
    Author::objects().count(tx).await
}

fn main() {
    let _ = count;
}
