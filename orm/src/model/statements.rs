//! The statements of one model's instance operations: insert (one row or
//! a batch, with or without an upsert clause), save, and the by-key
//! statements of delete and refresh. Run by [`Model`]'s methods and by
//! `bulk`.

use super::Model;
use crate::dialect::Dialect;
use crate::value::Value;
use crate::writer::{SqlWriter, Statement};

/// `<verb>"table" WHERE "pk" = ?`.
pub(super) fn by_pk<M: Model>(dialect: Dialect, verb: &'static str, pk: Value) -> Statement {
    let mut w = SqlWriter::new(dialect);
    w.push_sql(verb);
    w.push_identifier(M::META.table);
    w.push_sql(" WHERE ");
    w.push_identifier(M::META.pk().column);
    w.push_sql(" = ");
    w.push_bind(pk);
    w.finish()
}

/// The `INSERT` of one batch of `bulk_create`.
pub(crate) fn insert_batch<M: Model>(batch: &[M], dialect: Dialect) -> Statement {
    let mut values = Vec::with_capacity(batch.len() * M::META.insert_columns().count());
    for obj in batch {
        obj.write_insert_values(&mut values);
    }
    insert_statement::<M>(dialect, values, batch.len())
}

/// `INSERT INTO "t" ("a", "b") VALUES (?, ?), (?, ?) [RETURNING "id"]`
/// The `INSERT` of `row_count` rows whose values are `rows`, its SQL
/// taken from the statement cache (the text depends only on the model and
/// the number of rows).
pub(super) fn insert_statement<M: Model>(
    dialect: Dialect,
    rows: Vec<Value>,
    row_count: usize,
) -> Statement {
    use crate::query::shape::{self, Lookup, StatementKind};
    let encode = |key: &mut shape::ShapeKey<'_>| {
        key.model(M::META);
        key.push(row_count);
        key.push(rows.len());
    };
    match shape::lookup(dialect, StatementKind::Insert, encode) {
        Lookup::Hit(sql, _, _) => {
            let stmt = Statement {
                dialect,
                sql: crate::writer::SqlText::Shared(sql),
                binds: rows,
            };
            #[cfg(debug_assertions)]
            shape::verify(&stmt, || {
                render_insert::<M>(dialect, stmt.binds.clone(), row_count)
            });
            stmt
        }
        Lookup::Miss(key) => shape::remember(key, render_insert::<M>(dialect, rows, row_count)),
    }
}

/// Renders the `INSERT` of [`insert_statement`].
pub(super) fn render_insert<M: Model>(
    dialect: Dialect,
    rows: Vec<Value>,
    row_count: usize,
) -> Statement {
    render_insert_with::<M>(dialect, rows, row_count, None)
}

/// Renders an `INSERT` of `row_count` rows, with an upsert clause from
/// `conflict` before any `RETURNING`; `RETURNING` reads the key, then the
/// conflict's unique columns when there is an upsert (so returned rows
/// are matched by value, not by position).
pub(crate) fn render_insert_with<M: Model>(
    dialect: Dialect,
    rows: Vec<Value>,
    row_count: usize,
    conflict: Option<&crate::bulk::Conflict>,
) -> Statement {
    let meta = M::META;
    let mut w = SqlWriter::new(dialect);
    w.push_sql("INSERT INTO ");
    w.push_identifier(meta.table);
    let per_row = rows.len() / row_count.max(1);
    if per_row == 0 {
        w.push_sql(dialect.imp().insert_default_values());
    } else {
        w.push_sql(" (");
        for (i, column) in meta.insert_columns().enumerate() {
            if i > 0 {
                w.push_sql(", ");
            }
            w.push_identifier(column.column);
        }
        w.push_sql(") VALUES ");
        for (i, value) in rows.into_iter().enumerate() {
            let column = i % per_row;
            if column == 0 {
                w.push_sql(if i > 0 { "), (" } else { "(" });
            } else {
                w.push_sql(", ");
            }
            w.push_bind(value);
        }
        w.push_sql(")");
    }
    if let Some(conflict) = conflict {
        conflict.write(&mut w, meta);
    }
    match conflict {
        None => crate::db_default::write_returning(
            &mut w,
            meta,
            crate::db_default::returning(meta, dialect),
        ),
        Some(conflict) if meta.pk().auto_increment && dialect.imp().has_returning() => {
            conflict.write_returning(&mut w, meta)
        }
        _ => {}
    }
    w.finish()
}

pub(super) fn save_statement<M: Model>(obj: &M, dialect: Dialect) -> Option<Statement> {
    let mut values = Vec::with_capacity(M::META.columns.len());
    obj.write_update_values(&mut values);
    if values.is_empty() {
        return None;
    }
    let mut w = SqlWriter::new(dialect);
    w.push_sql("UPDATE ");
    w.push_identifier(M::META.table);
    w.push_sql(" SET ");
    let columns = M::META.columns.iter().filter(|c| !c.primary_key);
    for (i, (column, value)) in columns.zip(values).enumerate() {
        if i > 0 {
            w.push_sql(", ");
        }
        w.push_identifier(column.column);
        w.push_sql(" = ");
        w.push_bind(value);
    }
    w.push_sql(" WHERE ");
    w.push_identifier(M::META.pk().column);
    w.push_sql(" = ");
    w.push_bind(obj.pk_value());
    Some(w.finish())
}
