//! `--plan` prints without touching the database; `--fake` records without
//! running; graph problems stop `migrate` with a clear error.

use crate::fixtures::{history, short_history};
use crate::support::{each_db, Ctx};
use strata_migrate::introspect::Schema;
use strata_migrate::plan::{Action, State};
use strata_migrate::{Error, Migrator, Target};

#[tokio::test]
async fn plan_describes_the_steps_and_changes_nothing() {
    each_db("plan_only", |ctx: Ctx| async move {
        let history = short_history();
        let names = history.names();
        let migrator = Migrator::new(history.set());
        let plan = migrator.plan(&ctx.db, &Target::Latest).await.unwrap();
        let actions: Vec<(&str, Action)> = plan
            .steps
            .iter()
            .map(|s| (s.migration.as_str(), s.action))
            .collect();
        assert_eq!(
            actions,
            vec![
                (names[0].as_str(), Action::Apply),
                (names[1].as_str(), Action::Apply)
            ]
        );
        let text = plan.render(migrator.set());
        assert!(
            text.contains(&format!("Apply {}\n    Create model Author", names[0])),
            "{text}"
        );
        assert!(text.contains("Add field rating to Post"), "{text}");
        // Not even the recorder table was created.
        assert!(Schema::introspect(&ctx.db).await.unwrap().tables.is_empty());
        assert!(
            crate::support::strings(&ctx.db, &recorder_exists_sql(ctx.dialect()))
                .await
                .is_empty()
        );

        migrator
            .migrate(&ctx.db, &Target::Latest, &mut Vec::new())
            .await
            .unwrap();
        let back = migrator.plan(&ctx.db, &Target::Zero).await.unwrap();
        let text = back.render(migrator.set());
        assert!(
            text.starts_with(&format!("Planned operations:\nUnapply {}", names[1])),
            "{text}"
        );
        assert!(text.contains("Undo: Add field rating to Post"), "{text}");
        let nothing = migrator.plan(&ctx.db, &Target::Latest).await.unwrap();
        assert!(nothing
            .render(migrator.set())
            .contains("No planned migration operations."));
    })
    .await;
}

fn recorder_exists_sql(dialect: strata::Dialect) -> String {
    match dialect {
        strata::Dialect::Sqlite => {
            "SELECT name FROM sqlite_master WHERE name = 'strata_migrations'".into()
        }
        strata::Dialect::Postgres => "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_name = 'strata_migrations'"
            .into(),
        strata::Dialect::MySql => "SELECT CAST(TABLE_NAME AS CHAR) FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'strata_migrations'"
            .into(),
    }
}

#[tokio::test]
async fn fake_records_without_running_sql() {
    each_db("fake_only", |ctx: Ctx| async move {
        let history = short_history();
        let names = history.names();
        let migrator = Migrator::new(history.set());
        let mut out = Vec::new();
        Migrator::new(history.set())
            .fake(true)
            .migrate(&ctx.db, &Target::Latest, &mut out)
            .await
            .unwrap();
        let printed = String::from_utf8_lossy(&out).to_string();
        assert!(
            printed.contains(&format!("Applying {}... FAKED", names[0])),
            "{printed}"
        );
        let schema = Schema::introspect(&ctx.db).await.unwrap();
        assert!(
            schema.tables.is_empty(),
            "fake ran SQL: {:?}",
            schema.table_names()
        );
        let statuses = migrator.status(&ctx.db).await.unwrap();
        assert!(statuses.iter().all(|s| s.state == State::Applied));

        // Fake back to zero forgets them, still without SQL.
        Migrator::new(history.set())
            .fake(true)
            .migrate(&ctx.db, &Target::Zero, &mut Vec::new())
            .await
            .unwrap();
        assert!(migrator.records(&ctx.db).await.unwrap().is_empty());
        // And a real run then creates the tables.
        migrator
            .migrate(&ctx.db, &Target::Latest, &mut Vec::new())
            .await
            .unwrap();
        assert_eq!(
            Schema::introspect(&ctx.db).await.unwrap().table_names(),
            vec!["author", "blog_post"]
        );
    })
    .await;
}

#[tokio::test]
async fn several_leaves_and_unknown_records_stop_migrate() {
    each_db("graph_problems", |ctx: Ctx| async move {
        let history = history();
        let names = history.names();
        // A second branch next to the last migration.
        let last = std::fs::read_to_string(history.file(&names[7])).unwrap();
        std::fs::write(history.path().join("0008_other_branch.toml"), &last).unwrap();
        let migrator = Migrator::new(history.set());
        let err = migrator
            .migrate(&ctx.db, &Target::Latest, &mut Vec::new())
            .await
            .expect_err("two leaves");
        let text = err.to_string();
        assert!(matches!(err, Error::Conflict { .. }), "{text}");
        assert!(
            text.contains("0008_other_branch") && text.contains(&names[7]) && text.contains("makemigrations --merge"),
            "{text}"
        );
        // A named target below the branches still works.
        migrator
            .migrate(&ctx.db, &Target::Migration(names[1].clone()), &mut Vec::new())
            .await
            .unwrap();

        // A database that has applied a migration this program lacks.
        std::fs::remove_file(history.path().join("0008_other_branch.toml")).unwrap();
        let older = {
            let mut set = history.set();
            set.migrations.remove(&names[7]);
            set
        };
        Migrator::new(history.set())
            .migrate(&ctx.db, &Target::Latest, &mut Vec::new())
            .await
            .unwrap();
        let err = Migrator::new(older)
            .migrate(&ctx.db, &Target::Latest, &mut Vec::new())
            .await
            .expect_err("an unknown applied migration");
        assert!(
            matches!(&err, Error::UnknownAppliedMigrations { names: n } if n == &[names[7].clone()]),
            "{err}"
        );
    })
    .await;
}

#[test]
fn graph_errors_name_the_migrations() {
    let history = short_history();
    let names = history.names();
    // A dependency on a migration that does not exist.
    let text = std::fs::read_to_string(history.file(&names[1])).unwrap();
    std::fs::write(
        history.file(&names[1]),
        text.replace(&format!("\"{}\"", names[0]), "\"0001_gone\""),
    )
    .unwrap();
    let err = strata_migrate::loader::MigrationSet::load(history.path()).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, Error::MissingDependency { .. }), "{message}");
    assert!(
        message.contains(&names[1]) && message.contains("0001_gone"),
        "{message}"
    );

    // A cycle.
    std::fs::write(history.file(&names[1]), text.clone()).unwrap();
    let first = std::fs::read_to_string(history.file(&names[0])).unwrap();
    std::fs::write(
        history.file(&names[0]),
        first.replace(
            "dependencies = []",
            &format!("dependencies = [\"{}\"]", names[1]),
        ),
    )
    .unwrap();
    let err = strata_migrate::loader::MigrationSet::load(history.path()).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains(&format!("{} -> {} -> {}", names[0], names[1], names[0])),
        "{message}"
    );
}
