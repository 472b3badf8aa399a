//! Many-to-many relations and their join tables.
//!
//! An automatic join table `<table>_<field>` has an `id` key, two foreign
//! keys with `ON DELETE CASCADE`, a unique constraint on the pair and an
//! index on the target column (for reverse lookups). A relation with an
//! explicit `through` model has no SQL of its own: the through model's
//! table is the join table and is migrated like any other model.

use super::ddl::{Ddl, DdlResult};
use super::tables::Tables;
use super::{ensure, fragment_name, Op, Operation};
use crate::error::{Error, Result};
use crate::state::naming;
use crate::state::{FieldState, ManyToManyState, ModelState, ProjectState};
use serde::{Deserialize, Serialize};
use strata::meta::OnDelete;
use strata::{ColumnType, Dialect};

/// The join table of `relation` declared on `model`, as a model.
pub fn join_model(
    state: &ProjectState,
    model: &str,
    relation: &ManyToManyState,
) -> std::result::Result<ModelState, String> {
    let pk_type = |name: &str| -> std::result::Result<ColumnType, String> {
        let m = state.require(name)?;
        m.primary_key()
            .map(|pk| pk.ty)
            .ok_or_else(|| format!("model `{name}` has no primary key"))
    };
    let join = &relation.join_table;
    let pair = [
        relation.source_column.as_str(),
        relation.target_column.as_str(),
    ];
    Ok(ModelState {
        name: format!("{model}.{}", relation.field),
        table: join.clone(),
        fields: vec![
            FieldState::auto_pk("id"),
            FieldState::new(&relation.source_column, pk_type(model)?)
                .references(model, OnDelete::Cascade),
            FieldState::new(&relation.target_column, pk_type(&relation.to)?)
                .references(&relation.to, OnDelete::Cascade),
        ],
        indexes: vec![crate::state::IndexState {
            name: naming::constraint_name(join, &[&relation.target_column], "idx"),
            columns: vec![relation.target_column.clone()],
            unique: false,
        }],
        constraints: vec![crate::state::ConstraintState {
            name: naming::constraint_name(join, &pair, "uniq"),
            kind: crate::state::ConstraintKind::Unique(
                pair.iter().map(|c| c.to_string()).collect(),
            ),
        }],
        many_to_many: Vec::new(),
        renamed_from: None,
    })
}

fn find_relation<'s>(
    state: &'s ProjectState,
    model: &str,
    field: &str,
) -> std::result::Result<&'s ManyToManyState, String> {
    state
        .require(model)?
        .many_to_many
        .iter()
        .find(|r| r.field == field)
        .ok_or_else(|| format!("`{model}` has no many-to-many relation `{field}`"))
}

fn lookup_error(op: &dyn Op, reason: String) -> Error {
    Error::Apply {
        migration: None,
        operation: op.describe(),
        reason,
    }
}

/// Adds a many-to-many relation, creating its join table unless it goes
/// through an explicit model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddManyToMany {
    pub model: String,
    pub relation: ManyToManyState,
}

impl Op for AddManyToMany {
    fn describe(&self) -> String {
        format!(
            "Add many-to-many {} from {} to {}",
            self.relation.field, self.model, self.relation.to
        )
    }

    fn name_fragment(&self) -> String {
        format!(
            "add_{}_{}",
            fragment_name(&self.model),
            fragment_name(&self.relation.field)
        )
    }

    fn apply(&self, state: &mut ProjectState) -> std::result::Result<(), String> {
        self.apply_with(state, Tables::Scan)
    }

    fn apply_with(
        &self,
        state: &mut ProjectState,
        tables: Tables<'_>,
    ) -> std::result::Result<(), String> {
        ensure(state.models.contains_key(&self.relation.to), || {
            format!("there is no model `{}`", self.relation.to)
        })?;
        match &self.relation.through {
            Some(through) => ensure(state.models.contains_key(through), || {
                format!("there is no model `{through}`")
            })?,
            None => ensure(
                !tables.in_use(state, &self.relation.join_table, None),
                || format!("the table `{}` is already in use", self.relation.join_table),
            )?,
        }
        let model = state.require_mut(&self.model)?;
        ensure(
            !model
                .many_to_many
                .iter()
                .any(|r| r.field == self.relation.field),
            || {
                format!(
                    "`{}` already has a relation `{}`",
                    self.model, self.relation.field
                )
            },
        )?;
        model.many_to_many.push(self.relation.clone());
        Ok(())
    }

    fn sql(&self, ddl: &Ddl<'_>) -> DdlResult<Vec<String>> {
        if self.relation.through.is_some() {
            return Ok(Vec::new());
        }
        let join = join_model(ddl.state, &self.model, &self.relation)?;
        ddl.create_table(&join)
    }

    fn inverse(&self, _from: &ProjectState) -> Result<Operation> {
        Ok(Operation::RemoveManyToMany(RemoveManyToMany {
            model: self.model.clone(),
            field: self.relation.field.clone(),
        }))
    }
}

/// Removes a many-to-many relation, dropping its automatic join table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveManyToMany {
    pub model: String,
    pub field: String,
}

impl Op for RemoveManyToMany {
    fn describe(&self) -> String {
        format!("Remove many-to-many {} from {}", self.field, self.model)
    }

