//! Date and time parts (`year`, `month`, `day`, `week_day`, `hour`,
//! `date`) and truncation (`trunc_year` ... `trunc_hour`) of date and
//! datetime expressions, computed in UTC on every database, and the
//! index-friendly range a `year()` comparison becomes (as in Django).
//!
//! ```
//! use strata::prelude::*;
//!
//! #[derive(Model, Debug)]
//! struct Event {
//!     id: i64,
//!     at: chrono::DateTime<chrono::Utc>,
//! }
//!
//! let qs = Event::objects()
//!     .filter(Event::at().year().eq(2024))
//!     .filter(Event::at().month().eq(2).and(Event::at().day().eq(29)));
//! let sql = qs.sql(Dialect::Postgres).into_sql();
//! assert!(sql.contains(r#""at" >= $1 AND "at" < $2"#), "{sql}");
//! assert!(sql.contains(r#"EXTRACT(MONTH FROM ("at" AT TIME ZONE 'UTC'))"#), "{sql}");
//! ```

use super::sql_type::SqlType;
use super::{Node, F};
use crate::query::expr::{CompareOp, Expr};
use crate::query::field::Field;
use crate::relation::SingleValuedField;
use crate::value::Value;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// What a date or time expression stores, which decides how its parts
/// are read on each database.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeKind {
    /// `chrono::NaiveDate`.
    Date = 1,
    /// `chrono::NaiveDateTime`.
    DateTime,
    /// `chrono::DateTime<Utc>`: parts are those of the UTC time.
    DateTimeUtc,
}

/// A part of a date or time, as an integer (or, for `Date`, a date).
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatePart {
    Year = 1,
    /// 1 to 12.
    Month,
    /// 1 to 31.
    Day,
    /// 1 (Sunday) to 7 (Saturday), as Django's `week_day`.
    WeekDay,
    /// 0 to 23.
    Hour,
    /// The calendar date.
    Date,
}

/// A truncation unit.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TruncUnit {
    Year = 1,
    Month,
    Day,
    Hour,
}

/// Types with a calendar date: `year`, `month`, `day`, `week_day`,
/// `date`, `trunc_year`, `trunc_month`, `trunc_day`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no calendar date",
    label = "date parts need a date or datetime expression",
    note = "`year`, `month`, `day`, `week_day`, `date` and `trunc_*` apply to NaiveDate, NaiveDateTime and DateTime<Utc> (or `Option` of one)"
)]
pub trait DateLike: SqlType {
    /// How the type is stored.
    #[doc(hidden)]
    const KIND: TimeKind;
}

/// Types with a time of day: `hour`, `trunc_hour`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no time of day",
    label = "`hour` and `trunc_hour` need a datetime expression",
    note = "`hour` and `trunc_hour` apply to NaiveDateTime and DateTime<Utc> (or `Option` of one)"
)]
pub trait DateTimeLike: DateLike {}

impl DateLike for NaiveDate {
    const KIND: TimeKind = TimeKind::Date;
}
impl DateLike for Option<NaiveDate> {
    const KIND: TimeKind = TimeKind::Date;
}
impl DateLike for NaiveDateTime {
    const KIND: TimeKind = TimeKind::DateTime;
}
impl DateLike for Option<NaiveDateTime> {
    const KIND: TimeKind = TimeKind::DateTime;
}
impl DateLike for DateTime<Utc> {
    const KIND: TimeKind = TimeKind::DateTimeUtc;
}
impl DateLike for Option<DateTime<Utc>> {
    const KIND: TimeKind = TimeKind::DateTimeUtc;
}
impl DateTimeLike for NaiveDateTime {}
impl DateTimeLike for Option<NaiveDateTime> {}
impl DateTimeLike for DateTime<Utc> {}
impl DateTimeLike for Option<DateTime<Utc>> {}

fn part<M, T: DateLike, U>(inner: Node, part: DatePart) -> F<M, U> {
    F::new(Node::DatePart {
        part,
        kind: T::KIND,
        inner: Box::new(inner),
    })
}

fn trunc<M, T: DateLike>(inner: Node, unit: TruncUnit) -> F<M, T> {
    F::new(Node::Trunc {
        unit,
        kind: T::KIND,
        inner: Box::new(inner),
    })
}

