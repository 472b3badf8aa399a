//! Introspection: the schema a live database has, and the schema a
//! [`ProjectState`] says it should have, in one normalized form that can be
//! compared with `==`.
//!
//! ```no_run
//! # async fn check(db: &strata::Db, state: &strata_migrate::ProjectState) -> strata_migrate::Result<()> {
//! use strata_migrate::introspect::Schema;
//! let live = Schema::introspect(db).await?;
//! let expected = Schema::expected(state, db.dialect())?;
//! assert_eq!(live, expected);
//! # Ok(()) }
//! ```
//!
//! The live schema is read (in `live.rs`) from `pg_catalog` (the current schema) on
//! PostgreSQL, `information_schema` (the current database) on
//! MySQL/MariaDB, and `sqlite_master` with the `pragma_*` table functions
//! on SQLite. The recorder table (`strata_migrations`) and SQLite's own
//! tables are left out.
//!
//! What is compared, and how it is normalized:
//! - tables, by name; join tables of many-to-many relations included;
//! - columns: name; type as the database spells it, lowercased, with
//!   aliases folded to one spelling (`varchar(n)` = `character varying(n)`,
//!   `timestamptz` = `timestamp with time zone`, ...), MySQL integer display
//!   widths dropped (`bigint(20)` = `bigint`), `bool` = `tinyint`, and
//!   `json` = `longtext` on MySQL (MariaDB stores JSON as LONGTEXT); an
//!   auto-increment key has the type of its dialect's definition
//!   (`INTEGER` on SQLite);
//! - nullability, with primary-key columns always NOT NULL (SQLite reports
//!   its rowid key as nullable);
//! - defaults as literal text: casts (`'a'::character varying`), enclosing
//!   parentheses and quotes removed, `true`/`false` written `1`/`0`, and
//!   MariaDB's `NULL` for "no default" read as none; identity and
//!   auto-increment columns have no default;
//! - the primary key's columns, in order;
//! - indexes and unique constraints, as named indexes with their columns
//!   in order and whether they are unique (the primary key's own index is
//!   not listed; on MySQL, the index InnoDB adds for a foreign key, named
//!   after the constraint, is left out);
//! - foreign keys by column: the referenced table and column and the `ON
//!   DELETE` action (`RESTRICT` is read as `NO ACTION` on MySQL, where
//!   InnoDB treats them alike). Constraint names are not compared (SQLite
//!   does not keep them).
//!
//! Not compared: check constraints, collations and table options, index
//! methods, and defaults of date and time columns (each database rewrites
//! their literals its own way).

use crate::error::{Error, Result};
use crate::operations::relations::join_model;
use crate::state::naming;
use crate::state::{ConstraintKind, ModelState, ProjectState};
use std::collections::BTreeMap;
use strata::Dialect;

pub use super::live::TableDetails;

/// A database schema in normalized form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    /// Tables by name.
    pub tables: BTreeMap<String, Table>,
}

/// One table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// Columns by name.
    pub columns: BTreeMap<String, Column>,
    /// The primary key's columns, in order.
    pub primary_key: Vec<String>,
    /// Indexes and unique constraints by name.
    pub indexes: BTreeMap<String, Index>,
    /// Foreign keys by the referencing column.
    pub foreign_keys: BTreeMap<String, ForeignKey>,
}

/// One column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The normalized type.
    pub ty: String,
    /// Whether `NULL` is allowed.
    pub nullable: bool,
    /// The normalized default literal.
    pub default: Option<String>,
}

/// An index or unique constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    /// Its columns, in order.
    pub columns: Vec<String>,
    /// Whether it is unique.
    pub unique: bool,
}

/// A single-column foreign key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    /// The referenced table.
    pub table: String,
    /// The referenced column.
    pub column: String,
    /// The `ON DELETE` action, uppercase (`NO ACTION`, `CASCADE`, ...).
    pub on_delete: String,
}

impl Schema {
    /// The schema `state` describes on `dialect`.
    pub fn expected(state: &ProjectState, dialect: Dialect) -> Result<Schema> {
        let mut schema = Schema::default();
        for model in state.models.values() {
            schema
                .tables
                .insert(model.table.clone(), expected_table(state, model, dialect)?);
            for relation in model.many_to_many.iter().filter(|r| r.through.is_none()) {
                let join = join_model(state, &model.name, relation).map_err(|reason| {
                    Error::InvalidState {
                        reason: format!("{}.{}: {reason}", model.name, relation.field),
                    }
                })?;
                schema
                    .tables
                    .insert(join.table.clone(), expected_table(state, &join, dialect)?);
            }
        }
        Ok(schema)
    }

