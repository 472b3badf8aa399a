//! Golden SQL per dialect and real execution of every case.

use crate::cases::{base, cases, seed_rows, Case, SEED};
use strata::{Db, Dialect, FieldType, Statement};
use strata_migrate::operations::relations::join_model;
use strata_migrate::{autodetect, NonInteractiveQuestioner, ProjectState};

fn golden_text(case: &Case) -> String {
    let state = base();
    let mut out = format!("-- {}\n", case.op.describe());
    for dialect in Dialect::ALL {
        for (direction, sql) in [
            ("forward", case.op.forward_sql(dialect, &state)),
            ("backward", case.op.backward_sql(dialect, &state)),
        ] {
            out.push_str(&format!("\n-- {dialect} {direction}\n"));
            match sql {
                Ok(statements) => {
                    for s in statements {
                        out.push_str(&s);
                        out.push_str(";\n");
                    }
                }
                Err(e) => out.push_str(&format!("-- error: {e}\n")),
            }
        }
    }
    out
}

#[test]
fn golden_sql_of_every_operation() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for case in cases() {
            insta::assert_snapshot!(case.name, golden_text(&case));
        }
    });
}

/// Every table of `state`, join tables included.
fn tables(state: &ProjectState) -> Vec<String> {
    let mut out = Vec::new();
    for model in state.models.values() {
        out.push(model.table.clone());
        for relation in model.many_to_many.iter().filter(|r| r.through.is_none()) {
            out.push(join_model(state, &model.name, relation).unwrap().table);
        }
    }
    out
}

async fn count(db: &Db, table: &str) -> i64 {
    let sql = format!(
        "SELECT COUNT(*) FROM {}",
        db.dialect().quote_identifier(table)
    );
    let rows = db
        .fetch(
            Statement::raw(db.dialect(), strata::AssertSqlSafe(sql)),
            |row| Ok(i64::decode(row, 0).expect("a count")),
        )
        .await
        .unwrap_or_else(|e| panic!("counting {table}: {e}"));
    rows[0]
}

async fn total_rows(db: &Db, state: &ProjectState) -> i64 {
    let mut total = 0;
    for table in tables(state) {
        total += count(db, &table).await;
    }
    total
}

/// Runs statements one by one; rows from `PRAGMA foreign_key_check` fail.
pub(crate) async fn run(db: &Db, statements: &[String], what: &str) {
    for sql in statements {
        if sql.starts_with("PRAGMA foreign_key_check") {
            let violations = db
                .fetch(
                    Statement::raw(db.dialect(), strata::AssertSqlSafe(sql.clone())),
                    |_| Ok(()),
                )
                .await
                .unwrap();
            assert!(
                violations.is_empty(),
                "{what}: foreign keys violated after `{sql}`"
            );
        } else {
            db.execute_raw_sql(strata::AssertSqlSafe(sql.as_str()))
                .await
                .unwrap_or_else(|e| panic!("{what} on {}: {e}", db.dialect()));
        }
    }
}

pub(crate) async fn create_base(db: &Db) -> ProjectState {
    let state = base();
    let mut current = ProjectState::new();
    for op in autodetect(&current, &state, &mut NonInteractiveQuestioner).unwrap() {
        let sql = op.forward_sql(db.dialect(), &current).unwrap();
        run(db, &sql, "creating the base schema").await;
        op.apply(&mut current).unwrap();
    }
    for (table, columns, rows) in SEED {
        for values in *rows {
            db.execute_raw_sql(strata::AssertSqlSafe(format!(
                "INSERT INTO {table} ({columns}) VALUES ({values})"
            )))
            .await
            .unwrap_or_else(|e| panic!("seeding {table}: {e}"));
        }
    }
    state
}

async fn exercise(db: Db, case: &Case) {
    let dialect = db.dialect();
    let before = create_base(&db).await;
    let mut after = before.clone();
    case.op.apply(&mut after).unwrap();
    let what = format!("{} forward", case.name);
    run(&db, &case.op.forward_sql(dialect, &before).unwrap(), &what).await;
    assert_eq!(
        total_rows(&db, &after).await,
        seed_rows() - case.lost_rows,
        "{}: rows after forward on {dialect}",
        case.name
    );
    let what = format!("{} backward", case.name);
    run(&db, &case.op.backward_sql(dialect, &before).unwrap(), &what).await;
    assert_eq!(
        total_rows(&db, &before).await,
        seed_rows() - case.lost_rows,
        "{}: rows after backward on {dialect}",
        case.name
    );
    // Forward again: the backward SQL really restored the schema the
    // forward SQL expects.
    let what = format!("{} forward again", case.name);
    run(&db, &case.op.forward_sql(dialect, &before).unwrap(), &what).await;
}

macro_rules! db_cases {
    ($($name:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $name() {
                let case = cases()
                    .into_iter()
                    .find(|c| c.name == stringify!($name))
                    .expect("a case of this name");
                strata_tests::each_db(stringify!($name), |db| {
                    let case = &case;
                    async move { exercise(db, case).await }
                })
                .await;
            }
        )*

        #[test]
        fn every_case_runs_on_the_databases() {
            let listed = [$(stringify!($name)),*];
            for case in cases() {
                assert!(listed.contains(&case.name), "case {} is not executed", case.name);
            }
        }
    };
}

db_cases!(
    create_model,
    delete_model,
    rename_model,
    alter_model_table,
    alter_model_table_with_unique_field,
    add_field_nullable,
    add_field_with_default,
    add_field_not_null_with_one_off_default,
    add_field_foreign_key,
    add_field_unique,
    remove_field,
    remove_field_foreign_key,
    remove_field_unique,
    alter_field_type,
    alter_field_type_with_default,
    alter_field_null_to_not_null_with_one_off_default,
    alter_field_null_to_not_null_with_default,
    alter_field_not_null_to_null,
    alter_field_default,
    alter_field_add_unique,
    alter_field_drop_unique,
    alter_field_on_delete,
    alter_foreign_key_column_nullability,
    alter_field_foreign_key_to_one_to_one,
    rename_field,
    rename_field_foreign_key,
    rename_field_unique,
    add_index,
    add_unique_index,
    add_index_leading_with_foreign_key,
    remove_index,
    rename_index,
    add_unique_constraint,
    add_unique_constraint_leading_with_foreign_key,
    remove_unique_constraint,
    add_check_constraint,
    remove_check_constraint,
    add_many_to_many,
    add_many_to_many_to_self,
    remove_many_to_many,
    alter_many_to_many_table,
    run_sql,
);
