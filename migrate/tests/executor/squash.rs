//! `squashmigrations` and the squash's lifecycle on every database: a
//! fresh database runs the squash; one half-way through the range keeps
//! running the originals; one with the whole range treats the squash as
//! applied; after the originals are deleted the squash is a normal
//! migration on all of them, forwards and backwards.

use crate::support::{each_db, Ctx};
use clap::Parser;
use std::path::Path;
use strata::meta::OnDelete;
use strata::ColumnType;
use strata_migrate::cli::{run_async, Cli};
use strata_migrate::introspect::Schema;
use strata_migrate::loader::MigrationSet;
use strata_migrate::operations::{AddField, CreateModel, RenameField};
use strata_migrate::plan::State;
use strata_migrate::{
    writer, Error, FieldState, Migrator, ModelState, Operation, ProjectState, Target,
};

fn author() -> ModelState {
    ModelState::new("Author")
        .pk("id")
        .field("name", ColumnType::Varchar(100))
}

/// 0001 Author; 0002 Post; 0003 Post.title; 0004 title -> heading;
/// 0005 Author.email. Returns the state after each.
fn write_history(dir: &Path) -> Vec<ProjectState> {
    let post = ModelState::new("Post")
        .pk("id")
        .fk("author_id", "Author", OnDelete::Cascade);
    let steps: Vec<(&str, Vec<Operation>)> = vec![
        (
            "0001_initial",
            vec![Operation::CreateModel(CreateModel::from_model(&author()))],
        ),
        (
            "0002_post",
            vec![Operation::CreateModel(CreateModel::from_model(&post))],
        ),
        (
            "0003_post_title",
            vec![Operation::AddField(AddField {
                model: "Post".into(),
                field: FieldState::new("title", ColumnType::Varchar(200)),
                one_off_default: Some(strata_migrate::DefaultValue::Str(String::new())),
            })],
        ),
        (
            "0004_rename_title",
            vec![Operation::RenameField(RenameField {
                model: "Post".into(),
                old_column: "title".into(),
                new_column: "heading".into(),
            })],
        ),
        (
            "0005_author_email",
            vec![Operation::AddField(AddField {
                model: "Author".into(),
                field: FieldState::new("email", ColumnType::Varchar(254)).null(),
                one_off_default: None,
            })],
        ),
    ];
    let mut state = ProjectState::new();
    let mut states = Vec::new();
    let mut previous: Option<&str> = None;
    for (name, ops) in steps {
        let deps = previous.map(|p| vec![p.to_string()]).unwrap_or_default();
        let rendered = writer::render(name, deps, ops.clone(), &state).unwrap();
        writer::write(dir, &rendered).unwrap();
        for op in &ops {
            op.apply(&mut state).unwrap();
        }
        states.push(state.clone());
        previous = Some(name);
    }
    states
}

async fn manage(args: &[&str]) -> (i32, String, String) {
    let mut argv = vec!["manage"];
    argv.extend_from_slice(args);
    let cli = Cli::try_parse_from(argv).unwrap_or_else(|e| panic!("{e}"));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = run_async(cli, &ProjectState::new(), None, &mut out, &mut err).await;
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    (status, text(out), text(err))
}

/// Squashes 0002 ..= 0004 of `dir` through the command line.
async fn squash(dir: &Path) -> String {
    let dir = dir.to_string_lossy();
    let (status, out, err) = manage(&["squashmigrations", "0002", "0004", "--dir", &dir]).await;
    assert_eq!((status, err.as_str()), (0, ""), "{out}");
    out
}

const SQUASH: &str = "0002_squashed_0004";

fn delete_originals(dir: &Path) {
    for name in ["0002_post", "0003_post_title", "0004_rename_title"] {
        std::fs::remove_file(dir.join(format!("{name}.toml"))).unwrap();
    }
}

async fn assert_schema(ctx: &Ctx, state: &ProjectState, when: &str) {
    let live = Schema::introspect(&ctx.db).await.unwrap();
    let expected = Schema::expected(state, ctx.dialect()).unwrap();
    assert_eq!(live, expected, "{} {when}", ctx.dialect());
}

async fn statuses(ctx: &Ctx, dir: &Path) -> Vec<(String, State)> {
    let migrator = Migrator::new(MigrationSet::load(dir).unwrap());
    migrator
        .status(&ctx.db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.name, s.state))
        .collect()
}

fn all_applied(names: &[&str]) -> Vec<(String, State)> {
    names
        .iter()
        .map(|n| (n.to_string(), State::Applied))
        .collect()
}

async fn migrate(ctx: &Ctx, dir: &Path, target: Target) -> String {
    let mut out = Vec::new();
    Migrator::new(MigrationSet::load(dir).unwrap())
        .migrate(&ctx.db, &target, &mut out)
        .await
        .unwrap_or_else(|e| panic!("migrating {} to {target}: {e}", ctx.dialect()));
    String::from_utf8(out).unwrap()
}

