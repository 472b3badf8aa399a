//! Field options in migrations: enum choices (a named `CHECK` that
//! AlterField replaces) and the `now` database default. Each sequence of
//! operations is pinned per dialect and run forward then backward on every
//! configured database, with rows that must survive and checks that the
//! database enforces what the state says.

use crate::cases::base;
use crate::run::{create_base, run};
use strata::{ColumnType, Db, Dialect, FieldType, Statement};
use strata_migrate::operations::*;
use strata_migrate::*;

fn add(model: &str, field: FieldState) -> Operation {
    Operation::AddField(AddField {
        model: model.into(),
        field,
        one_off_default: None,
    })
}

fn alter(model: &str, field: FieldState) -> Operation {
    Operation::AlterField(AlterField {
        model: model.into(),
        field,
        one_off_default: None,
    })
}

fn text_choices(values: &[&str]) -> ChoicesState {
    ChoicesState::Text(values.iter().map(|v| v.to_string()).collect())
}

fn status(values: &[&str]) -> FieldState {
    FieldState::new("status", ColumnType::Varchar(10))
        .default(DefaultValue::Str("draft".into()))
        .choices(text_choices(values))
}

/// Choices added with a column, widened, put on an integer column, and
/// carried through a rename.
fn choices_steps() -> Vec<Operation> {
    vec![
        add("Post", status(&["draft", "live"])),
        alter("Post", status(&["draft", "live", "it's gone"])),
        alter(
            "Post",
            FieldState::new("score", ColumnType::Integer)
                .default(DefaultValue::Int(0))
                .choices(ChoicesState::Integer(vec![0, 5, 10])),
        ),
        Operation::RenameField(RenameField {
            model: "Post".into(),
            old_column: "status".into(),
            new_column: "stage".into(),
        }),
    ]
}

/// A `now` default added with a NOT NULL column, removed, and used to
/// fill the NULLs of a column made NOT NULL.
fn now_steps() -> Vec<Operation> {
    let published = FieldState::new("published_at", ColumnType::DateTimeUtc);
    let on = FieldState::new("published_on", ColumnType::Date);
    vec![
        add("Post", published.clone().default(DefaultValue::Now)),
        alter("Post", published),
        add("Comment", on.clone().null()),
        alter("Comment", on.default(DefaultValue::Now)),
    ]
}

/// An unsigned column added, widened, renamed and made signed.
fn unsigned_steps() -> Vec<Operation> {
    let level = |ty| FieldState::new("level", ty).default(DefaultValue::Int(0));
    vec![
        add("Post", level(ColumnType::UnsignedTinyInt)),
        alter("Post", level(ColumnType::UnsignedSmallInt)),
        Operation::RenameField(RenameField {
            model: "Post".into(),
            old_column: "level".into(),
            new_column: "rank".into(),
        }),
        alter(
            "Post",
            FieldState::new("rank", ColumnType::Integer).default(DefaultValue::Int(0)),
        ),
    ]
}

/// Every step's forward and backward SQL per dialect, each step from the
/// state the previous ones leave.
fn golden(steps: &[Operation]) -> String {
    let mut out = String::new();
    for dialect in Dialect::ALL {
        let mut state = base();
        for op in steps {
            out.push_str(&format!("-- {dialect}: {}\n", op.describe()));
            for (direction, sql) in [
                ("forward", op.forward_sql(dialect, &state)),
                ("backward", op.backward_sql(dialect, &state)),
            ] {
                out.push_str(&format!("-- {direction}\n"));
                for s in sql.unwrap() {
                    out.push_str(&s);
                    out.push_str(";\n");
                }
            }
            op.apply(&mut state).unwrap();
        }
        out.push('\n');
    }
    out
}

#[test]
fn field_option_migrations_are_pinned_per_dialect() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::assert_snapshot!("field_options_choices", golden(&choices_steps()));
        insta::assert_snapshot!("field_options_now", golden(&now_steps()));
        insta::assert_snapshot!("field_options_unsigned", golden(&unsigned_steps()));
    });
}

/// Whether `sql` succeeds.
async fn accepted(db: &Db, sql: &str) -> bool {
    db.execute_raw_sql(strata::AssertSqlSafe(sql.to_string()))
        .await
        .is_ok()
}

fn post_insert(id: i64, column: &str, value: &str) -> String {
    format!(
        "INSERT INTO post (id, title, author_id, score, {column}) VALUES ({id}, 'p{id}', 1, 0, {value})"
    )
}

/// Runs `steps` forward, calling `check` after each one (with its index),
/// then backward to the base schema, then forward again.
async fn exercise<'a, F, Fut>(db: &'a Db, steps: &[Operation], check: F)
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = ()> + 'a,
{
    let dialect = db.dialect();
    let mut states = vec![create_base(db).await];
    for (i, op) in steps.iter().enumerate() {
        let before = states.last().unwrap().clone();
        let sql = op.forward_sql(dialect, &before).unwrap();
        run(db, &sql, &op.describe()).await;
        let mut after = before;
        op.apply(&mut after).unwrap();
        states.push(after);
        check(i).await;
    }
    for (op, before) in steps.iter().zip(&states).rev() {
        let sql = op.backward_sql(dialect, before).unwrap();
        run(db, &sql, &format!("undo {}", op.describe())).await;
    }
    for (op, before) in steps.iter().zip(&states) {
        let sql = op.forward_sql(dialect, before).unwrap();
        run(db, &sql, &format!("redo {}", op.describe())).await;
    }
}

