//! Operations: the dialect-neutral steps a migration is made of.
//!
//! Each operation knows
//! - its effect on the [`ProjectState`] ([`Operation::apply`]),
//! - its forward SQL for each dialect, given the state before it
//!   ([`Operation::forward_sql`]),
//! - its inverse, whose forward SQL is the operation's backward SQL
//!   ([`Operation::backward_sql`]),
//! - a one-line description ([`Operation::describe`]) and whether it
//!   destroys data ([`Operation::is_destructive`]).
//!
//! The groups live in one file each: [`models`], [`fields`], [`indexes`]
//! (indexes and constraints), [`relations`] (many-to-many join tables) and
//! [`special`] (`RunSql`), [`run_rust`] (`RunRust`, data migrations in
//! Rust). Shared DDL is in `ddl`, SQLite's table rebuild
//! in `sqlite_rebuild`, and the column changes of `AlterField` in
//! `alter_column`.

mod alter_column;
pub mod data_checks;
pub(crate) mod ddl;
pub mod fields;
pub mod indexes;
pub mod models;
pub mod relations;
pub mod run_rust;
pub mod special;
mod sqlite_rebuild;
pub(crate) mod tables;

use crate::error::{Error, Result};
use crate::state::ProjectState;
use ddl::{Ddl, DdlResult};
use serde::{Deserialize, Serialize};
use strata::Dialect;
use tables::{TableIndex, Tables};

pub use fields::{AddField, AlterField, RemoveField, RenameField};
pub use indexes::{AddConstraint, AddIndex, RemoveConstraint, RemoveIndex, RenameIndex};
pub use models::{AlterModelTable, CreateModel, DeleteModel, RenameModel};
pub use relations::{AddManyToMany, AlterManyToManyTable, RemoveManyToMany};
pub use run_rust::RunRust;
pub use special::{DialectSql, RunSql};

/// One step of a migration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Operation {
    CreateModel(CreateModel),
    DeleteModel(DeleteModel),
    RenameModel(RenameModel),
    AlterModelTable(AlterModelTable),
    AddField(AddField),
    RemoveField(RemoveField),
    AlterField(AlterField),
    RenameField(RenameField),
    AddIndex(AddIndex),
    RemoveIndex(RemoveIndex),
    RenameIndex(RenameIndex),
    AddConstraint(AddConstraint),
    RemoveConstraint(RemoveConstraint),
    AddManyToMany(AddManyToMany),
    RemoveManyToMany(RemoveManyToMany),
    AlterManyToManyTable(AlterManyToManyTable),
    RunSql(RunSql),
    /// A data migration in Rust; a barrier no optimization crosses (see
    /// [`RunRust`]).
    RunRust(RunRust),
}

/// What every operation implements; [`Operation`] dispatches to it.
pub(crate) trait Op {
    /// One human line: `Add field title to Post`.
    fn describe(&self) -> String;
    /// A short snake_case fragment for migration names: `add_post_title`.
    fn name_fragment(&self) -> String;
    /// Changes the state, or says why it cannot.
    fn apply(&self, state: &mut ProjectState) -> std::result::Result<(), String>;
    /// [`apply`](Op::apply), asking `tables` whether a table is taken.
    fn apply_with(
        &self,
        state: &mut ProjectState,
        _tables: Tables<'_>,
    ) -> std::result::Result<(), String> {
        self.apply(state)
    }
    /// The forward statements; `ddl.state` is the state before the
    /// operation.
    fn sql(&self, ddl: &Ddl<'_>) -> DdlResult<Vec<String>>;
    /// The operation that undoes this one, given the state before it.
    fn inverse(&self, from: &ProjectState) -> Result<Operation>;
    /// Whether running it forward can lose data.
    fn is_destructive(&self, _from: &ProjectState) -> bool {
        false
    }
    /// What undoing it writes into existing rows that nobody chose (the
    /// value NULLs take when a column becomes NOT NULL again), or `None`.
    fn undo_note(&self, _from: &ProjectState) -> Option<String> {
        None
    }
}

macro_rules! dispatch {
    ($self:ident, $op:ident => $body:expr) => {
        match $self {
            Operation::CreateModel($op) => $body,
            Operation::DeleteModel($op) => $body,
            Operation::RenameModel($op) => $body,
            Operation::AlterModelTable($op) => $body,
            Operation::AddField($op) => $body,
            Operation::RemoveField($op) => $body,
            Operation::AlterField($op) => $body,
            Operation::RenameField($op) => $body,
            Operation::AddIndex($op) => $body,
            Operation::RemoveIndex($op) => $body,
            Operation::RenameIndex($op) => $body,
            Operation::AddConstraint($op) => $body,
            Operation::RemoveConstraint($op) => $body,
            Operation::AddManyToMany($op) => $body,
            Operation::RemoveManyToMany($op) => $body,
            Operation::AlterManyToManyTable($op) => $body,
            Operation::RunSql($op) => $body,
            Operation::RunRust($op) => $body,
        }
    };
}

impl Operation {
    fn op(&self) -> &dyn Op {
        dispatch!(self, op => op)
    }

    /// One human line, e.g. `Add field title to Post`.
    pub fn describe(&self) -> String {
        self.op().describe()
    }

