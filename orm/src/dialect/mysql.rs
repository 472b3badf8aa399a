//! MySQL 8 and MariaDB: backquotes, `?` placeholders, no `RETURNING`
//! (keys come from `LAST_INSERT_ID()`), and binary NO PAD collations so
//! that string comparisons are case-sensitive, byte-exact and
//! trailing-space-sensitive as on the other databases.

use super::{write_default_literal, CastTarget, JsonKind, SqlDialect};
use crate::column_type::ColumnType;
use crate::meta::Literal;
use crate::query::scalar::{DatePart, TimeKind, TruncUnit};
use crate::types::text_formats;
use crate::writer::SqlWriter;
use std::borrow::Cow;

pub(crate) struct MySql;

impl SqlDialect for MySql {
    /// `ON DUPLICATE KEY UPDATE`, which fires on a collision with any
    /// unique key (MySQL has no conflict target). Keeping the existing row
    /// is the no-op `pk = pk`: `INSERT IGNORE` would also turn other
    /// errors (a `NULL` in a required column, a value out of range) into
    /// warnings. `VALUES(col)` is the new row's value on MariaDB and
    /// MySQL (deprecated since MySQL 8.0.20 in favour of a row alias,
    /// which MariaDB lacks, but still accepted).
    fn write_upsert(&self, w: &mut SqlWriter, pk: &str, _unique: &[&str], update: &[&str]) {
        w.push_sql(" ON DUPLICATE KEY UPDATE ");
        if update.is_empty() {
            w.push_identifier(pk);
            w.push_sql(" = ");
            w.push_identifier(pk);
            return;
        }
        for (i, column) in update.iter().enumerate() {
            if i > 0 {
                w.push_sql(", ");
            }
            w.push_identifier(column);
            w.push_sql(" = VALUES(");
            w.push_identifier(column);
            w.push_sql(")");
        }
    }

    fn write_date_part(
        &self,
        w: &mut SqlWriter,
        part: DatePart,
        kind: TimeKind,
        inner: &dyn Fn(&mut SqlWriter),
    ) {
        // `DateTime<Utc>` is stored as a UTC `DATETIME`, which the session
        // time zone does not shift.
        w.push_sql(match part {
            DatePart::Date if kind == TimeKind::Date => return inner(w),
            DatePart::Date => "DATE(",
            DatePart::Year => "YEAR(",
            DatePart::Month => "MONTH(",
            DatePart::Day => "DAYOFMONTH(",
            // 1 (Sunday) to 7, as week_day.
            DatePart::WeekDay => "DAYOFWEEK(",
            DatePart::Hour => "HOUR(",
        });
        inner(w);
        w.push_sql(")");
    }

    fn write_trunc(
        &self,
        w: &mut SqlWriter,
        unit: TruncUnit,
        kind: TimeKind,
        inner: &dyn Fn(&mut SqlWriter),
    ) {
        let (format, ty) = match (kind, unit) {
            (TimeKind::Date, TruncUnit::Day) => return inner(w),
            (TimeKind::Date, TruncUnit::Year) => ("'%Y-01-01'", "DATE"),
            (TimeKind::Date, _) => ("'%Y-%m-01'", "DATE"),
            (_, TruncUnit::Year) => ("'%Y-01-01 00:00:00'", "DATETIME(6)"),
            (_, TruncUnit::Month) => ("'%Y-%m-01 00:00:00'", "DATETIME(6)"),
            (_, TruncUnit::Day) => ("'%Y-%m-%d 00:00:00'", "DATETIME(6)"),
            (_, TruncUnit::Hour) => ("'%Y-%m-%d %H:00:00'", "DATETIME(6)"),
        };
        w.push_sql("CAST(DATE_FORMAT(");
        inner(w);
        w.push_sql(", ");
        w.push_sql(format);
        w.push_sql(") AS ");
        w.push_sql(ty);
        w.push_sql(")");
    }

    fn nulls_order_before_term(&self) -> bool {
        true
    }

    fn aggregate_filter_clause(&self) -> bool {
        false
    }

