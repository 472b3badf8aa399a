//! The pairs of operations that fold into fewer: `reduce(a, b)` is the
//! list that has the effect of `a` followed by `b`, when there is a
//! shorter (or, for an `AlterField` before a `RenameField`, a more
//! foldable) one.
//!
//! Every rule keeps the state the pair leads to; where a fold would lose
//! something the pair does (a one-off value that fills existing rows, a
//! check constraint whose expression names a renamed column), the rule
//! declines and the pair stays.

use crate::operations::fields::rename_column_in;
use crate::operations::{
    AddConstraint, AddField, AddIndex, AlterField, CreateModel, Operation, RemoveField,
    RenameField, RenameIndex, RenameModel,
};
use crate::state::ConstraintKind;

/// `a` then `b` as one shorter list, or `None` when they do not fold.
pub(super) fn reduce(a: &Operation, b: &Operation) -> Option<Vec<Operation>> {
    use Operation as O;
    match (a, b) {
        (O::CreateModel(create), _) => into_create(create, b),
        (O::RenameModel(first), O::RenameModel(second)) if first.new_name == second.old_name => {
            Some(if first.old_name == second.new_name {
                Vec::new()
            } else {
                vec![O::RenameModel(RenameModel {
                    old_name: first.old_name.clone(),
                    new_name: second.new_name.clone(),
                })]
            })
        }
        (O::AddField(add), _) => into_add_field(add, b),
        (O::AlterField(alter), _) => after_alter_field(alter, b),
        (O::RenameField(first), O::RenameField(second))
            if first.model == second.model && first.new_column == second.old_column =>
        {
            Some(if first.old_column == second.new_column {
                Vec::new()
            } else {
                vec![O::RenameField(RenameField {
                    model: first.model.clone(),
                    old_column: first.old_column.clone(),
                    new_column: second.new_column.clone(),
                })]
            })
        }
        (O::AddIndex(add), O::RemoveIndex(remove))
            if add.model == remove.model && add.index.name == remove.name =>
        {
            Some(Vec::new())
        }
        (O::AddIndex(add), O::RenameIndex(rename))
            if add.model == rename.model && add.index.name == rename.old_name =>
        {
            let mut index = add.index.clone();
            index.name = rename.new_name.clone();
            Some(vec![O::AddIndex(AddIndex {
                model: add.model.clone(),
                index,
            })])
        }
        (O::RenameIndex(first), O::RenameIndex(second))
            if first.model == second.model && first.new_name == second.old_name =>
        {
            Some(if first.old_name == second.new_name {
                Vec::new()
            } else {
                vec![O::RenameIndex(RenameIndex {
                    model: first.model.clone(),
                    old_name: first.old_name.clone(),
                    new_name: second.new_name.clone(),
                })]
            })
        }
        (O::AddConstraint(add), O::RemoveConstraint(remove))
            if add.model == remove.model && add.constraint.name == remove.name =>
        {
            Some(Vec::new())
        }
        (O::AddManyToMany(add), O::RemoveManyToMany(remove))
            if add.model == remove.model && add.relation.field == remove.field =>
        {
            Some(Vec::new())
        }
        _ => None,
    }
}

