//! A migration that fails part-way: on PostgreSQL and SQLite nothing of it
//! remains and it is not recorded; on MySQL/MariaDB it is recorded as
//! failed with the statement, later runs refuse with the command that
//! resolves it, and that command works.

use crate::fixtures::broken_history;
use crate::support::{each_db, Ctx};
use strata::Dialect;
use strata_migrate::introspect::Schema;
use strata_migrate::plan::{render_status, State};
use strata_migrate::recorder::Status;
use strata_migrate::{Error, Migrator, Target};

#[tokio::test]
async fn a_failed_migration_leaves_the_documented_state() {
    each_db("failure_partway", |ctx: Ctx| async move {
        let history = broken_history();
        let migrator = Migrator::new(history.set());
        let mut out = Vec::new();
        let err = migrator
            .migrate(&ctx.db, &Target::Latest, &mut out)
            .await
            .expect_err("0002_broken fails");
        let text = err.to_string();
        let printed = String::from_utf8_lossy(&out).to_string();
        assert!(printed.contains("Applying 0001_initial... OK"), "{printed}");
        assert!(
            printed.contains("Applying 0002_broken... FAILED"),
            "{printed}"
        );
        match &err {
            Error::MigrationFailed {
                migration,
                statement,
                ..
            } => {
                assert_eq!(migration, "0002_broken");
                assert!(statement.contains("no_such_table"), "{statement}");
            }
            other => panic!("expected MigrationFailed, got {other}"),
        }
        assert!(
            text.contains("no_such_table"),
            "the statement is named: {text}"
        );
        let tables = Schema::introspect(&ctx.db).await.unwrap();
        let records = migrator.records(&ctx.db).await.unwrap();

        if ctx.dialect() != Dialect::MySql {
            assert!(text.contains("rolled back"), "{text}");
            assert!(
                !tables.tables.contains_key("draft"),
                "draft survived the rollback"
            );
            assert!(
                !tables.tables.contains_key("extra"),
                "extra survived the rollback"
            );
            assert!(!records.contains_key("0002_broken"), "{records:?}");
            assert_eq!(records["0001_initial"].status, Status::Applied);
            return;
        }

        // MySQL: the DDL before the failed statement stays.
        assert!(tables.tables.contains_key("draft") && tables.tables.contains_key("extra"));
        assert!(text.contains("manage migrate --fake 0002_broken"), "{text}");
        let record = &records["0002_broken"];
        assert_eq!(record.status, Status::ApplyFailed);
        assert!(record
            .failed_statement
            .as_deref()
            .is_some_and(|s| s.contains("no_such_table")));
        let shown = render_status(&migrator.status(&ctx.db).await.unwrap());
        assert!(
            shown.contains("[!] 0002_broken  (failed while applying at `INSERT INTO no_such_table"),
            "{shown}"
        );

        // The next run refuses, naming the statement and both resolutions.
        let err = migrator
            .migrate(&ctx.db, &Target::Latest, &mut Vec::new())
            .await
            .expect_err("a failed migration blocks the next run");
        let text = err.to_string();
        assert!(matches!(err, Error::UnresolvedFailure { .. }), "{text}");
        assert!(text.contains("manage migrate --fake 0002_broken"), "{text}");
        assert!(
            text.contains("manage migrate --fake 0001_initial"),
            "{text}"
        );
        assert!(text.contains("no_such_table"), "{text}");

        // Resolution 1: undo the partial changes by hand, forget the attempt.
        ctx.db.execute_raw_sql("DROP TABLE `extra`").await.unwrap();
        ctx.db.execute_raw_sql("DROP TABLE `draft`").await.unwrap();
        let mut out = Vec::new();
        Migrator::new(history.set())
            .fake(true)
            .migrate(&ctx.db, &Target::Migration("0001_initial".into()), &mut out)
            .await
            .unwrap();
        assert!(String::from_utf8_lossy(&out).contains("Unapplying 0002_broken... FAKED"));
        let records = migrator.records(&ctx.db).await.unwrap();
        assert!(!records.contains_key("0002_broken"));

        // It fails again the same way; resolution 2: finish it by hand and
        // record it as applied.
        migrator
            .migrate(&ctx.db, &Target::Latest, &mut Vec::new())
            .await
            .expect_err("still broken");
        let mut out = Vec::new();
        Migrator::new(history.set())
            .fake(true)
            .migrate(&ctx.db, &Target::Migration("0002_broken".into()), &mut out)
            .await
            .unwrap();
        assert!(String::from_utf8_lossy(&out).contains("Applying 0002_broken... FAKED"));
        let statuses = migrator.status(&ctx.db).await.unwrap();
        assert!(
            statuses.iter().all(|s| s.state == State::Applied),
            "{statuses:?}"
        );
        let report = migrator
            .migrate(&ctx.db, &Target::Latest, &mut Vec::new())
            .await
            .unwrap();
        assert!(report.steps.is_empty());
    })
    .await;
}

#[tokio::test]
async fn a_failed_rollback_on_mysql_is_recorded_too() {
    each_db("failure_backwards", |ctx: Ctx| async move {
        if ctx.dialect() != Dialect::MySql {
            return;
        }
        let history = broken_history();
        // Apply 0002 by faking it, without its tables: unapplying it then
        // fails at its first statement.
        let migrator = Migrator::new(history.set());
        migrator
            .migrate(
                &ctx.db,
                &Target::Migration("0001_initial".into()),
                &mut Vec::new(),
            )
            .await
            .unwrap();
        Migrator::new(history.set())
            .fake(true)
            .migrate(&ctx.db, &Target::Latest, &mut Vec::new())
            .await
            .unwrap();
        let err = migrator
            .migrate(&ctx.db, &Target::Zero, &mut Vec::new())
            .await
            .expect_err("dropping tables that do not exist fails");
        assert!(
            err.to_string().contains("Unapplying 0002_broken failed"),
            "{err}"
        );
        let records = migrator.records(&ctx.db).await.unwrap();
        assert_eq!(records["0002_broken"].status, Status::UnapplyFailed);
        let err = migrator
            .migrate(&ctx.db, &Target::Zero, &mut Vec::new())
            .await
            .expect_err("refused");
        assert!(err.to_string().contains("failed while unapplying"), "{err}");
    })
    .await;
}
