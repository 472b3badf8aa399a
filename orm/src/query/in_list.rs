//! In-lists (`is_in`, prefetch keys, many-to-many changes) and the form
//! each dialect sends them in:
//!
//! - PostgreSQL: one array parameter, `"id" = ANY($1)`, for any length.
//! - SQLite and MySQL/MariaDB, up to [`MAX_PLACEHOLDER_LIST`] values: a
//!   placeholder per value, `IN (?, ?, ?)`, as fast as it gets for short
//!   lists (and the statement cache keys on the length).
//! - SQLite and MySQL/MariaDB, longer lists of integers, strings or UUIDs:
//!   one JSON array parameter, read back as rows: SQLite
//!   `IN (SELECT value FROM json_each(?))`, MySQL 8 / MariaDB 10.6+
//!   `IN (SELECT v FROM JSON_TABLE(?, '$[*]' COLUMNS (v BIGINT PATH '$')))`.
//!   These kinds go through JSON exactly (integers as JSON numbers, text
//!   as JSON strings). Other kinds (dates, decimals, floats, bytes, ...)
//!   keep a placeholder each, and a statement past the bind limit is a
//!   clear error (see [`check_bind_count`]).
//!
//! On MySQL a long list of text is read as a binary string (`LONGBLOB`),
//! so that it compares byte for byte with the column whatever the
//! column's collation: a text column of another collation would raise
//! "Illegal mix of collations". With the NO PAD binary collations strata
//! creates, that is exactly the column's own comparison.

use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::value::{Array, Value};
use crate::writer::{SqlWriter, Statement};

/// The longest in-list written with a placeholder per value on dialects
/// without array parameters (SQLite, MySQL); longer lists of integers,
/// strings or UUIDs are bound as one JSON array.
pub const MAX_PLACEHOLDER_LIST: usize = 1000;

/// The kinds of value a long in-list sends as one JSON array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JsonKind {
    /// `i16`, `i32`, `i64`: JSON numbers.
    Integer = 1,
    /// `String` and `Uuid` (hyphenated text, as they are stored where
    /// there are no array parameters): JSON strings.
    Text = 2,
}

/// How a dialect sends one in-list.
pub(crate) enum InForm<'a> {
    /// A placeholder per value.
    Placeholders,
    /// One array parameter (PostgreSQL).
    Array(&'a Array),
    /// One JSON array parameter.
    Json(JsonKind),
}

impl InForm<'_> {
    /// The word of the statement cache's shape key for this form: the
    /// list's length for placeholders (the text depends on it), a fixed
    /// word otherwise (the text is the same for every length).
    pub(crate) fn shape_word(&self, len: usize) -> usize {
        match self {
            InForm::Placeholders => len,
            InForm::Array(_) => usize::MAX,
            InForm::Json(kind) => usize::MAX - *kind as usize,
        }
    }
}

/// The kind of JSON array `values` can be sent as, if any: all of one
/// kind that JSON carries exactly, none `NULL`. A string with a NUL
/// character does not qualify: SQLite's `json_each` cuts its text at the
/// NUL (`"a\u0000b"` would match `"a"`), so such a list keeps a
/// placeholder per value.
fn json_kind(values: &[Value]) -> Option<JsonKind> {
    let kind = match values.first()? {
        Value::I16(_) | Value::I32(_) | Value::I64(_) => JsonKind::Integer,
        Value::String(_) | Value::Uuid(_) => JsonKind::Text,
        _ => return None,
    };
    let same = values.iter().all(|v| match (kind, v) {
        (JsonKind::Integer, Value::I16(Some(_)) | Value::I32(Some(_)) | Value::I64(Some(_))) => {
            true
        }
        (JsonKind::Text, Value::Uuid(Some(_))) => true,
        (JsonKind::Text, Value::String(Some(s))) => !s.contains('\0'),
        _ => false,
    });
    same.then_some(kind)
}

/// The form `dialect` sends `values` in (`array` is their array, if they
/// have one).
pub(crate) fn in_form<'a>(
    dialect: Dialect,
    values: &[Value],
    array: Option<&'a Array>,
) -> InForm<'a> {
    if dialect.binds_arrays() {
        if let Some(array) = array {
            return InForm::Array(array);
        }
        return InForm::Placeholders;
    }
    if values.len() > MAX_PLACEHOLDER_LIST && dialect.imp().binds_json_lists() {
        if let Some(kind) = json_kind(values) {
            return InForm::Json(kind);
        }
    }
    InForm::Placeholders
}

