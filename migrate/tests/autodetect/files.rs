//! Migration files: naming, the writer and loader round trip, malformed
//! files, branch conflicts and merges, and the CLI over them.

use clap::Parser;
use std::path::Path;
use strata::meta::OnDelete;
use strata::{ColumnType, Dialect};
use strata_migrate::cli::{self, Cli};
use strata_migrate::commands::{makemigrations, sqlmigrate, MakeOptions};
use strata_migrate::loader::MigrationSet;
use strata_migrate::*;

use crate::support::{author, post, tag};

fn make(dir: &Path, state: &ProjectState, q: &mut ScriptedQuestioner) -> Option<String> {
    let report = makemigrations(&MakeOptions::new(dir), state, q).expect("makemigrations");
    report.migration.map(|m| m.migration.name)
}

fn names(dir: &Path) -> Vec<String> {
    MigrationSet::load(dir)
        .unwrap()
        .migrations
        .keys()
        .cloned()
        .collect()
}

#[test]
fn migrations_are_numbered_and_named_from_their_content() {
    let dir = tempfile::tempdir().unwrap();
    let mut q = ScriptedQuestioner::new();
    let v1 = ProjectState::new().with(author()).with(post()).with(tag());
    assert_eq!(
        make(dir.path(), &v1, &mut q).as_deref(),
        Some("0001_initial")
    );
    let v2 = v1.clone().with(post().m2m("tags", "Tag"));
    assert_eq!(
        make(dir.path(), &v2, &mut q).as_deref(),
        Some("0002_add_post_tags")
    );
    let v3 = v2.clone().with(
        ModelState::new("Post")
            .pk("id")
            .field("headline", ColumnType::Varchar(200))
            .fk("author_id", "Author", OnDelete::Cascade)
            .m2m("tags", "Tag"),
    );
    let mut q = ScriptedQuestioner::new().rename_field("Post", "title", "headline", true);
    assert_eq!(
        make(dir.path(), &v3, &mut q).as_deref(),
        Some("0003_rename_post_title")
    );
    assert_eq!(
        make(dir.path(), &v3, &mut q),
        None,
        "a second run finds nothing"
    );

    let set = MigrationSet::load(dir.path()).unwrap();
    assert_eq!(
        set.migrations["0002_add_post_tags"].dependencies,
        ["0001_initial"]
    );
    assert_eq!(
        set.migrations["0003_rename_post_title"].dependencies,
        ["0002_add_post_tags"]
    );
    assert!(set.replay().unwrap().same_schema(&v3));
}

#[test]
fn written_file_round_trips_through_the_loader() {
    let dir = tempfile::tempdir().unwrap();
    let state = ProjectState::new().with(author()).with(
        post()
            .column(
                FieldState::new("score", ColumnType::Decimal(8, 2))
                    .default(DefaultValue::Str("0.00".into())),
            )
            .column(
                FieldState::new("note", ColumnType::Text)
                    .null()
                    .default(DefaultValue::Str("it's \"quoted\"\nand \\ more".into())),
            )
            .index("post_title_idx", &["title"])
            .unique_together("post_uniq", &["title", "author_id"])
            .check("post_score_check", "score >= 0"),
    );
    make(dir.path(), &state, &mut ScriptedQuestioner::new()).unwrap();
    let set = MigrationSet::load(dir.path()).unwrap();
    assert_eq!(set.replay().unwrap().normalized(), state.normalized());
    let text = std::fs::read_to_string(dir.path().join("0001_initial.toml")).unwrap();
    assert!(text.starts_with("# Migration 0001_initial"));
    assert!(
        text.contains("[sql.postgres]")
            && text.contains("[sql.mysql]")
            && text.contains("[sql.sqlite]")
    );
}

