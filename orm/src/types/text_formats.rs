//! How dates and times are written as text where a database has no native
//! type (SQLite). Fixed-width, so text order is time order; microsecond
//! precision, as on PostgreSQL and MySQL.
//!
//! SQLite compares these columns as text, so a row is only read if its
//! text has exactly the shape strata writes: text written by another
//! program in another shape (an offset other than `+00:00`, no
//! microseconds, a `T` between date and time) would decode to one value
//! and compare in SQL as another, and is a decode error instead, naming
//! the shape to rewrite it in.

use super::DecodeError;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

pub(crate) const DATE: &str = "%Y-%m-%d";
pub(crate) const TIME: &str = "%H:%M:%S%.6f";
pub(crate) const DATETIME: &str = "%Y-%m-%d %H:%M:%S%.6f";
pub(crate) const DATETIME_UTC: &str = "%Y-%m-%d %H:%M:%S%.6f+00:00";

/// The shapes of the formats above (for years 1..=9999, the only ones
/// strata writes), byte by byte: `d` is a digit, anything else itself.
const DATE_SHAPE: &str = "dddd-dd-dd";
const TIME_SHAPE: &str = "dd:dd:dd.dddddd";
const DATETIME_SHAPE: &str = "dddd-dd-dd dd:dd:dd.dddddd";
const DATETIME_UTC_SHAPE: &str = "dddd-dd-dd dd:dd:dd.dddddd+00:00";

/// Whether `text` has `shape` (see [`DATE_SHAPE`]).
fn has_shape(text: &str, shape: &str) -> bool {
    text.len() == shape.len()
        && text.bytes().zip(shape.bytes()).all(|(c, s)| {
            if s == b'd' {
                c.is_ascii_digit()
            } else {
                c == s
            }
        })
}

/// The error of text in another shape than strata's.
#[cold]
fn foreign(text: &str, readable: &str) -> DecodeError {
    format!(
        "`{text}` is not in the format strata stores on SQLite ({readable}); SQLite compares \
         these columns as text, so a value in another format would read as one value and \
         compare as another: rewrite the row in that format"
    )
    .into()
}

pub(crate) fn parse_date(text: &str) -> Result<NaiveDate, DecodeError> {
    if !has_shape(text, DATE_SHAPE) {
        return Err(foreign(text, "YYYY-MM-DD"));
    }
    Ok(NaiveDate::parse_from_str(text, DATE)?)
}

pub(crate) fn parse_time(text: &str) -> Result<NaiveTime, DecodeError> {
    if !has_shape(text, TIME_SHAPE) {
        return Err(foreign(text, "HH:MM:SS.ffffff"));
    }
    Ok(NaiveTime::parse_from_str(text, TIME)?)
}

pub(crate) fn parse_datetime(text: &str) -> Result<NaiveDateTime, DecodeError> {
    if !has_shape(text, DATETIME_SHAPE) {
        return Err(foreign(text, "YYYY-MM-DD HH:MM:SS.ffffff"));
    }
    Ok(NaiveDateTime::parse_from_str(text, DATETIME)?)
}

pub(crate) fn parse_datetime_utc(text: &str) -> Result<DateTime<Utc>, DecodeError> {
    if !has_shape(text, DATETIME_UTC_SHAPE) {
        return Err(foreign(text, "YYYY-MM-DD HH:MM:SS.ffffff+00:00, in UTC"));
    }
    Ok(NaiveDateTime::parse_from_str(&text[..26], DATETIME)?.and_utc())
}

/// `text`, a date or time in any shape chrono reads (a `T` or a space,
/// with or without fractions or an offset), rewritten in strata's shape
/// for a column of type `ty`; `None` for other types or unreadable text.
pub(crate) fn canonical(ty: &crate::ColumnType, text: &str) -> Option<String> {
    use crate::ColumnType;
    let datetime = |text: &str| {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f")
            .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f"))
            .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M"))
            .ok()
    };
    let formatted = match ty {
        ColumnType::Date => NaiveDate::parse_from_str(text, DATE).ok()?.format(DATE),
        ColumnType::Time => NaiveTime::parse_from_str(text, "%H:%M:%S%.f")
            .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M"))
            .ok()?
            .format(TIME),
        ColumnType::DateTime => datetime(text)?.format(DATETIME),
        ColumnType::DateTimeUtc => DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%:z")
            .or_else(|_| DateTime::parse_from_rfc3339(text))
            .map(|t| t.naive_utc())
            .ok()
            .or_else(|| datetime(text))?
            .format(DATETIME_UTC),
        _ => return None,
    };
    Some(formatted.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_shapes_strata_writes_are_read() {
        assert!(parse_datetime_utc("2024-01-01 07:00:00.000000+00:00").is_ok());
        for foreign in [
            "2024-01-01 12:00:00+05:00",
            "2024-01-01 07:00:00.000000+05:00",
            "2024-01-01T07:00:00.000000+00:00",
            "2024-01-01 07:00:00+00:00",
            "+10000-01-01 00:00:00.000000+00:00",
        ] {
            let err = parse_datetime_utc(foreign).unwrap_err().to_string();
            assert!(err.contains(foreign), "{err}");
        }
        assert!(parse_datetime("2024-01-01 07:00:00.000001").is_ok());
        assert!(parse_datetime("2024-01-01T07:00:00.000001").is_err());
        assert!(parse_date("2024-01-01").is_ok());
        assert!(parse_date("2024-1-01").is_err());
        assert!(parse_time("07:00:00.000000").is_ok());
        assert!(parse_time("07:00:00").is_err());
    }

    #[test]
    fn defaults_are_rewritten_in_the_stored_shape() {
        use crate::ColumnType;
        let c = |ty, text| canonical(&ty, text);
        assert_eq!(
            c(ColumnType::Time, "12:00").as_deref(),
            Some("12:00:00.000000")
        );
        assert_eq!(
            c(ColumnType::DateTimeUtc, "2024-01-01 12:00:00+05:00").as_deref(),
            Some("2024-01-01 07:00:00.000000+00:00")
        );
        assert_eq!(
            c(ColumnType::DateTime, "2024-01-01T12:00:00").as_deref(),
            Some("2024-01-01 12:00:00.000000")
        );
        assert_eq!(
            c(ColumnType::Date, "2024-01-01").as_deref(),
            Some("2024-01-01")
        );
        assert_eq!(c(ColumnType::Text, "12:00"), None);
        assert_eq!(c(ColumnType::Date, "soon"), None);
    }
}
