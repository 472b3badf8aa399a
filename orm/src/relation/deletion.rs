//! What deleting rows does to the rows that refer to them, where the
//! database cannot do it itself: `on_delete = protect` (checked on every
//! database, so the error names what protects the row) and
//! `on_delete = set_default` on MySQL (InnoDB rejects `SET DEFAULT`).
//! `cascade`, `set_null` and `restrict` are the database's own `ON DELETE`
//! actions; strata follows cascades to find protected rows below them.
//!
//! Where cascades come back to a model already on their way (a tree, a
//! cycle of foreign keys), the rows are collected level by level instead
//! (`deletion_cycles`).
//!
//! The checks and updates run just before the `DELETE`, in separate
//! statements; a concurrent writer can slip in between (use a transaction
//! or database-level `restrict` where that matters).

use crate::db::Executor;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::meta::{ColumnMeta, DefaultValue, ModelMeta, OnDelete};
use crate::registry;
use crate::types::FieldType;
use crate::value::Value;
use crate::writer::{SqlWriter, Statement};
use std::collections::HashMap;
use std::sync::OnceLock;

/// A foreign key of `model` (column `column`) referring to some target.
#[derive(Clone, Copy)]
pub(crate) struct Referrer {
    pub(crate) model: &'static ModelMeta,
    pub(crate) column: &'static ColumnMeta,
    pub(crate) on_delete: OnDelete,
}

