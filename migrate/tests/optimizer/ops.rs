//! Short spellings of operations and states for the scenarios, and the
//! check every scenario makes.

use strata::meta::OnDelete;
use strata::ColumnType;
use strata_migrate::operations::*;
use strata_migrate::{
    optimize, ConstraintKind, ConstraintState, DefaultValue, FieldState, IndexState,
    ManyToManyState, ModelState, Operation, ProjectState,
};

pub fn int(column: &str) -> FieldState {
    FieldState::new(column, ColumnType::Integer)
}

pub fn chars(column: &str) -> FieldState {
    FieldState::new(column, ColumnType::Varchar(255))
}

pub fn fk(column: &str, to: &str) -> FieldState {
    FieldState::new(column, ColumnType::BigInt).references(to, OnDelete::Cascade)
}

/// A model `name` with an auto primary key and `fields`.
pub fn model(name: &str, fields: Vec<FieldState>) -> ModelState {
    fields
        .into_iter()
        .fold(ModelState::new(name).pk("id"), ModelState::column)
}

pub fn create(name: &str, fields: Vec<FieldState>) -> Operation {
    Operation::CreateModel(CreateModel::from_model(&model(name, fields)))
}

pub fn create_model(model: &ModelState) -> Operation {
    Operation::CreateModel(CreateModel::from_model(model))
}

/// The CreateModel of `model`, named `name` (its table kept).
pub fn create_as(model: &ModelState, name: &str) -> Operation {
    let mut op = CreateModel::from_model(model);
    op.name = name.into();
    Operation::CreateModel(op)
}

pub fn delete(name: &str) -> Operation {
    Operation::DeleteModel(DeleteModel { name: name.into() })
}

pub fn rename_model(old: &str, new: &str) -> Operation {
    Operation::RenameModel(RenameModel {
        old_name: old.into(),
        new_name: new.into(),
    })
}

pub fn alter_table(model: &str, table: &str) -> Operation {
    Operation::AlterModelTable(AlterModelTable {
        model: model.into(),
        table: table.into(),
    })
}

pub fn add(model: &str, field: FieldState) -> Operation {
    Operation::AddField(AddField {
        model: model.into(),
        field,
        one_off_default: None,
    })
}

pub fn add_with_one_off(model: &str, field: FieldState, value: DefaultValue) -> Operation {
    Operation::AddField(AddField {
        model: model.into(),
        field,
        one_off_default: Some(value),
    })
}

pub fn alter(model: &str, field: FieldState) -> Operation {
    Operation::AlterField(AlterField {
        model: model.into(),
        field,
        one_off_default: None,
    })
}

pub fn alter_with_one_off(model: &str, field: FieldState, value: DefaultValue) -> Operation {
    Operation::AlterField(AlterField {
        model: model.into(),
        field,
        one_off_default: Some(value),
    })
}

pub fn remove(model: &str, column: &str) -> Operation {
    Operation::RemoveField(RemoveField {
        model: model.into(),
        column: column.into(),
    })
}

pub fn rename(model: &str, old: &str, new: &str) -> Operation {
    Operation::RenameField(RenameField {
        model: model.into(),
        old_column: old.into(),
        new_column: new.into(),
    })
}

pub fn add_index(model: &str, name: &str, columns: &[&str]) -> Operation {
    Operation::AddIndex(AddIndex {
        model: model.into(),
        index: IndexState {
            name: name.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            unique: false,
        },
    })
}

pub fn remove_index(model: &str, name: &str) -> Operation {
    Operation::RemoveIndex(RemoveIndex {
        model: model.into(),
        name: name.into(),
    })
}

pub fn rename_index(model: &str, old: &str, new: &str) -> Operation {
    Operation::RenameIndex(RenameIndex {
        model: model.into(),
        old_name: old.into(),
        new_name: new.into(),
    })
}

pub fn add_unique(model: &str, name: &str, columns: &[&str]) -> Operation {
    Operation::AddConstraint(AddConstraint {
        model: model.into(),
        constraint: ConstraintState {
            name: name.into(),
            kind: ConstraintKind::Unique(columns.iter().map(|c| c.to_string()).collect()),
        },
    })
}

pub fn remove_constraint(model: &str, name: &str) -> Operation {
    Operation::RemoveConstraint(RemoveConstraint {
        model: model.into(),
        name: name.into(),
    })
}

/// A many-to-many relation `model.field` to `to`, with the join table the
/// builder names.
pub fn add_m2m(state: &ProjectState, model: &str, field: &str, to: &str) -> Operation {
    let with = state
        .model(model)
        .expect("the model exists")
        .clone()
        .m2m(field, to);
    let relation: ManyToManyState = with.many_to_many.last().cloned().expect("a relation");
    Operation::AddManyToMany(AddManyToMany {
        model: model.into(),
        relation,
    })
}

pub fn remove_m2m(model: &str, field: &str) -> Operation {
    Operation::RemoveManyToMany(RemoveManyToMany {
        model: model.into(),
        field: field.into(),
    })
}

pub fn run_sql(sql: &str) -> Operation {
    let all = DialectSql {
        postgres: vec![sql.into()],
        mysql: vec![sql.into()],
        sqlite: vec![sql.into()],
    };
    Operation::RunSql(RunSql {
        description: None,
        forward: all.clone(),
        backward: Some(all),
    })
}

/// The state `ops` lead to from `from`.
pub fn replay(from: &ProjectState, ops: &[Operation]) -> ProjectState {
    let mut state = from.clone();
    for op in ops {
        op.apply(&mut state)
            .unwrap_or_else(|e| panic!("{} does not apply: {e}", op.describe()));
    }
    state
}

/// `ops` from `from` optimize to `expected`, and the original, the
/// expected and the optimized lists all replay to the same state.
pub fn check(from: &ProjectState, ops: Vec<Operation>, expected: Vec<Operation>) {
    let original = replay(from, &ops);
    let wanted = replay(from, &expected);
    assert!(
        original.same_schema(&wanted),
        "the expected list of the scenario itself changes the result:\n{original:#?}\nvs\n{wanted:#?}"
    );
    let optimized = optimize(ops.clone(), from).expect("the operations apply");
    let describe = |ops: &[Operation]| ops.iter().map(Operation::describe).collect::<Vec<_>>();
    assert_eq!(
        optimized,
        expected,
        "\n{:#?}\noptimized to\n{:#?}\ninstead of\n{:#?}",
        describe(&ops),
        describe(&optimized),
        describe(&expected)
    );
    assert!(replay(from, &optimized).same_schema(&original));
}

/// `ops` from `from` stay as they are.
pub fn check_unchanged(from: &ProjectState, ops: Vec<Operation>) {
    check(from, ops.clone(), ops);
}
