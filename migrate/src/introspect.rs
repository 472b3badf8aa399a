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
//! The live schema is read from `pg_catalog` (the current schema) on
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
use crate::naming;
use crate::operations::relations::join_model;
use crate::recorder;
use crate::session::{get, Session};
use crate::state::{ConstraintKind, ModelState, ProjectState};
use std::collections::BTreeMap;
use strata::{Db, Dialect};

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
    /// The schema of the database `db` is connected to.
    pub async fn introspect(db: &Db) -> Result<Schema> {
        let mut conn = db.acquire().await.map_err(introspect_error)?;
        let mut session = Session::Conn(&mut conn);
        read(&mut session).await.map_err(introspect_error)
    }

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

fn introspect_error(source: strata::Error) -> Error {
    Error::Database {
        action: "introspecting the database schema".into(),
        source: Box::new(source),
    }
}

fn expected_table(state: &ProjectState, model: &ModelState, dialect: Dialect) -> Result<Table> {
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
            if integer {
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
        _ => bare.to_string(),
    })
}

fn normalize_on_delete(dialect: Dialect, action: &str) -> String {
    let upper = action.trim().to_ascii_uppercase();
    if dialect == Dialect::MySql && upper == "RESTRICT" {
        "NO ACTION".to_string()
    } else {
        upper
    }
}

/// The names of the tables of the current schema / database, sorted.
pub(crate) async fn table_names(session: &mut Session<'_, '_>) -> strata::Result<Vec<String>> {
    let sql = match session.dialect() {
        Dialect::Postgres => {
            "SELECT c.relname::text FROM pg_catalog.pg_class c \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') \
             ORDER BY 1"
        }
        Dialect::MySql => {
            "SELECT CAST(TABLE_NAME AS CHAR) FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1"
        }
        Dialect::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY 1"
        }
    };
    session
        .fetch_raw(sql, |row| get::<String>(row, 0, "table name"))
        .await
}

async fn read(session: &mut Session<'_, '_>) -> strata::Result<Schema> {
    let mut schema = Schema::default();
    for name in table_names(session).await? {
        if name != recorder::TABLE {
            schema.tables.insert(name, Table::default());
        }
    }
    match session.dialect() {
        Dialect::Postgres => read_postgres(session, &mut schema).await?,
        Dialect::MySql => read_mysql(session, &mut schema).await?,
        Dialect::Sqlite => read_sqlite(session, &mut schema).await?,
    }
    Ok(schema)
}

/// Adds `column` to index `index` of `table` (rows come in column order).
fn push_index_column(table: &mut Table, index: String, unique: bool, column: String) {
    table
        .indexes
        .entry(index)
        .or_insert_with(|| Index {
            columns: Vec::new(),
            unique,
        })
        .columns
        .push(column);
}

