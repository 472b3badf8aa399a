//! Operations on indexes and table constraints.
//!
//! Unique constraints are table constraints on PostgreSQL and MySQL and
//! unique indexes on SQLite; check constraints need a table rebuild on
//! SQLite, which cannot add or drop them.

use super::ddl::{Ddl, DdlResult};
use super::{ensure, fragment_name, Op, Operation};
use crate::error::{Error, Result};
use crate::state::{ConstraintKind, ConstraintState, IndexState, ModelState, ProjectState};
use serde::{Deserialize, Serialize};
use strata::Dialect;

fn missing(model: &str, what: &str, name: &str) -> String {
    format!("`{model}` has no {what} `{name}`")
}

fn name_taken(model: &ModelState, name: &str) -> bool {
    model.indexes.iter().any(|i| i.name == name) || model.constraints.iter().any(|c| c.name == name)
}

fn check_columns(model: &ModelState, columns: &[String]) -> std::result::Result<(), String> {
    ensure(!columns.is_empty(), || "no columns given".to_string())?;
    for column in columns {
        ensure(model.get_field(column).is_some(), || {
            format!("`{}` has no column `{column}`", model.name)
        })?;
    }
    Ok(())
}

fn lookup_error(op: &dyn Op, reason: String) -> Error {
    Error::Apply {
        migration: None,
        operation: op.describe(),
        reason,
    }
}

/// Creates an index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddIndex {
    pub model: String,
    pub index: IndexState,
}

impl Op for AddIndex {
    fn describe(&self) -> String {
        format!("Create index {} on {}", self.index.name, self.model)
    }

    fn name_fragment(&self) -> String {
        format!("add_index_{}", fragment_name(&self.index.name))
    }

    fn apply(&self, state: &mut ProjectState) -> std::result::Result<(), String> {
        let model = state.require_mut(&self.model)?;
        ensure(!name_taken(model, &self.index.name), || {
            format!(
                "`{}` already has an index or constraint `{}`",
                self.model, self.index.name
            )
        })?;
        check_columns(model, &self.index.columns)?;
        model.indexes.push(self.index.clone());
        Ok(())
    }

    fn sql(&self, ddl: &Ddl<'_>) -> DdlResult<Vec<String>> {
        let model = ddl.state.require(&self.model)?;
        Ok(vec![ddl.create_index(model, &self.index)?])
    }

    fn inverse(&self, _from: &ProjectState) -> Result<Operation> {
        Ok(Operation::RemoveIndex(RemoveIndex {
            model: self.model.clone(),
            name: self.index.name.clone(),
        }))
    }
}

/// Drops an index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveIndex {
    pub model: String,
    pub name: String,
}

impl Op for RemoveIndex {
    fn describe(&self) -> String {
        format!("Remove index {} from {}", self.name, self.model)
    }

    fn name_fragment(&self) -> String {
        format!("remove_index_{}", fragment_name(&self.name))
    }

    fn apply(&self, state: &mut ProjectState) -> std::result::Result<(), String> {
        let model = state.require_mut(&self.model)?;
        let before = model.indexes.len();
        model.indexes.retain(|i| i.name != self.name);
        ensure(model.indexes.len() < before, || {
            missing(&self.model, "index", &self.name)
        })
    }

    fn sql(&self, ddl: &Ddl<'_>) -> DdlResult<Vec<String>> {
        let model = ddl.state.require(&self.model)?;
        let drop = ddl.drop_index(&model.table, &self.name);
        match model.indexes.iter().find(|i| i.name == self.name) {
            Some(index) => ddl.drop_index_keeping_fk(model, &self.name, &index.columns, drop),
            None => Ok(vec![drop]),
        }
    }

    fn inverse(&self, from: &ProjectState) -> Result<Operation> {
        let index = from
            .require(&self.model)
            .and_then(|m| {
                m.indexes
                    .iter()
                    .find(|i| i.name == self.name)
                    .ok_or_else(|| missing(&self.model, "index", &self.name))
            })
            .map_err(|reason| lookup_error(self, reason))?;
        Ok(Operation::AddIndex(AddIndex {
            model: self.model.clone(),
            index: index.clone(),
        }))
    }
}

/// Renames an index (dropped and created again on SQLite, which has no
/// rename; only the index is rebuilt, never the table).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenameIndex {
    pub model: String,
    pub old_name: String,
    pub new_name: String,
}

impl Op for RenameIndex {
    fn describe(&self) -> String {
        format!(
            "Rename index {} on {} to {}",
            self.old_name, self.model, self.new_name
        )
    }

    fn name_fragment(&self) -> String {
        format!("rename_index_{}", fragment_name(&self.old_name))
    }

    fn apply(&self, state: &mut ProjectState) -> std::result::Result<(), String> {
        let model = state.require_mut(&self.model)?;
        ensure(!name_taken(model, &self.new_name), || {
            format!(
                "`{}` already has an index or constraint `{}`",
                self.model, self.new_name
            )
        })?;
        let index = model
            .indexes
            .iter_mut()
            .find(|i| i.name == self.old_name)
            .ok_or_else(|| missing(&self.model, "index", &self.old_name))?;
        index.name = self.new_name.clone();
        Ok(())
    }

