//! A model with decimals and dates, for the aggregates that need them.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use strata::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "ex_ledger")]
pub struct Ledger {
    pub id: i64,
    #[strata(max_digits = 12, decimal_places = 2)]
    pub amount: Decimal,
    pub day: NaiveDate,
    pub small: i16,
}

/// The fixture, unsaved: amounts whose float sum is inexact (0.10 +
/// 0.20), small integers near `i16::MAX` whose sum overflows `i16`.
pub fn ledger() -> Vec<Ledger> {
    let l = |amount: &str, (y, m, d), small| Ledger {
        id: 0,
        amount: amount.parse().expect("decimal"),
        day: NaiveDate::from_ymd_opt(y, m, d).expect("date"),
        small,
    };
    vec![
        l("0.10", (2024, 2, 29), i16::MAX),
        l("0.20", (2023, 12, 31), i16::MAX),
        l("1234567890.05", (2024, 1, 1), -5),
    ]
}