/// Every registered foreign key, by the address of its target's metadata.
pub(crate) fn referrers(target: &'static ModelMeta) -> &'static [Referrer] {
    static MAP: OnceLock<HashMap<usize, Vec<Referrer>>> = OnceLock::new();
    let map = MAP.get_or_init(|| {
        let mut map: HashMap<usize, Vec<Referrer>> = HashMap::new();
        for model in registry::models() {
            for column in model.columns {
                if let Some(fk) = &column.foreign_key {
                    let key = (fk.target)() as *const ModelMeta as usize;
                    map.entry(key).or_default().push(Referrer {
                        model,
                        column,
                        on_delete: fk.on_delete,
                    });
                }
            }
        }
        map
    });
    map.get(&(target as *const ModelMeta as usize))
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// Rows reached from the deleted rows by following foreign keys back:
/// the rows of `hops[n].model` whose `hops[n].column` refers to a row of
/// the previous level.
#[derive(Clone, Default)]
struct Chain {
    hops: Vec<Referrer>,
}

enum Action {
    /// Refuse the delete if any row of the chain exists.
    Protect(Chain),
    /// Set the last hop's column to its default first (MySQL).
    SetDefault(Chain),
}

/// Collects the actions below `target`, reached from `root` by `chain`.
/// Returns false, stopping there, when a cascade comes back to a model
/// already on the chain: the rows of a cycle have no fixed depth, and are
/// collected row by row instead.
fn collect(
    dialect: Dialect,
    root: &'static ModelMeta,
    target: &'static ModelMeta,
    chain: &Chain,
    out: &mut Vec<Action>,
) -> bool {
    for referrer in referrers(target) {
        let mut next = chain.clone();
        next.hops.push(*referrer);
        match referrer.on_delete {
            OnDelete::Protect => out.push(Action::Protect(next)),
            OnDelete::SetDefault if dialect == Dialect::MySql => out.push(Action::SetDefault(next)),
            OnDelete::Cascade => {
                let on_chain = std::ptr::eq(referrer.model, root)
                    || chain
                        .hops
                        .iter()
                        .any(|h| std::ptr::eq(h.model, referrer.model));
                if on_chain || !collect(dialect, root, referrer.model, &next, out) {
                    return false;
                }
            }
            _ => {}
        }
    }
    true
}

/// Writes the keys of the rows at `level` of `chain` (level 0 is the rows
/// being deleted, written by `root_keys`): a `SELECT` of one column.
fn write_keys(
    w: &mut SqlWriter,
    chain: &Chain,
    level: usize,
    root_keys: &(dyn Fn(&mut SqlWriter) + Sync),
) {
    if level == 0 {
        root_keys(w);
        return;
    }
    let hop = chain.hops[level - 1];
    w.push_sql("SELECT ");
    w.push_identifier(hop.model.pk().column);
    w.push_sql(" FROM ");
    w.push_identifier(hop.model.table);
    w.push_sql(" WHERE ");
    w.push_identifier(hop.column.column);
    w.push_sql(" IN (");
    write_keys(w, chain, level - 1, root_keys);
    w.push_sql(")");
}

pub(super) fn default_value(column: &ColumnMeta) -> Value {
    match column.default {
        Some(DefaultValue::Bool(b)) => b.to_value(),
        Some(DefaultValue::Int(i)) => i.to_value(),
        Some(DefaultValue::Float(f)) => f.to_value(),
        Some(DefaultValue::Str(s)) => s.to_string().to_value(),
        // Only a date or time column has it; a key never is one in practice.
        Some(DefaultValue::Now) => chrono::Utc::now().to_value(),
        None => crate::types::null_of(&column.ty),
    }
}

/// Deletes the rows selected by `root_keys` (a `SELECT` of `model`'s
/// primary keys) with `delete`, after the checks and updates it requires;
/// returns the rows `delete` itself removed.
pub(crate) async fn delete<E: Executor>(
    ex: &mut E,
    model: &'static ModelMeta,
    root_keys: &(dyn Fn(&mut SqlWriter) + Sync),
    delete: Statement,
) -> Result<u64> {
    let dialect = ex.dialect();
    let mut actions = Vec::new();
    if !collect(dialect, model, model, &Chain::default(), &mut actions) {
        return super::deletion_cycles::delete(ex, model, root_keys, delete).await;
    }
    before_delete(ex, model, root_keys, &actions).await?;
    Ok(ex.execute(delete).await?.rows_affected)
}

/// Runs the checks and updates `actions` name for deleting the rows
/// selected by `root_keys`.
async fn before_delete<E: Executor>(
    ex: &mut E,
    model: &'static ModelMeta,
    root_keys: &(dyn Fn(&mut SqlWriter) + Sync),
    actions: &[Action],
) -> Result<()> {
    let dialect = ex.dialect();
    let mut updates: Vec<Statement> = Vec::new();
    for action in actions {
        match action {
            Action::Protect(chain) => {
                let hop = chain.hops[chain.hops.len() - 1];
                let mut w = SqlWriter::new(dialect);
                w.push_sql("SELECT COUNT(*) FROM ");
                w.push_identifier(hop.model.table);
                w.push_sql(" WHERE ");
                w.push_identifier(hop.column.column);
                w.push_sql(" IN (");
                write_keys(&mut w, chain, chain.hops.len() - 1, root_keys);
                w.push_sql(")");
                let counts = ex
                    .fetch(w.finish(), |row| {
                        i64::decode(row, 0).map_err(|e| Error::Decode {
                            model: hop.model.name,
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
                        protected_by: format!("{}.{}", hop.model.name, hop.column.field),
                        count: count as u64,
                    });
                }
            }
            Action::SetDefault(chain) => {
                let hop = chain.hops[chain.hops.len() - 1];
                let mut w = SqlWriter::new(dialect);
                w.push_sql("UPDATE ");
                w.push_identifier(hop.model.table);
                w.push_sql(" SET ");
                w.push_identifier(hop.column.column);
                w.push_sql(" = ");
                w.push_bind(default_value(hop.column));
                w.push_sql(" WHERE ");
                w.push_identifier(hop.column.column);
                // MySQL reads a table it changes only through a derived table.
                w.push_sql(" IN (SELECT * FROM (");
                write_keys(&mut w, chain, chain.hops.len() - 1, root_keys);
                w.push_sql(") ");
                w.push_identifier("subquery");
                w.push_sql(")");
                updates.push(w.finish());
            }
        }
    }
    for update in updates {
        ex.execute(update).await?;
    }
    Ok(())
}