    /// The names of the tables, sorted.
    pub fn table_names(&self) -> Vec<&str> {
        self.tables.keys().map(String::as_str).collect()
    }
}

pub(crate) fn expected_table(
    state: &ProjectState,
    model: &ModelState,
    dialect: Dialect,
) -> Result<Table> {
    let mut table = Table::default();
    for field in &model.fields {
        let ty = if field.auto_increment {
            auto_pk_type(dialect, &field.ty)
        } else {
            dialect.column_type_sql(&field.ty).into_owned()
        };
        let default = match (&field.default, field.auto_increment) {
            (Some(value), false) => {
                let clause = dialect.default_clause(&field.ty, value.as_literal());
                let literal = clause.trim_start().trim_start_matches("DEFAULT").trim();
                normalize_default(literal)
            }
            _ => None,
        };
        table.columns.insert(
            field.column.clone(),
            Column {
                ty: normalize_type(dialect, &ty),
                nullable: field.null && !field.primary_key,
                default,
            },
        );
        if field.primary_key {
            table.primary_key.push(field.column.clone());
        }
        if field.unique {
            table.indexes.insert(
                naming::unique_name(&model.table, &field.column),
                Index {
                    columns: vec![field.column.clone()],
                    unique: true,
                },
            );
        }
        if let Some(fk) = &field.foreign_key {
            let target = state
                .models
                .get(&fk.to)
                .ok_or_else(|| Error::InvalidState {
                    reason: format!(
                        "`{}.{}` refers to the unknown model `{}`",
                        model.name, field.column, fk.to
                    ),
                })?;
            let pk = target.primary_key().ok_or_else(|| Error::InvalidState {
                reason: format!("model `{}` has no primary key", target.name),
            })?;
            let on_delete =
                strata::schema::on_delete_sql(dialect, fk.on_delete).unwrap_or("NO ACTION");
            table.foreign_keys.insert(
                field.column.clone(),
                ForeignKey {
                    table: target.table.clone(),
                    column: pk.column.clone(),
                    on_delete: normalize_on_delete(dialect, on_delete),
                },
            );
        }
    }
    for constraint in &model.constraints {
        if let ConstraintKind::Unique(columns) = &constraint.kind {
            table.indexes.insert(
                constraint.name.clone(),
                Index {
                    columns: columns.clone(),
                    unique: true,
                },
            );
        }
    }
    for index in &model.indexes {
        table.indexes.insert(
            index.name.clone(),
            Index {
                columns: index.columns.clone(),
                unique: index.unique,
            },
        );
    }
    Ok(table)
}

/// The type part of a dialect's auto-increment key definition.
fn auto_pk_type(dialect: Dialect, ty: &strata::ColumnType) -> String {
    let definition = dialect.auto_pk_sql(ty);
    let end = [" GENERATED", " NOT NULL", " PRIMARY KEY", " AUTO_INCREMENT"]
        .iter()
        .filter_map(|marker| definition.find(marker))
        .min()
        .unwrap_or(definition.len());
    definition[..end].to_string()
}