    fn sql(&self, ddl: &Ddl<'_>) -> DdlResult<Vec<String>> {
        let model = ddl.state.require(&self.model)?;
        Ok(match ddl.dialect {
            Dialect::Postgres => vec![format!(
                "ALTER INDEX {} RENAME TO {}",
                ddl.q(&self.old_name),
                ddl.q(&self.new_name)
            )],
            Dialect::MySql => vec![format!(
                "ALTER TABLE {} RENAME INDEX {} TO {}",
                ddl.q(&model.table),
                ddl.q(&self.old_name),
                ddl.q(&self.new_name)
            )],
            Dialect::Sqlite => {
                let index = model
                    .indexes
                    .iter()
                    .find(|i| i.name == self.old_name)
                    .ok_or_else(|| missing(&self.model, "index", &self.old_name))?;
                let renamed = IndexState {
                    name: self.new_name.clone(),
                    ..index.clone()
                };
                vec![
                    ddl.drop_index(&model.table, &self.old_name),
                    ddl.create_index(model, &renamed)?,
                ]
            }
        })
    }

    fn inverse(&self, _from: &ProjectState) -> Result<Operation> {
        Ok(Operation::RenameIndex(RenameIndex {
            model: self.model.clone(),
            old_name: self.new_name.clone(),
            new_name: self.old_name.clone(),
        }))
    }
}

/// Adds a unique or check constraint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddConstraint {
    pub model: String,
    pub constraint: ConstraintState,
}

impl Op for AddConstraint {
    fn describe(&self) -> String {
        format!(
            "Create constraint {} on {}",
            self.constraint.name, self.model
        )
    }

    fn name_fragment(&self) -> String {
        format!("add_constraint_{}", fragment_name(&self.constraint.name))
    }

    fn apply(&self, state: &mut ProjectState) -> std::result::Result<(), String> {
        let model = state.require_mut(&self.model)?;
        ensure(!name_taken(model, &self.constraint.name), || {
            format!(
                "`{}` already has an index or constraint `{}`",
                self.model, self.constraint.name
            )
        })?;
        if let ConstraintKind::Unique(columns) = &self.constraint.kind {
            check_columns(model, columns)?;
        }
        model.constraints.push(self.constraint.clone());
        Ok(())
    }

    fn sql(&self, ddl: &Ddl<'_>) -> DdlResult<Vec<String>> {
        let before = ddl.state.require(&self.model)?;
        match &self.constraint.kind {
            ConstraintKind::Unique(columns) => Ok(vec![ddl.add_unique(
                before,
                &self.constraint.name,
                columns,
            )?]),
            ConstraintKind::Check(expression) => match ddl.dialect {
                Dialect::Sqlite => {
                    let mut after = before.clone();
                    after.constraints.push(self.constraint.clone());
                    let copies = ddl.same_name_copies(before, &after);
                    ddl.sqlite_rebuild(&after, &before.table, &copies)
                }
                _ => Ok(vec![format!(
                    "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({expression})",
                    ddl.q(&before.table),
                    ddl.q(&self.constraint.name)
                )]),
            },
        }
    }

    fn inverse(&self, _from: &ProjectState) -> Result<Operation> {
        Ok(Operation::RemoveConstraint(RemoveConstraint {
            model: self.model.clone(),
            name: self.constraint.name.clone(),
        }))
    }
}

/// Drops a unique or check constraint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveConstraint {
    pub model: String,
    pub name: String,
}

impl RemoveConstraint {
    fn find<'s>(
        &self,
        state: &'s ProjectState,
    ) -> std::result::Result<(&'s ModelState, &'s ConstraintState), String> {
        let model = state.require(&self.model)?;
        let constraint = model
            .constraints
            .iter()
            .find(|c| c.name == self.name)
            .ok_or_else(|| missing(&self.model, "constraint", &self.name))?;
        Ok((model, constraint))
    }
}

impl Op for RemoveConstraint {
    fn describe(&self) -> String {
        format!("Remove constraint {} from {}", self.name, self.model)
    }

    fn name_fragment(&self) -> String {
        format!("remove_constraint_{}", fragment_name(&self.name))
    }

    fn apply(&self, state: &mut ProjectState) -> std::result::Result<(), String> {
        let model = state.require_mut(&self.model)?;
        let before = model.constraints.len();
        model.constraints.retain(|c| c.name != self.name);
        ensure(model.constraints.len() < before, || {
            missing(&self.model, "constraint", &self.name)
        })
    }

    fn sql(&self, ddl: &Ddl<'_>) -> DdlResult<Vec<String>> {
        let (model, constraint) = self.find(ddl.state)?;
        Ok(match (&constraint.kind, ddl.dialect) {
            (ConstraintKind::Unique(columns), _) => ddl.drop_index_keeping_fk(
                model,
                &self.name,
                columns,
                ddl.drop_unique(&model.table, &self.name),
            )?,
            (ConstraintKind::Check(_), Dialect::Sqlite) => {
                let mut after = model.clone();
                after.constraints.retain(|c| c.name != self.name);
                let copies = ddl.same_name_copies(model, &after);
                ddl.sqlite_rebuild(&after, &model.table, &copies)?
            }
            (ConstraintKind::Check(_), _) => vec![format!(
                "ALTER TABLE {} DROP CONSTRAINT {}",
                ddl.q(&model.table),
                ddl.q(&self.name)
            )],
        })
    }

    fn inverse(&self, from: &ProjectState) -> Result<Operation> {
        let (_, constraint) = self
            .find(from)
            .map_err(|reason| lookup_error(self, reason))?;
        Ok(Operation::AddConstraint(AddConstraint {
            model: self.model.clone(),
            constraint: constraint.clone(),
        }))
    }
}
