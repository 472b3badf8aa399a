//! What an operation touches, so that the optimizer knows which
//! operations may trade places.
//!
//! A footprint is read off the state before and after the operation, not
//! off the operation's own fields: whatever the operation changed (a
//! model, a column, an index, a join table, the foreign keys of other
//! models that a rename rewrote) is in it, however the operation is
//! spelled. Two operations may move past each other only when their
//! footprints do not conflict.

use crate::error::Result;
use crate::operations::Operation;
use crate::state::{ConstraintKind, ModelState, ProjectState};
use std::collections::BTreeSet;

/// One thing an operation touches.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Ref {
    /// Nothing may move past it: raw SQL, whose effect is unknown.
    Barrier,
    /// The model as a whole: created, deleted, renamed, its table renamed
    /// or its primary key changed.
    Whole(String),
    /// One column (or `m2m:<field>` for a many-to-many relation) of a
    /// model.
    Field(String, String),
    /// A model this one depends on through a foreign key or a relation:
    /// it must not be created, deleted, renamed or altered meanwhile.
    /// Two links to the same model do not conflict.
    Link(String),
    /// A database-wide name: a table, an index or a constraint
    /// (PostgreSQL keeps tables and indexes in one namespace).
    Name(String),
}

/// Everything one operation (or several folded into one) touches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Footprint(BTreeSet<Ref>);

impl Footprint {
    /// Applies `op` to `state` and returns what it touched. Only the
    /// models the operation can change are copied to compare: its own
    /// (all of them for a model rename, which rewrites foreign keys
    /// elsewhere).
    pub(super) fn apply(op: &Operation, state: &mut ProjectState) -> Result<Footprint> {
        if matches!(op, Operation::RunSql(_)) {
            op.apply(state)?;
            return Ok(Footprint(BTreeSet::from([Ref::Barrier])));
        }
        let names: Vec<String> = match changed_models(op) {
            Some(names) => names,
            None => state.models.keys().cloned().collect(),
        };
        let before: Vec<(String, Option<ModelState>)> = names
            .into_iter()
            .map(|name| {
                let model = state.models.get(&name).cloned();
                (name, model)
            })
            .collect();
        op.apply(state)?;
        let mut refs = BTreeSet::new();
        let mut seen = BTreeSet::new();
        let after_names: Vec<String> = match op {
            Operation::RenameModel(_) => state.models.keys().cloned().collect(),
            _ => Vec::new(),
        };
        let pairs = before
            .iter()
            .map(|(name, b)| (name.clone(), b.as_ref()))
            .chain(after_names.into_iter().map(|name| (name, None)));
        for (name, b) in pairs {
            if !seen.insert(name.clone()) {
                continue;
            }
            let a = state.models.get(&name);
            if b == a {
                continue;
            }
            match (b, a) {
                (Some(b), Some(a)) if b.table == a.table => model_changes(&mut refs, b, a),
                _ => {
                    refs.insert(Ref::Whole(name.clone()));
                    for model in [b, a].into_iter().flatten() {
                        all_names(&mut refs, model);
                    }
                }
            }
            for model in [b, a].into_iter().flatten() {
                links(&mut refs, model);
            }
        }
        Ok(Footprint(refs))
    }

    /// Whether the two operations must keep their order.
    pub(super) fn conflicts(&self, other: &Footprint) -> bool {
        self.0
            .iter()
            .any(|a| other.0.iter().any(|b| refs_conflict(a, b)))
    }
}

/// The models `op` can change, or `None` for any of them.
pub(super) fn changed_models(op: &Operation) -> Option<Vec<String>> {
    use Operation as O;
    let one = |name: &String| Some(vec![name.clone()]);
    match op {
        O::CreateModel(op) => one(&op.name),
        O::DeleteModel(op) => one(&op.name),
        O::AlterModelTable(op) => one(&op.model),
        O::AddField(op) => one(&op.model),
        O::RemoveField(op) => one(&op.model),
        O::AlterField(op) => one(&op.model),
        O::RenameField(op) => one(&op.model),
        O::AddIndex(op) => one(&op.model),
        O::RemoveIndex(op) => one(&op.model),
        O::RenameIndex(op) => one(&op.model),
        O::AddConstraint(op) => one(&op.model),
        O::RemoveConstraint(op) => one(&op.model),
        O::AddManyToMany(op) => one(&op.model),
        O::RemoveManyToMany(op) => one(&op.model),
        O::AlterManyToManyTable(op) => one(&op.model),
        _ => None,
    }
}

