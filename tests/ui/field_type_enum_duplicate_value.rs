use strata::prelude::*;

#[derive(FieldType)]
enum Status {
    #[strata(value = "live")]
    Published,
    Live,
}

fn main() {}
