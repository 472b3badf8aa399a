//! What a table keeps through a change of one of its columns (on SQLite, a
//! rebuild; elsewhere `ALTER TABLE`): the key counter, the foreign-key
//! names, and every row, with NULLs filled from the default when a column
//! becomes NOT NULL.

use crate::run::{create_base, run};
use strata::{ColumnType, Db, Dialect, FieldType, Statement};
use strata_migrate::operations::{AlterField, Operation};
use strata_migrate::ProjectState;
use strata_migrate::{autodetect, DefaultValue, FieldState, ModelState, NonInteractiveQuestioner};

fn alter(model: &str, field: FieldState) -> Operation {
    Operation::AlterField(AlterField {
        model: model.into(),
        field,
        one_off_default: None,
    })
}

/// Runs `op` forward on the database, whose schema is `state`, and
/// applies it to `state`.
async fn apply(db: &Db, state: &mut ProjectState, op: &Operation) {
    let sql = op.forward_sql(db.dialect(), state).unwrap();
    run(db, &sql, &op.describe()).await;
    op.apply(state).unwrap();
}

async fn strings(db: &Db, sql: &str) -> Vec<Option<String>> {
    db.fetch(
        Statement::raw(db.dialect(), strata::AssertSqlSafe(sql)),
        |row| Ok(Option::<String>::decode(row, 0).expect("text")),
    )
    .await
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn integers(db: &Db, sql: &str) -> Vec<i64> {
    db.fetch(
        Statement::raw(db.dialect(), strata::AssertSqlSafe(sql)),
        |row| Ok(i64::decode(row, 0).expect("an integer")),
    )
    .await
    .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[tokio::test]
async fn a_rebuild_keeps_the_key_counter_so_deleted_keys_are_not_reused() {
    strata_tests::each_db("rebuild_key_counter", |db| async move {
        let target = ProjectState::new().with(
            ModelState::new("Item")
                .pk("id")
                .field("name", ColumnType::Varchar(50)),
        );
        let mut state = ProjectState::new();
        for op in autodetect(&state, &target, &mut NonInteractiveQuestioner).unwrap() {
            apply(&db, &mut state, &op).await;
        }
        for i in 0..10 {
            db.execute_raw_sql(strata::AssertSqlSafe(format!(
                "INSERT INTO item (name) VALUES ('n{i}')"
            )))
            .await
            .unwrap();
        }
        let issued = integers(&db, "SELECT id FROM item").await;
        let highest = issued.iter().copied().max().unwrap();
        db.execute_raw_sql(strata::AssertSqlSafe(format!(
            "DELETE FROM item WHERE id > {}",
            highest - 3
        )))
        .await
        .unwrap();
        // A type change: a rebuild on SQLite.
        let op = alter("Item", FieldState::new("name", ColumnType::Varchar(100)));
        apply(&db, &mut state, &op).await;
        db.execute_raw_sql("INSERT INTO item (name) VALUES ('after')")
            .await
            .unwrap();
        let new_id = integers(&db, "SELECT id FROM item WHERE name = 'after'").await;
        assert!(
            new_id[0] > highest,
            "on {}: the new row took id {}, but ids up to {highest} were issued",
            db.dialect(),
            new_id[0]
        );
    })
    .await;
}

/// The names of the foreign-key constraints of `table`, sorted.
async fn foreign_key_names(db: &Db, table: &str) -> Vec<String> {
    let mut names: Vec<String> = match db.dialect() {
        Dialect::Sqlite => {
            let sql = strings(
                db,
                &format!("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '{table}'"),
            )
            .await;
            let sql = sql[0].clone().expect("the table's SQL");
            // `CONSTRAINT "name" FOREIGN KEY`, as strata writes it.
            sql.split("CONSTRAINT ")
                .skip(1)
                .filter_map(|rest| {
                    let (name, after) = rest.strip_prefix('"')?.split_once('"')?;
                    after
                        .trim_start()
                        .starts_with("FOREIGN KEY")
                        .then(|| name.to_string())
                })
                .collect()
        }
        Dialect::Postgres => strings(
            db,
            &format!(
                "SELECT conname::text FROM pg_constraint \
                 WHERE conrelid = '{table}'::regclass AND contype = 'f'"
            ),
        )
        .await
        .into_iter()
        .flatten()
        .collect(),
        Dialect::MySql => strings(
            db,
            &format!(
                "SELECT CAST(CONSTRAINT_NAME AS CHAR) FROM information_schema.TABLE_CONSTRAINTS \
                 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{table}' \
                 AND CONSTRAINT_TYPE = 'FOREIGN KEY'"
            ),
        )
        .await
        .into_iter()
        .flatten()
        .collect(),
    };
    names.sort();
    names
}

#[tokio::test]
async fn foreign_key_names_after_a_rebuild_are_those_of_a_fresh_table() {
    strata_tests::each_db("rebuild_fk_names", |db| async move {
        let mut state = create_base(&db).await;
        let fresh = foreign_key_names(&db, "post").await;
        assert_eq!(fresh, vec!["post_author_id_fk".to_string()]);
        let mut title = state.models["Post"].get_field("title").unwrap().clone();
        title.ty = ColumnType::Varchar(300);
        apply(&db, &mut state, &alter("Post", title)).await;
        assert_eq!(
            foreign_key_names(&db, "post").await,
            fresh,
            "on {}",
            db.dialect()
        );
    })
    .await;
}

#[tokio::test]
async fn a_column_made_not_null_takes_its_default_where_it_held_null() {
    strata_tests::each_db("not_null_from_default", |db| async move {
        let mut state = create_base(&db).await;
        let before = strings(&db, "SELECT body FROM post ORDER BY id").await;
        assert!(before.contains(&None), "the seed has a NULL body");
        let default = "(none)";
        let op = alter(
            "Post",
            FieldState::new("body", ColumnType::Text).default(DefaultValue::Str(default.into())),
        );
        apply(&db, &mut state, &op).await;
        let expected: Vec<Option<String>> = before
            .into_iter()
            .map(|body| Some(body.unwrap_or_else(|| default.to_string())))
            .collect();
        assert_eq!(
            strings(&db, "SELECT body FROM post ORDER BY id").await,
            expected,
            "on {}",
            db.dialect()
        );
    })
    .await;
}
