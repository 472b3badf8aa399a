use strata::prelude::*;

#[derive(Model)]
struct Post {
    id: i64,
    metadata: std::collections::HashMap<String, String>,
}

fn main() {}
