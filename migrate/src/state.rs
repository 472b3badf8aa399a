//! The schema state of a project: every model's table, columns, indexes and
//! constraints, as plain owned data that can be compared.

use strata::meta::ModelMeta;
use strata::ColumnType;

/// The schema of every model of a project.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectState {
    /// Models sorted by table name.
    pub models: Vec<ModelState>,
}

/// One model's table.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelState {
    pub name: String,
    pub table: String,
    pub columns: Vec<ColumnState>,
}

/// One column.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnState {
    pub name: String,
    pub ty: ColumnType,
    pub nullable: bool,
    pub primary_key: bool,
}

impl ProjectState {
    /// The state of every model registered in this binary.
    pub fn from_registry() -> ProjectState {
        Self::from_models(&strata::registry::models())
    }

    /// The state of `models`.
    pub fn from_models(models: &[&ModelMeta]) -> ProjectState {
        let mut models: Vec<ModelState> = models.iter().map(|m| ModelState::from_meta(m)).collect();
        models.sort_by(|a, b| a.table.cmp(&b.table));
        ProjectState { models }
    }
}

impl ModelState {
    /// The state of one model.
    pub fn from_meta(meta: &ModelMeta) -> ModelState {
        ModelState {
            name: meta.name.to_string(),
            table: meta.table.to_string(),
            columns: meta
                .columns
                .iter()
                .map(|c| ColumnState {
                    name: c.column.to_string(),
                    ty: c.ty,
                    nullable: c.nullable,
                    primary_key: c.primary_key,
                })
                .collect(),
        }
    }
}
