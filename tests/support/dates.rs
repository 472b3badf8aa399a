//! A model with every date and time type and a catalogue of date-part
//! shapes: values across midnight UTC, year ends and leap days, each
//! shape with the same question answered with chrono.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Timelike, Utc};
use strata::prelude::*;

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "ex_moment")]
pub struct Moment {
    pub id: i64,
    #[strata(index)]
    pub day: NaiveDate,
    pub local: NaiveDateTime,
    #[strata(index)]
    pub at: DateTime<Utc>,
    pub maybe: Option<DateTime<Utc>>,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn local(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32, micro: u32) -> NaiveDateTime {
    date(y, m, d)
        .and_hms_micro_opt(h, min, s, micro)
        .expect("valid time")
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32, micro: u32) -> DateTime<Utc> {
    local(y, m, d, h, min, s, micro).and_utc()
}

/// The fixture, unsaved: the last microsecond of a day and the first of
/// the next, a leap day, a year's end, a Sunday and a Saturday.
pub fn moments() -> Vec<Moment> {
    let m = |day, local, at, maybe| Moment {
        id: 0,
        day,
        local,
        at,
        maybe,
    };
    vec![
        m(
            date(2024, 2, 29),
            local(2024, 2, 29, 23, 59, 59, 999_999),
            utc(2024, 2, 29, 23, 59, 59, 999_999),
            Some(utc(2024, 3, 1, 0, 0, 0, 0)),
        ),
        m(
            date(2024, 3, 1),
            local(2024, 3, 1, 0, 0, 0, 0),
            utc(2024, 3, 1, 0, 0, 0, 0),
            None,
        ),
        m(
            date(2023, 12, 31),
            local(2023, 12, 31, 23, 59, 59, 999_999),
            utc(2023, 12, 31, 23, 59, 59, 999_999),
            Some(utc(2024, 1, 1, 0, 0, 0, 1)),
        ),
        m(
            date(2024, 1, 1),
            local(2024, 1, 1, 0, 0, 0, 0),
            utc(2024, 1, 1, 0, 0, 0, 0),
            Some(utc(2023, 6, 15, 12, 30, 0, 0)),
        ),
        m(
            date(2000, 2, 29),
            local(2000, 2, 29, 12, 0, 0, 0),
            utc(1999, 12, 31, 23, 0, 0, 0),
            None,
        ),
        m(
            date(1970, 1, 4),
            local(1970, 1, 3, 7, 5, 0, 0),
            utc(2024, 12, 31, 23, 59, 59, 0),
            Some(utc(2025, 1, 1, 0, 0, 0, 0)),
        ),
    ]
}

/// One date shape: a queryset and which fixture rows it returns.
pub struct DateShape {
    pub name: &'static str,
    pub query: QuerySet<Moment>,
    pub keep: fn(&Moment) -> bool,
}

fn shape(name: &'static str, query: QuerySet<Moment>, keep: fn(&Moment) -> bool) -> DateShape {
    DateShape { name, query, keep }
}

/// 1 (Sunday) to 7 (Saturday), as `week_day`.
pub fn week_day(d: NaiveDate) -> i32 {
    d.weekday().num_days_from_sunday() as i32 + 1
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    date(d.year(), d.month(), 1)
}

/// Every date shape of the catalogue.
pub fn date_shapes() -> Vec<DateShape> {
    let q = Moment::objects;
    vec![
        shape(
            "year_of_date_is_a_range",
            q().filter(Moment::day().year().eq(2024)),
            |m| m.day.year() == 2024,
        ),
        shape(
            "year_of_datetime_is_a_range",
            q().filter(Moment::local().year().eq(2024)),
            |m| m.local.year() == 2024,
        ),
        shape(
            "year_of_utc_datetime_is_a_range",
            q().filter(Moment::at().year().eq(2024)),
            |m| m.at.year() == 2024,
        ),
        shape(
            "year_gt_is_a_range",
            q().filter(Moment::at().year().gt(2023)),
            |m| m.at.year() > 2023,
        ),
        shape(
            "year_gte_is_a_range",
            q().filter(Moment::at().year().gte(2024)),
            |m| m.at.year() >= 2024,
        ),
        shape(
            "year_lt_is_a_range",
            q().filter(Moment::day().year().lt(2024)),
            |m| m.day.year() < 2024,
        ),
        shape(
            "year_lte_is_a_range",
            q().filter(Moment::local().year().lte(2023)),
            |m| m.local.year() <= 2023,
        ),
        shape(
            "excluded_year_keeps_nulls",
            q().exclude(Moment::maybe().year().eq(2024)),
            |m| m.maybe.is_none_or(|t| t.year() != 2024),
        ),
        shape(
            "year_beyond_the_range_form_is_extracted",
            q().filter(Moment::day().year().eq(9999)),
            |m| m.day.year() == 9999,
        ),
        shape(
            "year_compared_with_another_year",
            q().filter(Moment::day().year().eq(Moment::at().year())),
            |m| m.day.year() == m.at.year(),
        ),
        shape(
            "month_of_date",
            q().filter(Moment::day().month().eq(2)),
            |m| m.day.month() == 2,
        ),
        shape(
            "month_of_utc_datetime",
            q().filter(Moment::at().month().eq(12)),
            |m| m.at.month() == 12,
        ),
        shape(
            "day_of_leap_day",
            q().filter(Moment::local().day().eq(29)),
            |m| m.local.day() == 29,
        ),
        shape(
            "week_day_sunday",
            q().filter(Moment::day().week_day().eq(1)),
            |m| week_day(m.day) == 1,
        ),
        shape(
            "week_day_of_utc_datetime",
            q().filter(Moment::at().week_day().gte(5)),
            |m| week_day(m.at.date_naive()) >= 5,
        ),
        shape(
            "hour_of_utc_datetime",
            q().filter(Moment::at().hour().eq(23)),
            |m| m.at.hour() == 23,
        ),
        shape(
            "hour_of_nullable_datetime",
            q().filter(Moment::maybe().hour().eq(0)),
            |m| m.maybe.is_some_and(|t| t.hour() == 0),
        ),
        shape(
            "date_of_utc_datetime",
            q().filter(Moment::at().date().eq(date(2024, 2, 29))),
            |m| m.at.date_naive() == date(2024, 2, 29),
        ),
        shape(
            "date_of_datetime_equals_date_field",
            q().filter(Moment::local().date().eq(Moment::day())),
            |m| m.local.date() == m.day,
        ),
        shape(
            "trunc_month_of_date",
            q().filter(Moment::day().trunc_month().eq(date(2024, 2, 1))),
            |m| first_of_month(m.day) == date(2024, 2, 1),
        ),
        shape(
            "trunc_month_of_utc_datetime",
            q().filter(Moment::at().trunc_month().eq(utc(2024, 2, 1, 0, 0, 0, 0))),
            |m| first_of_month(m.at.date_naive()) == date(2024, 2, 1),
        ),
        shape(
            "trunc_year_of_datetime",
            q().filter(
                Moment::local()
                    .trunc_year()
                    .eq(local(2024, 1, 1, 0, 0, 0, 0)),
            ),
            |m| m.local.year() == 2024,
        ),
        shape(
            "trunc_day_of_utc_datetime",
            q().filter(Moment::at().trunc_day().eq(utc(2024, 3, 1, 0, 0, 0, 0))),
            |m| m.at.date_naive() == date(2024, 3, 1),
        ),
        shape(
            "trunc_hour_of_datetime",
            q().filter(
                Moment::local()
                    .trunc_hour()
                    .eq(local(2024, 2, 29, 23, 0, 0, 0)),
            ),
            |m| m.local.date() == date(2024, 2, 29) && m.local.hour() == 23,
        ),
        shape(
            "trunc_year_of_date",
            q().filter(Moment::day().trunc_year().lt(date(2024, 1, 1))),
            |m| m.day.year() < 2024,
        ),
    ]
}
