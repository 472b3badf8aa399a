//! Turns a database's constraint errors into [`Error::UniqueViolation`],
//! [`Error::ForeignKeyViolation`] and [`Error::NotNullViolation`], with
//! the table, constraint and columns each database tells:
//!
//! - PostgreSQL reports the table, the constraint and (for `NOT NULL`) the
//!   column as error fields, and a unique violation's columns in its
//!   detail (`Key (a, b)=(...) already exists.`).
//! - MySQL/MariaDB put them in the message: `Duplicate entry '..' for key
//!   'name'` (MySQL 8.0.19+ writes `'table.name'`), `a foreign key
//!   constraint fails (`db`.`table`, CONSTRAINT `name` FOREIGN KEY ...)`,
//!   `Column 'c' cannot be null`.
//! - SQLite: `UNIQUE constraint failed: t.a, t.b`, `NOT NULL constraint
//!   failed: t.c`, and only `FOREIGN KEY constraint failed`.
//!
//! What the database leaves out comes from the statement (the table it
//! writes) and the registered models (a unique constraint's name from its
//! columns and back).

use crate::dialect::Dialect;
use crate::error::Error;
use crate::registry;
use sqlx::error::ErrorKind;

/// The error of a failed statement: a constraint variant where the
/// database reports one, else [`Error::Query`].
pub(crate) fn classify(dialect: Dialect, sql: String, source: sqlx::Error) -> Error {
    let sqlx::Error::Database(db_error) = &source else {
        return Error::Query {
            dialect,
            sql,
            source,
        };
    };
    let message = db_error.message().to_string();
    let kind = match db_error.kind() {
        // A `RESTRICT` action fails with SQLITE_CONSTRAINT_TRIGGER (1811),
        // which sqlx does not classify, under the foreign-key message.
        ErrorKind::Other
            if dialect == Dialect::Sqlite
                && message.starts_with("FOREIGN KEY constraint failed") =>
        {
            ErrorKind::ForeignKeyViolation
        }
        kind => kind,
    };
    let pg = postgres_fields(db_error.as_ref());
    let written = written_table(dialect, &sql);
    match kind {
        ErrorKind::UniqueViolation => {
            let (table, constraint, columns) = match dialect {
                Dialect::Postgres => (
                    pg.table.or(written),
                    pg.constraint,
                    pg.detail.as_deref().map(key_columns).unwrap_or_default(),
                ),
                Dialect::MySql => {
                    let key = quoted_after(&message, "for key '", '\'');
                    // MySQL 8.0.19+ prefixes the key with its table.
                    let (table, key) = match key.as_deref().and_then(|k| k.split_once('.')) {
                        Some((t, k)) => (Some(t.to_string()), Some(k.to_string())),
                        None => (written, key),
                    };
                    (table, key, Vec::new())
                }
                Dialect::Sqlite => {
                    let (table, columns) = sqlite_columns(&message, "UNIQUE constraint failed: ");
                    (table.or(written), None, columns)
                }
            };
            let table = table.unwrap_or_default();
            let (constraint, columns) = complete_unique(&table, constraint, columns);
            Error::UniqueViolation {
                table,
                constraint,
                columns,
                dialect,
                sql,
                source: Box::new(source),
            }
        }
        ErrorKind::ForeignKeyViolation => {
            let (table, constraint) = match dialect {
                Dialect::Postgres => (pg.table.or(written), pg.constraint),
                Dialect::MySql => {
                    // "(`db`.`table`, CONSTRAINT `name` FOREIGN KEY ..."
                    let table = message
                        .split_once("fails (")
                        .and_then(|(_, rest)| rest.split_once(", CONSTRAINT"))
                        .and_then(|(qualified, _)| qualified.rsplit('.').next())
                        .map(|t| t.trim_matches('`').to_string());
                    let constraint = quoted_after(&message, "CONSTRAINT `", '`');
                    (table.or(written), constraint)
                }
                Dialect::Sqlite => (written, None),
            };
            Error::ForeignKeyViolation {
                table: table.unwrap_or_default(),
                constraint,
                dialect,
                sql,
                source: Box::new(source),
            }
        }
        ErrorKind::NotNullViolation => {
            let (table, column) = match dialect {
                Dialect::Postgres => (pg.table.or(written), pg.column),
                Dialect::MySql => (
                    written,
                    quoted_after(&message, "Column '", '\'')
                        .or_else(|| quoted_after(&message, "Field '", '\'')),
                ),
                Dialect::Sqlite => {
                    let (table, columns) = sqlite_columns(&message, "NOT NULL constraint failed: ");
                    (table.or(written), columns.into_iter().next())
                }
            };
            Error::NotNullViolation {
                table: table.unwrap_or_default(),
                column,
                dialect,
                sql,
                source: Box::new(source),
            }
        }
        _ => Error::Query {
            dialect,
            sql,
            source,
        },
    }
}

