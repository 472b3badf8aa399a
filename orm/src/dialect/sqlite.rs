//! SQLite: `?` placeholders, `RETURNING` (3.35+, bundled), type names
//! chosen for their affinity, and text lookups written with `instr()`,
//! `substr()` and `=` rather than `LIKE`/`GLOB`: those two decode
//! noncharacters such as U+FFFF as U+FFFD (so `"\u{FFFF}"` matched
//! `"\u{FFFD}"`), and `LIKE` ignores ASCII case.

use super::{CastTarget, JsonKind, SqlDialect, TextLookup};
use crate::column_type::ColumnType;
use crate::meta::Literal;
use crate::query::lookups::LikeText;
use crate::query::scalar::{DatePart, TimeKind, TruncUnit};
use crate::types::text_formats;
use crate::writer::SqlWriter;
use crate::Value;
use std::borrow::Cow;

pub(crate) struct Sqlite;

impl SqlDialect for Sqlite {
    fn string_agg_syntax(&self) -> crate::dialect::StringAggSyntax {
        crate::dialect::StringAggSyntax::GroupConcatBound
    }

    fn has_returning(&self) -> bool {
        true
    }

    fn has_row_locks(&self) -> bool {
        false
    }

    fn write_date_part(
        &self,
        w: &mut SqlWriter,
        part: DatePart,
        kind: TimeKind,
        inner: &dyn Fn(&mut SqlWriter),
    ) {
        // Dates and times are fixed-width UTC text (see `text_formats`),
        // so each part is a slice of it.
        let (start, len) = match part {
            DatePart::Date if kind == TimeKind::Date => return inner(w),
            DatePart::Date => {
                w.push_sql("SUBSTR(");
                inner(w);
                w.push_sql(", 1, 10)");
                return;
            }
            DatePart::WeekDay => {
                w.push_sql("(CAST(STRFTIME('%w', SUBSTR(");
                inner(w);
                w.push_sql(", 1, 10)) AS INTEGER) + 1)");
                return;
            }
            DatePart::Year => ("1", "4"),
            DatePart::Month => ("6", "2"),
            DatePart::Day => ("9", "2"),
            DatePart::Hour => ("12", "2"),
        };
        w.push_sql("CAST(SUBSTR(");
        inner(w);
        w.push_sql(", ");
        w.push_sql(start);
        w.push_sql(", ");
        w.push_sql(len);
        w.push_sql(") AS INTEGER)");
    }

    fn write_trunc(
        &self,
        w: &mut SqlWriter,
        unit: TruncUnit,
        kind: TimeKind,
        inner: &dyn Fn(&mut SqlWriter),
    ) {
        // The kept prefix of the stored text, and the rest of the
        // truncated value in the same fixed format.
        let (keep, date_rest) = match unit {
            TruncUnit::Year => ("4", "-01-01"),
            TruncUnit::Month => ("7", "-01"),
            TruncUnit::Day => ("10", ""),
            TruncUnit::Hour => ("13", ""),
        };
        let time_rest = match (kind, unit) {
            (TimeKind::Date, TruncUnit::Day) => return inner(w),
            (TimeKind::Date, _) => "",
            (TimeKind::DateTime, TruncUnit::Hour) => ":00:00.000000",
            (TimeKind::DateTimeUtc, TruncUnit::Hour) => ":00:00.000000+00:00",
            (TimeKind::DateTime, _) => " 00:00:00.000000",
            (TimeKind::DateTimeUtc, _) => " 00:00:00.000000+00:00",
        };
        w.push_sql("(SUBSTR(");
        inner(w);
        w.push_sql(", 1, ");
        w.push_sql(keep);
        w.push_sql(") || '");
        w.push_sql(date_rest);
        w.push_sql(time_rest);
        w.push_sql("')");
    }

    fn write_truncate(&self, w: &mut SqlWriter, inner: &dyn Fn(&mut SqlWriter)) {
        // SQLite's CAST of a REAL to INTEGER already truncates toward zero.
        inner(w);
    }

