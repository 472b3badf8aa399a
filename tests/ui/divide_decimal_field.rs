use strata::prelude::*;

#[derive(Model)]
struct Invoice {
    id: i64,
    #[strata(max_digits = 10, decimal_places = 2)]
    total: rust_decimal::Decimal,
    #[strata(max_digits = 10, decimal_places = 2)]
    paid: rust_decimal::Decimal,
}

fn main() {
    let _ = Invoice::objects()
        .filter((Invoice::total() / Invoice::paid()).gt(rust_decimal::Decimal::ONE))
        .sql(Dialect::Sqlite);
}
