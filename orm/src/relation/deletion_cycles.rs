//! The checks before a delete whose cascades come back to a model already
//! on their way: a foreign key to its own model (a tree) or foreign keys
//! in a cycle. The rows a cascade reaches cannot be written as a fixed
//! nest of subqueries then (a tree has no fixed depth), so they are
//! collected level by level, as Django's collector does: the keys of the
//! rows being deleted, then the keys of the rows cascading from them, and
//! so on until a level adds no row not seen before. The walk ends because
//! every row is visited once.
//!
//! PostgreSQL and SQLite then delete the rows through their own
//! `ON DELETE CASCADE`, at any depth. InnoDB follows at most 15 nested
//! cascades (MySQL's documentation, "FOREIGN KEY Constraints": deeper
//! fails with error 3008 / 1705), so on MySQL/MariaDB the rows found are
//! deleted here, the last found first (each row before the rows it refers
//! to), and every cascade left to the database is one level deep.

use super::deletion::{default_value, referrers};
use crate::db::Executor;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::meta::{ModelMeta, OnDelete};
use crate::types::{decode_value, FieldType};
use crate::value::Value;
use crate::writer::{SqlWriter, Statement};
use std::collections::{HashMap, HashSet, VecDeque};

/// Keys bound in one `IN (...)`: far below every database's limit on
/// bound parameters.
const KEYS_PER_STATEMENT: usize = 500;

/// The address of a model's metadata, which identifies the model.
fn model_id(model: &'static ModelMeta) -> usize {
    model as *const ModelMeta as usize
}

/// A primary key as a set member. `Value` has no `Hash` (it holds
/// floats); the `Debug` text of a key (an integer, text or UUID) is as
/// unique as the key.
fn key_id(value: &Value) -> String {
    format!("{value:?}")
}

/// Writes `<column> IN (?, ?, ...)`.
fn write_in(w: &mut SqlWriter, column: &str, keys: &[Value]) {
    w.push_identifier(column);
    w.push_sql(" IN (");
    for (i, key) in keys.iter().enumerate() {
        if i > 0 {
            w.push_sql(", ");
        }
        w.push_bind(key.clone());
    }
    w.push_sql(")");
}

/// The primary keys of `model` a statement selects (its one column).
async fn fetch_keys<E: Executor>(
    ex: &mut E,
    model: &'static ModelMeta,
    stmt: Statement,
) -> Result<Vec<Value>> {
    let dialect = ex.dialect();
    let pk = model.pk();
    ex.fetch(stmt, |row| {
        decode_value(row, 0, &pk.ty).map_err(|e| Error::Decode {
            model: model.name,
            column: pk.column,
            dialect,
            message: e.to_string(),
        })
    })
    .await
}

/// Runs the protect checks (and, on MySQL, the `set_default` updates)
/// that deleting the rows selected by `root_keys` needs, following every
/// cascade row by row, then `delete`; returns the rows `delete` removed.
pub(crate) async fn delete<E: Executor>(
    ex: &mut E,
    model: &'static ModelMeta,
    root_keys: &(dyn Fn(&mut SqlWriter) + Sync),
    delete: Statement,
) -> Result<u64> {
    let dialect = ex.dialect();
    let mut w = SqlWriter::new(dialect);
    root_keys(&mut w);
    let roots = fetch_keys(ex, model, w.finish()).await?;
    let root_count = roots.len() as u64;
    let mut seen: HashMap<usize, HashSet<String>> = HashMap::new();
    seen.entry(model_id(model))
        .or_default()
        .extend(roots.iter().map(key_id));
    // Breadth first: a row is found after the row it refers to.
    let mut todo = VecDeque::from([(model, roots)]);
    // The rows cascades reach, in the order they were found.
    let mut found_rows: Vec<(&'static ModelMeta, Vec<Value>)> = Vec::new();
    let mut updates = Vec::new();
    while let Some((target, keys)) = todo.pop_front() {
        for chunk in keys.chunks(KEYS_PER_STATEMENT) {
            for referrer in referrers(target) {
                match referrer.on_delete {
                    OnDelete::Protect => {
                        let mut w = SqlWriter::new(dialect);
                        w.push_sql("SELECT COUNT(*) FROM ");
                        w.push_identifier(referrer.model.table);
                        w.push_sql(" WHERE ");
                        write_in(&mut w, referrer.column.column, chunk);
                        let counts = ex
                            .fetch(w.finish(), |row| {
                                i64::decode(row, 0).map_err(|e| Error::Decode {
                                    model: referrer.model.name,
                                    column: "COUNT(*)",
                                    dialect,
                                    message: e.to_string(),
                                })
                            })
                            .await?;
                        let count = counts.first().copied().unwrap_or(0);
                        if count > 0 {
                            return Err(Error::Protected {
                                model: model.name,
                                protected_by: format!(
                                    "{}.{}",
                                    referrer.model.name, referrer.column.field
                                ),
                                count: count as u64,
                            });
                        }
                    }
                    OnDelete::SetDefault if dialect == Dialect::MySql => {
                        let mut w = SqlWriter::new(dialect);
                        w.push_sql("UPDATE ");
                        w.push_identifier(referrer.model.table);
                        w.push_sql(" SET ");
                        w.push_identifier(referrer.column.column);
                        w.push_sql(" = ");
                        w.push_bind(default_value(referrer.column));
                        w.push_sql(" WHERE ");
                        write_in(&mut w, referrer.column.column, chunk);
                        updates.push(w.finish());
                    }
                    OnDelete::Cascade => {
                        let mut w = SqlWriter::new(dialect);
                        w.push_sql("SELECT ");
                        w.push_identifier(referrer.model.pk().column);
                        w.push_sql(" FROM ");
                        w.push_identifier(referrer.model.table);
                        w.push_sql(" WHERE ");
                        write_in(&mut w, referrer.column.column, chunk);
                        let found = fetch_keys(ex, referrer.model, w.finish()).await?;
                        let seen = seen.entry(model_id(referrer.model)).or_default();
                        let new: Vec<Value> = found
                            .into_iter()
                            .filter(|key| seen.insert(key_id(key)))
                            .collect();
                        if !new.is_empty() {
                            found_rows.push((referrer.model, new.clone()));
                            todo.push_back((referrer.model, new));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    for update in updates {
        ex.execute(update).await?;
    }
    if dialect != Dialect::MySql || found_rows.is_empty() {
        return Ok(ex.execute(delete).await?.rows_affected);
    }
    // One transaction (a savepoint when `ex` is a transaction already): a
    // failure part-way (a `restrict` row below) deletes nothing.
    let mut tx = ex.begin().await?;
    for (target, keys) in found_rows.iter().rev() {
        for chunk in keys.chunks(KEYS_PER_STATEMENT) {
            let mut w = SqlWriter::new(dialect);
            w.push_sql("DELETE FROM ");
            w.push_identifier(target.table);
            w.push_sql(" WHERE ");
            write_in(&mut w, target.pk().column, chunk);
            tx.execute(w.finish()).await?;
        }
    }
    // Where the rows refer to each other in a cycle, a cascade from a row
    // deleted above may already have taken some of the selected rows: they
    // count as deleted all the same.
    let deleted = tx.execute(delete).await?.rows_affected;
    tx.commit().await?;
    Ok(deleted.max(root_count))
}
