//! A migration file edited after it was applied is reported by `migrate`
//! and `showmigrations`, never re-run or ignored; `--fake` accepts it.

use crate::fixtures::short_history;
use crate::support::{each_db, Ctx};
use strata_migrate::plan::{render_status, State};
use strata_migrate::{Error, Migrator, Target};

#[tokio::test]
async fn an_edited_applied_migration_is_reported() {
    each_db("edited_migration", |ctx: Ctx| async move {
        let history = short_history();
        let names = history.names();
        Migrator::new(history.set())
            .migrate(
                &ctx.db,
                &Target::Migration(names[0].clone()),
                &mut Vec::new(),
            )
            .await
            .unwrap();

        // Someone edits the applied 0001: an extra index in every dialect.
        let path = history.file(&names[0]);
        let text = std::fs::read_to_string(&path).unwrap();
        let edited = text.replace(
            "forward = [",
            "forward = [\n    'CREATE INDEX \"author_name_idx\" ON \"author\" (\"name\")',",
        );
        assert_ne!(text, edited);
        std::fs::write(&path, edited).unwrap();
        let migrator = Migrator::new(history.set());

        let err = migrator
            .migrate(&ctx.db, &Target::Latest, &mut Vec::new())
            .await
            .expect_err("an edited migration stops migrate");
        let message = err.to_string();
        assert!(
            matches!(&err, Error::EditedMigrations { names: n } if n == &[names[0].clone()]),
            "{message}"
        );
        assert!(message.contains("--fake"), "{message}");
        // Nothing was applied.
        let records = migrator.records(&ctx.db).await.unwrap();
        assert!(!records.contains_key(&names[1]));

        let statuses = migrator.status(&ctx.db).await.unwrap();
        assert_eq!(statuses[0].state, State::Edited);
        assert_eq!(statuses[1].state, State::Pending);
        let shown = render_status(&statuses);
        assert!(shown.starts_with(&format!("[E] {}", names[0])), "{shown}");
        assert!(shown.contains(&format!("[ ] {}", names[1])), "{shown}");

        // `--plan` refuses the same way.
        assert!(matches!(
            migrator.plan(&ctx.db, &Target::Latest).await,
            Err(Error::EditedMigrations { .. })
        ));

        // Accepting the edit: record the new checksum, then go on.
        let mut out = Vec::new();
        Migrator::new(history.set())
            .fake(true)
            .migrate(&ctx.db, &Target::Migration(names[0].clone()), &mut out)
            .await
            .unwrap();
        assert!(String::from_utf8_lossy(&out).contains(&format!("Applying {}... FAKED", names[0])));
        migrator
            .migrate(&ctx.db, &Target::Latest, &mut Vec::new())
            .await
            .unwrap();
        let statuses = migrator.status(&ctx.db).await.unwrap();
        assert!(
            statuses.iter().all(|s| s.state == State::Applied),
            "{statuses:?}"
        );
    })
    .await;
}
