use strata::prelude::*;

#[derive(Model)]
struct Post(i64, String);

fn main() {}