#[test]
fn hand_edited_sql_is_what_sqlmigrate_prints() {
    let dir = tempfile::tempdir().unwrap();
    make(
        dir.path(),
        &ProjectState::new().with(tag()),
        &mut ScriptedQuestioner::new(),
    )
    .unwrap();
    let path = dir.path().join("0001_initial.toml");
    let sql = sqlmigrate(dir.path(), "0001", Dialect::Sqlite, false).unwrap();
    assert!(sql.starts_with("CREATE TABLE \"tag\""), "{sql}");
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replacen(
        "[sql.sqlite]\nforward = [",
        "[sql.sqlite]\nforward = [\n    \"SELECT 1\",",
        1,
    );
    assert_ne!(text, edited);
    std::fs::write(&path, edited).unwrap();
    let sql = sqlmigrate(dir.path(), "0001_initial", Dialect::Sqlite, false).unwrap();
    assert!(sql.starts_with("SELECT 1;\nCREATE TABLE"), "{sql}");
    let back = sqlmigrate(dir.path(), "0001", Dialect::Postgres, true).unwrap();
    assert_eq!(back, "DROP TABLE \"tag\";\n");
}

#[test]
fn malformed_file_is_an_error_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("0001_initial.toml");
    std::fs::write(&path, "dependencies = []\n\n[[operations]]\nop = \"create_model\"\nname = \"X\"\ntable = \"x\"\nfields = [{ column = \"id\", type = \"bigintt\" }]\n").unwrap();
    let err = MigrationSet::load(dir.path()).unwrap_err();
    match &err {
        Error::Parse {
            path: p,
            line,
            message,
        } => {
            assert_eq!(p, &path);
            // The line of the operation holding the bad value.
            assert_eq!(*line, 3, "{message}");
            assert!(
                message.contains("unknown column type `bigintt`"),
                "{message}"
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().contains("0001_initial.toml:3"), "{err}");

    std::fs::write(&path, "dependencies = [\n").unwrap();
    assert!(matches!(
        MigrationSet::load(dir.path()),
        Err(Error::Parse { .. })
    ));
    std::fs::write(&path, "[[operations]]\nop = \"explode\"\n").unwrap();
    assert!(matches!(
        MigrationSet::load(dir.path()),
        Err(Error::Parse { line: 1, .. }) | Err(Error::Parse { line: 2, .. })
    ));
}

/// The line and message of the error loading `text` as `0001_initial`.
fn parse_error(text: &[u8]) -> (usize, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("0001_initial.toml");
    std::fs::write(&path, text).unwrap();
    match MigrationSet::load(dir.path()) {
        Err(Error::Parse {
            path: p,
            line,
            message,
        }) => {
            assert_eq!(p, path);
            (line, message)
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn an_unknown_key_is_reported_at_its_own_line() {
    let text = "dependencies = []\n\n[[operations]]\nop = \"remove_field\"\nmodel = \"colour\"\n\
                column = \"x\"\n\n[[operations]]\nop = \"remove_field\"\nmodel = \"Post\"\n\
                colour = \"red\"\ncolumn = \"x\"\n";
    let expected = text.lines().position(|l| l.starts_with("colour")).unwrap() + 1;
    let (line, message) = parse_error(text.as_bytes());
    assert_eq!(line, expected, "{message}");
    assert!(message.contains("unknown field `colour`"), "{message}");

    // In an inline table of an operation.
    let text = "[[operations]]\nop = \"add_field\"\nmodel = \"Post\"\n\
                field = { column = \"x\", type = \"text\", null = true, colour = 1 }\n";
    let (line, message) = parse_error(text.as_bytes());
    assert_eq!(line, 4, "{message}");
    assert!(message.contains("unknown field `colour`"), "{message}");

    // In a dialect's SQL section, after an operation that has the key.
    let text = "[[operations]]\nop = \"run_sql\"\nforward = { postgres = [\"SELECT 1\"] }\n\n\
                [sql.postgres]\nforward = []\nforwards = []\n";
    let (line, message) = parse_error(text.as_bytes());
    assert_eq!(line, 7, "{message}");
    assert!(message.contains("unknown field `forwards`"), "{message}");
}

#[test]
fn invalid_utf8_is_reported_with_its_line_and_byte() {
    let mut text = b"dependencies = []\n\n[[operations]]\nop = \"run_sql\"\n".to_vec();
    text.extend_from_slice(b"description = \"caf\xe9\"\n");
    let byte = text.iter().position(|b| *b == 0xe9).unwrap();
    let expected_line = text[..byte].iter().filter(|b| **b == b'\n').count() + 1;
    let (line, message) = parse_error(&text);
    assert_eq!(line, expected_line, "{message}");
    assert!(message.contains("UTF-8"), "{message}");
    assert!(message.contains(&format!("byte {byte}")), "{message}");
}

#[test]
fn replaying_an_operation_that_does_not_apply_names_the_migration() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("0001_initial.toml"),
        "[[operations]]\nop = \"remove_field\"\nmodel = \"Ghost\"\ncolumn = \"x\"\n",
    )
    .unwrap();
    let err = MigrationSet::load(dir.path())
        .unwrap()
        .replay()
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("0001_initial") && text.contains("no model `Ghost`"),
        "{text}"
    );
}

#[test]
fn unknown_dependency_is_a_graph_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("0002_x.toml"),
        "dependencies = [\"0001_gone\"]\n",
    )
    .unwrap();
    let err = MigrationSet::load(dir.path()).unwrap_err();
    assert!(err.to_string().contains("0001_gone"), "{err}");
}

