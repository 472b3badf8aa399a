use strata::prelude::*;

#[derive(Model)]
#[strata(ordering(created desc))]
struct Post {
    id: i64,
    created_at: chrono::DateTime<chrono::Utc>,
}

fn main() {}
