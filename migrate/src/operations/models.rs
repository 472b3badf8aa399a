//! Operations on whole models: create, delete, rename, change table.

use super::ddl::{Ddl, DdlResult, TableDef};
use super::tables::Tables;
use super::{ensure, fragment_name, Op, Operation};
use crate::error::Result;
use crate::state::{ConstraintState, FieldState, IndexState, ModelState, ProjectState};
use serde::{Deserialize, Serialize};
use strata::Dialect;

/// Creates a model's table with its columns, foreign keys, constraints and
/// indexes. Many-to-many relations are added by separate
/// [`AddManyToMany`](super::AddManyToMany) operations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateModel {
    pub name: String,
    pub table: String,
    pub fields: Vec<FieldState>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<IndexState>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<ConstraintState>,
}

impl CreateModel {
    /// The operation creating `model` (its many-to-many relations left out).
    pub fn from_model(model: &ModelState) -> CreateModel {
        CreateModel {
            name: model.name.clone(),
            table: model.table.clone(),
            fields: model.fields.clone(),
            indexes: model.indexes.clone(),
            constraints: model.constraints.clone(),
        }
    }

    /// The model this operation creates, taking its parts.
    pub(crate) fn into_model(self) -> ModelState {
        ModelState {
            name: self.name,
            table: self.table,
            fields: self.fields,
            indexes: self.indexes,
            constraints: self.constraints,
            many_to_many: Vec::new(),
            renamed_from: None,
        }
    }

    /// The model this operation creates.
    pub fn to_model(&self) -> ModelState {
        ModelState {
            name: self.name.clone(),
            table: self.table.clone(),
            fields: self.fields.clone(),
            indexes: self.indexes.clone(),
            constraints: self.constraints.clone(),
            many_to_many: Vec::new(),
            renamed_from: None,
        }
    }
}

/// Adds `model`, which a [`CreateModel`] creates, to `state`, or says why
/// it cannot be (`state` is then unchanged).
pub(crate) fn insert_new_model(
    state: &mut ProjectState,
    model: ModelState,
    tables: Tables<'_>,
) -> std::result::Result<(), String> {
    ensure(!state.models.contains_key(&model.name), || {
        format!("model `{}` already exists", model.name)
    })?;
    ensure(!tables.in_use(state, &model.table, None), || {
        format!("the table `{}` is already in use", model.table)
    })?;
    for field in &model.fields {
        if let Some(fk) = &field.foreign_key {
            ensure(
                fk.to == model.name || state.models.contains_key(&fk.to),
                || format!("`{}` refers to the unknown model `{}`", field.column, fk.to),
            )?;
        }
    }
    crate::state::check_model(&model, |name| state.models.contains_key(name))
        .map_err(|e| e.to_string())?;
    state.models.insert(model.name.clone(), model);
    Ok(())
}

/// Whether `table` is taken by a model or an automatic join table other
/// than `except_model`'s own table.
pub(crate) fn table_in_use(state: &ProjectState, table: &str, except_model: Option<&str>) -> bool {
    state.models.values().any(|m| {
        (m.table == table && Some(m.name.as_str()) != except_model)
            || m.many_to_many
                .iter()
                .any(|r| r.through.is_none() && r.join_table == table)
    })
}

impl Op for CreateModel {
    fn describe(&self) -> String {
        format!("Create model {}", self.name)
    }

    fn name_fragment(&self) -> String {
        fragment_name(&self.name)
    }

    fn apply(&self, state: &mut ProjectState) -> std::result::Result<(), String> {
        self.apply_with(state, Tables::Scan)
    }

    fn apply_with(
        &self,
        state: &mut ProjectState,
        tables: Tables<'_>,
    ) -> std::result::Result<(), String> {
        insert_new_model(state, self.to_model(), tables)
    }

    fn sql(&self, ddl: &Ddl<'_>) -> DdlResult<Vec<String>> {
        let model = TableDef {
            name: &self.name,
            table: &self.table,
            fields: &self.fields,
            indexes: &self.indexes,
            constraints: &self.constraints,
        };
        Ddl::new(ddl.dialect, ddl.state)
            .with_extra(model)
            .create_table(model)
    }

    fn inverse(&self, _from: &ProjectState) -> Result<Operation> {
        Ok(Operation::DeleteModel(DeleteModel {
            name: self.name.clone(),
        }))
    }
}

/// Drops a model's table. Its many-to-many relations, and every foreign
/// key and relation of other models to it, must be removed first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeleteModel {
    pub name: String,
}

impl Op for DeleteModel {
    fn describe(&self) -> String {
        format!("Delete model {}", self.name)
    }

    fn name_fragment(&self) -> String {
        format!("delete_{}", fragment_name(&self.name))
    }