macro_rules! date_methods {
    ($node:expr) => {
        /// The year (in UTC for a `DateTime<Utc>`). Compared with a value
        /// (`year().eq(2024)`), it becomes a range on the column itself,
        /// which an index on it serves.
        pub fn year(self) -> F<M, T::Like<i32>>
        where
            T: DateLike,
        {
            part::<M, T, _>($node(self), DatePart::Year)
        }

        /// The month, 1 to 12 (in UTC for a `DateTime<Utc>`).
        pub fn month(self) -> F<M, T::Like<i32>>
        where
            T: DateLike,
        {
            part::<M, T, _>($node(self), DatePart::Month)
        }

        /// The day of the month, 1 to 31 (in UTC for a `DateTime<Utc>`).
        pub fn day(self) -> F<M, T::Like<i32>>
        where
            T: DateLike,
        {
            part::<M, T, _>($node(self), DatePart::Day)
        }

        /// The day of the week, 1 (Sunday) to 7 (Saturday), as Django's
        /// `week_day` (in UTC for a `DateTime<Utc>`).
        pub fn week_day(self) -> F<M, T::Like<i32>>
        where
            T: DateLike,
        {
            part::<M, T, _>($node(self), DatePart::WeekDay)
        }

        /// The hour, 0 to 23 (in UTC for a `DateTime<Utc>`).
        pub fn hour(self) -> F<M, T::Like<i32>>
        where
            T: DateTimeLike,
        {
            part::<M, T, _>($node(self), DatePart::Hour)
        }

        /// The calendar date (in UTC for a `DateTime<Utc>`).
        pub fn date(self) -> F<M, T::Like<NaiveDate>>
        where
            T: DateLike,
        {
            part::<M, T, _>($node(self), DatePart::Date)
        }

        /// The first instant of the year (midnight of January 1st, UTC for
        /// a `DateTime<Utc>`), of the same type.
        pub fn trunc_year(self) -> F<M, T>
        where
            T: DateLike,
        {
            trunc::<M, T>($node(self), TruncUnit::Year)
        }

        /// The first instant of the month, of the same type.
        pub fn trunc_month(self) -> F<M, T>
        where
            T: DateLike,
        {
            trunc::<M, T>($node(self), TruncUnit::Month)
        }

        /// Midnight of the day, of the same type (a date is itself).
        pub fn trunc_day(self) -> F<M, T>
        where
            T: DateLike,
        {
            trunc::<M, T>($node(self), TruncUnit::Day)
        }

        /// The start of the hour, of the same type.
        pub fn trunc_hour(self) -> F<M, T>
        where
            T: DateTimeLike,
        {
            trunc::<M, T>($node(self), TruncUnit::Hour)
        }
    };
}

impl<M, T: SqlType> F<M, T> {
    date_methods!(|f: Self| f.node);
}

impl<M, T: SqlType, C: SingleValuedField> Field<M, T, C> {
    date_methods!(|f: Self| Node::Column(f.col_ref()));
}

/// `year(column) op year` as a range on the column, where the year and
/// the year after it are both years strata can send (1..=9998): `=`
/// becomes `column >= start AND column < next`, `>` becomes `column >=
/// next`, and so on. `None` when the comparison is not of that form.
pub(crate) fn year_range(left: &Node, op: CompareOp, right: &Value) -> Option<Expr> {
    let Node::DatePart {
        part: DatePart::Year,
        kind,
        inner,
    } = left
    else {
        return None;
    };
    let Node::Column(column) = **inner else {
        return None;
    };
    let year = match right {
        Value::I32(Some(y)) if (1..=9998).contains(y) => *y,
        _ => return None,
    };
    let start = year_start(*kind, year)?;
    let next = year_start(*kind, year + 1)?;
    let cmp = |op, value| Expr::Compare { column, op, value };
    Some(match op {
        CompareOp::Eq => Expr::And(vec![cmp(CompareOp::Gte, start), cmp(CompareOp::Lt, next)]),
        CompareOp::Gt => cmp(CompareOp::Gte, next),
        CompareOp::Gte => cmp(CompareOp::Gte, start),
        CompareOp::Lt => cmp(CompareOp::Lt, start),
        CompareOp::Lte => cmp(CompareOp::Lt, next),
    })
}

/// Midnight of January 1st of `year`, as a value of the column's kind.
fn year_start(kind: TimeKind, year: i32) -> Option<Value> {
    let date = NaiveDate::from_ymd_opt(year, 1, 1)?;
    let midnight = date.and_hms_opt(0, 0, 0)?;
    Some(match kind {
        TimeKind::Date => Value::Date(Some(date)),
        TimeKind::DateTime => Value::DateTime(Some(midnight)),
        TimeKind::DateTimeUtc => Value::DateTimeUtc(Some(midnight.and_utc())),
    })
}
