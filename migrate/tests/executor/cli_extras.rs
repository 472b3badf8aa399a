//! `showmigrations --plan`, `sqlmigrate --backwards`, `migrate --prune`
//! and `migrate --repair-checksums`, through the command line.

use crate::fixtures::short_history;
use crate::support::{each_db, strings, Ctx};
use clap::Parser;
use strata_migrate::cli::{run_async, Cli};
use strata_migrate::{writer, Migrator, ProjectState, Target};

async fn manage(args: &[&str]) -> (i32, String, String) {
    let mut argv = vec!["manage"];
    argv.extend_from_slice(args);
    let cli = Cli::try_parse_from(argv).unwrap_or_else(|e| panic!("{e}"));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = run_async(cli, &ProjectState::new(), None, &mut out, &mut err).await;
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    (status, text(out), text(err))
}

fn dialect_name(ctx: &Ctx) -> &'static str {
    match ctx.dialect() {
        strata::Dialect::Sqlite => "sqlite",
        strata::Dialect::Postgres => "postgres",
        strata::Dialect::MySql => "mysql",
    }
}

#[tokio::test]
async fn showmigrations_plan_lists_the_apply_order_with_dependencies() {
    each_db("extras_showplan", |ctx: Ctx| async move {
        let history = short_history();
        let names = history.names();
        let dir = history.path().to_string_lossy().into_owned();
        // A merge of two branches off 0002.
        let state = history.steps[1].1.clone();
        for (name, deps) in [
            ("0003_left", vec![names[1].clone()]),
            ("0003_right", vec![names[1].clone()]),
            ("0004_merge", vec!["0003_right".into(), "0003_left".into()]),
        ] {
            writer::write(
                history.path(),
                &writer::render(name, deps, vec![], &state).unwrap(),
            )
            .unwrap();
        }
        Migrator::new(history.set())
            .migrate(
                &ctx.db,
                &Target::Migration(names[0].clone()),
                &mut Vec::new(),
            )
            .await
            .unwrap();
        let (status, out, err) = manage(&[
            "showmigrations",
            "--plan",
            "--database",
            &ctx.url,
            "--dir",
            &dir,
        ])
        .await;
        assert_eq!((status, err.as_str()), (0, ""));
        assert_eq!(
            out,
            format!(
                "[X] {a}\n[ ] {b}  <- {a}\n[ ] 0003_left  <- {b}\n[ ] 0003_right  <- {b}\n\
                 [ ] 0004_merge  <- 0003_left, 0003_right\n",
                a = names[0],
                b = names[1]
            )
        );
    })
    .await;
}

#[tokio::test]
async fn sqlmigrate_backwards_prints_sql_that_reverts_the_migration() {
    each_db("extras_backwards", |ctx: Ctx| async move {
        let history = short_history();
        let names = history.names();
        let dir = history.path().to_string_lossy().into_owned();
        Migrator::new(history.set())
            .migrate(&ctx.db, &Target::Latest, &mut Vec::new())
            .await
            .unwrap();
        let dialect = dialect_name(&ctx);
        let (status, sql, err) = manage(&[
            "sqlmigrate",
            "0002",
            "--dialect",
            dialect,
            "--backwards",
            "--dir",
            &dir,
        ])
        .await;
        assert_eq!((status, err.as_str()), (0, ""));
        let set = history.set();
        let expected: String = set.migrations[&names[1]]
            .sql
            .get(ctx.dialect())
            .backward
            .iter()
            .map(|s| format!("{s};\n"))
            .collect();
        assert_eq!(sql, expected);
        // Running what it printed, on one session (SQLite's PRAGMAs are
        // per connection), removes the column 0002 added.
        let mut conn = ctx.db.acquire().await.unwrap();
        for statement in sql.split(";\n").filter(|s| !s.trim().is_empty()) {
            conn.execute_raw_sql(strata::AssertSqlSafe(statement))
                .await
                .unwrap_or_else(|e| panic!("{statement}: {e}"));
        }
        drop(conn);
        let rating = ctx.db.execute_raw_sql("SELECT rating FROM blog_post").await;
        assert!(rating.is_err(), "the rating column is gone");
    })
    .await;
}

