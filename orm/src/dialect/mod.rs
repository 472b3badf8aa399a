//! SQL dialects: one trait with default methods, one file per dialect that
//! holds only its overrides.

mod mysql;
mod postgres;
mod sqlite;

use crate::column_type::ColumnType;
use crate::meta::Literal;
pub(crate) use crate::query::aggregate::StringAggSyntax;
pub(crate) use crate::query::in_list::JsonKind;
use crate::query::lookups::LikeText;
pub(crate) use crate::query::scalar::CastTarget;
use crate::query::scalar::{DatePart, TimeKind, TruncUnit};
use crate::writer::SqlWriter;
use std::borrow::Cow;
use std::fmt;

/// The database dialect a statement is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    Postgres,
    /// MySQL 8.0.19+ and MariaDB 10.5+ (only syntax both accept; the
    /// table collation, named differently by each, is chosen by
    /// executable comments).
    MySql,
    Sqlite,
}

impl Dialect {
    /// All dialects, in the order golden files list them.
    pub const ALL: [Dialect; 3] = [Dialect::Postgres, Dialect::MySql, Dialect::Sqlite];

    /// A short lowercase name: `postgres`, `mysql` or `sqlite`.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::MySql => "mysql",
            Dialect::Sqlite => "sqlite",
        }
    }

    /// The dialect named `postgres`, `mysql` (or `mariadb`) or `sqlite`.
    pub fn from_name(name: &str) -> Option<Dialect> {
        match name.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" | "pg" => Some(Dialect::Postgres),
            "mysql" | "mariadb" => Some(Dialect::MySql),
            "sqlite" | "sqlite3" => Some(Dialect::Sqlite),
            _ => None,
        }
    }

    pub(crate) fn imp(self) -> &'static dyn SqlDialect {
        match self {
            Dialect::Postgres => &postgres::Postgres,
            Dialect::MySql => &mysql::MySql,
            Dialect::Sqlite => &sqlite::Sqlite,
        }
    }

    /// Appends `name` quoted as an identifier.
    pub fn quote_identifier_into(self, out: &mut String, name: &str) {
        let q = self.imp().quote_char();
        if !name.contains(q) {
            // The common case, without a per-character loop.
            out.reserve(name.len() + 2);
            out.push(q);
            out.push_str(name);
            out.push(q);
            return;
        }
        out.push(q);
        for ch in name.chars() {
            if ch == q {
                out.push(q);
            }
            out.push(ch);
        }
        out.push(q);
    }

    /// `name` quoted as an identifier.
    pub fn quote_identifier(self, name: &str) -> String {
        let mut out = String::with_capacity(name.len() + 2);
        self.quote_identifier_into(&mut out, name);
        out
    }

    /// The DDL type of a column of type `ty`.
    pub fn column_type_sql(self, ty: &ColumnType) -> Cow<'static, str> {
        self.imp().column_type(ty)
    }

    /// The most bound parameters one statement may carry.
    pub fn max_bind_params(self) -> usize {
        self.imp().max_bind_params()
    }

    /// Whether in-lists of one kind of value are bound as one array
    /// parameter (`"id" = ANY($1)`, PostgreSQL), so that their length is
    /// not limited by [`max_bind_params`](Dialect::max_bind_params) and
    /// their SQL is the same for every length.
    pub fn binds_arrays(self) -> bool {
        self.imp().binds_arrays()
    }

    /// The type and constraints of an auto-increment primary key, as they
    /// follow the column name in `CREATE TABLE`.
    pub fn auto_pk_sql(self, ty: &ColumnType) -> Cow<'static, str> {
        self.imp().auto_pk_definition(ty)
    }

    /// What follows the closing parenthesis of `CREATE TABLE (...)`.
    pub fn table_options_sql(self) -> &'static str {
        self.imp().table_options()
    }

    /// ` DEFAULT <literal>` for a column of type `ty`.
    pub fn default_clause(self, ty: &ColumnType, value: Literal<'_>) -> String {
        let mut out = String::new();
        self.imp().write_default(&mut out, ty, value);
        out
    }

    /// A value for a column of type `ty` as this dialect spells it in SQL
    /// text: a literal (strings quoted safely), or for [`Literal::Now`]
    /// the expression of the current UTC time in the column's type and,
    /// on SQLite, in the text shape strata stores.
    ///
    /// ```
    /// use strata::{meta::Literal, ColumnType, Dialect};
    ///
    /// assert_eq!(Dialect::Postgres.value_sql(&ColumnType::DateTimeUtc, Literal::Now), "CURRENT_TIMESTAMP");
    /// assert_eq!(Dialect::MySql.value_sql(&ColumnType::Date, Literal::Now), "(UTC_DATE())");
    /// assert_eq!(Dialect::Sqlite.value_sql(&ColumnType::Integer, Literal::Int(3)), "3");
    /// ```
    pub fn value_sql(self, ty: &ColumnType, value: Literal<'_>) -> String {
        let mut out = String::new();
        match value {
            Literal::Now => self.imp().write_now(&mut out, ty),
            other => write_default_literal(self.imp(), &mut out, other),
        }
        out
    }

    /// A literal as this dialect spells it in DDL (strings quoted safely).
    pub fn literal_sql(self, value: Literal<'_>) -> String {
        let mut out = String::new();
        write_default_literal(self.imp(), &mut out, value);
        out
    }

    /// `Err` with the reason if this dialect cannot index a column of type
    /// `ty` (MySQL cannot index unbounded text without a length).
    pub fn check_indexable(self, column: &str, ty: &ColumnType) -> Result<(), String> {
        self.imp().check_indexable(column, ty)
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which string lookup a [`SqlDialect::write_text_lookup`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextLookup {
    Contains,
    StartsWith,
    EndsWith,
    /// Only used case-insensitively (`iexact`); `eq` covers the rest.
    Exact,
}

/// The escape character of every `LIKE` strata writes. Not a backslash,
/// because MySQL's string literals treat backslashes differently depending
/// on `sql_mode`.
pub(crate) const LIKE_ESCAPE: char = '!';

/// Appends `n` in decimal. Placeholders are written once per bind, and
/// `write!` through `fmt` costs several times more than this.
pub(crate) fn push_decimal(out: &mut String, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[start..]).expect("ASCII digits"));
}

