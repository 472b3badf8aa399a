//! Values shown as text, as form input values, and parsed back from what a
//! form sent, per column type; the server-side validation of one field.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use std::str::FromStr;
use strata::meta::ColumnMeta;
use strata::{Choices, ColumnType, Value};

/// A value as a person reads it in a list or a label.
pub(crate) fn display(value: &Value) -> String {
    match value {
        Value::String(Some(s)) => s.clone(),
        Value::Bool(Some(b)) => if *b { "yes" } else { "no" }.into(),
        Value::DateTimeUtc(Some(t)) => t.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        Value::DateTime(Some(t)) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
        Value::Json(Some(j)) => j.to_string(),
        Value::Bytes(Some(b)) => format!("({} bytes)", b.len()),
        v if v.is_null() => "—".into(),
        other => input_value(other),
    }
}

/// A value as the `value` of its form input (and of a URL parameter).
pub(crate) fn input_value(value: &Value) -> String {
    match value {
        Value::Bool(Some(b)) => b.to_string(),
        Value::I16(Some(v)) => v.to_string(),
        Value::I32(Some(v)) => v.to_string(),
        Value::I64(Some(v)) => v.to_string(),
        Value::F32(Some(v)) => v.to_string(),
        Value::F64(Some(v)) => v.to_string(),
        Value::String(Some(s)) => s.clone(),
        Value::Date(Some(d)) => d.format("%Y-%m-%d").to_string(),
        Value::Time(Some(t)) => t.format("%H:%M:%S").to_string(),
        Value::DateTime(Some(t)) => t.format("%Y-%m-%dT%H:%M:%S").to_string(),
        Value::DateTimeUtc(Some(t)) => t.naive_utc().format("%Y-%m-%dT%H:%M:%S").to_string(),
        Value::Uuid(Some(u)) => u.to_string(),
        Value::Decimal(Some(d)) => d.to_string(),
        Value::Json(Some(j)) => serde_json::to_string_pretty(j).unwrap_or_default(),
        _ => String::new(),
    }
}

/// How a column is edited.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum InputKind {
    Text {
        max_length: Option<u32>,
    },
    TextArea,
    Number {
        step: String,
    },
    Checkbox,
    /// A nullable boolean: unknown / yes / no.
    NullableBool,
    Date,
    Time,
    DateTime,
    /// A choice among fixed values (`(value, label)`).
    Select {
        options: Vec<(String, String)>,
    },
    /// Shown, not edited (binary data).
    ReadOnly,
}

/// The input of `column` (foreign keys are handled by the caller).
pub(crate) fn input_kind(column: &ColumnMeta) -> InputKind {
    if let Some(choices) = &column.choices {
        let mut options: Vec<(String, String)> = match choices {
            Choices::Text(values) => values
                .iter()
                .map(|v| (v.to_string(), v.to_string()))
                .collect(),
            Choices::Integer(values) => values
                .iter()
                .map(|v| (v.to_string(), v.to_string()))
                .collect(),
        };
        if column.nullable {
            options.insert(0, (String::new(), "—".into()));
        }
        return InputKind::Select { options };
    }
    match column.ty {
        ColumnType::Varchar(n) => InputKind::Text {
            max_length: Some(n),
        },
        ColumnType::Text | ColumnType::Json => InputKind::TextArea,
        ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt => {
            InputKind::Number { step: "1".into() }
        }
        ColumnType::Float | ColumnType::Double => InputKind::Number { step: "any".into() },
        ColumnType::Decimal(_, places) => InputKind::Number {
            step: if places == 0 {
                "1".into()
            } else {
                format!("0.{}1", "0".repeat(usize::from(places) - 1))
            },
        },
        ColumnType::Boolean if column.nullable => InputKind::NullableBool,
        ColumnType::Boolean => InputKind::Checkbox,
        ColumnType::Date => InputKind::Date,
        ColumnType::Time => InputKind::Time,
        ColumnType::DateTime | ColumnType::DateTimeUtc => InputKind::DateTime,
        ColumnType::Bytes => InputKind::ReadOnly,
        _ => InputKind::Text { max_length: None },
    }
}

/// Whether the admin's forms edit `column`: not a generated key, not an
/// `auto_now` stamp, not binary data.
pub(crate) fn editable(column: &ColumnMeta) -> bool {
    !column.auto_increment
        && column.auto_now == strata::meta::AutoNow::Never
        && column.ty != ColumnType::Bytes
}

fn parse_datetime(raw: &str) -> Option<NaiveDateTime> {
    [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(raw, f).ok())
}

fn parse_time(raw: &str) -> Option<NaiveTime> {
    ["%H:%M:%S%.f", "%H:%M"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(raw, f).ok())
}

