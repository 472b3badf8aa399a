//! [`AutoNowField`]: the field types `#[strata(auto_now)]` and
//! `#[strata(auto_now_add)]` apply to, and the current time they hold.
//!
//! The time is taken in UTC and cut to whole microseconds, the precision
//! all three databases keep, so an object stamped by `insert` equals the
//! row read back.

use super::FieldType;
use crate::column_type::ColumnType;
use crate::meta::{AutoNow, ModelMeta};
use crate::value::Value;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, SubsecRound, Utc};

/// A date or time type that `auto_now` / `auto_now_add` can fill.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be `auto_now` / `auto_now_add`",
    label = "not a date or time type",
    note = "auto_now and auto_now_add apply to chrono::NaiveDate, NaiveTime, NaiveDateTime and DateTime<Utc>, and Option<T> of each"
)]
pub trait AutoNowField: FieldType {
    /// The current date or time, in UTC, to the microsecond.
    fn now() -> Self;
}

/// The current instant, cut to microseconds.
fn now_utc() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

impl AutoNowField for DateTime<Utc> {
    fn now() -> Self {
        now_utc()
    }
}

impl AutoNowField for NaiveDateTime {
    fn now() -> Self {
        now_utc().naive_utc()
    }
}

impl AutoNowField for NaiveDate {
    fn now() -> Self {
        now_utc().date_naive()
    }
}

impl AutoNowField for NaiveTime {
    fn now() -> Self {
        now_utc().time()
    }
}

impl<T: AutoNowField> AutoNowField for Option<T> {
    fn now() -> Self {
        Some(T::now())
    }
}

/// The current time as a value of a column of type `ty`; `None` for a type
/// that is not a date or time (the derive lets no such column be
/// `auto_now`).
pub(crate) fn now_value(ty: &ColumnType) -> Option<Value> {
    let now = now_utc();
    Some(match ty {
        ColumnType::DateTimeUtc => Value::DateTimeUtc(Some(now)),
        ColumnType::DateTime => Value::DateTime(Some(now.naive_utc())),
        ColumnType::Date => Value::Date(Some(now.date_naive())),
        ColumnType::Time => Value::Time(Some(now.time())),
        _ => None?,
    })
}

/// Calls `stamp` with each `auto_now` column of `meta` that a queryset
/// `update` stamps (those `assigned` says the caller did not set) and the
/// value to write.
pub(crate) fn update_stamps(
    meta: &'static ModelMeta,
    assigned: impl Fn(&'static str) -> bool,
    mut stamp: impl FnMut(&'static crate::meta::ColumnMeta, Value),
) {
    for column in meta.columns {
        if column.auto_now == AutoNow::Always && !assigned(column.column) {
            if let Some(now) = now_value(&column.ty) {
                stamp(column, now);
            }
        }
    }
}