/// The differences between databases. Defaults follow standard SQL as
/// PostgreSQL speaks it; each dialect overrides what it must.
pub(crate) trait SqlDialect: Sync {
    /// The character that quotes identifiers.
    fn quote_char(&self) -> char {
        '"'
    }

    /// Appends the placeholder of the `index`th bind (1-based).
    fn write_placeholder(&self, out: &mut String, index: usize);

    /// The most bound parameters one statement may carry.
    fn max_bind_params(&self) -> usize {
        65_535
    }

    /// Appends an upsert clause after an `INSERT`'s `VALUES`: keep the
    /// existing row when `update` is empty, else overwrite its `update`
    /// columns. PostgreSQL and SQLite: `ON CONFLICT (<unique>) DO ...`.
    fn write_upsert(&self, w: &mut SqlWriter, _pk: &str, unique: &[&str], update: &[&str]) {
        w.push_sql(" ON CONFLICT");
        if !unique.is_empty() {
            w.push_sql(" (");
            for (i, column) in unique.iter().enumerate() {
                if i > 0 {
                    w.push_sql(", ");
                }
                w.push_identifier(column);
            }
            w.push_sql(")");
        }
        if update.is_empty() {
            w.push_sql(" DO NOTHING");
            return;
        }
        w.push_sql(" DO UPDATE SET ");
        for (i, column) in update.iter().enumerate() {
            if i > 0 {
                w.push_sql(", ");
            }
            w.push_identifier(column);
            w.push_sql(" = EXCLUDED.");
            w.push_identifier(column);
        }
    }

    /// Whether `SELECT ... FOR UPDATE` locks rows (SQLite has no row
    /// locks: its transactions lock the whole database for writing).
    fn has_row_locks(&self) -> bool {
        true
    }

    /// Whether an `INSERT` reads generated keys back with `RETURNING`
    /// (else from the driver's last-insert id).
    fn returns_inserted_keys(&self) -> bool {
        false
    }

