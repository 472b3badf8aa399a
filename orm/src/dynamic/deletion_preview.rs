//! [`preview_delete`]: what deleting rows would do, without deleting
//! anything: the rows the cascades would delete, the rows whose foreign
//! key would be set to `NULL` or its default, and the rows that protect
//! the delete. It follows the same registered foreign keys
//! (`relation::deletion::referrers`) as the delete itself.

use super::condition::DynColumn;
use crate::db::Executor;
use crate::error::{Error, Result};
use crate::meta::{ModelMeta, OnDelete};
use crate::relation::deletion::referrers;
use crate::types::decode_value;
use crate::value::Value;
use crate::writer::SqlWriter;

/// Rows of one model reached through one foreign key.
#[derive(Debug, Clone)]
pub struct PreviewGroup {
    /// The model whose rows these are.
    pub model: &'static ModelMeta,
    /// The foreign-key field of `model` that refers to the deleted rows.
    pub field: &'static str,
    /// The primary keys of the rows.
    pub keys: Vec<Value>,
}

/// What deleting some rows would do (see [`preview_delete`]).
#[derive(Debug, Clone, Default)]
pub struct DeletionPreview {
    /// Rows the cascades would delete, level by level.
    pub cascaded: Vec<PreviewGroup>,
    /// Rows whose foreign key would be set to `NULL` or its default.
    pub updated: Vec<PreviewGroup>,
    /// Rows that stop the delete: `on_delete = protect` (strata refuses),
    /// `restrict` or `do_nothing` (the database refuses).
    pub protected: Vec<PreviewGroup>,
}

impl DeletionPreview {
    /// Whether the delete would go through.
    pub fn allowed(&self) -> bool {
        self.protected.is_empty()
    }
}

/// The most rows a preview follows, so that a preview of a huge cascade
/// stays bounded; past it, the preview is an error that says so.
pub const MAX_PREVIEW_ROWS: usize = 10_000;

/// What deleting the rows of `model` with primary keys `pks` would do.
pub async fn preview_delete(
    mut ex: impl Executor,
    model: &'static ModelMeta,
    pks: Vec<Value>,
) -> Result<DeletionPreview> {
    let pk_column = DynColumn::from_meta(model, model.pk())?;
    for pk in &pks {
        pk_column.check_kind(pk)?;
    }
    let mut preview = DeletionPreview::default();
    let mut seen: Vec<(&'static ModelMeta, Value)> =
        pks.iter().map(|pk| (model, pk.clone())).collect();
    let mut queue: Vec<(&'static ModelMeta, Vec<Value>)> = vec![(model, pks)];
    while let Some((target, keys)) = queue.pop() {
        if keys.is_empty() {
            continue;
        }
        for referrer in referrers(target) {
            let found = keys_referring(&mut ex, referrer.model, referrer.column, &keys).await?;
            if found.is_empty() {
                continue;
            }
            let group = |keys: Vec<Value>| PreviewGroup {
                model: referrer.model,
                field: referrer.column.field,
                keys,
            };
            match referrer.on_delete {
                OnDelete::Cascade => {
                    let fresh: Vec<Value> = found
                        .into_iter()
                        .filter(|k| {
                            !seen
                                .iter()
                                .any(|(m, s)| std::ptr::eq(*m, referrer.model) && s == k)
                        })
                        .collect();
                    if fresh.is_empty() {
                        continue;
                    }
                    seen.extend(fresh.iter().map(|k| (referrer.model, k.clone())));
                    if seen.len() > MAX_PREVIEW_ROWS {
                        return Err(Error::InvalidQuery {
                            model: model.name,
                            reason: format!(
                                "the delete would cascade to more than {MAX_PREVIEW_ROWS} rows; \
                                 delete fewer rows at a time"
                            ),
                        });
                    }
                    preview.cascaded.push(group(fresh.clone()));
                    queue.push((referrer.model, fresh));
                }
                OnDelete::SetNull | OnDelete::SetDefault => preview.updated.push(group(found)),
                OnDelete::Protect | OnDelete::Restrict | OnDelete::DoNothing => {
                    preview.protected.push(group(found))
                }
            }
        }
    }
    Ok(preview)
}

/// The primary keys of the rows of `model` whose `column` is one of `keys`.
async fn keys_referring(
    ex: &mut impl Executor,
    model: &'static ModelMeta,
    column: &'static crate::meta::ColumnMeta,
    keys: &[Value],
) -> Result<Vec<Value>> {
    let dialect = ex.dialect();
    let pk = model.pk();
    let mut w = SqlWriter::new(dialect);
    w.push_sql("SELECT ");
    w.push_identifier(pk.column);
    w.push_sql(" FROM ");
    w.push_identifier(model.table);
    w.push_sql(" WHERE ");
    w.push_identifier(column.column);
    w.push_in_values(keys, false);
    w.push_sql(" ORDER BY ");
    w.push_identifier(pk.column);
    ex.fetch(w.finish(), |row| {
        decode_value(row, 0, &pk.ty).map_err(|e| Error::Decode {
            model: model.name,
            column: pk.column,
            dialect,
            message: e.to_string(),
        })
    })
    .await
}