/// Parses a value of type `ty` (not `NULL`) from text; the message is
/// shown next to the field.
pub(crate) fn parse_typed(ty: &ColumnType, raw: &str) -> Result<Value, String> {
    let raw_trimmed = raw.trim();
    let whole = || "Enter a whole number.".to_string();
    Ok(match *ty {
        ColumnType::SmallInt => Value::I16(Some(raw_trimmed.parse().map_err(|_| whole())?)),
        ColumnType::Integer => Value::I32(Some(raw_trimmed.parse().map_err(|_| whole())?)),
        ColumnType::BigInt => Value::I64(Some(raw_trimmed.parse().map_err(|_| whole())?)),
        ColumnType::Float => Value::F32(Some(
            raw_trimmed
                .parse()
                .map_err(|_| "Enter a number.".to_string())?,
        )),
        ColumnType::Double => Value::F64(Some(
            raw_trimmed
                .parse()
                .map_err(|_| "Enter a number.".to_string())?,
        )),
        ColumnType::Boolean => match raw_trimmed {
            "true" | "on" | "1" | "yes" => Value::Bool(Some(true)),
            "false" | "off" | "0" | "no" => Value::Bool(Some(false)),
            _ => return Err("Choose yes or no.".into()),
        },
        ColumnType::Varchar(max) => {
            let count = raw.chars().count();
            if count > max as usize {
                return Err(format!(
                    "Ensure this value has at most {max} characters (it has {count})."
                ));
            }
            Value::String(Some(raw.to_string()))
        }
        ColumnType::Text | ColumnType::Custom(_) => Value::String(Some(raw.to_string())),
        ColumnType::Date => Value::Date(Some(
            NaiveDate::parse_from_str(raw_trimmed, "%Y-%m-%d")
                .map_err(|_| "Enter a valid date (YYYY-MM-DD).".to_string())?,
        )),
        ColumnType::Time => Value::Time(Some(
            parse_time(raw_trimmed).ok_or_else(|| "Enter a valid time (HH:MM).".to_string())?,
        )),
        ColumnType::DateTime => Value::DateTime(Some(
            parse_datetime(raw_trimmed)
                .ok_or_else(|| "Enter a valid date and time.".to_string())?,
        )),
        ColumnType::DateTimeUtc => {
            Value::DateTimeUtc(Some(DateTime::<Utc>::from_naive_utc_and_offset(
                parse_datetime(raw_trimmed)
                    .ok_or_else(|| "Enter a valid date and time (UTC).".to_string())?,
                Utc,
            )))
        }
        ColumnType::Uuid => Value::Uuid(Some(
            uuid::Uuid::parse_str(raw_trimmed).map_err(|_| "Enter a valid UUID.".to_string())?,
        )),
        ColumnType::Decimal(digits, places) => {
            let d = Decimal::from_str(raw_trimmed).map_err(|_| "Enter a number.".to_string())?;
            let d = d.normalize();
            if d.scale() > u32::from(places) {
                return Err(format!(
                    "Ensure that there are no more than {places} decimal places."
                ));
            }
            let integer_digits = d.trunc().abs().to_string().trim_start_matches('0').len();
            let allowed = usize::from(digits.saturating_sub(places));
            if digits > 0 && integer_digits > allowed {
                return Err(format!(
                    "Ensure that there are no more than {allowed} digits before the decimal point."
                ));
            }
            Value::Decimal(Some(d))
        }
        ColumnType::Json => Value::Json(Some(Box::new(
            serde_json::from_str(raw).map_err(|e| format!("Enter valid JSON: {e}."))?,
        ))),
        _ => return Err("This field cannot be edited here.".into()),
    })
}

/// The value of `column` from the form's text (`None`: the field was not
/// sent, as an unchecked checkbox is not). Empty text is `NULL` for a
/// nullable column and "required" otherwise.
pub(crate) fn parse_field(column: &ColumnMeta, raw: Option<&str>) -> Result<Value, String> {
    if column.ty == ColumnType::Boolean && !column.nullable {
        return Ok(Value::Bool(Some(raw.is_some_and(|r| r != "false"))));
    }
    let raw = raw.unwrap_or("");
    if raw.trim().is_empty() {
        if column.nullable {
            return Ok(strata::types::null_of(&column.ty));
        }
        return Err("This field is required.".into());
    }
    let value = parse_typed(&column.ty, raw)?;
    if let Some(choices) = &column.choices {
        let allowed = match (choices, &value) {
            (Choices::Text(values), Value::String(Some(s))) => values.contains(&s.as_str()),
            (Choices::Integer(values), Value::I32(Some(v))) => values.contains(v),
            (Choices::Integer(values), Value::I16(Some(v))) => values.contains(&i32::from(*v)),
            (Choices::Integer(values), Value::I64(Some(v))) => {
                i32::try_from(*v).is_ok_and(|v| values.contains(&v))
            }
            _ => false,
        };
        if !allowed {
            return Err("Select a valid choice.".into());
        }
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_checked_against_their_precision() {
        let ty = ColumnType::Decimal(5, 2);
        assert!(parse_typed(&ty, "123.45").is_ok());
        assert!(parse_typed(&ty, "1.50").is_ok());
        assert_eq!(
            parse_typed(&ty, "1.234").unwrap_err(),
            "Ensure that there are no more than 2 decimal places."
        );
        assert_eq!(
            parse_typed(&ty, "1234.5").unwrap_err(),
            "Ensure that there are no more than 3 digits before the decimal point."
        );
    }

    #[test]
    fn text_longer_than_max_length_is_refused() {
        assert!(parse_typed(&ColumnType::Varchar(3), "abc").is_ok());
        assert!(parse_typed(&ColumnType::Varchar(3), "abcd")
            .unwrap_err()
            .contains("at most 3 characters"));
    }

    #[test]
    fn dates_and_numbers_parse_or_say_why() {
        assert_eq!(
            parse_typed(&ColumnType::Date, "2024-02-29").unwrap(),
            Value::Date(NaiveDate::from_ymd_opt(2024, 2, 29))
        );
        assert!(parse_typed(&ColumnType::Date, "2023-02-29").is_err());
        assert!(parse_typed(&ColumnType::Integer, "1e3").is_err());
    }
}
