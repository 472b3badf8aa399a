//! Data migrations in Rust: `run_rust` operations call functions
//! registered with `#[strata_migrate::data_migration]`, inside the
//! migration's transaction, with typed querysets.

use crate::support::{each_db, scalar_i64, strings, Ctx};
use std::path::Path;
use strata::prelude::*;
use strata_migrate::commands::{makemigrations, sqlmigrate, MakeOptions};
use strata_migrate::loader::MigrationSet;
use strata_migrate::{data, Error, Migrator, ProjectState, ScriptedQuestioner, Target};

#[derive(Model, Debug, Clone)]
#[strata(table = "dm_note")]
pub struct DmNote {
    pub id: i64,
    #[strata(max_length = 100)]
    pub title: String,
    #[strata(max_length = 100)]
    pub slug: String,
}

fn slugify(title: &str) -> String {
    title.to_lowercase().replace(' ', "-")
}

/// Fills every empty slug from the title, row by row through typed
/// querysets on the migration's transaction.
#[strata_migrate::data_migration]
async fn dm_fill_slugs(tx: &mut strata::Transaction<'_>) -> strata::Result<()> {
    let empty = DmNote::objects().filter(DmNote::slug().eq(""));
    // The queryset's own methods, on the migration's transaction.
    for note in empty.all(&mut *tx).await? {
        let one = DmNote::objects().filter(DmNote::id().eq(note.id));
        let n = one
            .update(&mut *tx, [DmNote::slug().set(slugify(&note.title))])
            .await?;
        assert_eq!(n, 1);
    }
    Ok(())
}

/// The reverse: every slug back to empty.
#[strata_migrate::data_migration(name = "dm_clear_slugs")]
async fn clear(tx: &mut strata::Transaction<'_>) -> strata::Result<()> {
    data::update(tx, &DmNote::objects(), [DmNote::slug().set("")]).await?;
    Ok(())
}

/// Writes, then fails: its writes must not survive.
#[strata_migrate::data_migration]
async fn dm_write_then_fail(tx: &mut strata::Transaction<'_>) -> strata::Result<()> {
    DmNote::objects()
        .update(&mut *tx, [DmNote::slug().set("written")])
        .await?;
    let left = data::count(tx, &DmNote::objects().filter(DmNote::slug().eq("written"))).await?;
    Err(strata::Error::InvalidQuery {
        model: "DmNote",
        reason: format!("refusing after writing {left} rows"),
    })
}

/// The initial migration of `DmNote`, then a data migration calling
/// `forward` (and `backward`), in `dir`.
fn write_history(dir: &Path, forward: &str, backward: Option<&str>) -> Vec<String> {
    let state = ProjectState::from_models(&[DmNote::META]).unwrap();
    let mut q = ScriptedQuestioner::new();
    makemigrations(&MakeOptions::new(dir), &state, &mut q).unwrap();
    let mut options = MakeOptions::new(dir);
    options.empty = true;
    options.data = Some(forward.to_string());
    options.data_backward = backward.map(str::to_string);
    let report = makemigrations(&options, &state, &mut q).unwrap();
    assert!(report.path.is_some(), "{}", report.message);
    MigrationSet::load(dir)
        .unwrap()
        .ordered()
        .unwrap()
        .iter()
        .map(|m| m.name.clone())
        .collect()
}

async fn insert_notes(db: &Db) {
    for (id, title) in [(1, "Hello World"), (2, "Rust Data"), (3, "Third One")] {
        db.execute_raw_sql(strata::AssertSqlSafe(format!(
            "INSERT INTO dm_note (id, title, slug) VALUES ({id}, '{title}', '')"
        )))
        .await
        .unwrap();
    }
}

async fn slugs(db: &Db) -> Vec<String> {
    strings(db, "SELECT slug FROM dm_note ORDER BY id").await
}

#[tokio::test]
async fn rust_data_migration_backfills_with_typed_querysets_and_its_reverse_undoes_it() {
    each_db("dm_backfill", |ctx: Ctx| async move {
        let dir = tempfile::tempdir().unwrap();
        let names = write_history(dir.path(), "dm_fill_slugs", Some("dm_clear_slugs"));
        assert_eq!(names[1], "0002_dm_fill_slugs");
        let migrator = Migrator::new(MigrationSet::load(dir.path()).unwrap());
        let db = &ctx.db;
        let mut out = Vec::new();
        migrator
            .migrate(db, &Target::Migration(names[0].clone()), &mut out)
            .await
            .unwrap();
        insert_notes(db).await;
        migrator
            .migrate(db, &Target::Latest, &mut out)
            .await
            .unwrap();
        // The same question answered in plain Rust.
        let expected: Vec<String> = ["Hello World", "Rust Data", "Third One"]
            .iter()
            .map(|t| slugify(t))
            .collect();
        assert_eq!(slugs(db).await, expected);
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("Applying 0002_dm_fill_slugs... OK"), "{text}");

        migrator
            .migrate(db, &Target::Migration(names[0].clone()), &mut Vec::new())
            .await
            .unwrap();
        assert_eq!(slugs(db).await, vec![String::new(); 3]);
        let recorded = scalar_i64(db, "SELECT COUNT(*) FROM strata_migrations").await;
        assert_eq!(recorded, 1, "only the initial migration stays recorded");
    })
    .await;
}