/// What a `CreateModel` absorbs: the operations on the model it creates
/// (a new table has no rows, so one-off values are not needed), its
/// deletion (both vanish) and its renaming.
fn into_create(create: &CreateModel, b: &Operation) -> Option<Vec<Operation>> {
    use Operation as O;
    let one = |model: CreateModel| Some(vec![O::CreateModel(model)]);
    let mine = |model: &str| model == create.name;
    let has_check = create
        .constraints
        .iter()
        .any(|c| matches!(c.kind, ConstraintKind::Check(_)));
    match b {
        O::DeleteModel(delete) if mine(&delete.name) => Some(Vec::new()),
        O::RenameModel(rename) if mine(&rename.old_name) => {
            let mut model = create.clone();
            model.name = rename.new_name.clone();
            for field in &mut model.fields {
                if let Some(fk) = field.foreign_key.as_mut().filter(|fk| mine(&fk.to)) {
                    fk.to = rename.new_name.clone();
                }
            }
            one(model)
        }
        O::AlterModelTable(alter) if mine(&alter.model) => {
            let mut model = create.clone();
            model.table = alter.table.clone();
            one(model)
        }
        O::AddField(add) if mine(&add.model) => {
            let mut model = create.clone();
            let mut field = add.field.clone();
            field.renamed_from = None;
            model.fields.push(field);
            one(model)
        }
        O::AlterField(alter) if mine(&alter.model) => {
            let mut model = create.clone();
            let slot = model
                .fields
                .iter_mut()
                .find(|f| f.column == alter.field.column)?;
            if slot.primary_key || alter.field.primary_key {
                return None;
            }
            let mut field = alter.field.clone();
            field.renamed_from = None;
            *slot = field;
            one(model)
        }
        O::RenameField(rename) if mine(&rename.model) && !has_check => {
            let mut state = create.to_model();
            state.get_field(&rename.old_column)?;
            rename_column_in(&mut state, &rename.old_column, &rename.new_column);
            let mut model = CreateModel::from_model(&state);
            model.table = create.table.clone();
            one(model)
        }
        O::RemoveField(remove) if mine(&remove.model) && !has_check => {
            let state = create.to_model();
            let field = state.get_field(&remove.column)?;
            if field.primary_key || !state.users_of_column(&remove.column).is_empty() {
                return None;
            }
            let mut model = create.clone();
            model.fields.retain(|f| f.column != remove.column);
            one(model)
        }
        O::AddIndex(AddIndex { model, index }) if mine(model) => {
            let mut created = create.clone();
            created.indexes.push(index.clone());
            one(created)
        }
        O::RemoveIndex(remove) if mine(&remove.model) => {
            let mut model = create.clone();
            let before = model.indexes.len();
            model.indexes.retain(|i| i.name != remove.name);
            (model.indexes.len() < before).then(|| vec![O::CreateModel(model)])
        }
        O::RenameIndex(rename) if mine(&rename.model) => {
            let mut model = create.clone();
            let index = model
                .indexes
                .iter_mut()
                .find(|i| i.name == rename.old_name)?;
            index.name = rename.new_name.clone();
            one(model)
        }
        O::AddConstraint(AddConstraint { model, constraint }) if mine(model) => {
            let mut created = create.clone();
            created.constraints.push(constraint.clone());
            one(created)
        }
        O::RemoveConstraint(remove) if mine(&remove.model) => {
            let mut model = create.clone();
            let before = model.constraints.len();
            model.constraints.retain(|c| c.name != remove.name);
            (model.constraints.len() < before).then(|| vec![O::CreateModel(model)])
        }
        _ => None,
    }
}

/// What an `AddField` absorbs: later changes of the same column, and its
/// removal.
fn into_add_field(add: &AddField, b: &Operation) -> Option<Vec<Operation>> {
    use Operation as O;
    let mine = |model: &str, column: &str| model == add.model && column == add.field.column;
    match b {
        O::RemoveField(remove) if mine(&remove.model, &remove.column) => Some(Vec::new()),
        O::AlterField(alter) if mine(&alter.model, &alter.field.column) => {
            // The rows that exist when the column is added get the one-off
            // value of the AddField, then (if the column becomes NOT NULL)
            // that of the AlterField. One value must do for both, in the
            // final type.
            let one_off_default = match (&add.one_off_default, &alter.one_off_default) {
                (None, second) => second.clone(),
                (Some(first), None) if add.field.ty == alter.field.ty => Some(first.clone()),
                _ => return None,
            };
            let mut field = alter.field.clone();
            field.renamed_from = None;
            Some(vec![O::AddField(AddField {
                model: add.model.clone(),
                field,
                one_off_default,
            })])
        }
        O::RenameField(rename) if mine(&rename.model, &rename.old_column) => {
            let mut field = add.field.clone();
            field.column = rename.new_column.clone();
            Some(vec![O::AddField(AddField {
                model: add.model.clone(),
                field,
                one_off_default: add.one_off_default.clone(),
            })])
        }
        _ => None,
    }
}

/// What follows an `AlterField` of the same column: another one (the
/// later wins), a removal (which makes the change moot), or a rename
/// (which moves before it, so that the rename can meet other renames and
/// the change can meet what follows).
fn after_alter_field(alter: &AlterField, b: &Operation) -> Option<Vec<Operation>> {
    use Operation as O;
    let mine = |model: &str, column: &str| model == alter.model && column == alter.field.column;
    match b {
        O::AlterField(second) if mine(&second.model, &second.field.column) => {
            let one_off_default = match (&alter.one_off_default, &second.one_off_default) {
                (None, later) => later.clone(),
                (Some(first), None) if alter.field.ty == second.field.ty => Some(first.clone()),
                _ => return None,
            };
            Some(vec![O::AlterField(AlterField {
                model: alter.model.clone(),
                field: second.field.clone(),
                one_off_default,
            })])
        }
        O::RemoveField(remove) if mine(&remove.model, &remove.column) => {
            Some(vec![O::RemoveField(RemoveField {
                model: remove.model.clone(),
                column: remove.column.clone(),
            })])
        }
        O::RenameField(rename) if mine(&rename.model, &rename.old_column) => {
            let mut field = alter.field.clone();
            field.column = rename.new_column.clone();
            Some(vec![
                b.clone(),
                O::AlterField(AlterField {
                    model: alter.model.clone(),
                    field,
                    one_off_default: alter.one_off_default.clone(),
                }),
            ])
        }
        _ => None,
    }
}
