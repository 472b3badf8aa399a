//! makemigrations at scale: synthetic projects built directly as
//! [`ProjectState`]s, and the steps a `manage makemigrations` run takes on
//! them.
//!
//! Model `i` of a project (`Model00000`, ...) has a dozen columns of the
//! common types, a foreign key to model `i - 1` (model 0 refers to itself,
//! like a tree's parent), an index on two columns and a unique column. The
//! same project is described as JSON ([`django_spec`]) for the Django
//! comparison, which generates a `models.py` from it.

use serde_json::json;
use std::path::Path;
use strata::meta::OnDelete;
use strata::ColumnType;
use strata_migrate::commands::{makemigrations, MakeOptions, MakeReport};
use strata_migrate::{
    autodetect, writer, DefaultValue, FieldState, ModelState, NonInteractiveQuestioner,
    ProjectState,
};

/// The project sizes measured.
pub const SIZES: [usize; 4] = [10, 100, 1_000, 10_000];

fn model_name(i: usize) -> String {
    format!("Model{i:05}")
}

/// The columns of every synthetic model besides its key and foreign key:
/// `(column, type, nullable, unique, default)`.
fn columns() -> Vec<(&'static str, ColumnType, bool, bool, Option<DefaultValue>)> {
    vec![
        ("name", ColumnType::Varchar(100), false, false, None),
        ("slug", ColumnType::Varchar(50), false, true, None),
        ("description", ColumnType::Text, true, false, None),
        (
            "quantity",
            ColumnType::Integer,
            false,
            false,
            Some(DefaultValue::Int(0)),
        ),
        ("total", ColumnType::BigInt, false, false, None),
        ("price", ColumnType::Decimal(10, 2), false, false, None),
        ("ratio", ColumnType::Double, true, false, None),
        (
            "active",
            ColumnType::Boolean,
            false,
            false,
            Some(DefaultValue::Bool(true)),
        ),
        ("created_at", ColumnType::DateTimeUtc, false, false, None),
        ("birthday", ColumnType::Date, true, false, None),
    ]
}

/// One synthetic model.
pub fn synthetic_model(i: usize) -> ModelState {
    let name = model_name(i);
    let table = format!("app_model{i:05}");
    // Index names stay within Django's 30 characters.
    let short = format!("m{i:05}");
    let mut model = ModelState::new(&name).table(&table).pk("id");
    for (column, ty, null, unique, default) in columns() {
        let mut field = FieldState::new(column, ty);
        if null {
            field = field.null();
        }
        if unique {
            field = field.unique();
        }
        if let Some(value) = default {
            field = field.default(value);
        }
        model = model.column(field);
    }
    let target = model_name(i.saturating_sub(1));
    model
        .column(
            FieldState::new("parent_id", ColumnType::BigInt)
                .null()
                .references(&target, OnDelete::Cascade),
        )
        .index(
            &format!("{short}_name_created_idx"),
            &["name", "created_at"],
        )
}

/// A project of `n` synthetic models.
pub fn synthetic_project(n: usize) -> ProjectState {
    let mut state = ProjectState::new();
    for i in 0..n {
        let model = synthetic_model(i);
        state.models.insert(model.name.clone(), model);
    }
    state
}

/// The project state of `n` models as `manage makemigrations` builds it
/// before detecting changes: every model's state, then the project's
/// checks (`ProjectState::validate`, what `from_models` runs). The
/// benchmark times this inside the command, as Django's `call_command`
/// builds its `ProjectState.from_apps` inside its own.
pub fn project_as_loaded(n: usize) -> ProjectState {
    let state = synthetic_project(n);
    state.validate().expect("a valid project");
    state
}

/// [`project_as_loaded`] with one model in a hundred changed (see
/// [`changed_project`]), built the same way.
pub fn changed_project_as_loaded(n: usize) -> ProjectState {
    let mut state = synthetic_project(n);
    change_one_in_a_hundred(&mut state);
    state.validate().expect("a valid project");
    state
}

