//! The process-wide registry of models.
//!
//! `#[derive(Model)]` registers every model (through `inventory`), so the
//! migration engine can list the models a binary links without being told.

use crate::meta::ModelMeta;

/// One registered model. Created only by `#[derive(Model)]`.
#[doc(hidden)]
pub struct Registration(pub &'static ModelMeta);

inventory::collect!(Registration);

/// Every model linked into this binary, sorted by table name so that the
/// order is stable from one build to the next.
pub fn models() -> Vec<&'static ModelMeta> {
    let mut all: Vec<&'static ModelMeta> = inventory::iter::<Registration>
        .into_iter()
        .map(|r| r.0)
        .collect();
    all.sort_by(|a, b| a.table.cmp(b.table).then(a.module_path.cmp(b.module_path)));
    all
}

/// The registered model that owns `table`, if any.
pub fn model_by_table(table: &str) -> Option<&'static ModelMeta> {
    inventory::iter::<Registration>
        .into_iter()
        .map(|r| r.0)
        .find(|m| m.table == table)
}