    fn string_agg_syntax(&self) -> crate::dialect::StringAggSyntax {
        crate::dialect::StringAggSyntax::GroupConcatLiteral
    }

    fn window_shift_default(&self) -> bool {
        false
    }

    fn integer_division(&self) -> &'static str {
        // `/` of two integers is a DECIMAL on MySQL; `DIV` truncates
        // toward zero, as PostgreSQL's and SQLite's `/` do.
        " DIV "
    }

    fn char_length_function(&self) -> &'static str {
        // `LENGTH` counts bytes on MySQL.
        "CHAR_LENGTH("
    }

    fn write_concat(&self, w: &mut SqlWriter, count: usize, arg: &dyn Fn(&mut SqlWriter, usize)) {
        // `||` is `OR` unless `PIPES_AS_CONCAT` is set.
        w.push_sql("CONCAT(");
        for i in 0..count {
            if i > 0 {
                w.push_sql(", ");
            }
            arg(w, i);
        }
        w.push_sql(")");
    }

    fn write_truncate(&self, w: &mut SqlWriter, inner: &dyn Fn(&mut SqlWriter)) {
        w.push_sql("TRUNCATE(");
        inner(w);
        w.push_sql(", 0)");
    }

    fn cast_type(&self, target: CastTarget) -> &'static str {
        // MySQL casts to 64-bit integers only; FLOAT and DOUBLE need
        // MySQL 8.0.17+ / MariaDB 10.4.5+.
        match target {
            CastTarget::SmallInt | CastTarget::Integer | CastTarget::BigInt => "SIGNED",
            CastTarget::Float => "FLOAT",
            CastTarget::Double => "DOUBLE",
        }
    }

    fn quote_char(&self) -> char {
        '`'
    }

    fn write_placeholder(&self, out: &mut String, _index: usize) {
        out.push('?');
    }

    fn column_type(&self, ty: &ColumnType) -> Cow<'static, str> {
        Cow::Borrowed(match ty {
            ColumnType::SmallInt => "SMALLINT",
            ColumnType::Integer => "INT",
            ColumnType::BigInt => "BIGINT",
            ColumnType::UnsignedTinyInt => "TINYINT UNSIGNED",
            ColumnType::UnsignedSmallInt => "SMALLINT UNSIGNED",
            ColumnType::UnsignedInt => "INT UNSIGNED",
            ColumnType::Float => "FLOAT",
            ColumnType::Double => "DOUBLE",
            ColumnType::Boolean => "BOOL",
            ColumnType::Text => "LONGTEXT",
            ColumnType::Varchar(n) => return Cow::Owned(format!("VARCHAR({n})")),
            ColumnType::Bytes => "LONGBLOB",
            ColumnType::Date => "DATE",
            ColumnType::Time => "TIME(6)",
            ColumnType::DateTime => "DATETIME(6)",
            // Stored as UTC; TIMESTAMP would stop at 2038.
            ColumnType::DateTimeUtc => "DATETIME(6)",
            ColumnType::Uuid => "CHAR(36)",
            ColumnType::Decimal(p, s) => return Cow::Owned(format!("DECIMAL({p}, {s})")),
            ColumnType::Json => "JSON",
            ColumnType::Custom(c) => c.mysql,
        })
    }

    fn auto_pk_definition(&self, ty: &ColumnType) -> Cow<'static, str> {
        let mut def = self.column_type(ty).into_owned();
        def.push_str(" NOT NULL AUTO_INCREMENT PRIMARY KEY");
        Cow::Owned(def)
    }

    /// The two servers name their binary NO PAD collation differently
    /// (`utf8mb4_bin` pads with spaces: `'a' = 'a '`). Executable
    /// comments pick the right one without knowing the server, so
    /// migration files written without a database apply on both: MySQL
    /// 8.0+ runs `/*!80000 ...*/` and treats `/*M!...*/` as a comment;
    /// MariaDB runs `/*M!100500 ...*/` (10.5+) and ignores MySQL
    /// executable comments numbered 50700..99999 (its documented rule).
    fn table_options(&self) -> &'static str {
        " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 \
         /*!80000 COLLATE=utf8mb4_0900_bin */ /*M!100500 COLLATE=utf8mb4_nopad_bin */"
    }

    fn check_indexable(&self, column: &str, ty: &ColumnType) -> Result<(), String> {
        match ty {
            ColumnType::Text | ColumnType::Bytes | ColumnType::Json => Err(format!(
                "MySQL cannot index the unbounded column `{}`; give the field a `max_length` \
                 (#[strata(max_length = 255)])",
                column
            )),
            _ => Ok(()),
        }
    }

    fn insert_default_values(&self) -> &'static str {
        " () VALUES ()"
    }

    fn write_bool_literal(&self, out: &mut String, value: bool) {
        out.push(if value { '1' } else { '0' });
    }

    fn write_string_literal(&self, out: &mut String, value: &str) {
        if value.contains('\\') {
            // Backslashes mean different things under different sql_modes;
            // a hex literal means the same everywhere.
            out.push_str("_utf8mb4 X'");
            for byte in value.as_bytes() {
                out.push_str(&format!("{byte:02X}"));
            }
            out.push('\'');
        } else {
            out.push('\'');
            out.push_str(&value.replace('\'', "''"));
            out.push('\'');
        }
    }

    /// An expression default (MySQL 8.0.13+, MariaDB 10.2+), in UTC like
    /// every time strata writes; microseconds, as the columns keep.
    fn write_now(&self, out: &mut String, ty: &ColumnType) {
        out.push_str(match ty {
            ColumnType::Date => "(UTC_DATE())",
            ColumnType::Time => "(UTC_TIME(6))",
            _ => "(UTC_TIMESTAMP(6))",
        });
    }

    fn write_default(&self, out: &mut String, ty: &ColumnType, value: Literal<'_>) {
        out.push_str(" DEFAULT ");
        if value == Literal::Now {
            self.write_now(out, ty);
            return;
        }
        // TEXT, BLOB and JSON columns only take expression defaults.
        let needs_parens = matches!(ty, ColumnType::Text | ColumnType::Bytes | ColumnType::Json);
        if needs_parens {
            out.push('(');
        }
        // A date or time default in strata's shape, a `DateTime<Utc>` one
        // as its UTC wall time: `DATETIME` takes no offset.
        let canonical = match value {
            Literal::Str(text) => text_formats::canonical(ty, text),
            _ => None,
        };
        match canonical {
            Some(text) => self.write_string_literal(out, text.trim_end_matches("+00:00")),
            None => write_default_literal(self, out, value),
        }
        if needs_parens {
            out.push(')');
        }
    }

    fn binds_json_lists(&self) -> bool {
        true
    }

    /// `SELECT v FROM JSON_TABLE(?, '$[*]' COLUMNS (v <type> PATH '$'))`
    /// (MySQL 8.0.4+, MariaDB 10.6+). Text is read as a binary string so
    /// that it compares byte for byte with a column of any collation
    /// (two text collations would be an "Illegal mix of collations").
    fn write_json_list(&self, w: &mut SqlWriter, kind: JsonKind, json: crate::Value) {
        w.push_sql("SELECT ");
        w.push_identifier("v");
        w.push_sql(" FROM JSON_TABLE(");
        w.push_bind(json);
        w.push_sql(", '$[*]' COLUMNS (");
        w.push_identifier("v");
        w.push_sql(match kind {
            JsonKind::Integer => " BIGINT PATH '$')) AS ",
            JsonKind::Text => " LONGBLOB PATH '$')) AS ",
        });
        w.push_identifier("strata_list");
    }

    fn write_limit_offset(&self, w: &mut SqlWriter, limit: Option<u64>, offset: Option<u64>) {
        match (limit, offset) {
            (None, Some(_)) => {
                // MySQL has no OFFSET without LIMIT; this is its documented idiom.
                w.push_sql(" LIMIT 18446744073709551615");
                super::write_offset(w, offset);
            }
            _ => super::default_limit_offset(w, limit, offset),
        }
    }
}
