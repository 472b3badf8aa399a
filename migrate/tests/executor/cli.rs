//! `manage migrate` and `manage showmigrations` through the command line
//! parser, as a project's manage binary runs them.

use crate::fixtures::short_history;
use crate::support::{each_db, Ctx};
use clap::Parser;
use strata_migrate::cli::{run_async, Cli};
use strata_migrate::ProjectState;

/// The status, what was printed and what was reported as errors.
async fn manage_with_errors(args: &[&str]) -> (i32, String, String) {
    let mut argv = vec!["manage"];
    argv.extend_from_slice(args);
    let cli = Cli::try_parse_from(argv).unwrap_or_else(|e| panic!("{e}"));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = run_async(cli, &ProjectState::new(), None, &mut out, &mut err).await;
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    (status, text(out), text(err))
}

async fn manage(args: &[&str]) -> (i32, String) {
    let (status, out, err) = manage_with_errors(args).await;
    assert_eq!(err, "", "no error expected");
    (status, out)
}

#[tokio::test]
async fn migrate_and_showmigrations_from_the_command_line() {
    each_db("cli_commands", |ctx: Ctx| async move {
        let history = short_history();
        let names = history.names();
        let dir = history.path().to_string_lossy().into_owned();
        let url = ctx.url.as_str();

        let (status, out) = manage(&["showmigrations", "--database", url, "--dir", &dir]).await;
        assert_eq!(status, 0, "{out}");
        assert_eq!(out, format!("[ ] {}\n[ ] {}\n", names[0], names[1]));

        let (status, out) = manage(&["migrate", "--plan", "--database", url, "--dir", &dir]).await;
        assert_eq!(status, 0, "{out}");
        assert!(
            out.starts_with(&format!("Planned operations:\nApply {}", names[0])),
            "{out}"
        );

        let (status, out) = manage(&["migrate", "0001", "--database", url, "--dir", &dir]).await;
        assert_eq!(status, 0, "{out}");
        assert!(
            out.starts_with(&format!("Applying {}... OK (", names[0])),
            "{out}"
        );

        let (_, out) = manage(&["showmigrations", "--database", url, "--dir", &dir]).await;
        assert_eq!(out, format!("[X] {}\n[ ] {}\n", names[0], names[1]));

        let (status, out) = manage(&["migrate", "--database", url, "--dir", &dir]).await;
        assert_eq!(status, 0, "{out}");
        let (status, out) = manage(&["migrate", "zero", "--database", url, "--dir", &dir]).await;
        assert_eq!(status, 0, "{out}");
        assert!(
            out.contains(&format!("Unapplying {}... OK", names[1])),
            "{out}"
        );

        let (status, out, err) =
            manage_with_errors(&["migrate", "0009", "--database", url, "--dir", &dir]).await;
        assert_eq!(status, 2, "{out}");
        // Once, on the error stream only.
        assert_eq!(out, "");
        assert!(err.starts_with("error: no migration named `0009`"), "{err}");
        assert_eq!(err.matches("error:").count(), 1, "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    })
    .await;
}

#[test]
fn the_database_url_is_required_or_taken_from_database_url() {
    // Only this test reads DATABASE_URL in this binary.
    std::env::remove_var("DATABASE_URL");
    let err = Cli::try_parse_from(["manage", "migrate"])
        .unwrap_err()
        .to_string();
    assert!(err.contains("--database"), "{err}");
    std::env::set_var("DATABASE_URL", "sqlite::memory:");
    let cli = Cli::try_parse_from(["manage", "showmigrations"]).unwrap();
    assert!(format!("{cli:?}").contains("sqlite::memory:"));
    std::env::remove_var("DATABASE_URL");
}