#[test]
fn branches_with_the_same_parent_are_a_conflict_until_merged() {
    let dir = tempfile::tempdir().unwrap();
    let mut q = ScriptedQuestioner::new();
    let base = ProjectState::new().with(tag());
    make(dir.path(), &base, &mut q).unwrap();
    // Two branches each add a migration on top of 0001.
    let branch_a = dir.path().join("a");
    let branch_b = dir.path().join("b");
    for (branch, state) in [
        (&branch_a, base.clone().with(author())),
        (
            &branch_b,
            base.clone()
                .with(tag().column(FieldState::new("color", ColumnType::Varchar(7)).null())),
        ),
    ] {
        std::fs::create_dir(branch).unwrap();
        std::fs::copy(
            dir.path().join("0001_initial.toml"),
            branch.join("0001_initial.toml"),
        )
        .unwrap();
        make(branch, &state, &mut q).unwrap();
    }
    std::fs::copy(
        branch_a.join("0002_author.toml"),
        dir.path().join("0002_author.toml"),
    )
    .unwrap();
    std::fs::copy(
        branch_b.join("0002_add_tag_color.toml"),
        dir.path().join("0002_add_tag_color.toml"),
    )
    .unwrap();

    let merged_state = base
        .clone()
        .with(author())
        .with(tag().column(FieldState::new("color", ColumnType::Varchar(7)).null()));
    let err = makemigrations(&MakeOptions::new(dir.path()), &merged_state, &mut q).unwrap_err();
    assert!(
        matches!(&err, Error::Conflict { leaves } if leaves.len() == 2),
        "{err}"
    );
    assert!(err.to_string().contains("--merge"));

    let mut options = MakeOptions::new(dir.path());
    options.merge = true;
    let report = makemigrations(&options, &merged_state, &mut q).unwrap();
    let merge = report.migration.unwrap().migration;
    assert_eq!(merge.name, "0003_merge_0002_0002");
    assert_eq!(merge.dependencies, ["0002_add_tag_color", "0002_author"]);
    assert!(merge.operations.is_empty());
    assert_eq!(make(dir.path(), &merged_state, &mut q), None);
    assert_eq!(names(dir.path()).len(), 4);
}

#[test]
fn empty_migration_and_custom_names() {
    let dir = tempfile::tempdir().unwrap();
    let state = ProjectState::new().with(tag());
    let mut q = ScriptedQuestioner::new();
    let mut options = MakeOptions::new(dir.path());
    options.name = Some("Create tags!".into());
    makemigrations(&options, &state, &mut q).unwrap();
    options.name = None;
    options.empty = true;
    makemigrations(&options, &state, &mut q).unwrap();
    assert_eq!(names(dir.path()), ["0001_create_tags", "0002_empty"]);
}

fn run_cli(args: &[&str], state: &ProjectState) -> (i32, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let cli = Cli::try_parse_from(std::iter::once("manage").chain(args.iter().copied())).unwrap();
    let status = cli::run(cli, state, None, &mut out, &mut err);
    let mut text = String::from_utf8(out).unwrap();
    text.push_str(&String::from_utf8(err).unwrap());
    (status, text)
}

