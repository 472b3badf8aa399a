//! SQLite: `?` placeholders, `RETURNING` (3.35+, bundled), type names
//! chosen for their affinity, and `GLOB` for case-sensitive lookups
//! because SQLite's `LIKE` ignores ASCII case.

use super::{JsonKind, SqlDialect, TextLookup};
use crate::column_type::ColumnType;
use crate::writer::SqlWriter;
use crate::Value;
use std::borrow::Cow;

pub(crate) struct Sqlite;

/// Appends `text` with the GLOB metacharacters `*`, `?` and `[` bracketed,
/// so that it matches literally.
fn push_escaped_glob(out: &mut String, text: &str) {
    if !text.contains(['*', '?', '[']) {
        out.push_str(text);
        return;
    }
    for ch in text.chars() {
        match ch {
            '*' => out.push_str("[*]"),
            '?' => out.push_str("[?]"),
            '[' => out.push_str("[[]"),
            other => out.push(other),
        }
    }
}

impl SqlDialect for Sqlite {
    fn write_placeholder(&self, out: &mut String, _index: usize) {
        out.push('?');
    }

    fn max_bind_params(&self) -> usize {
        // SQLITE_MAX_VARIABLE_NUMBER of the bundled SQLite (3.32+).
        32_766
    }

    fn column_type(&self, ty: &ColumnType) -> Cow<'static, str> {
        Cow::Borrowed(match ty {
            ColumnType::SmallInt => "SMALLINT",
            ColumnType::Integer => "INTEGER",
            ColumnType::BigInt => "BIGINT",
            ColumnType::Float => "REAL",
            ColumnType::Double => "DOUBLE",
            ColumnType::Boolean => "BOOLEAN",
            ColumnType::Text => "TEXT",
            ColumnType::Varchar(n) => return Cow::Owned(format!("VARCHAR({n})")),
            ColumnType::Bytes => "BLOB",
            ColumnType::Date => "DATE",
            ColumnType::Time => "TIME",
            ColumnType::DateTime => "DATETIME",
            ColumnType::DateTimeUtc => "DATETIME",
            ColumnType::Uuid => "CHAR(36)",
            // NUMERIC affinity, so comparisons and ordering are numeric.
            ColumnType::Decimal(p, s) => return Cow::Owned(format!("DECIMAL({p}, {s})")),
            // TEXT affinity: a JSON `5` must stay the text "5".
            ColumnType::Json => "TEXT",
            ColumnType::Custom(c) => c.sqlite,
        })
    }

    fn auto_pk_definition(&self, _ty: &ColumnType) -> Cow<'static, str> {
        // Only the exact spelling INTEGER makes the column the rowid.
        Cow::Borrowed("INTEGER PRIMARY KEY AUTOINCREMENT")
    }

    fn write_bool_literal(&self, out: &mut String, value: bool) {
        out.push(if value { '1' } else { '0' });
    }

    fn write_text_lookup(
        &self,
        w: &mut SqlWriter,
        column: &dyn Fn(&mut SqlWriter),
        lookup: TextLookup,
        case_insensitive: bool,
        text: &str,
    ) {
        let pattern = self.text_pattern(lookup, case_insensitive, text);
        if case_insensitive {
            w.push_sql("LOWER(");
            column(w);
            w.push_sql(") LIKE LOWER(");
            w.push_bind(Value::String(Some(pattern)));
            w.push_sql(") ESCAPE '!'");
            return;
        }
        column(w);
        w.push_sql(" GLOB ");
        w.push_bind(Value::String(Some(pattern)));
    }

    /// `LIKE` for case-insensitive lookups (ASCII case folding), `GLOB`
    /// (case-sensitive, unlike SQLite's `LIKE`) otherwise.
    fn text_pattern(&self, lookup: TextLookup, case_insensitive: bool, text: &str) -> String {
        if case_insensitive {
            return super::like_pattern(lookup, text);
        }
        let mut out = String::with_capacity(text.len() + 2);
        if matches!(lookup, TextLookup::Contains | TextLookup::EndsWith) {
            out.push('*');
        }
        push_escaped_glob(&mut out, text);
        if matches!(lookup, TextLookup::Contains | TextLookup::StartsWith) {
            out.push('*');
        }
        out
    }

    fn binds_json_lists(&self) -> bool {
        true
    }

    /// `SELECT value FROM json_each(?)`: JSON numbers come back as
    /// INTEGER, strings as TEXT, as the columns store them.
    fn write_json_list(&self, w: &mut SqlWriter, _kind: JsonKind, json: Value) {
        w.push_sql("SELECT ");
        w.push_identifier("value");
        w.push_sql(" FROM json_each(");
        w.push_bind(json);
        w.push_sql(")");
    }

    fn write_limit_offset(&self, w: &mut SqlWriter, limit: Option<u64>, offset: Option<u64>) {
        match (limit, offset) {
            (None, Some(_)) => {
                // SQLite needs a LIMIT before OFFSET; -1 means none.
                w.push_sql(" LIMIT -1");
                super::write_offset(w, offset);
            }
            _ => super::default_limit_offset(w, limit, offset),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::push_escaped_glob;

    #[test]
    fn glob_metacharacters_are_matched_literally() {
        let mut out = String::new();
        push_escaped_glob(&mut out, "a*b?c[d]");
        assert_eq!(out, "a[*]b[?]c[[]d]");
    }
}
