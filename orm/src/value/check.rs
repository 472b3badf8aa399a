//! The values strata refuses to send, so that the three databases hold
//! the same value or refuse it the same way (the README's "Same results
//! on every database"):
//!
//! - dates and times outside years 1..=9999: PostgreSQL holds more,
//!   MySQL's `DATE`/`DATETIME` end at 9999 and SQLite's fixed-width text
//!   stops ordering correctly past it;
//! - leap seconds (chrono's `23:59:60`): PostgreSQL turns them into the
//!   next second, MariaDB into a zero date, SQLite keeps text that
//!   compares wrongly;
//! - NaN and infinite floats: MySQL cannot store them, SQLite stores NaN
//!   as `NULL`;
//! - decimals with more places or integer digits than their column
//!   (PostgreSQL and MySQL would round, SQLite would store them
//!   unrounded), and on SQLite decimals of more than 15 significant
//!   digits, which its numeric storage cannot hold exactly.
//!
//! Sub-microsecond digits are the one thing every database drops alike:
//! all three truncate to microseconds, so `Utc::now()` stays storable.
//!
//! The checks look at each value once and allocate nothing unless a value
//! is refused.

use super::{Array, Value};
use crate::column_type::ColumnType;
use crate::dialect::Dialect;
use crate::error::Error;
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use rust_decimal::Decimal;

/// The first year strata stores.
pub const MIN_YEAR: i32 = 1;
/// The last year strata stores.
pub const MAX_YEAR: i32 = 9999;
/// The significant digits of a decimal SQLite holds exactly.
pub const SQLITE_DECIMAL_DIGITS: u32 = 15;

/// Why a value is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Problem {
    Year,
    LeapSecond,
    NotFinite,
    /// More decimal places than the column's `decimal_places`.
    Places {
        max_digits: u8,
        places: u8,
    },
    /// More digits before the point than `max_digits - decimal_places`.
    IntegerDigits {
        max_digits: u8,
        places: u8,
    },
    /// More significant digits than SQLite holds.
    SqliteDigits,
    /// Outside the range of an unsigned column (0 to `max`).
    Unsigned {
        max: i64,
    },
}

/// A refused value: the offending value (an element, for an array) and why.
#[derive(Debug)]
pub(crate) struct Refused {
    pub value: Value,
    pub problem: Problem,
}

impl Refused {
    /// The error naming `column` (`Model.field`).
    #[cold]
    pub(crate) fn into_error(self, column: impl Into<String>) -> Error {
        Error::ValueOutOfRange {
            column: column.into(),
            value: self.value.to_string(),
            reason: self.problem.reason(),
        }
    }
}

impl Problem {
    fn reason(self) -> String {
        match self {
            Problem::Year => format!(
                "strata stores dates and times in years {MIN_YEAR} to {MAX_YEAR} on every \
                 database (the range all three hold exactly and order correctly)"
            ),
            Problem::LeapSecond => "a leap second (23:59:60) is not stored on any database: \
                 the databases disagree on what it means; use 23:59:59.999999 or the next second"
                .into(),
            Problem::Unsigned { max } => format!(
                "the column is unsigned and holds 0 to {max} on every database; \
                 a value outside that range is never wrapped or truncated"
            ),
            Problem::NotFinite => "NaN and infinite floats are not stored on any database \
                 (MySQL cannot hold them, SQLite turns NaN into NULL); use an Option field \
                 and NULL for a missing value"
                .into(),
            Problem::Places { max_digits, places } => format!(
                "the column (max_digits = {max_digits}, decimal_places = {places}) holds \
                 {places} decimal places; round the value first with `value.round_dp({places})` \
                 if rounding is what you want"
            ),
            Problem::IntegerDigits { max_digits, places } => format!(
                "the column (max_digits = {max_digits}, decimal_places = {places}) holds at \
                 most {} digits before the point",
                max_digits.saturating_sub(places)
            ),
            Problem::SqliteDigits => format!(
                "SQLite holds at most {SQLITE_DECIMAL_DIGITS} significant digits of a decimal \
                 exactly"
            ),
        }
    }
}

/// Checks a value against the rules that hold for every column and
/// database: years, leap seconds, finite floats. Arrays are checked
/// element by element.
#[inline]
pub(crate) fn value(value: &Value) -> Result<(), Refused> {
    if may_be_refused(value) {
        refused_value(value)
    } else {
        Ok(())
    }
}