    /// Whether `INSERT ... RETURNING` exists (SQLite 3.35+, bundled), for
    /// upserts, whose keys no last-insert id tells.
    fn has_returning(&self) -> bool {
        false
    }

    /// The DDL type of a column.
    fn column_type(&self, ty: &ColumnType) -> Cow<'static, str>;

    /// The definition of an auto-increment primary key, after its name.
    fn auto_pk_definition(&self, ty: &ColumnType) -> Cow<'static, str>;

    /// What follows `CREATE TABLE (...)`.
    fn table_options(&self) -> &'static str {
        ""
    }

    /// Whether a column of this type may carry an index or unique
    /// constraint; `Err` explains why not.
    fn check_indexable(&self, _column: &str, _ty: &ColumnType) -> Result<(), String> {
        Ok(())
    }

    /// An `INSERT` that takes every column's default.
    fn insert_default_values(&self) -> &'static str {
        " DEFAULT VALUES"
    }

    /// Appends a boolean literal.
    fn write_bool_literal(&self, out: &mut String, value: bool) {
        out.push_str(if value { "TRUE" } else { "FALSE" });
    }

    /// Appends a string literal. Only used in DDL, where binds are not
    /// allowed; `'` is doubled.
    fn write_string_literal(&self, out: &mut String, value: &str) {
        out.push('\'');
        out.push_str(&value.replace('\'', "''"));
        out.push('\'');
    }

    /// Appends ` DEFAULT <literal>` for a column.
    fn write_default(&self, out: &mut String, ty: &ColumnType, value: Literal<'_>) {
        out.push_str(" DEFAULT ");
        match value {
            Literal::Now => self.write_now(out, ty),
            other => write_default_literal(self, out, other),
        }
    }

    /// Appends the current time, in UTC, as a value of the date or time
    /// column type `ty`, parenthesized where a `DEFAULT` needs it.
    fn write_now(&self, out: &mut String, ty: &ColumnType);

    /// Writes a string lookup on the column that `column` writes (quoted,
    /// qualified when the query joins), binding what
    /// [`text_binds`](SqlDialect::text_binds) lists, in that order. The
    /// default uses `LIKE`, which is case-sensitive on PostgreSQL and on
    /// MySQL's binary collations.
    fn write_text_lookup(
        &self,
        w: &mut SqlWriter,
        column: &dyn Fn(&mut SqlWriter),
        _lookup: TextLookup,
        case_insensitive: bool,
        text: &LikeText,
    ) {
        let pattern = crate::Value::String(Some(text.pattern().to_owned()));
        if case_insensitive {
            w.push_sql("LOWER(");
            column(w);
            w.push_sql(") LIKE LOWER(");
            w.push_bind(pattern);
            w.push_sql(")");
        } else {
            column(w);
            w.push_sql(" LIKE ");
            w.push_bind(pattern);
        }
        w.push_sql(" ESCAPE '!'");
    }

    /// Appends the values [`write_text_lookup`](SqlDialect::write_text_lookup)
    /// binds, in its order (the statement cache binds them without
    /// rendering): here the one `LIKE` pattern, with `%`, `_` and the
    /// escape character escaped (once, when the condition was built).
    fn text_binds(
        &self,
        _lookup: TextLookup,
        _case_insensitive: bool,
        text: &LikeText,
        out: &mut Vec<crate::Value>,
    ) {
        out.push(crate::Value::String(Some(text.pattern().to_owned())));
    }

    /// Whether a list of values of one kind is bound as one array
    /// parameter (`= ANY($1)`) rather than a placeholder each.
    fn binds_arrays(&self) -> bool {
        false
    }

    /// Whether a long in-list of integers or text can be bound as one
    /// JSON array (see [`write_json_list`](SqlDialect::write_json_list)).
    fn binds_json_lists(&self) -> bool {
        false
    }

    /// Appends a subquery whose rows are the elements of `json`, a JSON
    /// array of `kind` bound as one parameter, for `IN (...)`. Only
    /// called where [`binds_json_lists`](SqlDialect::binds_json_lists).
    fn write_json_list(&self, w: &mut SqlWriter, _kind: JsonKind, json: crate::Value) {
        w.push_bind(json);
    }

    /// Appends `LIMIT`/`OFFSET`, both as binds.
    fn write_limit_offset(&self, w: &mut SqlWriter, limit: Option<u64>, offset: Option<u64>) {
        default_limit_offset(w, limit, offset);
    }

    /// Appends what makes `NULL`s sort first in ascending order and last
    /// in descending order, as MySQL and SQLite do by default.
    fn write_nulls_order(&self, _w: &mut SqlWriter, _descending: bool) {}

    /// Whether an explicit `NULL` placement (`nulls_first()` /
    /// `nulls_last()`) is written as a term of its own before the ordered
    /// expression, `x IS NULL DESC, x` (MySQL, which has no `NULLS
    /// FIRST`), rather than as `NULLS FIRST` / `NULLS LAST` after it.
    fn nulls_order_before_term(&self) -> bool {
        false
    }

    /// Whether `LAG` / `LEAD` take a third argument, the value past the
    /// partition's edge (not MariaDB's); else strata writes it with
    /// `COALESCE` or `CASE`.
    fn window_shift_default(&self) -> bool {
        true
    }

    /// Whether aggregates take `FILTER (WHERE ..)` (PostgreSQL, SQLite
    /// 3.30+); else a filtered aggregate is written with `CASE WHEN`.
    fn aggregate_filter_clause(&self) -> bool {
        true
    }

    /// How a `StringAgg` is written.
    fn string_agg_syntax(&self) -> StringAggSyntax {
        StringAggSyntax::StringAgg
    }

    /// The operator of integer division, which truncates toward zero.
    fn integer_division(&self) -> &'static str {
        " / "
    }

    /// The opening of the function that counts a text's characters.
    fn char_length_function(&self) -> &'static str {
        "LENGTH("
    }

    /// Appends the concatenation of `count` text arguments, each written
    /// by `arg(w, i)`; `NULL` if any is.
    fn write_concat(&self, w: &mut SqlWriter, count: usize, arg: &dyn Fn(&mut SqlWriter, usize)) {
        w.push_sql("(");
        for i in 0..count {
            if i > 0 {
                w.push_sql(" || ");
            }
            arg(w, i);
        }
        w.push_sql(")");
    }

    /// Appends a float with its fraction dropped (toward zero), for a cast
    /// to an integer.
    fn write_truncate(&self, w: &mut SqlWriter, inner: &dyn Fn(&mut SqlWriter)) {
        w.push_sql("TRUNC(");
        inner(w);
        w.push_sql(")");
    }

    /// Appends a part of the date or time `inner` writes, stored as
    /// `kind`, computed in UTC: an integer (`Date`: a date). The default
    /// is PostgreSQL's `EXTRACT`, on the UTC wall time of a `timestamptz`.
    fn write_date_part(
        &self,
        w: &mut SqlWriter,
        part: DatePart,
        kind: TimeKind,
        inner: &dyn Fn(&mut SqlWriter),
    ) {
        let source = |w: &mut SqlWriter| {
            if kind == TimeKind::DateTimeUtc {
                w.push_sql("(");
                inner(w);
                w.push_sql(" AT TIME ZONE 'UTC')");
            } else {
                inner(w);
            }
        };
        let field = match part {
            DatePart::Date if kind == TimeKind::Date => return inner(w),
            DatePart::Date => {
                w.push_sql("CAST(");
                source(w);
                w.push_sql(" AS DATE)");
                return;
            }
            DatePart::WeekDay => {
                // DOW counts from 0 (Sunday); week_day from 1.
                w.push_sql("(CAST(EXTRACT(DOW FROM ");
                source(w);
                w.push_sql(") AS INTEGER) + 1)");
                return;
            }
            DatePart::Year => "YEAR",
            DatePart::Month => "MONTH",
            DatePart::Day => "DAY",
            DatePart::Hour => "HOUR",
        };
        // EXTRACT gives a numeric (PostgreSQL 14+) or a double.
        w.push_sql("CAST(EXTRACT(");
        w.push_sql(field);
        w.push_sql(" FROM ");
        source(w);
        w.push_sql(") AS INTEGER)");
    }

    /// Appends the date or time `inner` writes, stored as `kind`,
    /// truncated to `unit` in UTC, as a value of the same kind. The
    /// default is PostgreSQL's `DATE_TRUNC` (its time-zone form, 12+, for
    /// a `timestamptz`).
    fn write_trunc(
        &self,
        w: &mut SqlWriter,
        unit: TruncUnit,
        kind: TimeKind,
        inner: &dyn Fn(&mut SqlWriter),
    ) {
        let name = match unit {
            TruncUnit::Year => "'year'",
            TruncUnit::Month => "'month'",
            TruncUnit::Day => "'day'",
            TruncUnit::Hour => "'hour'",
        };
        match kind {
            TimeKind::Date if unit == TruncUnit::Day => inner(w),
            TimeKind::Date => {
                w.push_sql("CAST(DATE_TRUNC(");
                w.push_sql(name);
                w.push_sql(", ");
                inner(w);
                w.push_sql(") AS DATE)");
            }
            TimeKind::DateTime => {
                w.push_sql("DATE_TRUNC(");
                w.push_sql(name);
                w.push_sql(", ");
                inner(w);
                w.push_sql(")");
            }
            TimeKind::DateTimeUtc => {
                w.push_sql("DATE_TRUNC(");
                w.push_sql(name);
                w.push_sql(", ");
                inner(w);
                w.push_sql(", 'UTC')");
            }
        }
    }

    /// The type name of a numeric `CAST`.
    fn cast_type(&self, target: CastTarget) -> &'static str {
        match target {
            CastTarget::SmallInt => "SMALLINT",
            CastTarget::Integer => "INTEGER",
            CastTarget::BigInt => "BIGINT",
            CastTarget::Float => "REAL",
            CastTarget::Double => "DOUBLE PRECISION",
        }
    }
}

