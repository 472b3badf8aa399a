//! The autodetector: a pure function from the old state (replayed from the
//! migration files), the new state (the models) and a questioner to the
//! ordered operations that turn one into the other.
//!
//! The order follows Django's, so that every operation meets the state it
//! needs:
//! 1. model renames and table renames;
//! 2. column renames (so indexes and constraints follow them);
//! 3. removed many-to-many relations, indexes and constraints (index
//!    renames too), then removed columns;
//! 4. new models, referenced models first; a cycle of foreign keys is
//!    broken by creating one model without its foreign keys into the cycle
//!    and adding them once every model of the cycle exists;
//! 5. added columns, then altered columns;
//! 6. deleted models, referencing models first (a cycle is broken by
//!    dropping one foreign key first);
//! 7. new indexes and constraints, then new relations.
//!
//! Each step works on maps keyed by name, so the cost is linear in the
//! size of the states (rename candidates excepted, which are compared
//! pairwise among removed and added items only).

use crate::error::{Error, Result};
use crate::make::questioner::Questioner;
use crate::operations::tables::TableIndex;
use crate::operations::*;
use crate::state::{FieldState, ModelState, ProjectState};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

mod renames;

/// The operations that turn `old` into `new`, asking `questioner` about
/// renames and one-off values. Empty when nothing that reaches the
/// database changed.
///
/// ```
/// use strata::ColumnType;
/// use strata_migrate::{autodetect, NonInteractiveQuestioner, ModelState, ProjectState};
///
/// let old = ProjectState::new().with(ModelState::new("Post").pk("id"));
/// let new = ProjectState::new().with(
///     ModelState::new("Post").pk("id").column(
///         strata_migrate::FieldState::new("title", ColumnType::Varchar(200)).null(),
///     ),
/// );
/// let ops = autodetect(&old, &new, &mut NonInteractiveQuestioner).unwrap();
/// assert_eq!(ops.len(), 1);
/// assert_eq!(ops[0].describe(), "Add field title to Post");
/// ```
pub fn autodetect(
    old: &ProjectState,
    new: &ProjectState,
    questioner: &mut dyn Questioner,
) -> Result<Vec<Operation>> {
    new.validate()?;
    if old == new {
        // Identical states, hints included: no step would find anything
        // (the common `makemigrations --check` of an unchanged project).
        return Ok(Vec::new());
    }
    let mut d = Detector {
        tables: TableIndex::of(old),
        current: Cow::Borrowed(old),
        new,
        questioner,
        ops: Vec::new(),
        deferred_fields: Vec::new(),
    };
    d.rename_models()?;
    d.rename_fields()?;
    d.remove_relations_indexes_constraints()?;
    d.remove_fields()?;
    let deleted: BTreeSet<String> = d
        .current
        .models
        .keys()
        .filter(|name| !new.models.contains_key(*name))
        .cloned()
        .collect();
    // A deleted model whose table a new model takes must go first.
    let new_tables: HashSet<&str> = new
        .models
        .values()
        .filter(|m| !d.current.models.contains_key(&m.name))
        .map(|m| m.table.as_str())
        .collect();
    let (early, late): (BTreeSet<String>, BTreeSet<String>) = deleted
        .into_iter()
        .partition(|name| new_tables.contains(d.current.models[name].table.as_str()));
    d.delete_models(early)?;
    d.create_models()?;
    d.add_fields()?;
    d.alter_fields()?;
    d.delete_models(late)?;
    d.add_indexes_constraints()?;
    d.add_relations()?;
    if !d.current.same_schema(new) {
        return Err(Error::InvalidState {
            reason: "the autodetector could not express every change as operations (tables or \
                     constraints swapping names?); make the change in two steps"
                .into(),
        });
    }
    Ok(d.ops)
}

struct Detector<'a> {
    /// The old state with the operations so far applied (copied at the
    /// first operation: checking an unchanged project copies nothing).
    current: Cow<'a, ProjectState>,
    /// The tables of `current`.
    tables: TableIndex,
    new: &'a ProjectState,
    questioner: &'a mut dyn Questioner,
    ops: Vec<Operation>,
    /// Foreign-key columns of new models held back to break a cycle.
    deferred_fields: Vec<(String, FieldState)>,
}

/// Whether `old` and `new` have the same columns, a reference to the model
/// itself counting as equal across the rename.
fn models_match(old: &ModelState, new: &ModelState) -> bool {
    if old.fields.len() != new.fields.len() {
        return false;
    }
    let by_column: HashMap<&str, &FieldState> =
        old.fields.iter().map(|f| (f.column.as_str(), f)).collect();
    new.fields.iter().all(|nf| {
        let Some(of) = by_column.get(nf.column.as_str()) else {
            return false;
        };
        let mut of = (*of).clone();
        if let (Some(ofk), Some(nfk)) = (of.foreign_key.as_mut(), nf.foreign_key.as_ref()) {
            if ofk.to == old.name && nfk.to == new.name {
                ofk.to = new.name.clone();
            }
        }
        of.same_definition(nf)
    })
}

