//! Field options through `makemigrations`: an enum's choices and a
//! `db_default` are part of the models' state, written to migration files
//! (and read back byte for byte), autodetected when they change, and
//! applied on every database, where the ORM then works; a `default_fn` is
//! Rust-side only, so a NOT NULL column with one still needs a one-off
//! value for the rows already there.

use chrono::{DateTime, Utc};
use std::path::Path;
use strata::prelude::*;
use strata_migrate::commands::{makemigrations, MakeOptions};
use strata_migrate::loader::MigrationSet;
use strata_migrate::*;
use strata_tests::each_db;

#[derive(FieldType, Debug, Clone, Copy, PartialEq, Default)]
pub enum Phase {
    #[default]
    Draft,
    Live,
}

/// `Phase` with one variant more: the next version of the model.
#[derive(FieldType, Debug, Clone, Copy, PartialEq, Default)]
pub enum PhaseV2 {
    #[default]
    Draft,
    Live,
    #[strata(value = "it's done")]
    Done,
}

#[derive(FieldType, Debug, Clone, Copy, PartialEq)]
#[strata(stored_as = integer)]
pub enum Weight {
    Light = 1,
    Heavy = 5,
}

fn first_label() -> String {
    "first".to_string()
}

pub mod v1 {
    use super::*;

    #[derive(Model, Debug, Clone, PartialEq)]
    #[strata(table = "fo_job")]
    pub struct Job {
        pub id: i64,
        pub phase: Phase,
        pub weight: Option<Weight>,
        #[strata(db_default = now)]
        pub queued_at: DateTime<Utc>,
        #[strata(db_default = 1)]
        pub tries: i32,
        #[strata(max_length = 20, default_fn = super::first_label)]
        pub label: String,
    }
}

pub mod v2 {
    use super::*;

    /// `Done` added to the phases, `tries` without its database default.
    #[derive(Model, Debug, Clone, PartialEq)]
    #[strata(table = "fo_job")]
    pub struct Job {
        pub id: i64,
        pub phase: PhaseV2,
        pub weight: Option<Weight>,
        #[strata(db_default = now)]
        pub queued_at: DateTime<Utc>,
        pub tries: i32,
        #[strata(max_length = 20)]
        pub label: String,
    }
}

pub mod v3 {
    use super::*;

    /// v2 with a new NOT NULL column whose default is a Rust function.
    #[derive(Model, Debug, Clone, PartialEq)]
    #[strata(table = "fo_job")]
    pub struct Job {
        pub id: i64,
        pub phase: PhaseV2,
        pub weight: Option<Weight>,
        #[strata(db_default = now)]
        pub queued_at: DateTime<Utc>,
        pub tries: i32,
        #[strata(max_length = 20)]
        pub label: String,
        #[strata(max_length = 20, default_fn = super::first_label)]
        pub owner: String,
    }
}

fn state_of(meta: &'static strata::ModelMeta) -> ProjectState {
    ProjectState::from_models(&[meta]).unwrap()
}

#[test]
fn the_state_carries_choices_and_database_defaults_but_not_default_fn() {
    let state = state_of(v1::Job::META);
    let job = state.model("Job").unwrap();
    assert_eq!(
        job.get_field("phase").unwrap().choices,
        Some(ChoicesState::Text(vec!["draft".into(), "live".into()]))
    );
    assert_eq!(
        job.get_field("weight").unwrap().choices,
        Some(ChoicesState::Integer(vec![1, 5]))
    );
    assert_eq!(
        job.get_field("queued_at").unwrap().default,
        Some(DefaultValue::Now)
    );
    assert_eq!(
        job.get_field("tries").unwrap().default,
        Some(DefaultValue::Int(1))
    );
    // A function default is not a database default (as in Django).
    assert_eq!(job.get_field("label").unwrap().default, None);
}

#[test]
fn changed_choices_and_a_removed_database_default_are_field_alterations() {
    let ops = autodetect(
        &state_of(v1::Job::META),
        &state_of(v2::Job::META),
        &mut ScriptedQuestioner::new(),
    )
    .unwrap();
    let described: Vec<String> = ops.iter().map(Operation::describe).collect();
    assert_eq!(
        described,
        ["Alter field phase on Job", "Alter field tries on Job"]
    );
    let Operation::AlterField(phase) = &ops[0] else {
        panic!("{ops:?}")
    };
    assert_eq!(
        phase.field.choices,
        Some(ChoicesState::Text(vec![
            "draft".into(),
            "live".into(),
            "it's done".into()
        ]))
    );
    // Back again: the same two alterations the other way.
    let back = autodetect(
        &state_of(v2::Job::META),
        &state_of(v1::Job::META),
        &mut ScriptedQuestioner::new(),
    )
    .unwrap();
    assert_eq!(back.len(), 2);
}

#[test]
fn a_not_null_column_with_only_a_default_fn_asks_for_a_one_off_value() {
    let old = state_of(v2::Job::META);
    let new = state_of(v3::Job::META);
    // Without an answer there is no value for the rows already there.
    let err = autodetect(&old, &new, &mut ScriptedQuestioner::new()).unwrap_err();
    assert!(err.to_string().contains("owner"), "{err}");
    let mut questioner =
        ScriptedQuestioner::new().value("Job", "owner", DefaultValue::Str("nobody".into()));
    let ops = autodetect(&old, &new, &mut questioner).unwrap();
    assert_eq!(questioner.asked, ["value for new Job.owner"]);
    let Operation::AddField(add) = &ops[0] else {
        panic!("{ops:?}")
    };
    assert_eq!(
        add.one_off_default,
        Some(DefaultValue::Str("nobody".into()))
    );
    assert_eq!(add.field.default, None, "the column keeps no default");
}

