//! Models for `StringAgg` and decimal averages: shelves of volumes with
//! non-ASCII and hostile titles, optional notes, decimals of many places,
//! and the exact mean computed in Rust, in integers.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use strata::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "agg_shelf")]
pub struct Shelf {
    pub id: i64,
    #[strata(max_length = 40)]
    pub name: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "agg_volume")]
pub struct Volume {
    pub id: i64,
    #[strata(max_length = 60)]
    pub title: String,
    #[strata(max_length = 60)]
    pub note: Option<String>,
    #[strata(on_delete = cascade, related_name = "volumes")]
    pub shelf: ForeignKey<Shelf>,
    #[strata(max_digits = 15, decimal_places = 9)]
    pub price: Decimal,
    #[strata(max_digits = 15, decimal_places = 9)]
    pub cost: Option<Decimal>,
    #[strata(max_digits = 30, decimal_places = 10)]
    pub wide: Decimal,
    pub pages: i32,
    pub printed: NaiveDate,
    pub body: String,
}

/// The shelves, unsaved.
pub fn shelves() -> Vec<Shelf> {
    ["east", "west", "empty"]
        .into_iter()
        .map(|name| Shelf {
            id: 0,
            name: name.into(),
        })
        .collect()
}

/// The volumes on the first two of `shelves`, unsaved: titles with
/// quotes, backslashes, `%` / `_` and non-ASCII letters, repeated notes
/// and `NULL` ones, prices whose float mean is wrong in its last places.
pub fn volumes(shelves: &[Shelf]) -> Vec<Volume> {
    let v =
        |title: &str, note: Option<&str>, shelf: usize, price: &str, cost: Option<&str>| Volume {
            id: 0,
            title: title.into(),
            note: note.map(Into::into),
            shelf: ForeignKey::new(shelves[shelf].id),
            price: price.parse().expect("decimal"),
            cost: cost.map(|c| c.parse().expect("decimal")),
            wide: format!("{price}0").parse().expect("decimal"),
            pages: title.len() as i32,
            printed: NaiveDate::from_ymd_opt(2024, 1, 1 + title.len() as u32 % 27).expect("date"),
            body: format!("body of {title}"),
        };
    vec![
        v(
            "Ωmega",
            Some("greek"),
            0,
            "123456.123456789",
            Some("0.000000001"),
        ),
        v("naïve", None, 0, "0.000000001", None),
        v(
            "日本語",
            Some("cjk"),
            0,
            "-2.500000000",
            Some("1.333333333"),
        ),
        v(
            "it's",
            Some("greek"),
            1,
            "99999.999999999",
            Some("-0.000000007"),
        ),
        v("50%_off", None, 1, "0.100000000", Some("0.200000000")),
        v("back\\slash", Some("cjk"), 1, "0.200000000", None),
        v("Zed", Some("a,b"), 0, "1.333333333", Some("2")),
    ]
}

/// The exact mean of `values` (each of at most `places` decimal places)
/// rounded half away from zero to `places + 4`, in integer arithmetic.
pub fn exact_mean(values: &[Decimal], places: u32) -> Option<Decimal> {
    if values.is_empty() {
        return None;
    }
    let out = places + 4;
    let units: i128 = values
        .iter()
        .map(|v| {
            let mut v = *v;
            v.rescale(out);
            assert_eq!(v.scale(), out, "{v} fits {out} places");
            v.mantissa()
        })
        .sum();
    let n = values.len() as i128;
    let (q, r) = (units / n, units % n);
    let q = if 2 * r.abs() >= n { q + r.signum() } else { q };
    Some(Decimal::from_i128_with_scale(q, out))
}