    fn apply(&self, state: &mut ProjectState) -> std::result::Result<(), String> {
        let model = state.require(&self.name)?;
        ensure(model.many_to_many.is_empty(), || {
            format!(
                "`{}` still has many-to-many relations; remove them first",
                self.name
            )
        })?;
        for other in state.models.values().filter(|m| m.name != self.name) {
            for field in &other.fields {
                ensure(
                    field
                        .foreign_key
                        .as_ref()
                        .is_none_or(|fk| fk.to != self.name),
                    || {
                        format!(
                            "`{}.{}` still refers to `{}`; remove or alter it first",
                            other.name, field.column, self.name
                        )
                    },
                )?;
            }
            for m2m in &other.many_to_many {
                ensure(
                    m2m.to != self.name && m2m.through.as_deref() != Some(&self.name),
                    || {
                        format!(
                            "the relation `{}.{}` still uses `{}`; remove it first",
                            other.name, m2m.field, self.name
                        )
                    },
                )?;
            }
        }
        state.models.remove(&self.name);
        Ok(())
    }

    fn sql(&self, ddl: &Ddl<'_>) -> DdlResult<Vec<String>> {
        let model = ddl
            .state
            .models
            .get(&self.name)
            .ok_or_else(|| format!("there is no model `{}`", self.name))?;
        Ok(vec![ddl.drop_table(&model.table)])
    }

    fn inverse(&self, from: &ProjectState) -> Result<Operation> {
        let model = from
            .require(&self.name)
            .map_err(|reason| crate::Error::Apply {
                migration: None,
                operation: self.describe(),
                reason,
            })?;
        Ok(Operation::CreateModel(CreateModel::from_model(model)))
    }

    fn is_destructive(&self, _from: &ProjectState) -> bool {
        true
    }
}

/// Renames a model in the state, and every reference to it. The table
/// keeps its name: [`AlterModelTable`] renames it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenameModel {
    pub old_name: String,
    pub new_name: String,
}

impl Op for RenameModel {
    fn describe(&self) -> String {
        format!("Rename model {} to {}", self.old_name, self.new_name)
    }

    fn name_fragment(&self) -> String {
        format!(
            "rename_{}_{}",
            fragment_name(&self.old_name),
            fragment_name(&self.new_name)
        )
    }

    fn apply(&self, state: &mut ProjectState) -> std::result::Result<(), String> {
        ensure(!state.models.contains_key(&self.new_name), || {
            format!("model `{}` already exists", self.new_name)
        })?;
        let mut model = state
            .models
            .remove(&self.old_name)
            .ok_or_else(|| format!("there is no model `{}`", self.old_name))?;
        model.name = self.new_name.clone();
        state.models.insert(self.new_name.clone(), model);
        for other in state.models.values_mut() {
            for field in &mut other.fields {
                if let Some(fk) = field
                    .foreign_key
                    .as_mut()
                    .filter(|fk| fk.to == self.old_name)
                {
                    fk.to = self.new_name.clone();
                }
            }
            for m2m in &mut other.many_to_many {
                if m2m.to == self.old_name {
                    m2m.to = self.new_name.clone();
                }
                if m2m.through.as_deref() == Some(&self.old_name) {
                    m2m.through = Some(self.new_name.clone());
                }
            }
        }
        Ok(())
    }

    fn sql(&self, _ddl: &Ddl<'_>) -> DdlResult<Vec<String>> {
        Ok(Vec::new())
    }

    fn inverse(&self, _from: &ProjectState) -> Result<Operation> {
        Ok(Operation::RenameModel(RenameModel {
            old_name: self.new_name.clone(),
            new_name: self.old_name.clone(),
        }))
    }
}

/// Renames a model's table (and the constraints named after it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlterModelTable {
    pub model: String,
    pub table: String,
}

impl Op for AlterModelTable {
    fn describe(&self) -> String {
        format!("Rename table of {} to {}", self.model, self.table)
    }

    fn name_fragment(&self) -> String {
        format!("alter_{}_table", fragment_name(&self.model))
    }

    fn apply(&self, state: &mut ProjectState) -> std::result::Result<(), String> {
        self.apply_with(state, Tables::Scan)
    }

    fn apply_with(
        &self,
        state: &mut ProjectState,
        tables: Tables<'_>,
    ) -> std::result::Result<(), String> {
        ensure(
            !tables.in_use(state, &self.table, Some(&self.model)),
            || format!("the table `{}` is already in use", self.table),
        )?;
        state.require_mut(&self.model)?.table = self.table.clone();
        Ok(())
    }

    fn sql(&self, ddl: &Ddl<'_>) -> DdlResult<Vec<String>> {
        let before = ddl.state.require(&self.model)?;
        if before.table == self.table {
            return Ok(Vec::new());
        }
        let mut after = before.clone();
        after.table = self.table.clone();
        let mut out = vec![match ddl.dialect {
            Dialect::MySql => format!(
                "RENAME TABLE {} TO {}",
                ddl.q(&before.table),
                ddl.q(&self.table)
            ),
            _ => format!(
                "ALTER TABLE {} RENAME TO {}",
                ddl.q(&before.table),
                ddl.q(&self.table)
            ),
        }];
        out.extend(ddl.rename_derived_constraints(before, &after)?);
        Ok(out)
    }

    fn inverse(&self, from: &ProjectState) -> Result<Operation> {
        let model = from
            .require(&self.model)
            .map_err(|reason| crate::Error::Apply {
                migration: None,
                operation: self.describe(),
                reason,
            })?;
        Ok(Operation::AlterModelTable(AlterModelTable {
            model: self.model.clone(),
            table: model.table.clone(),
        }))
    }
}