/// Whether [`value`]'s rules can refuse `value` (a float, a date or time,
/// an array): the test that lets every other value (integers, text,
/// decimals, `NULL`s) pass without a call.
#[inline]
fn may_be_refused(value: &Value) -> bool {
    matches!(
        value,
        Value::F32(Some(_))
            | Value::F64(Some(_))
            | Value::Date(Some(_))
            | Value::Time(Some(_))
            | Value::DateTime(Some(_))
            | Value::DateTimeUtc(Some(_))
            | Value::Array(_)
    )
}

/// [`value`] of a value that [`may_be_refused`].
#[inline(never)]
fn refused_value(value: &Value) -> Result<(), Refused> {
    let problem = match value {
        Value::F32(Some(x)) if !x.is_finite() => Problem::NotFinite,
        Value::F64(Some(x)) if !x.is_finite() => Problem::NotFinite,
        Value::Date(Some(d)) => match date(d) {
            Some(p) => p,
            None => return Ok(()),
        },
        Value::Time(Some(t)) => match time(t) {
            Some(p) => p,
            None => return Ok(()),
        },
        Value::DateTime(Some(t)) => match datetime(t) {
            Some(p) => p,
            None => return Ok(()),
        },
        Value::DateTimeUtc(Some(t)) => match datetime(&t.naive_utc()) {
            Some(p) => p,
            None => return Ok(()),
        },
        Value::Array(a) => return array(a),
        _ => return Ok(()),
    };
    Err(Refused {
        value: value.clone(),
        problem,
    })
}

/// Checks a value written to, or compared with, a column of type `ty` on
/// `dialect`: [`value`]'s rules, then a decimal's precision.
#[inline]
pub(crate) fn for_column(v: &Value, ty: &ColumnType, dialect: Dialect) -> Result<(), Refused> {
    value(v)?;
    if let Some(max) = ty.unsigned_max() {
        let n = match v {
            Value::I16(Some(n)) => Some(i64::from(*n)),
            Value::I32(Some(n)) => Some(i64::from(*n)),
            Value::I64(Some(n)) => Some(*n),
            _ => None,
        };
        if n.is_some_and(|n| !(0..=max).contains(&n)) {
            return Err(Refused {
                value: v.clone(),
                problem: Problem::Unsigned { max },
            });
        }
    }
    if let (Value::Decimal(Some(d)), ColumnType::Decimal(max_digits, places)) = (v, ty) {
        if let Some(problem) = decimal(d, *max_digits, *places, dialect) {
            return Err(Refused {
                value: v.clone(),
                problem,
            });
        }
    }
    Ok(())
}

/// Checks a value a filter compares a column with on `dialect`:
/// [`value`]'s rules, and on SQLite no decimal of more significant digits
/// than it compares exactly. A decimal with more places than its column
/// is fine to compare with, so a column's precision is not checked.
#[inline]
pub(crate) fn for_filter(v: &Value, dialect: Dialect) -> Result<(), Refused> {
    // Most values (integers, text, `NULL`s) pass without a call.
    if may_be_refused(v) || (dialect == Dialect::Sqlite && matches!(v, Value::Decimal(Some(_)))) {
        refused_filter_value(v, dialect)
    } else {
        Ok(())
    }
}

/// [`for_filter`] of a value that its rules may refuse.
#[inline(never)]
fn refused_filter_value(v: &Value, dialect: Dialect) -> Result<(), Refused> {
    value(v)?;
    let too_precise = |d: &Decimal| {
        dialect == Dialect::Sqlite
            && digits(d.normalize().mantissa().unsigned_abs()) > SQLITE_DECIMAL_DIGITS
    };
    let bad = match v {
        Value::Decimal(Some(d)) if too_precise(d) => Some(*d),
        Value::Array(Array::Decimal(items)) => {
            items.iter().flatten().find(|d| too_precise(d)).copied()
        }
        _ => None,
    };
    match bad {
        Some(d) => Err(Refused {
            value: Value::Decimal(Some(d)),
            problem: Problem::SqliteDigits,
        }),
        None => Ok(()),
    }
}

/// Whether [`for_filter`] can refuse an element of an array of `a`'s
/// kind: floats, dates and times, decimals. A list of another kind
/// (integers, text, UUIDs, booleans, bytes) is passed whole, without a
/// look at each value.
#[inline]
pub(crate) fn filter_may_refuse_kind(a: &Array) -> bool {
    matches!(
        a,
        Array::F32(_)
            | Array::F64(_)
            | Array::Date(_)
            | Array::Time(_)
            | Array::DateTime(_)
            | Array::DateTimeUtc(_)
            | Array::Decimal(_)
    )
}