/// One spelling per type (see the module documentation).
pub fn normalize_type(dialect: Dialect, ty: &str) -> String {
    let lower = ty.trim().to_ascii_lowercase().replace(", ", ",");
    let (base, args) = match lower.find('(') {
        Some(i) => (lower[..i].trim().to_string(), lower[i..].to_string()),
        None => (lower.clone(), String::new()),
    };
    match dialect {
        Dialect::Postgres => {
            let base = match base.as_str() {
                "varchar" => "character varying",
                "char" | "bpchar" => "character",
                "int" | "int4" => "integer",
                "int8" | "bigserial" => "bigint",
                "int2" => "smallint",
                "serial" => "integer",
                "float8" => "double precision",
                "float4" => "real",
                "bool" => "boolean",
                "decimal" => "numeric",
                "timestamptz" => "timestamp with time zone",
                "timestamp" => "timestamp without time zone",
                "timetz" => "time with time zone",
                "time" => "time without time zone",
                other => other,
            };
            format!("{base}{args}")
        }
        Dialect::MySql => {
            // `tinyint(3) unsigned` (what MySQL reports) and `TINYINT
            // UNSIGNED` (what strata writes) are the same type.
            let unsigned = lower.contains(" unsigned");
            let cleaned = lower.replace(" unsigned", "");
            let (base, args) = match cleaned.find('(') {
                Some(i) => (
                    cleaned[..i].trim().to_string(),
                    cleaned[i..].trim().to_string(),
                ),
                None => (cleaned.trim().to_string(), String::new()),
            };
            let integer = matches!(
                base.as_str(),
                "tinyint"
                    | "smallint"
                    | "mediumint"
                    | "int"
                    | "integer"
                    | "bigint"
                    | "bool"
                    | "boolean"
            );
            let base = match base.as_str() {
                "integer" => "int",
                "bool" | "boolean" => "tinyint",
                "json" => "longtext",
                other => other,
            };
            if integer && unsigned {
                format!("{base} unsigned")
            } else if integer {
                base.to_string()
            } else {
                format!("{base}{args}")
            }
        }
        Dialect::Sqlite => lower,
    }
}

/// A default's text as a bare literal (see the module documentation), or
/// `None` for "no default".
pub fn normalize_default(text: &str) -> Option<String> {
    let mut text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("null") {
        return None;
    }
    while text.starts_with('(') && text.ends_with(')') && text.len() >= 2 {
        text = text[1..text.len() - 1].trim();
    }
    // `_utf8mb4'x'` (MySQL's expression defaults) is a quoted literal.
    if let Some(rest) = text.strip_prefix("_utf8mb4") {
        if rest.starts_with('\'') {
            text = rest;
        }
    }
    if let Some(body) = text.strip_prefix('\'') {
        // A quoted literal, maybe followed by a cast.
        let mut out = String::new();
        let mut chars = body.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\'' {
                if chars.peek() == Some(&'\'') {
                    chars.next();
                    out.push('\'');
                } else {
                    break;
                }
            } else {
                out.push(c);
            }
        }
        return Some(out);
    }
    let bare = match text.find("::") {
        Some(i) => text[..i].trim(),
        None => text,
    };
    let bare = bare.trim_matches(|c| c == '(' || c == ')');
    Some(match bare.to_ascii_lowercase().as_str() {
        "true" => "1".to_string(),
        "false" => "0".to_string(),
        // An expression (`UTC_TIMESTAMP(6)`, which MySQL reports in
        // lowercase): compared without case.
        lower if lower.starts_with(|c: char| c.is_ascii_alphabetic()) => lower.to_string(),
        _ => bare.to_string(),
    })
}

pub(super) fn normalize_on_delete(dialect: Dialect, action: &str) -> String {
    let upper = action.trim().to_ascii_uppercase();
    if dialect == Dialect::MySql && upper == "RESTRICT" {
        "NO ACTION".to_string()
    } else {
        upper
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_fold_to_one_spelling() {
        let pg = |t| normalize_type(Dialect::Postgres, t);
        assert_eq!(pg("VARCHAR(100)"), pg("character varying(100)"));
        assert_eq!(pg("TIMESTAMPTZ"), "timestamp with time zone");
        assert_eq!(pg("NUMERIC(10, 2)"), pg("numeric(10,2)"));
        let my = |t| normalize_type(Dialect::MySql, t);
        assert_eq!(my("BIGINT"), my("bigint(20)"));
        assert_eq!(my("BOOL"), my("tinyint(1)"));
        assert_eq!(my("JSON"), my("longtext"));
        assert_eq!(my("DECIMAL(10, 2)"), "decimal(10,2)");
    }

    #[test]
    fn defaults_lose_casts_quotes_and_parentheses() {
        assert_eq!(
            normalize_default("'it''s'::character varying").as_deref(),
            Some("it's")
        );
        assert_eq!(normalize_default("('x')").as_deref(), Some("x"));
        assert_eq!(normalize_default("false").as_deref(), Some("0"));
        assert_eq!(normalize_default("NULL"), None);
        assert_eq!(normalize_default("0").as_deref(), Some("0"));
        assert_eq!(normalize_default("'1.5'::numeric").as_deref(), Some("1.5"));
    }
}