    fn name_fragment(&self) -> String {
        format!(
            "remove_{}_{}",
            fragment_name(&self.model),
            fragment_name(&self.field)
        )
    }

    fn apply(&self, state: &mut ProjectState) -> std::result::Result<(), String> {
        find_relation(state, &self.model, &self.field)?;
        state
            .require_mut(&self.model)?
            .many_to_many
            .retain(|r| r.field != self.field);
        Ok(())
    }

    fn sql(&self, ddl: &Ddl<'_>) -> DdlResult<Vec<String>> {
        let relation = find_relation(ddl.state, &self.model, &self.field)?;
        Ok(match relation.through {
            Some(_) => Vec::new(),
            None => vec![ddl.drop_table(&relation.join_table)],
        })
    }

    fn inverse(&self, from: &ProjectState) -> Result<Operation> {
        let relation =
            find_relation(from, &self.model, &self.field).map_err(|r| lookup_error(self, r))?;
        Ok(Operation::AddManyToMany(AddManyToMany {
            model: self.model.clone(),
            relation: relation.clone(),
        }))
    }

    fn is_destructive(&self, from: &ProjectState) -> bool {
        find_relation(from, &self.model, &self.field).is_ok_and(|r| r.through.is_none())
    }
}

/// Renames an automatic join table (and the constraints and index named
/// after it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlterManyToManyTable {
    pub model: String,
    pub field: String,
    pub join_table: String,
}

impl Op for AlterManyToManyTable {
    fn describe(&self) -> String {
        format!(
            "Rename join table of {}.{} to {}",
            self.model, self.field, self.join_table
        )
    }

    fn name_fragment(&self) -> String {
        format!(
            "alter_{}_{}_table",
            fragment_name(&self.model),
            fragment_name(&self.field)
        )
    }

    fn apply(&self, state: &mut ProjectState) -> std::result::Result<(), String> {
        self.apply_with(state, Tables::Scan)
    }

    fn apply_with(
        &self,
        state: &mut ProjectState,
        tables: Tables<'_>,
    ) -> std::result::Result<(), String> {
        let relation = find_relation(state, &self.model, &self.field)?;
        ensure(relation.through.is_none(), || {
            "the relation goes through a model; rename that model's table instead".to_string()
        })?;
        let unchanged = relation.join_table == self.join_table;
        ensure(
            unchanged || !tables.in_use(state, &self.join_table, None),
            || format!("the table `{}` is already in use", self.join_table),
        )?;
        let model = state.require_mut(&self.model)?;
        if let Some(r) = model
            .many_to_many
            .iter_mut()
            .find(|r| r.field == self.field)
        {
            r.join_table = self.join_table.clone();
        }
        Ok(())
    }

    fn sql(&self, ddl: &Ddl<'_>) -> DdlResult<Vec<String>> {
        let relation = find_relation(ddl.state, &self.model, &self.field)?;
        if relation.join_table == self.join_table {
            return Ok(Vec::new());
        }
        let before = join_model(ddl.state, &self.model, relation)?;
        let renamed = ManyToManyState {
            join_table: self.join_table.clone(),
            ..relation.clone()
        };
        let after = join_model(ddl.state, &self.model, &renamed)?;
        let mut out = vec![match ddl.dialect {
            Dialect::MySql => format!(
                "RENAME TABLE {} TO {}",
                ddl.q(&before.table),
                ddl.q(&after.table)
            ),
            _ => format!(
                "ALTER TABLE {} RENAME TO {}",
                ddl.q(&before.table),
                ddl.q(&after.table)
            ),
        }];
        out.extend(ddl.rename_derived_constraints(&before, &after)?);
        let (old_unique, new_unique) = (&before.constraints[0].name, &after.constraints[0].name);
        let (old_index, new_index) = (&before.indexes[0].name, &after.indexes[0].name);
        match ddl.dialect {
            Dialect::Postgres => {
                out.push(format!(
                    "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
                    ddl.q(&after.table),
                    ddl.q(old_unique),
                    ddl.q(new_unique)
                ));
                out.push(format!(
                    "ALTER INDEX {} RENAME TO {}",
                    ddl.q(old_index),
                    ddl.q(new_index)
                ));
            }
            Dialect::MySql => {
                for (old, new) in [(old_unique, new_unique), (old_index, new_index)] {
                    out.push(format!(
                        "ALTER TABLE {} RENAME INDEX {} TO {}",
                        ddl.q(&after.table),
                        ddl.q(old),
                        ddl.q(new)
                    ));
                }
            }
            Dialect::Sqlite => {
                out.push(ddl.drop_index(&after.table, old_unique));
                out.push(ddl.drop_index(&after.table, old_index));
                out.extend(ddl.table_indexes(&after)?);
            }
        }
        Ok(out)
    }

    fn inverse(&self, from: &ProjectState) -> Result<Operation> {
        let relation =
            find_relation(from, &self.model, &self.field).map_err(|r| lookup_error(self, r))?;
        Ok(Operation::AlterManyToManyTable(AlterManyToManyTable {
            model: self.model.clone(),
            field: self.field.clone(),
            join_table: relation.join_table.clone(),
        }))
    }
}
