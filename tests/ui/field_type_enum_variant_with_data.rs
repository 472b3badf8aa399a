use strata::prelude::*;

#[derive(FieldType)]
enum Status {
    Draft,
    Live(u32),
}

fn main() {}
