//! Forwards to the latest, backwards to zero, forwards again; moving to a
//! named migration in both directions.

use crate::fixtures::{foreign_key_index_history, history};
use crate::support::{each_db, Ctx};
use strata_migrate::introspect::Schema;
use strata_migrate::{Migrator, Target};

fn lines(out: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(out)
        .lines()
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn forwards_then_zero_leaves_only_the_recorder_and_forwards_again_works() {
    each_db("lifecycle_zero", |ctx: Ctx| async move {
        let history = history();
        let migrator = Migrator::new(history.set());
        let names = history.names();

        let mut out = Vec::new();
        let report = migrator
            .migrate(&ctx.db, &Target::Latest, &mut out)
            .await
            .unwrap_or_else(|e| panic!("forwards on {}: {e}", ctx.dialect()));
        assert_eq!(report.steps.len(), names.len());
        let printed = lines(&out);
        assert_eq!(printed.len(), names.len(), "{printed:?}");
        for (line, name) in printed.iter().zip(&names) {
            assert!(
                line.starts_with(&format!("Applying {name}... OK (")) && line.ends_with(" ms)"),
                "{line}"
            );
        }
        let records = migrator.records(&ctx.db).await.unwrap();
        assert_eq!(records.keys().cloned().collect::<Vec<_>>(), {
            let mut sorted = names.clone();
            sorted.sort();
            sorted
        });

        let mut out = Vec::new();
        migrator
            .migrate(&ctx.db, &Target::Zero, &mut out)
            .await
            .unwrap_or_else(|e| panic!("backwards on {}: {e}", ctx.dialect()));
        let printed = lines(&out);
        let mut reversed = names.clone();
        reversed.reverse();
        for (line, name) in printed.iter().zip(&reversed) {
            assert!(
                line.starts_with(&format!("Unapplying {name}... OK")),
                "{line}"
            );
        }
        let schema = Schema::introspect(&ctx.db).await.unwrap();
        assert!(
            schema.tables.is_empty(),
            "tables left after zero: {:?}",
            schema.table_names()
        );
        assert!(migrator.records(&ctx.db).await.unwrap().is_empty());

        let mut out = Vec::new();
        migrator
            .migrate(&ctx.db, &Target::Latest, &mut out)
            .await
            .unwrap_or_else(|e| panic!("forwards again on {}: {e}", ctx.dialect()));
        assert_eq!(lines(&out).len(), names.len());

        let mut out = Vec::new();
        let again = migrator
            .migrate(&ctx.db, &Target::Latest, &mut out)
            .await
            .unwrap();
        assert!(again.steps.is_empty());
        assert_eq!(lines(&out), vec!["No migrations to apply."]);
    })
    .await;
}

#[tokio::test]
async fn migrating_to_a_name_moves_backwards_and_forwards() {
    each_db("lifecycle_named", |ctx: Ctx| async move {
        let history = history();
        let migrator = Migrator::new(history.set());
        let names = history.names();
        let mut out = Vec::new();
        migrator
            .migrate(&ctx.db, &Target::Latest, &mut out)
            .await
            .unwrap();

        // Backwards to the third: everything after it, newest first.
        let mut out = Vec::new();
        let report = migrator
            .migrate(
                &ctx.db,
                &Target::Migration(names[2][..4].to_string()),
                &mut out,
            )
            .await
            .unwrap_or_else(|e| panic!("back to {} on {}: {e}", names[2], ctx.dialect()));
        let undone: Vec<&str> = report.steps.iter().map(|s| s.migration.as_str()).collect();
        let expected: Vec<&str> = names[3..].iter().rev().map(String::as_str).collect();
        assert_eq!(undone, expected);
        let live = Schema::introspect(&ctx.db).await.unwrap();
        let state = &history.steps[2].1;
        assert_eq!(
            live,
            Schema::expected(state, ctx.dialect()).unwrap(),
            "schema after moving back to {}",
            names[2]
        );

        // Forwards to the fifth.
        let mut out = Vec::new();
        let report = migrator
            .migrate(&ctx.db, &Target::Migration(names[4].clone()), &mut out)
            .await
            .unwrap();
        let done: Vec<&str> = report.steps.iter().map(|s| s.migration.as_str()).collect();
        assert_eq!(done, vec![names[3].as_str(), names[4].as_str()]);
    })
    .await;
}

#[tokio::test]
async fn every_step_back_to_zero_drops_indexes_a_foreign_key_relies_on() {
    each_db("lifecycle_fk_indexes", |ctx: Ctx| async move {
        let history = foreign_key_index_history();
        let migrator = Migrator::new(history.set());
        let mut out = Vec::new();
        migrator
            .migrate(&ctx.db, &Target::Latest, &mut out)
            .await
            .unwrap_or_else(|e| panic!("forwards on {}: {e}", ctx.dialect()));
        // One migration back at a time, the schema checked after each.
        for i in (0..history.steps.len()).rev() {
            let target = match i {
                0 => Target::Zero,
                _ => Target::Migration(history.steps[i - 1].0.clone()),
            };
            migrator
                .migrate(&ctx.db, &target, &mut out)
                .await
                .unwrap_or_else(|e| {
                    panic!(
                        "unapplying {} on {}: {e}",
                        history.steps[i].0,
                        ctx.dialect()
                    )
                });
            let live = Schema::introspect(&ctx.db).await.unwrap();
            let expected = match i {
                0 => Schema::default(),
                _ => Schema::expected(&history.steps[i - 1].1, ctx.dialect()).unwrap(),
            };
            assert_eq!(live, expected, "after unapplying {}", history.steps[i].0);
        }
        // And forwards again, to the same schema.
        migrator
            .migrate(&ctx.db, &Target::Latest, &mut out)
            .await
            .unwrap_or_else(|e| panic!("forwards again on {}: {e}", ctx.dialect()));
        let last = &history.steps.last().unwrap().1;
        assert_eq!(
            Schema::introspect(&ctx.db).await.unwrap(),
            Schema::expected(last, ctx.dialect()).unwrap()
        );
    })
    .await;
}
