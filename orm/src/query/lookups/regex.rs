//! `regex` / `iregex`: a column matches a regular expression.
//!
//! - PostgreSQL: `col ~ $1` / `col ~* $1` (its advanced regular
//!   expressions).
//! - MySQL 8 (ICU) and MariaDB (PCRE2): `col REGEXP ?`. Both take their
//!   case sensitivity from the column's collation, so the bound pattern
//!   starts with an inline flag that both engines read, `(?-i)` or `(?i)`:
//!   the lookup means the same whatever the collation.
//! - SQLite: `col REGEXP ?`, which calls the `regexp` function strata
//!   registers on every connection (Rust's `regex` crate); `iregex`
//!   prefixes `(?i)`.
//!
//! The syntax all three read alike: literal characters, `.`, bracket
//! classes `[abc]`, `[a-z]`, `[^...]`, the quantifiers `*`, `+`, `?`,
//! `{m}`, `{m,n}`, alternation `|`, groups `(...)`, anchors `^` and `$`,
//! and the escapes `\d`, `\w`, `\s` and `\.`. Back-references,
//! look-around and POSIX classes (`[[:alpha:]]`) are not in it. Matches
//! are searches (unanchored) everywhere; case-insensitive matching folds
//! Unicode letters on every database.

use crate::dialect::Dialect;
use crate::value::Value;
use crate::writer::SqlWriter;

pub(super) fn write(
    w: &mut SqlWriter,
    column: &dyn Fn(&mut SqlWriter),
    case_insensitive: bool,
    bind: &mut dyn FnMut(&mut SqlWriter),
) {
    column(w);
    w.push_sql(match (w.dialect(), case_insensitive) {
        (Dialect::Postgres, false) => " ~ ",
        (Dialect::Postgres, true) => " ~* ",
        _ => " REGEXP ",
    });
    bind(w);
}

pub(super) fn binds(dialect: Dialect, pattern: &str, case_insensitive: bool) -> Vec<Value> {
    let pattern = match (dialect, case_insensitive) {
        (Dialect::Postgres, _) => pattern.to_owned(),
        (Dialect::MySql, false) => format!("(?-i){pattern}"),
        (Dialect::Sqlite, false) => pattern.to_owned(),
        (_, true) => format!("(?i){pattern}"),
    };
    vec![Value::String(Some(pattern))]
}

use crate::query::expr::{Expr, Q};
use crate::query::field::{Field, TextField};
use crate::query::lookups::Lookup;

impl<M, T, C> Field<M, T, C> {
    fn regex_lookup(self, pattern: &str, case_insensitive: bool) -> Q<M> {
        Q::new(Expr::Lookup {
            column: self.col_ref(),
            lookup: Box::new(Lookup::Regex {
                pattern: pattern.to_owned(),
                case_insensitive,
            }),
        })
    }

    /// Matches the regular expression `pattern` (a search, not anchored),
    /// case-sensitively on every database; the pattern is a bound value.
    /// The [module docs](self) list the syntax all three databases read
    /// alike.
    ///
    /// ```
    /// # use strata::prelude::*;
    /// #[derive(Model, Debug)]
    /// struct Tag {
    ///     id: i64,
    ///     name: String,
    /// }
    ///
    /// let qs = Tag::objects().filter(Tag::name().regex("^r[a-z]+t$"));
    /// assert_eq!(
    ///     qs.sql(Dialect::Postgres).sql(),
    ///     r#"SELECT "id", "name" FROM "tag" WHERE "name" ~ $1"#
    /// );
    /// assert_eq!(
    ///     qs.sql(Dialect::MySql).sql(),
    ///     "SELECT `id`, `name` FROM `tag` WHERE `name` REGEXP ?"
    /// );
    /// ```
    pub fn regex(self, pattern: &str) -> Q<M>
    where
        T: TextField,
    {
        self.regex_lookup(pattern, false)
    }

    /// Matches the regular expression `pattern`, ignoring case.
    pub fn iregex(self, pattern: &str) -> Q<M>
    where
        T: TextField,
    {
        self.regex_lookup(pattern, true)
    }
}