/// PostgreSQL's error fields, empty elsewhere.
#[derive(Default)]
struct PgFields {
    table: Option<String>,
    constraint: Option<String>,
    column: Option<String>,
    detail: Option<String>,
}

#[allow(unused_variables)]
fn postgres_fields(error: &(dyn sqlx::error::DatabaseError + 'static)) -> PgFields {
    #[cfg(feature = "postgres")]
    if let Some(pg) = error.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
        return PgFields {
            table: pg.table().map(str::to_string),
            constraint: pg.constraint().map(str::to_string),
            column: pg.column().map(str::to_string),
            detail: pg.detail().map(str::to_string),
        };
    }
    PgFields::default()
}

/// The text between `start` and the next `end` in `message`.
fn quoted_after(message: &str, start: &str, end: char) -> Option<String> {
    let (_, rest) = message.split_once(start)?;
    let (inside, _) = rest.split_once(end)?;
    Some(inside.to_string())
}

/// The columns of PostgreSQL's `Key (a, b)=(1, 2) already exists.`
fn key_columns(detail: &str) -> Vec<String> {
    detail
        .strip_prefix("Key (")
        .and_then(|rest| rest.split_once(")="))
        .map(|(columns, _)| {
            columns
                .split(", ")
                .map(|c| c.trim_matches('"').to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The table and columns of SQLite's `<prefix>t.a, t.b`.
fn sqlite_columns(message: &str, prefix: &str) -> (Option<String>, Vec<String>) {
    let Some((_, list)) = message.split_once(prefix) else {
        return (None, Vec::new());
    };
    let mut table = None;
    let columns = list
        .split(", ")
        .map(|qualified| match qualified.split_once('.') {
            Some((t, c)) => {
                table.get_or_insert_with(|| t.to_string());
                c.to_string()
            }
            None => qualified.to_string(),
        })
        .collect();
    (table, columns)
}

/// Fills in a unique constraint's name from its columns, or its columns
/// from its name, through the registered models.
fn complete_unique(
    table: &str,
    constraint: Option<String>,
    columns: Vec<String>,
) -> (Option<String>, Vec<String>) {
    let Some(model) = registry::models().into_iter().find(|m| m.table == table) else {
        return (constraint, columns);
    };
    match (&constraint, columns.is_empty()) {
        (Some(name), true) => {
            if let Some(u) = model.unique_constraints.iter().find(|u| u.name == name) {
                return (
                    constraint,
                    u.columns.iter().map(|c| c.to_string()).collect(),
                );
            }
            // MySQL names a column's own UNIQUE index after the column;
            // migrations name it `<table>_<column>_uniq`.
            if let Some(c) = model.columns.iter().find(|c| {
                c.column == name
                    || (c.unique
                        && crate::naming::constraint_name(table, &[c.column], "uniq") == *name)
            }) {
                return (constraint, vec![c.column.to_string()]);
            }
            if name == "PRIMARY" {
                return (constraint, vec![model.pk().column.to_string()]);
            }
            (constraint, columns)
        }
        (None, false) => {
            let name = model
                .unique_constraints
                .iter()
                .find(|u| u.columns.iter().eq(columns.iter()))
                .map(|u| u.name.to_string());
            (name, columns)
        }
        _ => (constraint, columns),
    }
}

/// The table an `INSERT INTO`, `UPDATE` or `DELETE FROM` statement writes.
fn written_table(dialect: Dialect, sql: &str) -> Option<String> {
    let rest = sql
        .strip_prefix("INSERT INTO ")
        .or_else(|| sql.strip_prefix("UPDATE "))
        .or_else(|| sql.strip_prefix("DELETE FROM "))?;
    let quote = if dialect == Dialect::MySql { '`' } else { '"' };
    let rest = rest.strip_prefix(quote)?;
    let mut name = String::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        if c == quote {
            if chars.peek() == Some(&quote) {
                chars.next();
                name.push(quote);
                continue;
            }
            return Some(name);
        }
        name.push(c);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_written_table_is_read_from_the_statement() {
        assert_eq!(
            written_table(Dialect::Postgres, r#"INSERT INTO "a""b" ("x") VALUES ($1)"#).as_deref(),
            Some(r#"a"b"#)
        );
        assert_eq!(
            written_table(Dialect::MySql, "UPDATE `t` SET `x` = ?").as_deref(),
            Some("t")
        );
        assert_eq!(written_table(Dialect::Sqlite, "SELECT 1"), None);
    }

    #[test]
    fn messages_give_their_columns_and_keys() {
        assert_eq!(
            key_columns("Key (title, author)=(a, b) already exists."),
            ["title", "author"]
        );
        assert_eq!(
            sqlite_columns(
                "UNIQUE constraint failed: t.a, t.b",
                "UNIQUE constraint failed: "
            ),
            (
                Some("t".to_string()),
                vec!["a".to_string(), "b".to_string()]
            )
        );
        assert_eq!(
            quoted_after("Duplicate entry 'x' for key 't.k'", "for key '", '\'').as_deref(),
            Some("t.k")
        );
    }
}