    fn cast_type(&self, target: CastTarget) -> &'static str {
        match target {
            CastTarget::SmallInt | CastTarget::Integer | CastTarget::BigInt => "INTEGER",
            CastTarget::Float | CastTarget::Double => "REAL",
        }
    }

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
            ColumnType::UnsignedTinyInt => "SMALLINT",
            ColumnType::UnsignedSmallInt => "INTEGER",
            ColumnType::UnsignedInt => "BIGINT",
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

    /// A date or time default is written in the one text shape strata
    /// stores and reads on SQLite (`"12:00"` becomes `'12:00:00.000000'`),
    /// so that rows filled with it read back and compare like written ones.
    /// The text shapes of `text_formats`; SQLite's clock has milliseconds,
    /// padded to the six digits strata stores.
    fn write_now(&self, out: &mut String, ty: &ColumnType) {
        out.push_str(match ty {
            ColumnType::Date => "(strftime('%Y-%m-%d', 'now'))",
            ColumnType::Time => "(strftime('%H:%M:%f000', 'now'))",
            ColumnType::DateTime => "(strftime('%Y-%m-%d %H:%M:%f000', 'now'))",
            _ => "(strftime('%Y-%m-%d %H:%M:%f000+00:00', 'now'))",
        });
    }

    fn write_default(&self, out: &mut String, ty: &ColumnType, value: Literal<'_>) {
        out.push_str(" DEFAULT ");
        match value {
            Literal::Now => self.write_now(out, ty),
            Literal::Str(text) => match text_formats::canonical(ty, text) {
                Some(canonical) => self.write_string_literal(out, &canonical),
                None => self.write_string_literal(out, text),
            },
            other => super::write_default_literal(self, out, other),
        }
    }

    fn write_bool_literal(&self, out: &mut String, value: bool) {
        out.push(if value { '1' } else { '0' });
    }

    /// Byte-exact forms: `instr(col, ?) > 0`, `substr(col, 1, length(?))
    /// = ?`, `substr(col, length(col) + 1 - length(?)) = ?` (at most
    /// `length(col)` characters, so a longer needle never matches) and
    /// `=`; the `i...` lookups put `LOWER()` (ASCII only) around the
    /// column and the compared text. `length()` and `substr()` count
    /// characters on both sides alike, and `=`/`instr()` compare bytes, so
    /// no character is special: nothing is escaped.
    fn write_text_lookup(
        &self,
        w: &mut SqlWriter,
        column: &dyn Fn(&mut SqlWriter),
        lookup: TextLookup,
        case_insensitive: bool,
        text: &LikeText,
    ) {
        let text = text.text(lookup);
        let folded = |w: &mut SqlWriter, write: &dyn Fn(&mut SqlWriter)| {
            if case_insensitive {
                w.push_sql("LOWER(");
                write(w);
                w.push_sql(")");
            } else {
                write(w);
            }
        };
        let bind = |w: &mut SqlWriter| w.push_bind(Value::String(Some(text.to_string())));
        match lookup {
            TextLookup::Contains => {
                w.push_sql("instr(");
                folded(w, column);
                w.push_sql(", ");
                folded(w, &bind);
                w.push_sql(") > 0");
            }
            TextLookup::StartsWith => {
                w.push_sql("substr(");
                folded(w, column);
                w.push_sql(", 1, length(");
                bind(w);
                w.push_sql(")) = ");
                folded(w, &bind);
            }
            TextLookup::EndsWith => {
                w.push_sql("substr(");
                folded(w, column);
                w.push_sql(", length(");
                column(w);
                w.push_sql(") + 1 - length(");
                bind(w);
                w.push_sql(")) = ");
                folded(w, &bind);
            }
            TextLookup::Exact => {
                folded(w, column);
                w.push_sql(" = ");
                folded(w, &bind);
            }
        }
    }

    /// The text itself: once for `instr()` and `=`, twice (its length,
    /// then the text) for the prefix and suffix forms.
    fn text_binds(
        &self,
        lookup: TextLookup,
        _case_insensitive: bool,
        text: &LikeText,
        out: &mut Vec<Value>,
    ) {
        let text = text.text(lookup);
        let times = match lookup {
            TextLookup::StartsWith | TextLookup::EndsWith => 2,
            TextLookup::Contains | TextLookup::Exact => 1,
        };
        for _ in 0..times {
            out.push(Value::String(Some(text.to_string())));
        }
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
