use strata::prelude::*;

#[derive(FieldType)]
#[strata(stored_as = integer)]
enum Priority {
    Low,
    #[strata(value = "high")]
    High,
}

fn main() {}