/// Appends the literal of a default value.
pub(crate) fn write_default_literal<D: SqlDialect + ?Sized>(
    dialect: &D,
    out: &mut String,
    value: Literal<'_>,
) {
    match value {
        Literal::Bool(b) => dialect.write_bool_literal(out, b),
        Literal::Int(i) => out.push_str(&i.to_string()),
        Literal::Float(f) => {
            let text = f.to_string();
            out.push_str(&text);
            if !text.contains(['.', 'e', 'E']) {
                out.push_str(".0");
            }
        }
        Literal::Str(s) => dialect.write_string_literal(out, s),
        // Without a column type: the current instant.
        Literal::Now => dialect.write_now(out, &ColumnType::DateTimeUtc),
    }
}

pub(crate) fn default_limit_offset(w: &mut SqlWriter, limit: Option<u64>, offset: Option<u64>) {
    if let Some(limit) = limit {
        w.push_sql(" LIMIT ");
        w.push_bind(crate::Value::I64(Some(clamp_i64(limit))));
    }
    write_offset(w, offset);
}

pub(crate) fn write_offset(w: &mut SqlWriter, offset: Option<u64>) {
    if let Some(offset) = offset {
        w.push_sql(" OFFSET ");
        w.push_bind(crate::Value::I64(Some(clamp_i64(offset))));
    }
}

pub(crate) fn clamp_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_decimal_writes_every_digit() {
        for n in [0usize, 7, 10, 99, 100, 65_535, usize::MAX] {
            let mut out = String::from("$");
            push_decimal(&mut out, n);
            assert_eq!(out, format!("${n}"));
        }
    }

    #[test]
    fn identifiers_with_and_without_quote_chars_are_quoted() {
        assert_eq!(Dialect::Postgres.quote_identifier("users"), "\"users\"");
        assert_eq!(Dialect::Postgres.quote_identifier("a\"b"), "\"a\"\"b\"");
        assert_eq!(Dialect::MySql.quote_identifier("a`b"), "`a``b`");
        assert_eq!(Dialect::Sqlite.quote_identifier(""), "\"\"");
    }
}
