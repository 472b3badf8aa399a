//! Pictures: `manage graph` (the migration graph) and `manage erd` (the
//! models' entity-relationship diagram), as Mermaid and DOT, pinned by
//! snapshots; the graph marks what a database has applied.

use crate::fixtures::{history, history_states};
use crate::support::{each_db, Ctx};
use clap::Parser;
use strata_migrate::cli::{run_async, Cli};
use strata_migrate::loader::MigrationSet;
use strata_migrate::picture::migration_graph;
use strata_migrate::state::{erd, PictureFormat};
use strata_migrate::{writer, Migrator, ProjectState, Target};

async fn manage(args: &[&str], models: &ProjectState) -> (i32, String, String) {
    let mut argv = vec!["manage"];
    argv.extend_from_slice(args);
    let cli = Cli::try_parse_from(argv).unwrap_or_else(|e| panic!("{e}"));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = run_async(cli, models, None, &mut out, &mut err).await;
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    (status, text(out), text(err))
}

fn snapshots(body: impl FnOnce()) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots");
    settings.bind(body);
}

/// The last state of the eight-step history: foreign keys (one nullable),
/// a unique column, an index and a many-to-many relation.
fn models() -> ProjectState {
    history_states().pop().unwrap().1
}

#[test]
fn erd_draws_tables_columns_keys_and_relations_in_mermaid_and_dot() {
    let state = models();
    let mermaid = erd(&state, PictureFormat::Mermaid);
    // Every table and every foreign key is drawn, as plain Rust counts them.
    for model in state.models.values() {
        assert!(
            mermaid.contains(&format!("    {} {{\n", model.table)),
            "{mermaid}"
        );
    }
    let fks = state
        .models
        .values()
        .flat_map(|m| &m.fields)
        .filter(|f| f.foreign_key.is_some())
        .count();
    let m2m = state.models.values().flat_map(|m| &m.many_to_many).count();
    let lines = mermaid.lines().filter(|l| l.contains("--")).count();
    assert_eq!(lines, fks + m2m, "{mermaid}");
    snapshots(|| {
        insta::assert_snapshot!("erd_mermaid", mermaid);
        insta::assert_snapshot!("erd_dot", erd(&state, PictureFormat::Dot));
    });
}

#[test]
fn graph_draws_branches_and_their_merge() {
    let dir = tempfile::tempdir().unwrap();
    let states = history_states();
    let s1 = states[0].1.clone();
    let write = |name: &str, deps: &[&str]| {
        let deps = deps.iter().map(|d| d.to_string()).collect();
        writer::write(
            dir.path(),
            &writer::render(name, deps, vec![], &s1).unwrap(),
        )
        .unwrap();
    };
    let ops = strata_migrate::autodetect(
        &ProjectState::new(),
        &s1,
        &mut strata_migrate::ScriptedQuestioner::new(),
    )
    .unwrap();
    let initial = writer::render("0001_initial", vec![], ops, &ProjectState::new()).unwrap();
    writer::write(dir.path(), &initial).unwrap();
    write("0002_left", &["0001_initial"]);
    write("0002_right", &["0001_initial"]);
    write("0003_merge", &["0002_right", "0002_left"]);
    let set = MigrationSet::load(dir.path()).unwrap();
    let mermaid = migration_graph(&set, None, PictureFormat::Mermaid).unwrap();
    assert_eq!(
        mermaid,
        "flowchart TD\n    m0001_initial[\"0001_initial\"]\n    m0002_left[\"0002_left\"]\n    \
         m0002_right[\"0002_right\"]\n    m0003_merge[\"0003_merge\"]\n    m0001_initial --> \
         m0002_left\n    m0001_initial --> m0002_right\n    m0002_left --> m0003_merge\n    \
         m0002_right --> m0003_merge\n"
    );
    snapshots(|| {
        insta::assert_snapshot!(
            "graph_dot",
            migration_graph(&set, None, PictureFormat::Dot).unwrap()
        );
    });
}

#[tokio::test]
async fn manage_graph_marks_what_the_database_applied_and_manage_erd_prints_the_models() {
    each_db("pictures_cli", |ctx: Ctx| async move {
        let history = history();
        let names = history.names();
        let dir = history.path().to_string_lossy().into_owned();
        Migrator::new(history.set())
            .migrate(
                &ctx.db,
                &Target::Migration(names[2].clone()),
                &mut Vec::new(),
            )
            .await
            .unwrap();
        let (status, out, err) = manage(
            &["graph", "--database", &ctx.url, "--dir", &dir],
            &ProjectState::new(),
        )
        .await;
        assert_eq!((status, err.as_str()), (0, ""), "{out}");
        let applied: Vec<String> = names[..3].iter().map(|n| format!("m{n}")).collect();
        let pending: Vec<String> = names[3..].iter().map(|n| format!("m{n}")).collect();
        assert!(
            out.contains(&format!("    class {} applied\n", applied.join(","))),
            "{out}"
        );
        assert!(
            out.contains(&format!("    class {} pending\n", pending.join(","))),
            "{out}"
        );
        let (status, dot, _) = manage(
            &[
                "graph",
                "--format",
                "dot",
                "--database",
                &ctx.url,
                "--dir",
                &dir,
            ],
            &ProjectState::new(),
        )
        .await;
        assert_eq!(status, 0);
        assert!(
            dot.contains(&format!(
                "    \"{}\" [style=filled, fillcolor=\"#d4edda\"",
                names[0]
            )),
            "{dot}"
        );
        assert_eq!(dot.matches("tooltip=\"pending\"").count(), names.len() - 3);

        let (status, out, _) = manage(&["erd"], &models()).await;
        assert_eq!(status, 0);
        assert_eq!(out, erd(&models(), PictureFormat::Mermaid));
        let err = Cli::try_parse_from(["manage", "erd", "--format", "svg"]).unwrap_err();
        assert!(
            err.to_string()
                .contains("unknown format `svg`; expected mermaid or dot"),
            "{err}"
        );
    })
    .await;
}
