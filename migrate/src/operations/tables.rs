//! Whether a table name is taken, without scanning every model.
//!
//! Creating a model, renaming a table and adding a many-to-many relation
//! check that no model table or automatic join table has the name. Done by
//! scanning the state, replaying or rendering the initial migration of a
//! project of `n` models costs `n²`; code that applies many operations to
//! one state keeps a [`TableIndex`] next to it instead (see
//! [`Operation::apply_indexed`](super::Operation::apply_indexed)).

use super::models::table_in_use;
use crate::state::{ModelState, ProjectState};
use std::collections::HashMap;

/// How many model tables and automatic join tables of a state have each
/// name.
#[derive(Debug, Clone, Default)]
pub(crate) struct TableIndex {
    counts: HashMap<String, usize>,
}

impl TableIndex {
    /// The index of `state`.
    pub fn of(state: &ProjectState) -> TableIndex {
        let mut index = TableIndex {
            counts: HashMap::with_capacity(state.models.len()),
        };
        for model in state.models.values() {
            index.add_model(model);
        }
        index
    }

    /// The tables `model` takes: its own and its automatic join tables.
    fn tables_of(model: &ModelState) -> impl Iterator<Item = &str> {
        std::iter::once(model.table.as_str()).chain(
            model
                .many_to_many
                .iter()
                .filter(|r| r.through.is_none())
                .map(|r| r.join_table.as_str()),
        )
    }

    /// Counts the tables of `model`.
    pub fn add_model(&mut self, model: &ModelState) {
        for table in Self::tables_of(model) {
            *self.counts.entry(table.to_string()).or_default() += 1;
        }
    }

    /// The tables of `model`, to give back to [`TableIndex::remove`] once
    /// the model may have changed.
    pub fn tables(model: &ModelState) -> Vec<String> {
        Self::tables_of(model).map(str::to_string).collect()
    }

    /// Uncounts `table` once.
    pub fn remove(&mut self, table: &str) {
        if let Some(count) = self.counts.get_mut(table) {
            *count -= 1;
            if *count == 0 {
                self.counts.remove(table);
            }
        }
    }

    fn count(&self, table: &str) -> usize {
        self.counts.get(table).copied().unwrap_or(0)
    }
}

/// How an operation finds out whether a table is taken.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Tables<'a> {
    /// By scanning the state.
    Scan,
    /// From an index that matches the state.
    Index(&'a TableIndex),
}

impl Tables<'_> {
    /// Whether `table` is taken by a model or an automatic join table,
    /// other than `except_model`'s own table.
    pub fn in_use(self, state: &ProjectState, table: &str, except_model: Option<&str>) -> bool {
        match self {
            Tables::Scan => table_in_use(state, table, except_model),
            Tables::Index(index) => {
                let own = except_model
                    .and_then(|name| state.models.get(name))
                    .is_some_and(|m| m.table == table);
                index.count(table) > usize::from(own)
            }
        }
    }
}
