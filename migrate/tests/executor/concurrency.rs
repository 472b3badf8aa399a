//! Two runs migrating one database at once: one waits for the other, and
//! every migration is applied exactly once.

use crate::fixtures::history;
use crate::support::{each_db, Ctx};
use std::process::Command;
use strata::Db;
use strata_migrate::loader::MigrationSet;
use strata_migrate::{Migrator, Target};

const CHILD_URL: &str = "STRATA_EXECUTOR_CHILD_URL";
const CHILD_DIR: &str = "STRATA_EXECUTOR_CHILD_DIR";

/// The names of the `Applying <name>... OK` lines of `text`.
fn applied_names(text: &str) -> Vec<String> {
    // The test harness prints its own text before the first line.
    text.lines()
        .filter_map(|l| l.find("Applying ").map(|i| &l[i + "Applying ".len()..]))
        .filter(|l| l.contains("... OK"))
        .filter_map(|l| l.split("...").next())
        .map(str::to_string)
        .collect()
}

fn assert_each_once(mut applied: Vec<String>, names: &[String], outputs: &str) {
    applied.sort();
    let mut expected = names.to_vec();
    expected.sort();
    assert_eq!(applied, expected, "each migration applied once:\n{outputs}");
}

#[tokio::test]
async fn two_pools_migrating_at_once_apply_each_migration_once() {
    each_db("concurrent_pools", |ctx: Ctx| async move {
        let history = history();
        let names = history.names();
        let other: Db = ctx.connect_again().await;
        let first = Migrator::new(history.set());
        let second = Migrator::new(history.set());
        let (mut out1, mut out2) = (Vec::new(), Vec::new());
        let (r1, r2) = tokio::join!(
            first.migrate(&ctx.db, &Target::Latest, &mut out1),
            second.migrate(&other, &Target::Latest, &mut out2),
        );
        let text = format!(
            "{}\n---\n{}",
            String::from_utf8_lossy(&out1),
            String::from_utf8_lossy(&out2)
        );
        r1.unwrap_or_else(|e| panic!("first run on {}: {e}\n{text}", ctx.dialect()));
        r2.unwrap_or_else(|e| panic!("second run on {}: {e}\n{text}", ctx.dialect()));
        let mut applied = applied_names(&String::from_utf8_lossy(&out1));
        applied.extend(applied_names(&String::from_utf8_lossy(&out2)));
        assert_each_once(applied, &names, &text);
        // Either the second run waited for the lock, or it started after
        // the first had finished; both must end with nothing applied twice.
        assert!(
            text.contains("Waiting for another migrate run")
                || text.contains("No migrations to apply"),
            "{text}"
        );
        assert_eq!(first.records(&ctx.db).await.unwrap().len(), names.len());
        other.close().await;
    })
    .await;
}

/// What each child process runs: migrate the database of `CHILD_URL` with
/// the migrations of `CHILD_DIR`, printing progress to stdout.
#[tokio::test]
#[ignore = "a child process of two_processes_migrating_at_once_apply_each_migration_once"]
async fn child_process_migrates() {
    let (Ok(url), Ok(dir)) = (std::env::var(CHILD_URL), std::env::var(CHILD_DIR)) else {
        panic!("run by two_processes_migrating_at_once_apply_each_migration_once");
    };
    let db = Db::connect(&url).await.expect("the child connects");
    let set = MigrationSet::load(dir.as_ref()).expect("the child loads the migrations");
    let mut out = std::io::stdout();
    Migrator::new(set)
        .migrate(&db, &Target::Latest, &mut out)
        .await
        .unwrap_or_else(|e| panic!("the child's migrate failed: {e}"));
    db.close().await;
}

#[tokio::test]
async fn two_processes_migrating_at_once_apply_each_migration_once() {
    each_db("concurrent_processes", |ctx: Ctx| async move {
        let history = history();
        let names = history.names();
        let exe = std::env::current_exe().expect("the test binary");
        let spawn = || {
            Command::new(&exe)
                .args([
                    "concurrency::child_process_migrates",
                    "--exact",
                    "--ignored",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(CHILD_URL, &ctx.url)
                .env(CHILD_DIR, history.path())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("a child process")
        };
        let children = [spawn(), spawn()];
        let outputs: Vec<std::process::Output> = tokio::task::spawn_blocking(move || {
            children
                .into_iter()
                .map(|c| c.wait_with_output().expect("the child's output"))
                .collect()
        })
        .await
        .expect("waiting for the children");
        let mut text = String::new();
        let mut applied = Vec::new();
        for output in &outputs {
            let stdout = String::from_utf8_lossy(&output.stdout);
            text.push_str(&format!(
                "{stdout}\n{}\n---\n",
                String::from_utf8_lossy(&output.stderr)
            ));
            applied.extend(applied_names(&stdout));
        }
        for output in &outputs {
            assert!(
                output.status.success(),
                "a child failed on {}:\n{text}",
                ctx.dialect()
            );
        }
        assert_each_once(applied, &names, &text);
        let records = Migrator::new(history.set()).records(&ctx.db).await.unwrap();
        assert_eq!(records.len(), names.len());
    })
    .await;
}
