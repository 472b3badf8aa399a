//! [`SqlWriter`]: the one place SQL text and binds are produced together.
//!
//! Statement builders write only through `push_sql` (trusted SQL text
//! written by strata itself), `push_identifier` (quoted by the dialect) and
//! `push_bind` (a placeholder plus a bound value), so user input can never
//! become SQL text.

use crate::dialect::Dialect;
use crate::value::{Array, Value};
use std::fmt;
use std::sync::Arc;

/// Builds one statement's SQL text and its binds in a single pass.
pub struct SqlWriter {
    dialect: Dialect,
    sql: String,
    binds: Vec<Value>,
    /// Whether a MySQL `GROUP_CONCAT` needs `group_concat_max_len` raised
    /// for the statement.
    long_group_concat: bool,
}

/// What `group_concat_max_len` is raised to (the server caps it further
/// at `max_allowed_packet`).
const GROUP_CONCAT_MAX_LEN: &str = "4294967295";

impl SqlWriter {
    /// A writer for `dialect`.
    pub fn new(dialect: Dialect) -> Self {
        SqlWriter {
            dialect,
            sql: String::with_capacity(128),
            binds: Vec::new(),
            long_group_concat: false,
        }
    }

    /// Raises MySQL's `group_concat_max_len` for the statement being
    /// written: `SET STATEMENT .. FOR` on MariaDB, a `SET_VAR` hint on
    /// MySQL 8 (each server reads only its own).
    pub(crate) fn raise_group_concat_max_len(&mut self) {
        self.long_group_concat = true;
    }

    /// The dialect being written.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Appends a fragment of SQL written into the program (a string
    /// literal, never text made at run time): keywords, operators,
    /// punctuation. Names go through [`push_identifier`](Self::push_identifier),
    /// values through [`push_bind`](Self::push_bind), and run-time text the
    /// caller vouches for through [`push_raw`](Self::push_raw).
    ///
    /// ```compile_fail
    /// let mut w = strata::SqlWriter::new(strata::Dialect::Sqlite);
    /// let column = String::from("name");
    /// w.push_sql(&column); // run-time text: not accepted
    /// ```
    pub fn push_sql(&mut self, sql: &'static str) {
        self.sql.push_str(sql);
    }

    /// Appends SQL text made at run time that the caller vouches for: the
    /// explicit escape hatch, as [`Statement::raw`] is for a whole statement
    /// (a `String` needs [`AssertSqlSafe`](crate::AssertSqlSafe)).
    pub fn push_raw(&mut self, sql: impl crate::SqlSafeStr) {
        self.sql.push_str(sql.into_sql_str().as_str());
    }

    /// Appends SQL text strata made at run time from its own parts (quoted
    /// column lists, placeholders, numbers): never user input.
    pub(crate) fn push_text(&mut self, sql: &str) {
        self.sql.push_str(sql);
    }

    /// Appends an identifier, quoted by the dialect.
    pub fn push_identifier(&mut self, name: &str) {
        self.dialect.quote_identifier_into(&mut self.sql, name);
    }

    /// Appends a placeholder and records its value.
    pub fn push_bind(&mut self, value: Value) {
        self.binds.push(value);
        self.dialect
            .imp()
            .write_placeholder(&mut self.sql, self.binds.len());
    }

    /// Appends ` = ANY($n)` (` <> ALL($n)` when `negated`): `array` bound
    /// as one parameter, PostgreSQL's form of an in-list, which treats
    /// `NULL`s as `IN` does. Only for dialects that
    /// [bind arrays](Dialect::binds_arrays).
    pub(crate) fn push_any(&mut self, array: Array, negated: bool) {
        self.push_sql(if negated { " <> ALL(" } else { " = ANY(" });
        self.push_bind(Value::Array(array));
        self.push_sql(")");
    }

    /// Appends ` IN (...)` / ` NOT IN (...)` for `values`, in the form
    /// the dialect sends in-lists in: one array parameter on PostgreSQL
    /// when the values are of one kind, one JSON parameter elsewhere for
    /// more than [`MAX_PLACEHOLDER_LIST`](crate::query::MAX_PLACEHOLDER_LIST)
    /// integers, strings or UUIDs, else a placeholder per value. The list
    /// must not be empty.
    pub fn push_in_values(&mut self, values: &[Value], negated: bool) {
        let array = if self.dialect.binds_arrays() {
            Array::from_values(values)
        } else {
            None
        };
        crate::query::in_list::write_in(self, values, array.as_ref(), negated);
    }

    /// Appends ` IN (?, ?, ...)` / ` NOT IN (...)`: a placeholder per value.
    pub(crate) fn push_in_placeholders(&mut self, values: &[Value], negated: bool) {
        self.push_sql(if negated { " NOT IN (" } else { " IN (" });
        self.binds.reserve(values.len());
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                self.push_sql(", ");
            }
            self.push_bind(value.clone());
        }
        self.push_sql(")");
    }

    /// How long the SQL text written so far is, in bytes: where a
    /// fragment to [repeat](Self::repeat_sql) starts or ends.
    pub(crate) fn sql_len(&self) -> usize {
        self.sql.len()
    }

    /// Appends again the text written at `range` (a fragment strata wrote
    /// itself). Its placeholders name the same binds, so this is only for
    /// dialects with numbered placeholders (PostgreSQL's `$n`).
    pub(crate) fn repeat_sql(&mut self, range: std::ops::Range<usize>) {
        debug_assert_eq!(self.dialect, Dialect::Postgres);
        self.sql.extend_from_within(range);
    }

    /// How many values are bound so far.
    pub fn bind_count(&self) -> usize {
        self.binds.len()
    }

    /// The finished statement.
    pub fn finish(self) -> Statement {
        let sql = match self.sql.strip_prefix("SELECT ") {
            Some(rest) if self.long_group_concat => format!(
                "/*M!100102 SET STATEMENT group_concat_max_len = {GROUP_CONCAT_MAX_LEN} FOR */ \
                 SELECT /*+ SET_VAR(group_concat_max_len = {GROUP_CONCAT_MAX_LEN}) */ {rest}"
            ),
            _ => self.sql,
        };
        Statement {
            dialect: self.dialect,
            sql: SqlText::Written(sql),
            binds: self.binds,
        }
    }
}

