//! The committed migrations describe the quickstart's models exactly: the
//! guard `manage makemigrations --check` gives CI, run as a test.

use strata_migrate::loader::MigrationSet;
use strata_migrate::ProjectState;

#[test]
fn committed_migrations_match_the_models() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let replayed = MigrationSet::load(&dir).unwrap().replay().unwrap();
    let models = ProjectState::from_models(&quickstart::models()).unwrap();
    assert!(
        replayed.same_schema(&models),
        "models changed without a migration: run \
         `cargo run -p quickstart --bin quickstart-manage -- makemigrations --dir examples/quickstart/migrations`"
    );
}
