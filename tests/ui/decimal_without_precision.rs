use strata::prelude::*;

#[derive(Model)]
struct Product {
    id: i64,
    price: rust_decimal::Decimal,
}

fn main() {}