#[test]
fn the_squash_replaces_the_range_with_optimized_operations() {
    let dir = tempfile::tempdir().unwrap();
    let states = write_history(dir.path());
    let before = MigrationSet::load(dir.path()).unwrap();
    let rendered =
        strata_migrate::squash::squash(&before, "0002", "0004_rename_title", None, false).unwrap();
    let squash = &rendered.migration;
    assert_eq!(squash.name, SQUASH);
    assert_eq!(
        squash.replaces,
        ["0002_post", "0003_post_title", "0004_rename_title"]
    );
    assert_eq!(squash.dependencies, ["0001_initial"]);
    // Three operations become one CreateModel with the final columns.
    let post = states[3].model("Post").unwrap();
    assert_eq!(
        squash.operations,
        vec![Operation::CreateModel(CreateModel::from_model(post))]
    );
    for dialect in [
        strata::Dialect::Postgres,
        strata::Dialect::MySql,
        strata::Dialect::Sqlite,
    ] {
        let script = squash.sql.get(dialect);
        assert!(
            script.forward[0].starts_with("CREATE TABLE"),
            "{dialect}: {:?}",
            script.forward
        );
        assert!(script.forward_error.is_none() && script.backward_error.is_none());
        assert!(!script.backward.is_empty());
    }
    writer::write(dir.path(), &rendered).unwrap();
    let text = std::fs::read_to_string(dir.path().join(format!("{SQUASH}.toml"))).unwrap();
    assert!(
        text.contains(
            "replaces = [\n    \"0002_post\",\n    \"0003_post_title\",\n    \"0004_rename_title\",\n]"
        ) && text.contains("# A squash: it stands for the migrations in `replaces`"),
        "{text}"
    );
    let after = MigrationSet::load(dir.path()).unwrap();
    assert_eq!(after.migrations[SQUASH].replaces, squash.replaces);
    // Without a database the squash stands for the range.
    let order: Vec<&str> = after
        .ordered()
        .unwrap()
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(order, ["0001_initial", SQUASH, "0005_author_email"]);
    assert_eq!(after.leaves(), ["0005_author_email"]);
    assert!(after.replay().unwrap().same_schema(&states[4]));
    assert_eq!(after.next_number(), 6);
    delete_originals(dir.path());
    let last = MigrationSet::load(dir.path()).unwrap();
    assert!(last.replay().unwrap().same_schema(&states[4]));
    assert_eq!(last.next_number(), 6);
}

#[test]
fn a_squash_needs_a_range_of_at_least_two_in_order() {
    let dir = tempfile::tempdir().unwrap();
    write_history(dir.path());
    let set = MigrationSet::load(dir.path()).unwrap();
    let reason =
        |from: &str, to: &str| match strata_migrate::squash::squash(&set, from, to, None, false) {
            Err(Error::Graph { reason }) => reason,
            other => panic!("{from}..{to}: {other:?}"),
        };
    assert!(reason("0004", "0002").contains("0002_post does not come after 0004_rename_title"));
    assert!(reason("0003", "0003").contains("is one migration"));
}