/// `state` with one model in a hundred (at least one) changed: a new
/// nullable column and a new index on it.
pub fn changed_project(state: &ProjectState) -> ProjectState {
    let mut out = state.clone();
    change_one_in_a_hundred(&mut out);
    out
}

fn change_one_in_a_hundred(out: &mut ProjectState) {
    let step = 100.min(out.models.len()).max(1);
    for (i, model) in out.models.values_mut().enumerate() {
        if i % step == 0 {
            model
                .fields
                .push(FieldState::new("note", ColumnType::Varchar(200)).null());
            let name = format!("{}_note_idx", model.table.replace("app_model", "m"));
            model.indexes.push(strata_migrate::IndexState {
                name,
                columns: vec!["note".into()],
                unique: false,
            });
        }
    }
}

/// Runs `makemigrations` for `state` against the migrations in `dir`,
/// writing the migration unless `check` (then it is `--check`: compare
/// only).
pub fn run_makemigrations(dir: &Path, state: &ProjectState, check: bool) -> MakeReport {
    let mut options = MakeOptions::new(dir);
    options.check = check;
    makemigrations(&options, state, &mut NonInteractiveQuestioner).expect("makemigrations runs")
}

/// The in-memory part of the initial migration: autodetect from the empty
/// state, render every dialect's SQL, and the TOML text. Returns the
/// SQLite forward statements.
pub fn initial_in_memory(state: &ProjectState) -> Vec<String> {
    let empty = ProjectState::new();
    let ops = autodetect(&empty, state, &mut NonInteractiveQuestioner).expect("autodetect");
    let rendered = writer::render("0001_initial", Vec::new(), ops, &empty).expect("render");
    let text = writer::to_toml(&rendered).expect("toml");
    std::hint::black_box(text);
    rendered.migration.sql.sqlite.forward
}

/// Writes `count` migration files to `dir`: an initial one creating ten
/// models, then one per added column, round-robin over the models. Each
/// file is rendered from the state in memory (what makemigrations would
/// write, without reloading the directory every time).
pub fn write_migration_chain(dir: &Path, count: usize) {
    let mut state = ProjectState::new();
    let mut next = synthetic_project(10);
    let names: Vec<String> = next.models.keys().cloned().collect();
    let mut previous: Option<String> = None;
    for k in 0..count {
        if k > 0 {
            let model = next
                .models
                .get_mut(&names[k % names.len()])
                .expect("model exists");
            model
                .fields
                .push(FieldState::new(&format!("extra_{k}"), ColumnType::Integer).null());
        }
        let ops = autodetect(&state, &next, &mut NonInteractiveQuestioner).expect("autodetect");
        let name = format!("{:04}_{}", k + 1, writer::suggest_name(&ops, k == 0));
        let rendered = writer::render(&name, previous.take().into_iter().collect(), ops, &state)
            .expect("render");
        writer::write(dir, &rendered).expect("write migration");
        previous = Some(name);
        state = next.clone();
    }
}

/// The project as JSON for `benches/django/makemigrations_bench.py`.
pub fn django_spec(state: &ProjectState) -> serde_json::Value {
    let models: Vec<serde_json::Value> = state
        .models
        .values()
        .map(|m| {
            let fields: Vec<serde_json::Value> = m
                .fields
                .iter()
                .filter(|f| !f.primary_key)
                .map(|f| {
                    json!({
                        "column": f.column,
                        "type": strata_migrate::state::column_type_name(&f.ty),
                        "null": f.null,
                        "unique": f.unique,
                        "default": f.default.as_ref().map(|d| d.to_string()),
                        "references": f.foreign_key.as_ref().map(|fk| fk.to.clone()),
                    })
                })
                .collect();
            let indexes: Vec<serde_json::Value> = m
                .indexes
                .iter()
                .map(|i| json!({ "name": i.name, "columns": i.columns }))
                .collect();
            json!({ "name": m.name, "table": m.table, "fields": fields, "indexes": indexes })
        })
        .collect();
    json!({ "models": models })
}
