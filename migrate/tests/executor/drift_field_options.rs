//! `manage check` on a database whose migrations use the newer field
//! options (enum choices, `now` defaults, unsigned columns): what the
//! migrations made is what the check expects.

use crate::fixtures::write_history;
use crate::support::{each_db, Ctx};
use clap::Parser;
use strata::ColumnType;
use strata_migrate::cli::{run_async, Cli};
use strata_migrate::{ChoicesState, DefaultValue, FieldState, ModelState, ProjectState};

fn options() -> ProjectState {
    ProjectState::new().with(
        ModelState::new("Job")
            .pk("id")
            .column(
                FieldState::new("phase", ColumnType::Varchar(5))
                    .choices(ChoicesState::Text(vec!["draft".into(), "live".into()])),
            )
            .column(
                FieldState::new("weight", ColumnType::Integer)
                    .choices(ChoicesState::Integer(vec![1, 5])),
            )
            .column(
                FieldState::new("queued_at", ColumnType::DateTimeUtc).default(DefaultValue::Now),
            )
            .column(
                FieldState::new("queued_naive", ColumnType::DateTime).default(DefaultValue::Now),
            )
            .column(FieldState::new("queued_on", ColumnType::Date).default(DefaultValue::Now))
            .column(
                FieldState::new("queued_time", ColumnType::Time)
                    .null()
                    .default(DefaultValue::Now),
            )
            .column(FieldState::new("tiny", ColumnType::UnsignedTinyInt))
            .column(FieldState::new("big", ColumnType::UnsignedInt).default(DefaultValue::Int(3))),
    )
}

async fn manage(args: &[&str]) -> (i32, String) {
    let mut argv = vec!["manage"];
    argv.extend_from_slice(args);
    let cli = Cli::try_parse_from(argv).unwrap_or_else(|e| panic!("{e}"));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status = run_async(cli, &ProjectState::new(), None, &mut out, &mut err).await;
    let err = String::from_utf8_lossy(&err).into_owned();
    assert_eq!(err, "", "no error expected");
    (status, String::from_utf8_lossy(&out).into_owned())
}

#[tokio::test]
async fn field_options_made_by_migrations_are_no_drift() {
    each_db("drift_field_options", |ctx: Ctx| async move {
        let dir = tempfile::tempdir().expect("a temporary directory");
        write_history(dir.path(), vec![(None, options())]);
        let dir = dir.path().to_string_lossy().into_owned();
        let url = ctx.url.as_str();
        let (status, out) = manage(&["migrate", "--database", url, "--dir", &dir]).await;
        assert_eq!(status, 0, "{out}");
        let (status, out) = manage(&["check", "--database", url, "--dir", &dir]).await;
        assert_eq!(
            (status, out.as_str()),
            (
                0,
                "No drift: the database matches its 1 applied migration.\n"
            ),
            "on {}",
            ctx.dialect()
        );
    })
    .await;
}