/// The SQL text of a [`Statement`]: written for it, or shared with the
/// statement cache (a statement served from the cache takes a reference to
/// the cached text instead of a copy of it).
#[derive(Clone)]
pub(crate) enum SqlText {
    /// Text rendered for this statement.
    Written(String),
    /// Text the statement cache holds.
    Shared(Arc<String>),
}

impl SqlText {
    /// The text, shared: taken as it is when it is already, else moved
    /// (not copied) into an `Arc`, to hand to sqlx and keep for the log
    /// line and the error of a failed statement.
    pub(crate) fn into_shared(self) -> Arc<String> {
        match self {
            SqlText::Written(text) => Arc::new(text),
            SqlText::Shared(text) => text,
        }
    }

    /// The text as an owned string (a copy when it is shared).
    pub(crate) fn into_string(self) -> String {
        match self {
            SqlText::Written(text) => text,
            SqlText::Shared(text) => Arc::unwrap_or_clone(text),
        }
    }
}

impl std::ops::Deref for SqlText {
    type Target = str;

    #[inline]
    fn deref(&self) -> &str {
        match self {
            SqlText::Written(text) => text,
            SqlText::Shared(text) => text,
        }
    }
}

impl PartialEq for SqlText {
    fn eq(&self, other: &SqlText) -> bool {
        **self == **other
    }
}

impl fmt::Debug for SqlText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

/// SQL text with its bound values, ready to run or to show.
///
/// `Display` prints the SQL and then the binds, which is what
/// [`QuerySet::sql`](crate::QuerySet::sql) is for: seeing what a queryset
/// will run without a database.
///
/// Outside strata a statement comes from a queryset, from [`SqlWriter`]
/// or from [`Statement::raw`], whose SQL the caller vouches for. Its parts
/// are read through [`sql`](Statement::sql) and [`binds`](Statement::binds)
/// and cannot be changed afterwards, so no text reaches the database that
/// strata did not write or the caller did not vouch for.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub(crate) dialect: Dialect,
    pub(crate) sql: SqlText,
    pub(crate) binds: Vec<Value>,
}

impl Statement {
    /// The dialect the SQL is written in.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The SQL text, with the dialect's placeholders for the binds.
    pub fn sql(&self) -> &str {
        &self.sql
    }

    /// The bound values, in placeholder order.
    pub fn binds(&self) -> &[Value] {
        &self.binds
    }

    /// The SQL text, taken out of the statement.
    pub fn into_sql(self) -> String {
        self.sql.into_string()
    }

    /// The SQL text and the bound values, taken apart (to hand them to
    /// another driver, say).
    pub fn into_parts(self) -> (String, Vec<Value>) {
        (self.sql.into_string(), self.binds)
    }

    /// A statement of raw SQL with no binds, e.g. DDL strata does not model:
    /// the escape hatch where the caller, not strata, vouches that the text
    /// is safe to run.
    ///
    /// `sql` is sqlx's [`SqlSafeStr`](crate::SqlSafeStr): a string literal
    /// as it is, and a string built at run time only wrapped in
    /// [`AssertSqlSafe`](crate::AssertSqlSafe), the caller's explicit,
    /// reviewable assertion that no user input reaches the text unquoted.
    ///
    /// ```
    /// use strata::{AssertSqlSafe, Dialect, Statement};
    ///
    /// let literal = Statement::raw(Dialect::Sqlite, "SELECT 1");
    /// let table = "audit_2026"; // chosen by the program, never by a user
    /// let built = Statement::raw(
    ///     Dialect::Sqlite,
    ///     AssertSqlSafe(format!("DELETE FROM {table}")),
    /// );
    /// assert_eq!(literal.sql(), "SELECT 1");
    /// assert_eq!(built.sql(), "DELETE FROM audit_2026");
    /// ```
    ///
    /// A `String` without the assertion does not compile:
    ///
    /// ```compile_fail
    /// let sql = format!("SELECT {}", 1);
    /// strata::Statement::raw(strata::Dialect::Sqlite, sql);
    /// ```
    pub fn raw(dialect: Dialect, sql: impl crate::SqlSafeStr) -> Statement {
        Statement {
            dialect,
            sql: SqlText::Written(sql.into_sql_str().as_str().to_owned()),
            binds: Vec::new(),
        }
    }

    /// A statement of SQL text strata wrote itself (identifiers quoted by
    /// the dialect, no values in the text), with no binds.
    pub(crate) fn generated(dialect: Dialect, sql: String) -> Statement {
        Statement {
            dialect,
            sql: SqlText::Written(sql),
            binds: Vec::new(),
        }
    }
}

impl fmt::Display for Statement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sql)?;
        if !self.binds.is_empty() {
            f.write_str("\n  -- binds: [")?;
            for (i, bind) in self.binds.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{bind}")?;
            }
            f.write_str("]")?;
        }
        Ok(())
    }
}
