use strata::prelude::*;

#[derive(Model)]
struct Post {
    id: i64,
    #[strata(default = 300)]
    level: u8,
}

fn main() {}