async fn read_postgres(session: &mut Session<'_, '_>, schema: &mut Schema) -> strata::Result<()> {
    let dialect = Dialect::Postgres;
    let columns = session
        .fetch_raw(
            "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), \
             a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity::text \
             FROM pg_catalog.pg_attribute a \
             JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
             JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
             LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
             WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') \
             AND a.attnum > 0 AND NOT a.attisdropped",
            |row| {
                Ok((
                    get::<String>(row, 0, "table")?,
                    get::<String>(row, 1, "column")?,
                    get::<String>(row, 2, "type")?,
                    get::<bool>(row, 3, "not null")?,
                    get::<Option<String>>(row, 4, "default")?,
                    get::<Option<String>>(row, 5, "identity")?,
                ))
            },
        )
        .await?;
    for (table, column, ty, not_null, default, identity) in columns {
        let Some(t) = schema.tables.get_mut(&table) else {
            continue;
        };
        let is_identity = identity.is_some_and(|i| !i.trim().is_empty());
        let default = if is_identity
            || default
                .as_deref()
                .is_some_and(|d| d.starts_with("nextval("))
        {
            None
        } else {
            default.as_deref().and_then(normalize_default)
        };
        t.columns.insert(
            column,
            Column {
                ty: normalize_type(dialect, &ty),
                nullable: !not_null,
                default,
            },
        );
    }
    let indexes = session
        .fetch_raw(
            "SELECT t.relname::text, i.relname::text, ix.indisunique, ix.indisprimary, \
             a.attname::text \
             FROM pg_catalog.pg_index ix \
             JOIN pg_catalog.pg_class t ON t.oid = ix.indrelid \
             JOIN pg_catalog.pg_class i ON i.oid = ix.indexrelid \
             JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace \
             CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
             JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
             WHERE n.nspname = current_schema() \
             ORDER BY 1, 2, k.ord",
            |row| {
                Ok((
                    get::<String>(row, 0, "table")?,
                    get::<String>(row, 1, "index")?,
                    get::<bool>(row, 2, "unique")?,
                    get::<bool>(row, 3, "primary")?,
                    get::<String>(row, 4, "column")?,
                ))
            },
        )
        .await?;
    for (table, index, unique, primary, column) in indexes {
        let Some(t) = schema.tables.get_mut(&table) else {
            continue;
        };
        if primary {
            t.primary_key.push(column);
        } else {
            push_index_column(t, index, unique, column);
        }
    }
    let foreign_keys = session
        .fetch_raw(
            "SELECT t.relname::text, a.attname::text, rt.relname::text, ra.attname::text, \
             con.confdeltype::text \
             FROM pg_catalog.pg_constraint con \
             JOIN pg_catalog.pg_class t ON t.oid = con.conrelid \
             JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace \
             JOIN pg_catalog.pg_class rt ON rt.oid = con.confrelid \
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1] \
             JOIN pg_catalog.pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = con.confkey[1] \
             WHERE con.contype = 'f' AND n.nspname = current_schema()",
            |row| {
                Ok((
                    get::<String>(row, 0, "table")?,
                    get::<String>(row, 1, "column")?,
                    get::<String>(row, 2, "referenced table")?,
                    get::<String>(row, 3, "referenced column")?,
                    get::<String>(row, 4, "on delete")?,
                ))
            },
        )
        .await?;
    for (table, column, to_table, to_column, action) in foreign_keys {
        let Some(t) = schema.tables.get_mut(&table) else {
            continue;
        };
        let on_delete = match action.as_str() {
            "c" => "CASCADE",
            "n" => "SET NULL",
            "d" => "SET DEFAULT",
            "r" => "RESTRICT",
            _ => "NO ACTION",
        };
        t.foreign_keys.insert(
            column,
            ForeignKey {
                table: to_table,
                column: to_column,
                on_delete: on_delete.to_string(),
            },
        );
    }
    Ok(())
}

async fn read_mysql(session: &mut Session<'_, '_>, schema: &mut Schema) -> strata::Result<()> {
    let dialect = Dialect::MySql;
    let columns = session
        .fetch_raw(
            "SELECT CAST(TABLE_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR), \
             CAST(COLUMN_TYPE AS CHAR), CAST(IS_NULLABLE AS CHAR), \
             CAST(COLUMN_DEFAULT AS CHAR), CAST(EXTRA AS CHAR) \
             FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()",
            |row| {
                Ok((
                    get::<String>(row, 0, "table")?,
                    get::<String>(row, 1, "column")?,
                    get::<String>(row, 2, "type")?,
                    get::<String>(row, 3, "nullable")?,
                    get::<Option<String>>(row, 4, "default")?,
                    get::<String>(row, 5, "extra")?,
                ))
            },
        )
        .await?;
    for (table, column, ty, nullable, default, extra) in columns {
        let Some(t) = schema.tables.get_mut(&table) else {
            continue;
        };
        let default = if extra.to_ascii_lowercase().contains("auto_increment") {
            None
        } else {
            default.as_deref().and_then(normalize_default)
        };
        t.columns.insert(
            column,
            Column {
                ty: normalize_type(dialect, &ty),
                nullable: nullable.eq_ignore_ascii_case("YES"),
                default,
            },
        );
    }
    let foreign_keys = session
        .fetch_raw(
            "SELECT CAST(k.TABLE_NAME AS CHAR), CAST(k.COLUMN_NAME AS CHAR), \
             CAST(k.REFERENCED_TABLE_NAME AS CHAR), CAST(k.REFERENCED_COLUMN_NAME AS CHAR), \
             CAST(r.DELETE_RULE AS CHAR), CAST(k.CONSTRAINT_NAME AS CHAR) \
             FROM information_schema.KEY_COLUMN_USAGE k \
             JOIN information_schema.REFERENTIAL_CONSTRAINTS r \
               ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA \
              AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME \
             WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL",
            |row| {
                Ok((
                    get::<String>(row, 0, "table")?,
                    get::<String>(row, 1, "column")?,
                    get::<String>(row, 2, "referenced table")?,
                    get::<String>(row, 3, "referenced column")?,
                    get::<String>(row, 4, "on delete")?,
                    get::<String>(row, 5, "constraint")?,
                ))
            },
        )
        .await?;
    let mut fk_names: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (table, column, to_table, to_column, action, constraint) in foreign_keys {
        let Some(t) = schema.tables.get_mut(&table) else {
            continue;
        };
        fk_names
            .entry(table)
            .or_default()
            .push((constraint, column.clone()));
        t.foreign_keys.insert(
            column,
            ForeignKey {
                table: to_table,
                column: to_column,
                on_delete: normalize_on_delete(dialect, &action),
            },
        );
    }
    let indexes = session
        .fetch_raw(
            "SELECT CAST(TABLE_NAME AS CHAR), CAST(INDEX_NAME AS CHAR), \
             CAST(NON_UNIQUE AS SIGNED), CAST(COLUMN_NAME AS CHAR) \
             FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() \
             ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
            |row| {
                Ok((
                    get::<String>(row, 0, "table")?,
                    get::<String>(row, 1, "index")?,
                    get::<i64>(row, 2, "non unique")?,
                    get::<String>(row, 3, "column")?,
                ))
            },
        )
        .await?;
    for (table, index, non_unique, column) in indexes {
        let Some(t) = schema.tables.get_mut(&table) else {
            continue;
        };
        if index == "PRIMARY" {
            t.primary_key.push(column);
        } else {
            push_index_column(t, index, non_unique == 0, column);
        }
    }
    // InnoDB indexes every foreign-key column, naming the index after the
    // constraint when no other index starts with the column.
    for (table, constraints) in fk_names {
        if let Some(t) = schema.tables.get_mut(&table) {
            for (constraint, column) in constraints {
                let implicit = t
                    .indexes
                    .get(&constraint)
                    .is_some_and(|i| !i.unique && i.columns == [column.clone()]);
                if implicit {
                    t.indexes.remove(&constraint);
                }
            }
        }
    }
    Ok(())
}