#[tokio::test]
async fn the_databases_enforce_the_choices_migrations_give() {
    strata_tests::each_db("fo_choices_migrations", |db| async move {
        let db = &db;
        exercise(db, &choices_steps(), |step| async move {
            match step {
                0 => {
                    assert!(accepted(db, &post_insert(10, "status", "'live'")).await);
                    assert!(!accepted(db, &post_insert(11, "status", "'gone'")).await);
                    assert!(!accepted(db, &post_insert(11, "status", "'it''s gone'")).await);
                    let defaulted = count(db, "SELECT COUNT(*) FROM post WHERE status = 'draft'");
                    assert_eq!(defaulted.await, 2, "the seed rows take the default");
                }
                1 => {
                    assert!(accepted(db, &post_insert(11, "status", "'it''s gone'")).await);
                    assert!(!accepted(db, &post_insert(12, "status", "'gone'")).await);
                }
                2 => {
                    let bad =
                        "INSERT INTO post (id, title, author_id, score) VALUES (12, 'p12', 1, 7)";
                    assert!(!accepted(db, bad).await);
                    let good =
                        "INSERT INTO post (id, title, author_id, score) VALUES (12, 'p12', 1, 10)";
                    assert!(accepted(db, good).await);
                }
                _ => {
                    assert!(accepted(db, &post_insert(13, "stage", "'live'")).await);
                    assert!(!accepted(db, &post_insert(14, "stage", "'gone'")).await);
                }
            }
            // Undoing a widening fails while a row holds the value it
            // allowed (as it should): the test's rows go.
            assert!(accepted(db, "DELETE FROM post WHERE id >= 10").await);
        })
        .await;
    })
    .await;
}

async fn count(db: &Db, sql: &str) -> i64 {
    db.fetch(
        Statement::raw(db.dialect(), strata::AssertSqlSafe(sql.to_string())),
        |row| Ok(i64::decode(row, 0).expect("a count")),
    )
    .await
    .unwrap()[0]
}

#[tokio::test]
async fn now_defaults_fill_rows_in_the_shape_strata_reads() {
    strata_tests::each_db("fo_now_migrations", |db| async move {
        let db = &db;
        exercise(db, &now_steps(), |step| async move {
            let from = chrono::Utc::now() - chrono::Duration::seconds(2);
            let to = chrono::Utc::now() + chrono::Duration::seconds(2);
            match step {
                0 => {
                    let sql =
                        "INSERT INTO post (id, title, author_id, score) VALUES (20, 'p20', 1, 0)";
                    assert!(accepted(db, sql).await);
                    // Seed rows and the new one: a time strata decodes.
                    let stmt = Statement::raw(db.dialect(), "SELECT published_at FROM post");
                    let times = db
                        .fetch(stmt, |row| {
                            Ok(chrono::DateTime::<chrono::Utc>::decode(row, 0).unwrap())
                        })
                        .await
                        .unwrap();
                    assert_eq!(times.len(), 3);
                    for t in times {
                        assert!(from <= t && t <= to, "{t} is not now");
                    }
                }
                3 => {
                    // The NULLs took the current date when the column
                    // became NOT NULL, and new rows take it too.
                    let sql = "INSERT INTO comment (id, text) VALUES (20, 'new')";
                    assert!(accepted(db, sql).await);
                    let stmt = Statement::raw(db.dialect(), "SELECT published_on FROM comment");
                    let dates = db
                        .fetch(stmt, |row| Ok(chrono::NaiveDate::decode(row, 0).unwrap()))
                        .await
                        .unwrap();
                    assert_eq!(dates.len(), 3);
                    for d in dates {
                        assert!(from.date_naive() <= d && d <= to.date_naive(), "{d}");
                    }
                }
                _ => {}
            }
        })
        .await;
    })
    .await;
}

#[tokio::test]
async fn the_databases_keep_unsigned_columns_in_range_through_migrations() {
    strata_tests::each_db("fo_unsigned_migrations", |db| async move {
        let db = &db;
        exercise(db, &unsigned_steps(), |step| async move {
            let column = if step < 2 { "level" } else { "rank" };
            let ok = |id: i64, v: i64| async move {
                accepted(db, &post_insert(id, column, &v.to_string())).await
            };
            match step {
                0 => {
                    assert!(ok(30, 255).await);
                    assert!(!ok(31, 256).await);
                    assert!(!ok(31, -1).await);
                }
                1 | 2 => {
                    assert!(ok(31, 65_535).await);
                    assert!(!ok(32, 65_536).await);
                    assert!(!ok(32, -1).await);
                }
                _ => assert!(ok(32, -1).await),
            }
            assert!(accepted(db, "DELETE FROM post WHERE id >= 30").await);
        })
        .await;
    })
    .await;
}