/// The migrations of v1 then v2, in `dir`.
fn make_history(dir: &Path) {
    let mut questioner = ScriptedQuestioner::new();
    for state in [state_of(v1::Job::META), state_of(v2::Job::META)] {
        makemigrations(&MakeOptions::new(dir), &state, &mut questioner).unwrap();
        let replayed = MigrationSet::load(dir).unwrap().replay().unwrap();
        assert!(
            replayed.same_schema(&state),
            "replay gives the models' state"
        );
        let again = makemigrations(&MakeOptions::new(dir), &state, &mut questioner).unwrap();
        assert!(!again.has_changes(), "nothing left to do");
    }
}

fn files(dir: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p.file_stem().unwrap().to_string_lossy().into_owned(), text)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn migration_files_spell_choices_and_now_and_read_back_byte_stable() {
    let dir = tempfile::tempdir().unwrap();
    make_history(dir.path());
    let written = files(dir.path());
    assert_eq!(written.len(), 2);
    let initial = &written[0].1;
    assert!(
        initial.contains("choices = [\n    \"draft\",\n    \"live\",\n]"),
        "{initial}"
    );
    assert!(
        initial.contains("choices = [\n    1,\n    5,\n]"),
        "{initial}"
    );
    assert!(
        initial.contains("[operations.fields.default]\nexpression = \"now\"\n"),
        "{initial}"
    );
    // Read, then written again from what was read: the same bytes.
    let mut state = ProjectState::new();
    for (name, text) in &written {
        let path = dir.path().join(format!("{name}.toml"));
        let migration = loader::parse(&path, name, text).unwrap();
        let rendered = writer::render(
            name,
            migration.dependencies.clone(),
            migration.operations.clone(),
            &state,
        )
        .unwrap();
        assert_eq!(&writer::to_toml(&rendered).unwrap(), text, "{name}");
        for op in &migration.operations {
            op.apply(&mut state).unwrap();
        }
    }
}

/// Runs every migration's forward SQL for the database's dialect.
async fn apply(db: &Db, dir: &Path, count: usize) {
    let set = MigrationSet::load(dir).unwrap();
    for migration in set.ordered().unwrap().into_iter().take(count) {
        let script = migration.sql.get(db.dialect());
        assert!(script.forward_error.is_none(), "{:?}", script.forward_error);
        for sql in &script.forward {
            db.execute_raw_sql(strata::AssertSqlSafe(sql.clone()))
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
    }
}

#[tokio::test]
async fn the_orm_works_on_the_migrated_field_options() {
    let dir = tempfile::tempdir().unwrap();
    make_history(dir.path());
    let path = dir.path().to_path_buf();
    each_db("fo_migrated_field_options", |db| {
        let path = path.clone();
        async move {
            apply(&db, &path, 1).await;
            let from = Utc::now() - chrono::Duration::seconds(2);
            let mut job = v1::Job {
                id: 0,
                phase: Phase::Live,
                weight: Some(Weight::Heavy),
                queued_at: DateTime::<Utc>::UNIX_EPOCH,
                tries: 0,
                label: first_label(),
            };
            job.insert(&db).await.unwrap();
            let to = Utc::now() + chrono::Duration::seconds(2);
            assert_eq!(job.tries, 1, "the database default");
            assert!(from <= job.queued_at && job.queued_at <= to);
            assert_eq!(v1::Job::objects().get(&db).await.unwrap(), job);
            // The CHECK the migration made refuses what the enum cannot hold.
            let done = "INSERT INTO fo_job (phase, tries, label) VALUES ('it''s done', 1, 'x')";
            assert!(db.execute_raw_sql(done).await.is_err());
            let heavier = "INSERT INTO fo_job (phase, weight, label) VALUES ('live', 7, 'x')";
            assert!(db.execute_raw_sql(heavier).await.is_err());

            apply_from(&db, &path, 1).await;
            let mut done = v2::Job {
                id: 0,
                phase: PhaseV2::Done,
                weight: None,
                queued_at: DateTime::<Utc>::UNIX_EPOCH,
                tries: 4,
                label: "second".into(),
            };
            done.insert(&db).await.unwrap();
            let loaded = v2::Job::objects()
                .filter(v2::Job::phase().eq(PhaseV2::Done))
                .get(&db)
                .await
                .unwrap();
            assert_eq!(loaded, done);
            // `tries` lost its database default: a row must give it.
            let no_tries = "INSERT INTO fo_job (phase, label) VALUES ('live', 'x')";
            assert!(db.execute_raw_sql(no_tries).await.is_err());
        }
    })
    .await;
}

/// Runs the forward SQL of the migrations after the first `skip`.
async fn apply_from(db: &Db, dir: &Path, skip: usize) {
    let set = MigrationSet::load(dir).unwrap();
    for migration in set.ordered().unwrap().into_iter().skip(skip) {
        let script = migration.sql.get(db.dialect());
        for sql in &script.forward {
            db.execute_raw_sql(strata::AssertSqlSafe(sql.clone()))
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
    }
}