/// Checks the binds of a statement about to run, whose columns strata no
/// longer knows: the last line of defence behind the checks of writes and
/// filters, which name the column.
pub(crate) fn binds(binds: &[Value]) -> crate::Result<()> {
    for v in binds {
        value(v).map_err(|r| r.into_error("a bound value"))?;
    }
    Ok(())
}

fn date(d: &NaiveDate) -> Option<Problem> {
    (!(MIN_YEAR..=MAX_YEAR).contains(&d.year())).then_some(Problem::Year)
}

fn time(t: &NaiveTime) -> Option<Problem> {
    // chrono keeps a leap second as nanoseconds past 1_000_000_000.
    (t.nanosecond() >= 1_000_000_000).then_some(Problem::LeapSecond)
}

fn datetime(t: &NaiveDateTime) -> Option<Problem> {
    date(&t.date()).or_else(|| time(&t.time()))
}

fn array(a: &Array) -> Result<(), Refused> {
    fn first_bad<T>(
        items: &[Option<T>],
        bad: impl Fn(&T) -> Option<Problem>,
        wrap: impl Fn(T) -> Value,
    ) -> Result<(), Refused>
    where
        T: Clone,
    {
        for item in items.iter().flatten() {
            if let Some(problem) = bad(item) {
                return Err(Refused {
                    value: wrap(item.clone()),
                    problem,
                });
            }
        }
        Ok(())
    }
    let not_finite = |finite: bool| (!finite).then_some(Problem::NotFinite);
    match a {
        Array::F32(v) => first_bad(v, |x| not_finite(x.is_finite()), |x| Value::F32(Some(x))),
        Array::F64(v) => first_bad(v, |x| not_finite(x.is_finite()), |x| Value::F64(Some(x))),
        Array::Date(v) => first_bad(v, date, |x| Value::Date(Some(x))),
        Array::Time(v) => first_bad(v, time, |x| Value::Time(Some(x))),
        Array::DateTime(v) => first_bad(v, datetime, |x| Value::DateTime(Some(x))),
        Array::DateTimeUtc(v) => first_bad(
            v,
            |t| datetime(&t.naive_utc()),
            |x| Value::DateTimeUtc(Some(x)),
        ),
        _ => Ok(()),
    }
}

/// How many decimal digits `n` has (0 for 0).
fn digits(n: u128) -> u32 {
    n.checked_ilog10().map_or(0, |l| l + 1)
}

