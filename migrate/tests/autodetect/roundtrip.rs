//! Property: for random sequences of model changes, making migrations and
//! replaying them from real files yields exactly the new state, and a
//! second makemigrations finds nothing.

use proptest::prelude::*;
use strata::meta::OnDelete;
use strata::ColumnType;
use strata_migrate::commands::{makemigrations, MakeOptions};
use strata_migrate::loader::MigrationSet;
use strata_migrate::*;

/// Declines renames; answers every value question with the type's zero.
struct ZeroQuestioner;

impl Questioner for ZeroQuestioner {
    fn ask_rename_model(&mut self, _: &ModelState, _: &ModelState) -> Result<bool> {
        Ok(false)
    }
    fn ask_rename_field(&mut self, _: &str, _: &FieldState, _: &FieldState) -> Result<bool> {
        Ok(false)
    }
    fn ask_not_null_addition(&mut self, _: &str, f: &FieldState) -> Result<DefaultValue> {
        Ok(DefaultValue::zero_for(&f.ty).expect("built-in type"))
    }
    fn ask_not_null_alteration(&mut self, m: &str, f: &FieldState) -> Result<DefaultValue> {
        self.ask_not_null_addition(m, f)
    }
}

const MODELS: [&str; 4] = ["Alpha", "Beta", "Gamma", "Delta"];
const COLUMNS: [&str; 5] = ["a", "b", "c", "d", "e"];
const TYPES: [ColumnType; 6] = [
    ColumnType::Integer,
    ColumnType::BigInt,
    ColumnType::Text,
    ColumnType::Varchar(20),
    ColumnType::Varchar(80),
    ColumnType::Boolean,
];

/// One random change, interpreted against the current state.
fn mutate(state: &ProjectState, (kind, x, y, z): (u8, u8, u8, u8)) -> ProjectState {
    let mut next = state.clone();
    let model_name = MODELS[x as usize % MODELS.len()];
    let column = COLUMNS[y as usize % COLUMNS.len()];
    let ty = TYPES[z as usize % TYPES.len()];
    match (kind % 10, next.models.get_mut(model_name)) {
        (0, None) => {
            next = next.with(ModelState::new(model_name).pk("id").field(column, ty));
        }
        (1, Some(_)) => {
            next.models.remove(model_name);
        }
        (2, Some(m)) if m.get_field(column).is_none() => {
            let mut f = FieldState::new(column, ty);
            if z % 2 == 0 {
                f = f.null();
            }
            m.fields.push(f);
        }
        (3, Some(m)) => {
            m.fields.retain(|f| f.primary_key || f.column != column);
        }
        (4, Some(m)) => {
            if let Some(f) = m.fields.iter_mut().find(|f| f.column == column) {
                match z % 4 {
                    0 => f.null = !f.null,
                    1 => f.ty = ty,
                    2 => {
                        f.default = match f.default {
                            Some(_) => None,
                            None => DefaultValue::zero_for(&f.ty),
                        }
                    }
                    _ => f.unique = !f.unique,
                }
            }
        }
        (5, Some(m)) if m.get_field(column).is_none() => {
            let target = MODELS[z as usize % MODELS.len()];
            m.fields.push(
                FieldState::new(column, ColumnType::BigInt)
                    .null()
                    .references(target, OnDelete::SetNull),
            );
        }
        (6, Some(m)) => {
            let name = format!("{}_{column}_idx", m.table);
            if m.indexes.iter().any(|i| i.name == name) {
                m.indexes.retain(|i| i.name != name);
            } else {
                *m = m.clone().index(&name, &[column]);
            }
        }
        (7, Some(m)) => {
            let field = format!("rel_{column}");
            if m.many_to_many.iter().any(|r| r.field == field) {
                m.many_to_many.retain(|r| r.field != field);
            } else {
                *m = m.clone().m2m(&field, MODELS[z as usize % MODELS.len()]);
            }
        }
        (8, Some(m)) => {
            let name = format!("{}_pair_uniq", m.table);
            if m.constraints.iter().any(|c| c.name == name) {
                m.constraints.retain(|c| c.name != name);
            } else {
                let cols: Vec<&str> = m.fields.iter().map(|f| f.column.as_str()).take(2).collect();
                *m = m.clone().unique_together(&name, &cols);
            }
        }
        (9, Some(m)) => {
            m.table = if m.table.ends_with("_t") {
                m.table.trim_end_matches("_t").to_string()
            } else {
                format!("{}_t", m.table)
            };
            let table = m.table.clone();
            for r in &mut m.many_to_many {
                r.join_table = format!("{table}_{}", r.field);
            }
        }
        _ => {}
    }
    fix_references(&mut next);
    next
}

/// Drops what a change left dangling, as a compiler would have refused it.
fn fix_references(state: &mut ProjectState) {
    let names: Vec<String> = state.models.keys().cloned().collect();
    for m in state.models.values_mut() {
        m.fields.retain(|f| {
            f.foreign_key
                .as_ref()
                .is_none_or(|fk| names.contains(&fk.to))
        });
        let columns: Vec<String> = m.fields.iter().map(|f| f.column.clone()).collect();
        m.indexes
            .retain(|i| i.columns.iter().all(|c| columns.contains(c)));
        m.constraints.retain(|c| match &c.kind {
            ConstraintKind::Unique(cols) => cols.iter().all(|c| columns.contains(c)),
            ConstraintKind::Check(_) => true,
        });
        m.many_to_many.retain(|r| names.contains(&r.to));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn replayed_migrations_reach_the_models_and_detect_nothing_more(
        steps in proptest::collection::vec((0u8..10, 0u8..8, 0u8..8, 0u8..8), 1..12)
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut state = ProjectState::new()
            .with(ModelState::new("Alpha").pk("id").field("a", ColumnType::Integer))
            .with(ModelState::new("Beta").pk("id").column(FieldState::new("b", ColumnType::Text).null()));
        makemigrations(&MakeOptions::new(dir.path()), &state, &mut ZeroQuestioner).unwrap();
        for step in steps {
            let next = mutate(&state, step);
            if next.validate().is_err() {
                continue;
            }
            state = next;
            makemigrations(&MakeOptions::new(dir.path()), &state, &mut ZeroQuestioner)
                .map_err(|e| TestCaseError::fail(format!("makemigrations: {e}")))?;
            let replayed = MigrationSet::load(dir.path()).unwrap().replay().unwrap();
            prop_assert_eq!(replayed.normalized(), state.normalized());
            let again = makemigrations(&MakeOptions::new(dir.path()), &state, &mut ZeroQuestioner).unwrap();
            prop_assert!(again.migration.is_none(), "second run found changes: {:?}", again.migration);
        }
    }
}