#[tokio::test]
async fn failing_data_migration_leaves_none_of_its_writes_and_rolls_back_atomic_migrations() {
    each_db("dm_failure", |ctx: Ctx| async move {
        let dir = tempfile::tempdir().unwrap();
        let names = write_history(dir.path(), "dm_write_then_fail", None);
        let migrator = Migrator::new(MigrationSet::load(dir.path()).unwrap());
        let db = &ctx.db;
        migrator
            .migrate(db, &Target::Migration(names[0].clone()), &mut Vec::new())
            .await
            .unwrap();
        insert_notes(db).await;
        let err = migrator
            .migrate(db, &Target::Latest, &mut Vec::new())
            .await
            .unwrap_err();
        let message = err.to_string();
        match &err {
            Error::DataMigrationFailed {
                migration,
                function,
                ..
            } => {
                assert_eq!(migration, &names[1]);
                assert_eq!(function, "dm_write_then_fail");
            }
            other => panic!("unexpected error {other}"),
        }
        assert!(
            message.contains("refusing after writing 3 rows"),
            "{message}"
        );
        // The function's writes are gone on every database.
        assert_eq!(slugs(db).await, vec![String::new(); 3]);
        let status = strings(db, "SELECT status FROM strata_migrations ORDER BY name").await;
        if ctx.dialect() == strata::Dialect::MySql {
            // Statement by statement: the data step ran in a transaction of
            // its own; the migration is recorded as failed, to be resolved.
            assert!(message.contains("transaction of its own"), "{message}");
            assert_eq!(status.len(), 2);
            assert_ne!(status[1], "applied");
        } else {
            assert!(message.contains("rolled back"), "{message}");
            assert_eq!(status, vec!["applied".to_string()], "0002 is not recorded");
        }
    })
    .await;
}

#[tokio::test]
async fn migration_naming_a_function_the_binary_lacks_stops_before_any_step() {
    each_db("dm_unknown", |ctx: Ctx| async move {
        let dir = tempfile::tempdir().unwrap();
        let names = write_history(dir.path(), "dm_not_linked_anywhere", None);
        let migrator = Migrator::new(MigrationSet::load(dir.path()).unwrap());
        let db = &ctx.db;
        let plan = migrator.plan(db, &Target::Latest).await.unwrap();
        assert!(
            plan.render(migrator.set()).contains(
                "    Run Rust function dm_not_linked_anywhere   [`dm_not_linked_anywhere` is not \
                 in this binary: migrate refuses to start]\n"
            ),
            "{}",
            plan.render(migrator.set())
        );
        let err = migrator
            .migrate(db, &Target::Latest, &mut Vec::new())
            .await
            .unwrap_err();
        let Error::UnknownDataMigration {
            migration,
            function,
            problem,
        } = &err
        else {
            panic!("unexpected error {err}");
        };
        assert_eq!(migration, &names[1]);
        assert_eq!(function, "dm_not_linked_anywhere");
        assert!(
            problem.contains("dm_fill_slugs"),
            "lists the known ones: {problem}"
        );
        assert!(err.to_string().contains("nothing was run"), "{err}");
        // Not even the initial migration, which comes first, ran.
        let tables = db.execute_raw_sql("SELECT COUNT(*) FROM dm_note").await;
        assert!(tables.is_err(), "dm_note was created on {}", ctx.dialect());
        let recorded = scalar_i64(db, "SELECT COUNT(*) FROM strata_migrations").await;
        assert_eq!(recorded, 0);
    })
    .await;
}

#[test]
fn makemigrations_empty_data_scaffolds_a_run_rust_migration() {
    let dir = tempfile::tempdir().unwrap();
    let names = write_history(dir.path(), "dm_fill_slugs", Some("dm_clear_slugs"));
    let text = std::fs::read_to_string(dir.path().join(format!("{}.toml", names[1]))).unwrap();
    assert!(text.contains("op = \"run_rust\""), "{text}");
    assert!(text.contains("forward = \"dm_fill_slugs\""), "{text}");
    assert!(text.contains("backward = \"dm_clear_slugs\""), "{text}");
    for dialect in strata::Dialect::ALL {
        assert_eq!(
            sqlmigrate(dir.path(), "0002", dialect, false).unwrap(),
            "-- strata:run_rust dm_fill_slugs;\n"
        );
        assert_eq!(
            sqlmigrate(dir.path(), "0002", dialect, true).unwrap(),
            "-- strata:run_rust dm_clear_slugs;\n"
        );
    }
    // A function the binary does not have yet: the message shows the Rust
    // to start it from.
    let state = ProjectState::from_models(&[DmNote::META]).unwrap();
    let mut options = MakeOptions::new(dir.path());
    options.empty = true;
    options.data = Some("dm_new_backfill".into());
    options.dry_run = true;
    let report = makemigrations(&options, &state, &mut ScriptedQuestioner::new()).unwrap();
    assert!(
        report
            .message
            .contains("async fn dm_new_backfill(tx: &mut strata::Transaction<'_>)"),
        "{}",
        report.message
    );
    assert!(report.message.contains("#[strata_migrate::data_migration]"));
    // One it has: no scaffold.
    options.data = Some("dm_fill_slugs".into());
    let report = makemigrations(&options, &state, &mut ScriptedQuestioner::new()).unwrap();
    assert!(!report.message.contains("async fn"), "{}", report.message);
    // One without a backward function cannot be unapplied, and says why.
    let one_way = tempfile::tempdir().unwrap();
    write_history(one_way.path(), "dm_fill_slugs", None);
    let err = sqlmigrate(one_way.path(), "0002", strata::Dialect::Sqlite, true).unwrap_err();
    assert!(
        err.to_string().contains("names no backward function"),
        "{err}"
    );
}