/// Whether `cur` and `new` have equal fields in the same order (hints
/// included): then no field of the model is renamed, removed, added or
/// altered, and the steps that look for those skip it. (The new state is
/// validated, so its columns are distinct.)
fn same_fields(cur: &ModelState, new: &ModelState) -> bool {
    cur.fields == new.fields
}

fn clear_hint(field: &FieldState) -> FieldState {
    FieldState {
        renamed_from: None,
        ..field.clone()
    }
}

impl Detector<'_> {
    fn push(&mut self, op: Operation) -> Result<()> {
        op.apply_indexed(self.current.to_mut(), &mut self.tables)?;
        self.ops.push(op);
        Ok(())
    }

    fn remove_relations_indexes_constraints(&mut self) -> Result<()> {
        let mut ops = Vec::new();
        for (name, cur) in &self.current.models {
            let Some(new_model) = self.new.models.get(name) else {
                for relation in &cur.many_to_many {
                    ops.push(Operation::RemoveManyToMany(RemoveManyToMany {
                        model: name.clone(),
                        field: relation.field.clone(),
                    }));
                }
                continue;
            };
            for relation in &cur.many_to_many {
                let kept = new_model.many_to_many.iter().any(|r| {
                    r.field == relation.field
                        && r.to == relation.to
                        && r.through == relation.through
                        && r.source_column == relation.source_column
                        && r.target_column == relation.target_column
                });
                if !kept {
                    ops.push(Operation::RemoveManyToMany(RemoveManyToMany {
                        model: name.clone(),
                        field: relation.field.clone(),
                    }));
                }
            }
            let cur_index_names: HashSet<&str> =
                cur.indexes.iter().map(|i| i.name.as_str()).collect();
            let mut claimed: HashSet<&str> = HashSet::new();
            for index in &cur.indexes {
                match new_model.indexes.iter().find(|i| i.name == index.name) {
                    Some(same) if same == index => continue,
                    Some(_) => {}
                    None => {
                        let renamed = new_model.indexes.iter().find(|i| {
                            i.columns == index.columns
                                && i.unique == index.unique
                                && !cur_index_names.contains(i.name.as_str())
                                && !claimed.contains(i.name.as_str())
                                && !cur.constraints.iter().any(|c| c.name == i.name)
                        });
                        if let Some(target) = renamed {
                            claimed.insert(&target.name);
                            ops.push(Operation::RenameIndex(RenameIndex {
                                model: name.clone(),
                                old_name: index.name.clone(),
                                new_name: target.name.clone(),
                            }));
                            continue;
                        }
                    }
                }
                ops.push(Operation::RemoveIndex(RemoveIndex {
                    model: name.clone(),
                    name: index.name.clone(),
                }));
            }
            for constraint in &cur.constraints {
                if !new_model.constraints.contains(constraint) {
                    ops.push(Operation::RemoveConstraint(RemoveConstraint {
                        model: name.clone(),
                        name: constraint.name.clone(),
                    }));
                }
            }
        }
        // Removals first, so a rename never meets a name still in use.
        ops.sort_by_key(|op| matches!(op, Operation::RenameIndex(_)));
        for op in ops {
            self.push(op)?;
        }
        Ok(())
    }

    fn remove_fields(&mut self) -> Result<()> {
        let mut ops = Vec::new();
        for name in self.kept_models() {
            let new_model = &self.new.models[&name];
            let cur = &self.current.models[&name];
            if same_fields(cur, new_model) {
                continue;
            }
            for field in &cur.fields {
                if new_model.get_field(&field.column).is_none() {
                    if field.primary_key {
                        return Err(Error::UnsupportedChange {
                            model: name,
                            reason: format!(
                                "its primary key `{}` was removed or replaced; changing a \
                                 primary key needs a hand-written RunSql migration",
                                field.column
                            ),
                        });
                    }
                    ops.push(Operation::RemoveField(RemoveField {
                        model: name.clone(),
                        column: field.column.clone(),
                    }));
                }
            }
        }
        for op in ops {
            self.push(op)?;
        }
        Ok(())
    }

    fn create_models(&mut self) -> Result<()> {
        let new = self.new;
        let mut pending: BTreeMap<String, &ModelState> = new
            .models
            .values()
            .filter(|m| !self.current.models.contains_key(&m.name))
            .map(|m| (m.name.clone(), m))
            .collect();
        let mut indegree: HashMap<String, usize> = HashMap::with_capacity(pending.len());
        let mut dependents: HashMap<String, Vec<String>> = HashMap::new();
        for (name, model) in &pending {
            let targets: BTreeSet<&str> = model
                .fields
                .iter()
                .filter_map(|f| f.foreign_key.as_ref())
                .map(|fk| fk.to.as_str())
                .filter(|to| *to != name && pending.contains_key(*to))
                .collect();
            indegree.insert(name.clone(), targets.len());
            for to in targets {
                dependents
                    .entry(to.to_string())
                    .or_default()
                    .push(name.clone());
            }
        }
        let mut ready: BTreeSet<String> = indegree
            .iter()
            .filter(|(_, n)| **n == 0)
            .map(|(name, _)| name.clone())
            .collect();
        while let Some((name, breaks_cycle)) = ready
            .pop_first()
            .map(|n| (n, false))
            .or_else(|| pending.keys().next().cloned().map(|n| (n, true)))
        {
            let Some(model) = pending.remove(&name) else {
                continue;
            };
            // Copied only when a cycle is broken.
            let mut model = Cow::Borrowed(model);
            if breaks_cycle {
                let model = model.to_mut();
                let (held, kept): (Vec<FieldState>, Vec<FieldState>) =
                    std::mem::take(&mut model.fields)
                        .into_iter()
                        .partition(|f| {
                            f.foreign_key
                                .as_ref()
                                .is_some_and(|fk| fk.to != name && pending.contains_key(&fk.to))
                        });
                model.fields = kept;
                let held_columns: HashSet<String> = held.iter().map(|f| f.column.clone()).collect();
                model
                    .indexes
                    .retain(|i| !i.columns.iter().any(|c| held_columns.contains(c)));
                model.constraints.retain(|c| match &c.kind {
                    crate::state::ConstraintKind::Unique(cols) => {
                        !cols.iter().any(|c| held_columns.contains(c))
                    }
                    crate::state::ConstraintKind::Check(_) => true,
                });
                self.deferred_fields
                    .extend(held.into_iter().map(|f| (name.clone(), f)));
            }
            let mut create = CreateModel::from_model(&model);
            for field in &mut create.fields {
                field.renamed_from = None;
            }
            self.push(Operation::CreateModel(create))?;
            for dependent in dependents.get(&name).into_iter().flatten() {
                if let Some(n) = indegree.get_mut(dependent) {
                    *n = n.saturating_sub(1);
                    if *n == 0 && pending.contains_key(dependent) {
                        ready.insert(dependent.clone());
                    }
                }
            }
        }
        Ok(())
    }

    fn add_fields(&mut self) -> Result<()> {
        let mut ops = Vec::new();
        let new_models: HashSet<String> = self
            .deferred_fields
            .iter()
            .map(|(model, _)| model.clone())
            .collect();
        for name in self.kept_models() {
            if new_models.contains(&name) {
                continue;
            }
            let new_model = &self.new.models[&name];
            let cur = &self.current.models[&name];
            if same_fields(cur, new_model) {
                continue;
            }
            for field in &new_model.fields {
                if cur.get_field(&field.column).is_some() {
                    continue;
                }
                if field.primary_key {
                    return Err(Error::UnsupportedChange {
                        model: name,
                        reason: format!(
                            "the primary key moved to the new column `{}`; changing a primary \
                             key needs a hand-written RunSql migration",
                            field.column
                        ),
                    });
                }
                let one_off_default = if !field.null && field.default.is_none() {
                    Some(self.questioner.ask_not_null_addition(&name, field)?)
                } else {
                    None
                };
                ops.push(Operation::AddField(AddField {
                    model: name.clone(),
                    field: clear_hint(field),
                    one_off_default,
                }));
            }
        }
        // The held-back foreign keys of new models: their tables are empty.
        for (model, field) in std::mem::take(&mut self.deferred_fields) {
            ops.push(Operation::AddField(AddField {
                model,
                field: clear_hint(&field),
                one_off_default: None,
            }));
        }
        for op in ops {
            self.push(op)?;
        }
        Ok(())
    }

    fn alter_fields(&mut self) -> Result<()> {
        let mut ops = Vec::new();
        for name in self.kept_models() {
            let new_model = &self.new.models[&name];
            let cur = &self.current.models[&name];
            if same_fields(cur, new_model) {
                continue;
            }
            for old in &cur.fields {
                let Some(new) = new_model.get_field(&old.column) else {
                    continue;
                };
                if old.same_definition(new) {
                    continue;
                }
                if old.primary_key != new.primary_key || old.auto_increment != new.auto_increment {
                    return Err(Error::UnsupportedChange {
                        model: name,
                        reason: format!(
                            "`{}` changed whether it is the (generated) primary key; that needs \
                             a hand-written RunSql migration",
                            old.column
                        ),
                    });
                }
                let one_off_default = if old.null && !new.null && new.default.is_none() {
                    Some(self.questioner.ask_not_null_alteration(&name, new)?)
                } else {
                    None
                };
                ops.push(Operation::AlterField(AlterField {
                    model: name.clone(),
                    field: clear_hint(new),
                    one_off_default,
                }));
            }
        }
        for op in ops {
            self.push(op)?;
        }
        Ok(())
    }

    fn delete_models(&mut self, mut pending: BTreeSet<String>) -> Result<()> {
        // incoming[x]: the pending models (other than x) with a foreign key to x.
        let mut incoming: HashMap<String, BTreeSet<String>> = HashMap::new();
        for name in &pending {
            for field in &self.current.models[name].fields {
                if let Some(fk) = field.foreign_key.as_ref() {
                    if fk.to != *name && pending.contains(&fk.to) {
                        incoming
                            .entry(fk.to.clone())
                            .or_default()
                            .insert(name.clone());
                    }
                }
            }
        }
        let mut ready: BTreeSet<String> = pending
            .iter()
            .filter(|n| incoming.get(*n).is_none_or(|s| s.is_empty()))
            .cloned()
            .collect();
        while let Some(name) = ready.pop_first().or_else(|| pending.iter().next().cloned()) {
            if !pending.remove(&name) {
                continue;
            }
            // A cycle: drop the foreign keys into `name` first.
            for referrer in incoming.remove(&name).unwrap_or_default() {
                if !pending.contains(&referrer) {
                    continue;
                }
                let fields: Vec<FieldState> = self.current.models[&referrer]
                    .fields
                    .iter()
                    .filter(|f| f.foreign_key.as_ref().is_some_and(|fk| fk.to == name))
                    .map(|f| FieldState {
                        foreign_key: None,
                        ..f.clone()
                    })
                    .collect();
                for field in fields {
                    self.push(Operation::AlterField(AlterField {
                        model: referrer.clone(),
                        field,
                        one_off_default: None,
                    }))?;
                }
            }
            let targets: BTreeSet<String> = self.current.models[&name]
                .fields
                .iter()
                .filter_map(|f| f.foreign_key.as_ref().map(|fk| fk.to.clone()))
                .filter(|to| *to != name)
                .collect();
            self.push(Operation::DeleteModel(DeleteModel { name: name.clone() }))?;
            for target in targets {
                if let Some(set) = incoming.get_mut(&target) {
                    set.remove(&name);
                    if set.is_empty() && pending.contains(&target) {
                        ready.insert(target);
                    }
                }
            }
        }
        Ok(())
    }

    fn add_indexes_constraints(&mut self) -> Result<()> {
        let mut ops = Vec::new();
        for (name, new_model) in &self.new.models {
            let Some(cur) = self.current.models.get(name) else {
                continue;
            };
            for index in &new_model.indexes {
                if !cur.indexes.iter().any(|i| i.name == index.name) {
                    ops.push(Operation::AddIndex(AddIndex {
                        model: name.clone(),
                        index: index.clone(),
                    }));
                }
            }
            for constraint in &new_model.constraints {
                if !cur.constraints.iter().any(|c| c.name == constraint.name) {
                    ops.push(Operation::AddConstraint(AddConstraint {
                        model: name.clone(),
                        constraint: constraint.clone(),
                    }));
                }
            }
        }
        for op in ops {
            self.push(op)?;
        }
        Ok(())
    }

    fn add_relations(&mut self) -> Result<()> {
        let mut ops = Vec::new();
        for (name, new_model) in &self.new.models {
            let Some(cur) = self.current.models.get(name) else {
                continue;
            };
            for relation in &new_model.many_to_many {
                match cur.many_to_many.iter().find(|r| r.field == relation.field) {
                    Some(existing) if existing.join_table != relation.join_table => {
                        ops.push(Operation::AlterManyToManyTable(AlterManyToManyTable {
                            model: name.clone(),
                            field: relation.field.clone(),
                            join_table: relation.join_table.clone(),
                        }))
                    }
                    Some(_) => {}
                    None => ops.push(Operation::AddManyToMany(AddManyToMany {
                        model: name.clone(),
                        relation: relation.clone(),
                    })),
                }
            }
        }
        for op in ops {
            self.push(op)?;
        }
        Ok(())
    }
}