#[test]
fn cli_check_fails_when_models_and_migrations_disagree() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let state = ProjectState::new().with(tag());
    let (status, out) = run_cli(&["makemigrations", "--check", "--dir", d], &state);
    assert_eq!(status, 1, "{out}");
    assert!(names(dir.path()).is_empty(), "--check writes nothing");
    let (status, out) = run_cli(
        &["makemigrations", "--dry-run", "--no-input", "--dir", d],
        &state,
    );
    assert_eq!(status, 0);
    assert!(out.contains("op = \"create_model\""), "{out}");
    assert!(names(dir.path()).is_empty(), "--dry-run writes nothing");
    let (status, out) = run_cli(&["makemigrations", "--no-input", "--dir", d], &state);
    assert_eq!(status, 0, "{out}");
    assert!(
        out.contains("Wrote") && out.contains("Create model Tag"),
        "{out}"
    );
    let (status, out) = run_cli(&["makemigrations", "--check", "--dir", d], &state);
    assert_eq!((status, out.trim()), (0, "No changes detected"));
    let (status, out) = run_cli(
        &["sqlmigrate", "0001", "--dialect", "mysql", "--dir", d],
        &state,
    );
    assert_eq!(status, 0);
    assert!(out.starts_with("CREATE TABLE `tag`"), "{out}");
    let (status, out) = run_cli(
        &["sqlmigrate", "0009", "--dialect", "mysql", "--dir", d],
        &state,
    );
    assert_eq!(status, 2);
    assert!(out.contains("no migration named `0009`"), "{out}");
}

#[test]
fn cli_no_input_fails_clearly_when_a_value_is_needed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    run_cli(
        &["makemigrations", "--no-input", "--dir", d],
        &ProjectState::new().with(tag()),
    );
    let (status, out) = run_cli(
        &["makemigrations", "--no-input", "--dir", d],
        &ProjectState::new().with(tag().field("color", ColumnType::Varchar(7))),
    );
    assert_eq!(status, 2);
    assert!(
        out.contains("`Tag.color` is NOT NULL without a default"),
        "{out}"
    );
    // `--check` still reports the change as a change.
    let (status, _) = run_cli(
        &["makemigrations", "--check", "--dir", d],
        &ProjectState::new().with(tag().field("color", ColumnType::Varchar(7))),
    );
    assert_eq!(status, 1);
}

#[test]
fn unsupported_dialect_feature_is_recorded_not_fatal() {
    // MySQL cannot index unbounded text; the other dialects can.
    let dir = tempfile::tempdir().unwrap();
    let state = ProjectState::new().with(
        ModelState::new("Note")
            .pk("id")
            .field("body", ColumnType::Text)
            .index("note_body_idx", &["body"]),
    );
    make(dir.path(), &state, &mut ScriptedQuestioner::new()).unwrap();
    let err = sqlmigrate(dir.path(), "0001", Dialect::MySql, false).unwrap_err();
    assert!(err.to_string().contains("max_length"), "{err}");
    assert!(sqlmigrate(dir.path(), "0001", Dialect::Postgres, false)
        .unwrap()
        .contains("CREATE INDEX"));
}

#[test]
fn set_default_is_left_to_the_orm_on_mysql() {
    let dir = tempfile::tempdir().unwrap();
    let state = ProjectState::new().with(author()).with(
        ModelState::new("Post").pk("id").column(
            FieldState::new("author_id", ColumnType::BigInt)
                .default(DefaultValue::Int(1))
                .references("Author", OnDelete::SetDefault),
        ),
    );
    make(dir.path(), &state, &mut ScriptedQuestioner::new()).unwrap();
    let mysql = sqlmigrate(dir.path(), "0001", Dialect::MySql, false).unwrap();
    assert!(mysql.contains("ON DELETE NO ACTION"), "{mysql}");
    assert!(sqlmigrate(dir.path(), "0001", Dialect::Postgres, false)
        .unwrap()
        .contains("ON DELETE SET DEFAULT"));
}