/// The JSON array text of `values` (of a [`JsonKind`]).
pub(crate) fn json_array(values: &[Value]) -> Value {
    let mut out = String::with_capacity(values.len() * 8 + 2);
    out.push('[');
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match value {
            Value::I16(Some(n)) => out.push_str(&n.to_string()),
            Value::I32(Some(n)) => out.push_str(&n.to_string()),
            Value::I64(Some(n)) => out.push_str(&n.to_string()),
            Value::String(Some(s)) => push_json_string(&mut out, s),
            Value::Uuid(Some(u)) => push_json_string(&mut out, &u.hyphenated().to_string()),
            // json_kind admits nothing else.
            _ => out.push_str("null"),
        }
    }
    out.push(']');
    Value::String(Some(out))
}

fn push_json_string(out: &mut String, s: &str) {
    // Serialising a &str cannot fail.
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

/// Appends ` IN (...)` / ` NOT IN (...)` for `values` (not empty) in the
/// form `dialect` sends them in.
pub(crate) fn write_in(w: &mut SqlWriter, values: &[Value], array: Option<&Array>, negated: bool) {
    match in_form(w.dialect(), values, array) {
        InForm::Array(array) => w.push_any(array.clone(), negated),
        InForm::Json(kind) => {
            w.push_sql(if negated { " NOT IN (" } else { " IN (" });
            let imp = w.dialect().imp();
            imp.write_json_list(w, kind, json_array(values));
            w.push_sql(")");
        }
        InForm::Placeholders => w.push_in_placeholders(values, negated),
    }
}

/// Appends the values [`write_in`] binds, in order.
pub(crate) fn collect_in_binds(
    dialect: Dialect,
    values: &[Value],
    array: Option<&Array>,
    out: &mut Vec<Value>,
) {
    match in_form(dialect, values, array) {
        InForm::Array(array) => out.push(Value::Array(array.clone())),
        InForm::Json(_) => out.push(json_array(values)),
        InForm::Placeholders => out.extend_from_slice(values),
    }
}

/// [`Error::InvalidQuery`] if `stmt` binds more values than its database
/// accepts in one statement: only in-lists of kinds that cannot be sent
/// as one value get there, and the database's own error would not say so.
pub(crate) fn check_bind_count(model: &'static str, stmt: &Statement) -> Result<()> {
    let max = stmt.dialect.max_bind_params();
    if stmt.binds.len() <= max {
        return Ok(());
    }
    Err(Error::InvalidQuery {
        model,
        reason: format!(
            "the query binds {} values, more than the {max} {} accepts in one statement. \
             In-lists of more than {MAX_PLACEHOLDER_LIST} integers, strings or UUIDs are sent \
             as one value, but other kinds (dates, times, decimals, floats, bytes, booleans) \
             take a parameter each: use fewer values, a range (`between`), or a filter on a \
             related model instead",
            stmt.binds.len(),
            stmt.dialect,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_arrays_carry_integers_and_escaped_text_exactly() {
        let ints = [
            Value::I64(Some(i64::MIN)),
            Value::I32(Some(-7)),
            Value::I16(Some(3)),
        ];
        assert_eq!(
            json_array(&ints),
            Value::String(Some("[-9223372036854775808,-7,3]".into()))
        );
        let text = [
            Value::String(Some("a\"b\\c\n\u{1}😀".into())),
            Value::Uuid(Some(uuid::Uuid::nil())),
        ];
        assert_eq!(
            json_array(&text),
            Value::String(Some(
                "[\"a\\\"b\\\\c\\n\\u0001😀\",\"00000000-0000-0000-0000-000000000000\"]".into()
            ))
        );
    }

    #[test]
    fn only_long_lists_of_json_kinds_become_one_value() {
        let short: Vec<Value> = (0..MAX_PLACEHOLDER_LIST as i64)
            .map(|i| Value::I64(Some(i)))
            .collect();
        let long: Vec<Value> = (0..=MAX_PLACEHOLDER_LIST as i64)
            .map(|i| Value::I64(Some(i)))
            .collect();
        let dates: Vec<Value> = (0..=MAX_PLACEHOLDER_LIST)
            .map(|_| Value::Date(chrono::NaiveDate::from_ymd_opt(2024, 1, 1)))
            .collect();
        let mut nul: Vec<Value> = (0..=MAX_PLACEHOLDER_LIST)
            .map(|i| Value::String(Some(i.to_string())))
            .collect();
        assert!(matches!(
            in_form(Dialect::Sqlite, &nul, None),
            InForm::Json(JsonKind::Text)
        ));
        nul.push(Value::String(Some("a\0b".into())));
        for dialect in [Dialect::Sqlite, Dialect::MySql] {
            assert!(matches!(in_form(dialect, &nul, None), InForm::Placeholders));
            assert!(matches!(
                in_form(dialect, &short, None),
                InForm::Placeholders
            ));
            assert!(matches!(
                in_form(dialect, &long, None),
                InForm::Json(JsonKind::Integer)
            ));
            assert!(matches!(
                in_form(dialect, &dates, None),
                InForm::Placeholders
            ));
        }
    }
}
