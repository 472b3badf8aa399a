//! Connection settings taken from a URL's query string: `?strata_...=`
//! parameters override the [`ConnectOptions`] they name and are removed
//! before the URL reaches the driver; every other parameter is the
//! driver's (`sslmode`, `mode`, ...) and passes through untouched. The
//! parameters strata reads are listed on [`ConnectOptions`].
//!
//! A duration is a whole number with a unit: `250ms`, `5s`, `2m`. An
//! unknown `strata_` parameter, a repeated one or a malformed value is
//! [`Error::InvalidUrlParameter`], before anything connects.

use super::ConnectOptions;
use crate::error::{Error, Result};
use std::time::Duration;

/// The parameters strata reads, for error messages.
const NAMES: &str = "strata_connect_timeout, strata_acquire_timeout, strata_statement_timeout, strata_max_connections, strata_busy_timeout, strata_wal, strata_immediate";

/// The prefix that marks a parameter as strata's.
const PREFIX: &str = "strata_";

/// Applies the `strata_` parameters of `url` to `options`; returns the URL
/// without them.
pub(super) fn apply(url: &str, options: &mut ConnectOptions) -> Result<String> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok(url.to_string());
    };
    let mut kept: Vec<&str> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if !name.to_ascii_lowercase().starts_with(PREFIX) {
            kept.push(pair);
            continue;
        }
        if seen.contains(&name) {
            return Err(invalid(name, value, "it is given twice; give it once"));
        }
        seen.push(name);
        match name {
            "strata_connect_timeout" => options.connect_timeout = duration(name, value)?,
            "strata_acquire_timeout" => options.acquire_timeout = duration(name, value)?,
            "strata_statement_timeout" => {
                options.statement_timeout = if value.eq_ignore_ascii_case("off") {
                    None
                } else {
                    Some(duration(name, value)?).filter(|d| !d.is_zero())
                }
            }
            "strata_max_connections" => {
                let max = value
                    .parse::<u32>()
                    .ok()
                    .filter(|&n| n >= 1)
                    .ok_or_else(|| invalid(name, value, "expected a whole number of at least 1, e.g. `strata_max_connections=20`"))?;
                options.max_connections = Some(max);
            }
            "strata_busy_timeout" => options.sqlite_busy_timeout = duration(name, value)?,
            "strata_wal" => options.sqlite_wal = boolean(name, value)?,
            "strata_immediate" => options.sqlite_immediate = boolean(name, value)?,
            _ => {
                return Err(invalid(
                    name,
                    value,
                    &format!("strata has no such parameter; the ones it reads are {NAMES}"),
                ))
            }
        }
    }
    Ok(if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    })
}

fn invalid(name: &str, value: &str, reason: &str) -> Error {
    Error::InvalidUrlParameter {
        name: name.to_string(),
        value: value.to_string(),
        reason: reason.to_string(),
    }
}

/// `250ms`, `5s` or `2m`.
fn duration(name: &str, value: &str) -> Result<Duration> {
    let bad = || {
        invalid(
            name,
            value,
            "expected a whole number with a unit: `ms`, `s` or `m`, e.g. `5s`",
        )
    };
    let split = value.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (digits, unit) = value.split_at(split);
    let n: u64 = digits.parse().map_err(|_| bad())?;
    match unit {
        "ms" => Ok(Duration::from_millis(n)),
        "s" => Ok(Duration::from_secs(n)),
        "m" => n.checked_mul(60).map(Duration::from_secs).ok_or_else(bad),
        _ => Err(bad()),
    }
}

fn boolean(name: &str, value: &str) -> Result<bool> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "on" | "1" => Ok(true),
        "false" | "off" | "0" => Ok(false),
        _ => Err(invalid(name, value, "expected `true` or `false`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(url: &str) -> (String, ConnectOptions) {
        let mut options = ConnectOptions::new();
        let rest = apply(url, &mut options).unwrap();
        (rest, options)
    }

    #[test]
    fn strata_parameters_set_options_and_are_removed_from_the_url() {
        let (rest, o) = parsed(
            "postgres://u@h/db?sslmode=disable&strata_connect_timeout=2s&strata_statement_timeout=250ms&strata_max_connections=3&application_name=x",
        );
        assert_eq!(rest, "postgres://u@h/db?sslmode=disable&application_name=x");
        assert_eq!(o.connect_timeout, Duration::from_secs(2));
        assert_eq!(o.statement_timeout, Some(Duration::from_millis(250)));
        assert_eq!(o.max_connections, Some(3));
        let (rest, o) = parsed(
            "sqlite://x.db?strata_wal=false&strata_immediate=off&strata_busy_timeout=1m&strata_acquire_timeout=10s",
        );
        assert_eq!(rest, "sqlite://x.db");
        assert!(!o.sqlite_wal && !o.sqlite_immediate);
        assert_eq!(o.sqlite_busy_timeout, Duration::from_secs(60));
        assert_eq!(o.acquire_timeout, Duration::from_secs(10));
        let (_, o) = parsed("mysql://h/db?strata_statement_timeout=off");
        assert_eq!(o.statement_timeout, None);
    }

    #[test]
    fn a_url_without_strata_parameters_is_unchanged() {
        for url in [
            "sqlite::memory:",
            "mysql://h/db?ssl-mode=disabled",
            "postgres://h/db?",
        ] {
            let (rest, o) = parsed(url);
            assert_eq!(rest, url.trim_end_matches('?'));
            assert_eq!(o.connect_timeout, ConnectOptions::new().connect_timeout);
        }
    }

    #[test]
    fn unknown_repeated_or_malformed_strata_parameters_are_errors() {
        let cases = [
            (
                "sqlite::memory:?strata_timeout=5s",
                "strata_timeout",
                "no such parameter",
            ),
            (
                "sqlite::memory:?strata_wal=maybe",
                "strata_wal",
                "`true` or `false`",
            ),
            (
                "sqlite::memory:?strata_connect_timeout=5",
                "strata_connect_timeout",
                "with a unit",
            ),
            (
                "sqlite::memory:?strata_connect_timeout=5h",
                "strata_connect_timeout",
                "with a unit",
            ),
            (
                "sqlite::memory:?strata_max_connections=0",
                "strata_max_connections",
                "at least 1",
            ),
            (
                "sqlite::memory:?strata_wal=true&strata_wal=false",
                "strata_wal",
                "twice",
            ),
        ];
        for (url, name, reason) in cases {
            let err = apply(url, &mut ConnectOptions::new()).unwrap_err();
            let text = err.to_string();
            assert!(
                matches!(&err, Error::InvalidUrlParameter { name: n, .. } if n == name),
                "{text}"
            );
            assert!(text.contains(reason), "{text}");
        }
    }
}