/// The problem of decimal `d` in a `DECIMAL(max_digits, places)` column.
/// Trailing zeros are not extra places: `1.500` fits two places exactly.
/// `max_digits = 0` is a column whose precision was never set.
fn decimal(d: &Decimal, max_digits: u8, places: u8, dialect: Dialect) -> Option<Problem> {
    let n = d.normalize();
    let mantissa = n.mantissa().unsigned_abs();
    if max_digits > 0 {
        if n.scale() > u32::from(places) {
            return Some(Problem::Places { max_digits, places });
        }
        let integer_part = mantissa / 10u128.pow(n.scale());
        if digits(integer_part) > u32::from(max_digits.saturating_sub(places)) {
            return Some(Problem::IntegerDigits { max_digits, places });
        }
    }
    if dialect == Dialect::Sqlite && digits(mantissa) > SQLITE_DECIMAL_DIGITS {
        return Some(Problem::SqliteDigits);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn values_out_of_an_unsigned_columns_range_are_refused_before_send() {
        let check = |v: Value, ty: ColumnType| for_column(&v, &ty, Dialect::Sqlite).is_ok();
        assert!(check(Value::I16(Some(255)), ColumnType::UnsignedTinyInt));
        assert!(check(Value::I16(Some(0)), ColumnType::UnsignedTinyInt));
        assert!(check(Value::I16(None), ColumnType::UnsignedTinyInt));
        assert!(!check(Value::I16(Some(256)), ColumnType::UnsignedTinyInt));
        assert!(!check(Value::I16(Some(-1)), ColumnType::UnsignedTinyInt));
        assert!(!check(
            Value::I32(Some(65_536)),
            ColumnType::UnsignedSmallInt
        ));
        assert!(check(
            Value::I64(Some(4_294_967_295)),
            ColumnType::UnsignedInt
        ));
        assert!(!check(
            Value::I64(Some(4_294_967_296)),
            ColumnType::UnsignedInt
        ));
        // A signed column takes what its type holds.
        assert!(check(Value::I16(Some(-1)), ColumnType::SmallInt));
        let err = for_column(
            &Value::I16(Some(300)),
            &ColumnType::UnsignedTinyInt,
            Dialect::MySql,
        )
        .unwrap_err()
        .into_error("Counter.tiny")
        .to_string();
        assert!(
            err.contains("Counter.tiny") && err.contains("0 to 255"),
            "{err}"
        );
    }

    #[test]
    fn only_lists_of_kinds_a_filter_rule_can_refuse_are_checked_value_by_value() {
        // One refused element of each kind the rules look at: its list
        // must be looked at value by value.
        let refused = [
            Value::F32(Some(f32::NAN)),
            Value::F64(Some(f64::INFINITY)),
            Value::Date(NaiveDate::from_ymd_opt(10_000, 1, 1)),
            Value::Time(NaiveTime::from_hms_nano_opt(23, 59, 59, 1_500_000_000)),
            Value::DateTime(NaiveDate::from_ymd_opt(0, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0))),
            Value::DateTimeUtc(
                NaiveDate::from_ymd_opt(10_000, 1, 1)
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
                    .map(|t| t.and_utc()),
            ),
            Value::Decimal(Some(dec("1234567890.123456789"))),
        ];
        for v in refused {
            assert!(for_filter(&v, Dialect::Sqlite).is_err(), "{v:?}");
            let array = Array::from_values(std::slice::from_ref(&v)).unwrap();
            assert!(filter_may_refuse_kind(&array), "{v:?}");
        }
        // The kinds passed whole: every value of them passes.
        let passed = [
            Value::Bool(Some(true)),
            Value::I16(Some(i16::MIN)),
            Value::I32(Some(i32::MAX)),
            Value::I64(Some(i64::MIN)),
            Value::String(Some("\0 %_ é".into())),
            Value::Bytes(Some(vec![0, 255])),
            Value::Uuid(Some(uuid::Uuid::nil())),
        ];
        for v in passed {
            let array = Array::from_values(std::slice::from_ref(&v)).unwrap();
            assert!(!filter_may_refuse_kind(&array), "{v:?}");
            for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql] {
                assert!(for_filter(&v, dialect).is_ok(), "{v:?}");
            }
        }
    }

    #[test]
    fn a_filter_value_passed_without_a_look_is_one_the_full_rules_accept() {
        // `for_filter` lets most values through without calling its
        // rules: it must answer as the rules would, for every kind, on
        // every dialect, `NULL`s and arrays included.
        let values = [
            Value::Bool(Some(true)),
            Value::I16(None),
            Value::I32(Some(i32::MIN)),
            Value::I64(Some(7)),
            Value::F32(Some(f32::NAN)),
            Value::F64(None),
            Value::F64(Some(1.5)),
            Value::String(Some("é".into())),
            Value::Bytes(None),
            Value::Date(NaiveDate::from_ymd_opt(10_000, 1, 1)),
            Value::Time(NaiveTime::from_hms_nano_opt(23, 59, 59, 1_500_000_000)),
            Value::DateTimeUtc(None),
            Value::Uuid(Some(uuid::Uuid::nil())),
            Value::Decimal(Some(dec("1.5"))),
            Value::Decimal(Some(dec("1234567890.123456789"))),
            Value::Decimal(None),
            Value::Array(Array::Decimal(vec![Some(dec("1234567890.123456789"))])),
            Value::Array(Array::I64(vec![Some(1), None])),
        ];
        for v in &values {
            for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::MySql] {
                assert_eq!(
                    for_filter(v, dialect).is_ok(),
                    refused_filter_value(v, dialect).is_ok(),
                    "{v:?} on {dialect:?}"
                );
            }
        }
    }

    #[test]
    fn decimals_are_checked_against_places_and_digits() {
        let check = |s: &str| decimal(&dec(s), 5, 2, Dialect::Postgres);
        assert_eq!(check("999.99"), None);
        assert_eq!(check("1.500"), None);
        assert_eq!(check("0"), None);
        assert_eq!(check("-0.01"), None);
        let places = Some(Problem::Places {
            max_digits: 5,
            places: 2,
        });
        assert_eq!(check("1.005"), places);
        assert_eq!(check("0.0000000000000000000000000001"), places);
        let integer = Some(Problem::IntegerDigits {
            max_digits: 5,
            places: 2,
        });
        assert_eq!(check("1000"), integer);
        assert_eq!(check("-1000.5"), integer);
        assert_eq!(
            decimal(&dec("1234567890123456"), 20, 0, Dialect::Sqlite),
            Some(Problem::SqliteDigits)
        );
        assert_eq!(
            decimal(&dec("123456789012345"), 20, 0, Dialect::Sqlite),
            None
        );
    }
}