#[test]
fn sql_that_the_operations_do_not_give_is_refused_unless_rerendered() {
    let dir = tempfile::tempdir().unwrap();
    write_history(dir.path());
    let path = dir.path().join("0003_post_title.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let at = text.find("[sql.sqlite]").unwrap();
    let forward = at + text[at..].find("forward = [").unwrap() + "forward = [".len();
    let edited = format!(
        "{}\n    \"UPDATE post SET title = 'x'\",{}",
        &text[..forward],
        &text[forward..]
    );
    std::fs::write(&path, edited).unwrap();
    let set = MigrationSet::load(dir.path()).unwrap();
    match strata_migrate::squash::squash(&set, "0002", "0004", None, false) {
        Err(Error::SquashEditedSql { migration, dialect }) => {
            assert_eq!(
                (migration.as_str(), dialect),
                ("0003_post_title", strata::Dialect::Sqlite)
            )
        }
        other => panic!("{other:?}"),
    }
    let rendered = strata_migrate::squash::squash(&set, "0002", "0004", None, true).unwrap();
    assert!(!rendered
        .migration
        .sql
        .sqlite
        .forward
        .iter()
        .any(|s| s.contains("UPDATE")));
}

#[tokio::test]
async fn a_fresh_database_runs_the_squash_and_later_the_squash_alone() {
    each_db("squash_fresh", |ctx: Ctx| async move {
        let dir = tempfile::tempdir().unwrap();
        let states = write_history(dir.path());
        let out = squash(dir.path()).await;
        assert!(
            out.contains(
                "It replaces 0002_post, 0003_post_title, 0004_rename_title (3 operations, now 1)"
            ),
            "{out}"
        );
        let out = migrate(&ctx, dir.path(), Target::Latest).await;
        assert!(out.contains(&format!("Applying {SQUASH}... OK")), "{out}");
        assert!(!out.contains("0003_post_title"), "{out}");
        assert_schema(&ctx, &states[4], "after the squash").await;
        assert_eq!(
            statuses(&ctx, dir.path()).await,
            all_applied(&["0001_initial", SQUASH, "0005_author_email"])
        );
        delete_originals(dir.path());
        assert_eq!(
            migrate(&ctx, dir.path(), Target::Latest).await,
            "No migrations to apply.\n"
        );
        migrate(&ctx, dir.path(), Target::Migration("0001".into())).await;
        assert_schema(&ctx, &states[0], "after unapplying the squash").await;
        migrate(&ctx, dir.path(), Target::Latest).await;
        assert_schema(&ctx, &states[4], "after applying it again").await;
    })
    .await;
}

#[tokio::test]
async fn a_database_half_way_through_the_range_keeps_the_originals() {
    each_db("squash_half", |ctx: Ctx| async move {
        let dir = tempfile::tempdir().unwrap();
        let states = write_history(dir.path());
        migrate(&ctx, dir.path(), Target::Migration("0003".into())).await;
        squash(dir.path()).await;
        let status = statuses(&ctx, dir.path()).await;
        assert_eq!(
            status,
            vec![
                ("0001_initial".into(), State::Applied),
                ("0002_post".into(), State::Applied),
                ("0003_post_title".into(), State::Applied),
                ("0004_rename_title".into(), State::Pending),
                ("0005_author_email".into(), State::Pending),
            ]
        );
        // Its originals cannot be deleted yet: the error says so.
        let copy = tempfile::tempdir().unwrap();
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, copy.path().join(path.file_name().unwrap())).unwrap();
        }
        delete_originals(copy.path());
        let early = Migrator::new(MigrationSet::load(copy.path()).unwrap())
            .migrate(&ctx.db, &Target::Latest, &mut Vec::new())
            .await;
        match early {
            Err(Error::Graph { reason }) => assert!(
                reason.contains("0002_post, 0003_post_title")
                    && reason.contains("0004_rename_title")
                    && reason.contains("restore them"),
                "{reason}"
            ),
            other => panic!("{}: {other:?}", ctx.dialect()),
        }
        let out = migrate(&ctx, dir.path(), Target::Latest).await;
        assert!(
            out.contains("Applying 0004_rename_title... OK")
                && out.contains("Applying 0005_author_email... OK")
                && !out.contains(SQUASH),
            "{out}"
        );
        assert_schema(&ctx, &states[4], "after the originals").await;
        // With the whole range applied, the squash counts as applied.
        assert_eq!(
            statuses(&ctx, dir.path()).await,
            all_applied(&["0001_initial", SQUASH, "0005_author_email"])
        );
        delete_originals(dir.path());
        assert_eq!(
            statuses(&ctx, dir.path()).await,
            all_applied(&["0001_initial", SQUASH, "0005_author_email"])
        );
        assert_eq!(
            migrate(&ctx, dir.path(), Target::Latest).await,
            "No migrations to apply.\n"
        );
        // Backwards through the squash: its SQL runs, and the originals'
        // records go with it.
        let out = migrate(&ctx, dir.path(), Target::Migration("0001".into())).await;
        assert!(out.contains(&format!("Unapplying {SQUASH}... OK")), "{out}");
        assert_schema(&ctx, &states[0], "after unapplying the squash").await;
        let records = Migrator::new(MigrationSet::load(dir.path()).unwrap())
            .records(&ctx.db)
            .await
            .unwrap();
        assert_eq!(records.keys().collect::<Vec<_>>(), ["0001_initial"]);
        migrate(&ctx, dir.path(), Target::Latest).await;
        assert_schema(&ctx, &states[4], "after applying the squash").await;
    })
    .await;
}

#[tokio::test]
async fn a_database_with_the_whole_range_has_nothing_to_do() {
    each_db("squash_whole", |ctx: Ctx| async move {
        let dir = tempfile::tempdir().unwrap();
        let states = write_history(dir.path());
        migrate(&ctx, dir.path(), Target::Migration("0004".into())).await;
        squash(dir.path()).await;
        let mut status = all_applied(&["0001_initial", SQUASH]);
        status.push(("0005_author_email".into(), State::Pending));
        assert_eq!(statuses(&ctx, dir.path()).await, status);
        let out = migrate(&ctx, dir.path(), Target::Latest).await;
        assert!(out.starts_with("Applying 0005_author_email... OK"), "{out}");
        assert_schema(&ctx, &states[4], "after the migration after the squash").await;
    })
    .await;
}