fn refs_conflict(a: &Ref, b: &Ref) -> bool {
    use Ref::*;
    match (a, b) {
        (Barrier, _) | (_, Barrier) => true,
        (Whole(m), Whole(n) | Field(n, _) | Link(n)) => m == n,
        (Field(n, _) | Link(n), Whole(m)) => m == n,
        (Field(m, c), Field(n, d)) => m == n && c == d,
        (Field(m, _), Link(n)) | (Link(n), Field(m, _)) => m == n,
        (Link(_), Link(_)) => false,
        (Name(x), Name(y)) => x == y,
        (Name(_), _) | (_, Name(_)) => false,
    }
}

/// What changed inside a model that kept its name and table.
fn model_changes(refs: &mut BTreeSet<Ref>, b: &ModelState, a: &ModelState) {
    let model = &a.name;
    let columns: BTreeSet<&String> = b
        .fields
        .iter()
        .chain(&a.fields)
        .map(|f| &f.column)
        .collect();
    for column in columns {
        let before = b.get_field(column);
        let after = a.get_field(column);
        if before == after {
            continue;
        }
        if before.into_iter().chain(after).any(|f| f.primary_key) {
            // Foreign keys of other models follow the primary key.
            refs.insert(Ref::Whole(model.clone()));
        }
        refs.insert(Ref::Field(model.clone(), column.clone()));
    }
    let indexes: BTreeSet<&String> = b
        .indexes
        .iter()
        .chain(&a.indexes)
        .map(|i| &i.name)
        .collect();
    for name in indexes {
        let before = b.indexes.iter().find(|i| &i.name == name);
        let after = a.indexes.iter().find(|i| &i.name == name);
        if before == after {
            continue;
        }
        refs.insert(Ref::Name(name.clone()));
        for index in before.into_iter().chain(after) {
            for column in &index.columns {
                refs.insert(Ref::Field(model.clone(), column.clone()));
            }
        }
    }
    let constraints: BTreeSet<&String> = b
        .constraints
        .iter()
        .chain(&a.constraints)
        .map(|c| &c.name)
        .collect();
    for name in constraints {
        let before = b.constraints.iter().find(|c| &c.name == name);
        let after = a.constraints.iter().find(|c| &c.name == name);
        if before == after {
            continue;
        }
        refs.insert(Ref::Name(name.clone()));
        for constraint in before.into_iter().chain(after) {
            match &constraint.kind {
                ConstraintKind::Unique(columns) => {
                    for column in columns {
                        refs.insert(Ref::Field(model.clone(), column.clone()));
                    }
                }
                // An expression may name any column.
                ConstraintKind::Check(_) => {
                    refs.insert(Ref::Whole(model.clone()));
                }
            }
        }
    }
    let relations: BTreeSet<&String> = b
        .many_to_many
        .iter()
        .chain(&a.many_to_many)
        .map(|r| &r.field)
        .collect();
    for field in relations {
        let before = b.many_to_many.iter().find(|r| &r.field == field);
        let after = a.many_to_many.iter().find(|r| &r.field == field);
        if before == after {
            continue;
        }
        refs.insert(Ref::Field(model.clone(), format!("m2m:{field}")));
        for relation in before.into_iter().chain(after) {
            refs.insert(Ref::Name(relation.join_table.clone()));
        }
    }
}

/// Every database-wide name a model owns.
fn all_names(refs: &mut BTreeSet<Ref>, model: &ModelState) {
    refs.insert(Ref::Name(model.table.clone()));
    refs.extend(model.indexes.iter().map(|i| Ref::Name(i.name.clone())));
    refs.extend(model.constraints.iter().map(|c| Ref::Name(c.name.clone())));
    refs.extend(
        model
            .many_to_many
            .iter()
            .map(|r| Ref::Name(r.join_table.clone())),
    );
}

/// The models `model` depends on: foreign-key targets, relation targets
/// and through models. A change to a model may rebuild its table (SQLite),
/// whose definition names those models' tables.
fn links(refs: &mut BTreeSet<Ref>, model: &ModelState) {
    for field in &model.fields {
        if let Some(fk) = &field.foreign_key {
            refs.insert(Ref::Link(fk.to.clone()));
        }
    }
    for relation in &model.many_to_many {
        refs.insert(Ref::Link(relation.to.clone()));
        if let Some(through) = &relation.through {
            refs.insert(Ref::Link(through.clone()));
        }
    }
}
