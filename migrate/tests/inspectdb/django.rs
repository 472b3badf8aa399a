//! A schema Django made (the dumps in `django/`) -> `inspectdb` -> models
//! that compile (`django_<backend>.rs`, the output, committed and compiled
//! here) -> `makemigrations` -> `migrate --fake-initial` adopts the
//! database: the initial migration is recorded without running. When the
//! tables differ from what it creates, it is refused with the
//! differences and nothing is recorded.

use crate::support::{each_db, Ctx};
use clap::Parser;
use strata::Dialect;
use strata_migrate::cli::{run_async, Cli};
use strata_migrate::commands::{makemigrations, MakeOptions};
use strata_migrate::{NonInteractiveQuestioner, ProjectState};

fn dump(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => include_str!("django/postgres.sql"),
        Dialect::MySql => include_str!("django/mysql.sql"),
        Dialect::Sqlite => include_str!("django/sqlite.sql"),
    }
}

fn generated(dialect: Dialect) -> (&'static str, &'static str) {
    match dialect {
        Dialect::Postgres => ("django_postgres.rs", include_str!("django_postgres.rs")),
        Dialect::MySql => ("django_mysql.rs", include_str!("django_mysql.rs")),
        Dialect::Sqlite => ("django_sqlite.rs", include_str!("django_sqlite.rs")),
    }
}

async fn load_dump(ctx: &Ctx) {
    for statement in dump(ctx.dialect())
        .split(";\n")
        .filter(|s| !s.trim().is_empty())
    {
        ctx.db
            .execute_raw_sql(statement)
            .await
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
}

async fn manage(args: &[&str]) -> (i32, String, String) {
    let mut argv = vec!["manage"];
    argv.extend_from_slice(args);
    let cli = Cli::try_parse_from(argv).unwrap_or_else(|e| panic!("{e}"));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = run_async(cli, &ProjectState::new(), None, &mut out, &mut err).await;
    let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
    (status, text(out), text(err))
}

#[tokio::test]
async fn inspectdb_writes_compiling_models_for_a_django_schema() {
    each_db("inspectdb_django", |ctx: Ctx| async move {
        load_dump(&ctx).await;
        let (status, source, err) = manage(&["inspectdb", "--database", &ctx.url]).await;
        assert_eq!((status, err.as_str()), (0, ""));
        let (file, expected) = generated(ctx.dialect());
        if std::env::var_os("STRATA_WRITE_GENERATED").is_some() {
            let path = format!("{}/tests/inspectdb/{file}", env!("CARGO_MANIFEST_DIR"));
            std::fs::write(path, &source).expect("write the generated models");
        }
        assert_eq!(source, expected, "inspectdb output on {}", ctx.dialect());
    })
    .await;
}

/// The models `inspectdb` wrote for `dialect`, compiled.
fn models(dialect: Dialect) -> ProjectState {
    macro_rules! metas {
        ($module:ident) => {{
            use crate::$module::*;
            use strata::Model as _;
            [
                LibraryAuthor::META,
                Tag::META,
                Book::META,
                LibraryBookTags::META,
            ]
        }};
    }
    let metas = match dialect {
        Dialect::Postgres => metas!(django_postgres),
        Dialect::MySql => metas!(django_mysql),
        Dialect::Sqlite => metas!(django_sqlite),
    };
    ProjectState::from_models(&metas).expect("the generated models are a valid state")
}

/// A migrations directory with the initial migration of the generated
/// models, as `makemigrations` writes it.
fn initial_migration(dialect: Dialect) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    makemigrations(
        &MakeOptions::new(dir.path()),
        &models(dialect),
        &mut NonInteractiveQuestioner,
    )
    .expect("makemigrations");
    dir
}

#[tokio::test]
async fn fake_initial_adopts_a_django_database_without_running_the_migration() {
    each_db("fake_initial_django", |ctx: Ctx| async move {
        load_dump(&ctx).await;
        ctx.db
            .execute_raw_sql("INSERT INTO library_author (name) VALUES ('Ann')")
            .await
            .expect("a row Django wrote");
        let dir = initial_migration(ctx.dialect());
        let dir = dir.path().to_string_lossy().into_owned();
        let url = ctx.url.as_str();
        let (status, out, err) = manage(&[
            "migrate",
            "--fake-initial",
            "--database",
            url,
            "--dir",
            &dir,
        ])
        .await;
        assert_eq!((status, err.as_str()), (0, ""), "{out}");
        assert!(out.contains("Applying 0001_initial... FAKED"), "{out}");
        let (_, shown, _) = manage(&["showmigrations", "--database", url, "--dir", &dir]).await;
        assert_eq!(shown, "[X] 0001_initial\n");
        // Nothing ran: Django's row is still there.
        assert_eq!(crate::support::count(&ctx.db, "library_author").await, 1);
        // Adopted, the database is checked like any other; what is left is
        // how Django named (or did not make) indexes, never tables,
        // columns or keys.
        let (_, report, _) = manage(&["check", "--database", url, "--dir", &dir]).await;
        for line in report.lines().skip(1) {
            assert!(line.contains("index `"), "{report}");
        }
        let (status, out, _) = manage(&[
            "migrate",
            "--fake-initial",
            "--database",
            url,
            "--dir",
            &dir,
        ])
        .await;
        assert_eq!((status, out.as_str()), (0, "No migrations to apply.\n"));
    })
    .await;
}

#[tokio::test]
async fn fake_initial_refuses_tables_that_differ_and_records_nothing() {
    each_db("fake_initial_mismatch", |ctx: Ctx| async move {
        load_dump(&ctx).await;
        let dir = initial_migration(ctx.dialect());
        ctx.db
            .execute_raw_sql("ALTER TABLE library_book DROP COLUMN published")
            .await
            .expect("a hand change");
        let dir = dir.path().to_string_lossy().into_owned();
        let url = ctx.url.as_str();
        let (status, out, err) =
            manage(&["migrate", "--fake-initial", "--database", url, "--dir", &dir]).await;
        assert_eq!(status, 2, "{out}");
        assert!(
            err.starts_with(
                "error: cannot fake 0001_initial: its tables are in the database, but differ from what it creates:\n  \
                 - column `library_book.published` is missing from the database\n"
            ),
            "{err}"
        );
        let (_, shown, _) = manage(&["showmigrations", "--database", url, "--dir", &dir]).await;
        assert_eq!(shown, "[ ] 0001_initial\n");
    })
    .await;
}
