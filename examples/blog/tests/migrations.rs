//! The committed migrations describe the blog's models exactly, the
//! embedded copy is the directory, applying them gives the schema the
//! models describe, and two `manage migrate` processes at once apply each
//! migration once.

use std::path::PathBuf;
use std::process::Command;
use strata_migrate::introspect::Schema;
use strata_migrate::loader::MigrationSet;
use strata_migrate::{Migrator, ProjectState, Target};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("migrations")
}

#[test]
fn committed_migrations_match_the_models() {
    let replayed = MigrationSet::load(&dir()).unwrap().replay().unwrap();
    let models = ProjectState::from_models(&blog::models()).unwrap();
    assert!(
        replayed.same_schema(&models),
        "models changed without a migration: run \
         `cargo run -p blog --bin manage -- makemigrations --dir examples/blog/migrations`"
    );
}

#[tokio::test]
async fn applying_the_migrations_gives_the_schema_of_the_models() {
    let db = strata::Db::connect("sqlite::memory:").await.unwrap();
    let set = MigrationSet::load(&dir()).unwrap();
    Migrator::new(set)
        .migrate(&db, &Target::Latest, &mut Vec::new())
        .await
        .unwrap();
    let models = ProjectState::from_models(&blog::models()).unwrap();
    assert_eq!(
        Schema::introspect(&db).await.unwrap(),
        Schema::expected(&models, db.dialect()).unwrap()
    );
}

#[test]
fn the_program_migrates_from_its_embedded_copy_at_start_up() {
    let tmp = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", tmp.path().join("blog.db").display());
    for run in 1..=2 {
        let output = Command::new(env!("CARGO_BIN_EXE_blog"))
            .arg(&url)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        if run == 1 {
            assert!(stdout.contains("Applying 0001_initial... OK"), "{stdout}");
        } else {
            assert!(stdout.contains("No migrations to apply."), "{stdout}");
            assert!(stdout.contains("Ann has 2 published post(s)"), "{stdout}");
        }
    }
}

#[test]
fn two_manage_processes_apply_each_migration_once() {
    let tmp = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", tmp.path().join("blog.db").display());
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_manage"))
            .args(["migrate", "--database", &url, "--dir"])
            .arg(dir())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let children = [spawn(), spawn()];
    let mut applied = Vec::new();
    for child in children {
        let output = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(output.status.success(), "{stdout}");
        applied.extend(
            stdout
                .lines()
                .filter_map(|l| l.strip_prefix("Applying "))
                .filter_map(|l| l.split("...").next().map(str::to_string)),
        );
    }
    applied.sort();
    let set = MigrationSet::load(&dir()).unwrap();
    let names: Vec<String> = set.migrations.keys().cloned().collect();
    assert_eq!(applied, names);
}

#[test]
fn manage_prints_an_error_once_on_stderr() {
    let tmp = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", tmp.path().join("blog.db").display());
    let output = Command::new(env!("CARGO_BIN_EXE_manage"))
        .args(["migrate", "0999", "--database", &url, "--dir"])
        .arg(dir())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stdout}{stderr}");
    assert_eq!(stdout, "", "nothing on stdout");
    assert!(
        stderr.starts_with("error: no migration named `0999`"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("error:").count(), 1, "{stderr}");
}
