//! Reading the live schema of a database into a [`Schema`]: the catalog
//! queries of each dialect, and the table list the recorder also uses.
//! What is normalized, and how, is described in [`super::introspect`].

use super::introspect::{
    normalize_default, normalize_on_delete, normalize_type, Column, ForeignKey, Index, Schema,
    Table,
};
use super::session::{get, Session};
use crate::error::{Error, Result};
use crate::state::naming;
use std::collections::BTreeMap;
use strata::{Db, Dialect};

impl Schema {
    /// The schema of the database `db` is connected to.
    pub async fn introspect(db: &Db) -> Result<Schema> {
        Ok(Schema::introspect_with_details(db).await?.0)
    }

    /// [`introspect`](Self::introspect), with what `inspectdb` needs
    /// besides: each table's column order and generated columns.
    pub async fn introspect_with_details(
        db: &Db,
    ) -> Result<(Schema, BTreeMap<String, TableDetails>)> {
        let mut conn = db.acquire().await.map_err(introspect_error)?;
        let mut session = Session::Conn(&mut conn);
        let mut details = BTreeMap::new();
        let schema = read(&mut session, &mut details)
            .await
            .map_err(introspect_error)?;
        Ok((schema, details))
    }
}

/// What [`Schema`] leaves out of a table because it is not compared.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableDetails {
    /// The columns in the table's order.
    pub columns: Vec<String>,
    /// The columns the database generates values for (identity,
    /// `AUTO_INCREMENT`, SQLite's integer primary key).
    pub auto_increment: Vec<String>,
}

type Details = BTreeMap<String, TableDetails>;

fn introspect_error(source: strata::Error) -> Error {
    Error::Database {
        action: "introspecting the database schema".into(),
        source: Box::new(source),
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

async fn read(session: &mut Session<'_, '_>, details: &mut Details) -> strata::Result<Schema> {
    let mut schema = Schema::default();
    for name in table_names(session).await? {
        if name != naming::RECORDER_TABLE {
            schema.tables.insert(name, Table::default());
        }
    }
    match session.dialect() {
        Dialect::Postgres => read_postgres(session, &mut schema, details).await?,
        Dialect::MySql => read_mysql(session, &mut schema, details).await?,
        Dialect::Sqlite => read_sqlite(session, &mut schema, details).await?,
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

async fn read_postgres(
    session: &mut Session<'_, '_>,
    schema: &mut Schema,
    details: &mut Details,
) -> strata::Result<()> {
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
             AND a.attnum > 0 AND NOT a.attisdropped \
             ORDER BY c.relname, a.attnum",
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
        let serial = default
            .as_deref()
            .is_some_and(|d| d.starts_with("nextval("));
        let default = if is_identity || serial {
            None
        } else {
            default.as_deref().and_then(normalize_default)
        };
        let d = details.entry(table).or_default();
        d.columns.push(column.clone());
        if is_identity || serial {
            d.auto_increment.push(column.clone());
        }
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

async fn read_mysql(
    session: &mut Session<'_, '_>,
    schema: &mut Schema,
    details: &mut Details,
) -> strata::Result<()> {
    let dialect = Dialect::MySql;
    let columns = session
        .fetch_raw(
            "SELECT CAST(TABLE_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR), \
             CAST(COLUMN_TYPE AS CHAR), CAST(IS_NULLABLE AS CHAR), \
             CAST(COLUMN_DEFAULT AS CHAR), CAST(EXTRA AS CHAR) \
             FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() \
             ORDER BY TABLE_NAME, ORDINAL_POSITION",
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
        let auto = extra.to_ascii_lowercase().contains("auto_increment");
        let d = details.entry(table).or_default();
        d.columns.push(column.clone());
        if auto {
            d.auto_increment.push(column.clone());
        }
        let default = if auto {
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

async fn read_sqlite(
    session: &mut Session<'_, '_>,
    schema: &mut Schema,
    details: &mut Details,
) -> strata::Result<()> {
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
        let mut order = Vec::new();
        for (column, ty, not_null, default, pk_position) in columns {
            order.push(column.clone());
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
        let d = details.entry(table.clone()).or_default();
        d.columns = order;
        // A single INTEGER primary key is the rowid, which SQLite fills in.
        if let [key] = t.primary_key.as_slice() {
            if t.columns.get(key).is_some_and(|c| c.ty == "integer") {
                d.auto_increment.push(key.clone());
            }
        }
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
