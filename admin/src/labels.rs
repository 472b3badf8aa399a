//! How a row is named on a page: by its first text field, else by its
//! model and key; and the choices of a foreign key or many-to-many field.

use crate::fields::{display, input_value};
use strata::dynamic::DynQuery;
use strata::meta::ModelMeta;
use strata::{Db, Value};

/// A select lists at most this many rows; past it, a foreign key is typed
/// as its key.
pub const MAX_SELECT_CHOICES: u64 = 100;

/// The rows of a many-to-many select, at most.
const MAX_MULTI_CHOICES: u64 = 1000;

/// The column that names a row: the first text column that is not the key.
pub(crate) fn label_column(meta: &ModelMeta) -> Option<usize> {
    meta.columns
        .iter()
        .position(|c| c.ty.is_text() && !c.primary_key)
}

/// The name of a row of `meta` with `values`.
pub(crate) fn row_label(meta: &ModelMeta, values: &[Value]) -> String {
    let key = values
        .get(meta.primary_key)
        .map(input_value)
        .unwrap_or_default();
    match label_column(meta).and_then(|i| values.get(i)) {
        Some(v) if !v.is_null() => format!("{} (#{key})", display(v)),
        _ => format!("{} #{key}", meta.name),
    }
}

/// The choices of a field referring to `target`.
pub(crate) enum ChoiceList {
    /// `(key, label)` of every row.
    Few(Vec<(String, String)>),
    /// Too many rows for a select: how many.
    Many(u64),
}

pub(crate) async fn choices_of(db: &Db, target: &'static ModelMeta) -> strata::Result<ChoiceList> {
    let rows = DynQuery::new(target)
        .limit(MAX_SELECT_CHOICES + 1)
        .all(db)
        .await?;
    if rows.len() as u64 > MAX_SELECT_CHOICES {
        return Ok(ChoiceList::Many(DynQuery::new(target).count(db).await?));
    }
    Ok(ChoiceList::Few(labelled(target, rows)))
}

/// `(key, label)` of up to 1000 rows of `target`.
pub(crate) async fn all_choices(
    db: &Db,
    target: &'static ModelMeta,
) -> strata::Result<Vec<(String, String)>> {
    let rows = DynQuery::new(target)
        .limit(MAX_MULTI_CHOICES)
        .all(db)
        .await?;
    Ok(labelled(target, rows))
}

fn labelled(
    target: &'static ModelMeta,
    rows: Vec<strata::dynamic::DynRow>,
) -> Vec<(String, String)> {
    rows.into_iter()
        .map(|r| {
            let key = r
                .values
                .get(target.primary_key)
                .map(input_value)
                .unwrap_or_default();
            (key, row_label(target, &r.values))
        })
        .collect()
}