/// `'text'` as an SQLite string literal.
fn sqlite_string(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

async fn read_sqlite(session: &mut Session<'_, '_>, schema: &mut Schema) -> strata::Result<()> {
    let dialect = Dialect::Sqlite;
    let names: Vec<String> = schema.tables.keys().cloned().collect();
    for table in names {
        let literal = sqlite_string(&table);
        let columns = session
            .fetch_raw(
                &format!(
                    "SELECT name, type, \"notnull\", dflt_value, pk \
                     FROM pragma_table_info({literal}) ORDER BY cid"
                ),
                |row| {
                    Ok((
                        get::<String>(row, 0, "column")?,
                        get::<String>(row, 1, "type")?,
                        get::<i64>(row, 2, "not null")?,
                        get::<Option<String>>(row, 3, "default")?,
                        get::<i64>(row, 4, "pk")?,
                    ))
                },
            )
            .await?;
        let mut t = Table::default();
        let mut pk: Vec<(i64, String)> = Vec::new();
        for (column, ty, not_null, default, pk_position) in columns {
            if pk_position > 0 {
                pk.push((pk_position, column.clone()));
            }
            t.columns.insert(
                column,
                Column {
                    ty: normalize_type(dialect, &ty),
                    nullable: not_null == 0 && pk_position == 0,
                    default: default.as_deref().and_then(normalize_default),
                },
            );
        }
        pk.sort();
        t.primary_key = pk.into_iter().map(|(_, c)| c).collect();
        let indexes = session
            .fetch_raw(
                &format!("SELECT name, \"unique\", origin FROM pragma_index_list({literal})"),
                |row| {
                    Ok((
                        get::<String>(row, 0, "index")?,
                        get::<i64>(row, 1, "unique")?,
                        get::<String>(row, 2, "origin")?,
                    ))
                },
            )
            .await?;
        for (index, unique, origin) in indexes {
            if origin == "pk" {
                continue;
            }
            let columns = session
                .fetch_raw(
                    &format!(
                        "SELECT name FROM pragma_index_info({}) ORDER BY seqno",
                        sqlite_string(&index)
                    ),
                    |row| get::<Option<String>>(row, 0, "column"),
                )
                .await?;
            t.indexes.insert(
                index,
                Index {
                    columns: columns.into_iter().flatten().collect(),
                    unique: unique != 0,
                },
            );
        }
        let foreign_keys = session
            .fetch_raw(
                &format!(
                    "SELECT \"from\", \"table\", \"to\", on_delete \
                     FROM pragma_foreign_key_list({literal})"
                ),
                |row| {
                    Ok((
                        get::<String>(row, 0, "column")?,
                        get::<String>(row, 1, "referenced table")?,
                        get::<Option<String>>(row, 2, "referenced column")?,
                        get::<String>(row, 3, "on delete")?,
                    ))
                },
            )
            .await?;
        for (column, to_table, to_column, on_delete) in foreign_keys {
            t.foreign_keys.insert(
                column,
                ForeignKey {
                    table: to_table,
                    column: to_column.unwrap_or_default(),
                    on_delete: normalize_on_delete(dialect, &on_delete),
                },
            );
        }
        schema.tables.insert(table, t);
    }
    Ok(())
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
