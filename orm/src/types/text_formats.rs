//! How dates and times are written as text where a database has no native
//! type (SQLite). Fixed-width, so text order is time order; microsecond
//! precision, as on PostgreSQL and MySQL.

pub(crate) const DATE: &str = "%Y-%m-%d";
pub(crate) const TIME: &str = "%H:%M:%S%.6f";
pub(crate) const DATETIME: &str = "%Y-%m-%d %H:%M:%S%.6f";
pub(crate) const DATETIME_UTC: &str = "%Y-%m-%d %H:%M:%S%.6f+00:00";

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

pub(crate) fn parse_date(text: &str) -> Result<NaiveDate, chrono::ParseError> {
    NaiveDate::parse_from_str(text, DATE)
}

pub(crate) fn parse_time(text: &str) -> Result<NaiveTime, chrono::ParseError> {
    NaiveTime::parse_from_str(text, "%H:%M:%S%.f")
}

pub(crate) fn parse_datetime(text: &str) -> Result<NaiveDateTime, chrono::ParseError> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f"))
}

pub(crate) fn parse_datetime_utc(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%:z")
        .or_else(|_| DateTime::parse_from_rfc3339(text))
        .map(|t| t.with_timezone(&Utc))
        .or_else(|e| parse_datetime(text).map(|n| n.and_utc()).map_err(|_| e))
}