    /// A snake_case fragment used to name migrations.
    pub fn name_fragment(&self) -> String {
        self.op().name_fragment()
    }

    /// Applies the operation to `state`.
    pub fn apply(&self, state: &mut ProjectState) -> Result<()> {
        self.op().apply(state).map_err(|reason| Error::Apply {
            migration: None,
            operation: self.describe(),
            reason,
        })
    }

    /// Applies the operation to `state`, which `index` describes, and
    /// updates `index`: what code applying many operations to one state
    /// uses, so that each operation costs the same however many models
    /// there are.
    pub(crate) fn apply_indexed(
        &self,
        state: &mut ProjectState,
        index: &mut TableIndex,
    ) -> Result<()> {
        let owners = self.table_owners();
        let before: Vec<String> = owners
            .iter()
            .filter_map(|name| state.models.get(*name))
            .flat_map(TableIndex::tables)
            .collect();
        let result = self
            .op()
            .apply_with(state, Tables::Index(index))
            .map_err(|reason| Error::Apply {
                migration: None,
                operation: self.describe(),
                reason,
            });
        // Whatever happened, the index follows the models that may have
        // changed.
        for table in &before {
            index.remove(table);
        }
        for name in owners {
            if let Some(model) = state.models.get(name) {
                index.add_model(model);
            }
        }
        result
    }

    /// [`apply_indexed`](Operation::apply_indexed), consuming the
    /// operation: a created model moves into the state instead of being
    /// copied (replaying migrations that are not needed afterwards).
    pub(crate) fn apply_indexed_owned(
        self,
        state: &mut ProjectState,
        index: &mut TableIndex,
    ) -> Result<()> {
        let Operation::CreateModel(op) = self else {
            return self.apply_indexed(state, index);
        };
        let operation = op.describe();
        let name = op.name.clone();
        models::insert_new_model(state, op.into_model(), Tables::Index(index)).map_err(
            |reason| Error::Apply {
                migration: None,
                operation,
                reason,
            },
        )?;
        // A new model: nothing of it was indexed before.
        if let Some(model) = state.models.get(&name) {
            index.add_model(model);
        }
        Ok(())
    }

    /// The models whose tables or automatic join tables the operation may
    /// add, remove or rename.
    fn table_owners(&self) -> Vec<&str> {
        match self {
            Operation::CreateModel(op) => vec![&op.name],
            Operation::DeleteModel(op) => vec![&op.name],
            Operation::RenameModel(op) => vec![&op.old_name, &op.new_name],
            Operation::AlterModelTable(op) => vec![&op.model],
            Operation::AddManyToMany(op) => vec![&op.model],
            Operation::RemoveManyToMany(op) => vec![&op.model],
            Operation::AlterManyToManyTable(op) => vec![&op.model],
            Operation::AddField(_)
            | Operation::RemoveField(_)
            | Operation::AlterField(_)
            | Operation::RenameField(_)
            | Operation::AddIndex(_)
            | Operation::RemoveIndex(_)
            | Operation::RenameIndex(_)
            | Operation::AddConstraint(_)
            | Operation::RemoveConstraint(_)
            | Operation::RunSql(_)
            | Operation::RunRust(_) => Vec::new(),
        }
    }

    /// The forward SQL on `dialect`; `from` is the state before the
    /// operation.
    pub fn forward_sql(&self, dialect: Dialect, from: &ProjectState) -> Result<Vec<String>> {
        self.op()
            .sql(&Ddl::new(dialect, from))
            .map_err(|reason| Error::Unsupported {
                dialect,
                operation: self.describe(),
                reason,
            })
    }

    /// The operation that undoes this one; `from` is the state before it.
    pub fn inverse(&self, from: &ProjectState) -> Result<Operation> {
        self.op().inverse(from)
    }

    /// The backward SQL on `dialect`, which undoes the forward SQL; `from`
    /// is the state before the operation (as for
    /// [`forward_sql`](Self::forward_sql)).
    pub fn backward_sql(&self, dialect: Dialect, from: &ProjectState) -> Result<Vec<String>> {
        let inverse = self.inverse(from)?;
        let mut after = from.clone();
        self.apply(&mut after)?;
        inverse.forward_sql(dialect, &after)
    }

    /// Whether running the operation forward can lose data (dropping a
    /// table or column, narrowing a type); `from` is the state before it.
    pub fn is_destructive(&self, from: &ProjectState) -> bool {
        self.op().is_destructive(from)
    }

    /// What undoing the operation writes into existing rows without anyone
    /// having chosen it, in one line (`undoing it writes "" into Author.bio
    /// where it is NULL`), or `None` when undoing invents no data; `from`
    /// is the state before the operation. The migration file's header and
    /// `migrate --plan` print it, so that a rollback never fills in data
    /// silently.
    pub fn undo_note(&self, from: &ProjectState) -> Option<String> {
        self.op().undo_note(from)
    }
}

/// `Err` with the model's name when `cond` is false.
pub(crate) fn ensure(
    cond: bool,
    reason: impl FnOnce() -> String,
) -> std::result::Result<(), String> {
    if cond {
        Ok(())
    } else {
        Err(reason())
    }
}

/// `name` in snake_case, for migration names.
pub(crate) fn fragment_name(name: &str) -> String {
    crate::state::naming::snake_case(name)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}
