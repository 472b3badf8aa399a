use strata::prelude::*;

#[derive(Model)]
struct Post {
    id: i64,
    #[strata(auto_now, auto_now_add)]
    changed: chrono::DateTime<chrono::Utc>,
}

fn main() {}