#[tokio::test]
async fn migrate_prune_forgets_the_records_of_deleted_files() {
    each_db("extras_prune", |ctx: Ctx| async move {
        let history = short_history();
        let names = history.names();
        let dir = history.path().to_string_lossy().into_owned();
        let url = ctx.url.as_str();
        Migrator::new(history.set())
            .migrate(&ctx.db, &Target::Latest, &mut Vec::new())
            .await
            .unwrap();
        std::fs::remove_file(history.file(&names[1])).unwrap();
        let (status, _, err) = manage(&["migrate", "--database", url, "--dir", &dir]).await;
        assert_eq!(status, 2);
        assert!(err.contains("manage migrate --prune"), "{err}");

        let (status, out, err) =
            manage(&["migrate", "--prune", "--database", url, "--dir", &dir]).await;
        assert_eq!((status, err.as_str()), (0, ""));
        assert_eq!(out, format!("Pruned {} (its file is gone)\n", names[1]));
        assert_eq!(
            strings(&ctx.db, "SELECT name FROM strata_migrations").await,
            vec![names[0].clone()]
        );
        let (_, out, _) = manage(&["migrate", "--prune", "--database", url, "--dir", &dir]).await;
        assert_eq!(out, "No records to prune.\n");
        let (status, out, _) = manage(&["migrate", "--database", url, "--dir", &dir]).await;
        assert_eq!((status, out.as_str()), (0, "No migrations to apply.\n"));
    })
    .await;
}

/// Replaces `from` with `to` in the file of migration `name`.
fn edit(history: &crate::fixtures::History, name: &str, from: &str, to: &str) {
    let path = history.file(name);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from} in {text}");
    std::fs::write(&path, text.replace(from, to)).unwrap();
}

#[tokio::test]
async fn repair_checksums_accepts_respaced_sql_and_refuses_any_other_edit() {
    each_db("extras_repair", |ctx: Ctx| async move {
        let history = short_history();
        let names = history.names();
        let dir = history.path().to_string_lossy().into_owned();
        let url = ctx.url.as_str();
        Migrator::new(history.set())
            .migrate(&ctx.db, &Target::Latest, &mut Vec::new())
            .await
            .unwrap();
        let (_, out, _) = manage(&[
            "migrate",
            "--repair-checksums",
            "--database",
            url,
            "--dir",
            &dir,
        ])
        .await;
        assert_eq!(out, "No edited migrations to repair.\n");

        // A change of value is refused, and nothing is recorded.
        edit(&history, &names[1], "DEFAULT 0", "DEFAULT 1");
        let (status, _, err) = manage(&[
            "migrate",
            "--repair-checksums",
            "--database",
            url,
            "--dir",
            &dir,
        ])
        .await;
        assert_eq!(status, 2);
        assert!(
            err.contains(&format!(
                "{}: statement 1 changed beyond whitespace",
                names[1]
            )),
            "{err}"
        );
        let (_, shown, _) = manage(&["showmigrations", "--database", url, "--dir", &dir]).await;
        assert!(shown.contains(&format!("[E] {}", names[1])), "{shown}");

        // Re-spacing is accepted.
        edit(&history, &names[1], "DEFAULT 1", "DEFAULT 0");
        edit(&history, &names[1], "ADD COLUMN", "ADD    COLUMN");
        edit(&history, &names[1], "DEFAULT 0", " DEFAULT   0 ");
        let (status, _, err) = manage(&["migrate", "--database", url, "--dir", &dir]).await;
        assert_eq!(status, 2, "the edit is caught first");
        assert!(err.contains("--repair-checksums"), "{err}");
        let (status, out, err) = manage(&[
            "migrate",
            "--repair-checksums",
            "--database",
            url,
            "--dir",
            &dir,
        ])
        .await;
        assert_eq!((status, err.as_str()), (0, ""));
        assert_eq!(
            out,
            format!(
                "Repaired the checksum of {} (its SQL changed only in whitespace)\n",
                names[1]
            )
        );
        let (_, shown, _) = manage(&["showmigrations", "--database", url, "--dir", &dir]).await;
        assert_eq!(shown, format!("[X] {}\n[X] {}\n", names[0], names[1]));
        let (status, out, _) = manage(&["migrate", "--database", url, "--dir", &dir]).await;
        assert_eq!((status, out.as_str()), (0, "No migrations to apply.\n"));
    })
    .await;
}

#[tokio::test]
async fn repair_checksums_refuses_when_the_applied_sql_was_written_by_hand() {
    each_db("extras_repair_hand", |ctx: Ctx| async move {
        let history = short_history();
        let names = history.names();
        let dir = history.path().to_string_lossy().into_owned();
        let url = ctx.url.as_str();
        // Hand-edited before it was applied: its operations no longer give
        // the SQL that runs, so a later edit cannot be judged.
        edit(&history, &names[1], "DEFAULT 0", "DEFAULT 7");
        Migrator::new(history.set())
            .migrate(&ctx.db, &Target::Latest, &mut Vec::new())
            .await
            .unwrap();
        edit(&history, &names[1], "ADD COLUMN", "ADD  COLUMN");
        let (status, _, err) = manage(&[
            "migrate",
            "--repair-checksums",
            "--database",
            url,
            "--dir",
            &dir,
        ])
        .await;
        assert_eq!(status, 2);
        assert!(err.contains("cannot tell what was applied"), "{err}");
        assert!(err.contains("--fake"), "{err}");
    })
    .await;
}
