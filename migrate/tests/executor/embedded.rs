//! Migrations compiled into the binary with `embed_migrations!`, one of
//! which opts out of the transaction (`atomic = false`) for PostgreSQL's
//! `CREATE INDEX CONCURRENTLY`.

use crate::support::{each_db, Ctx};
use strata_migrate::embed::EmbeddedMigrations;
use strata_migrate::introspect::Schema;
use strata_migrate::{Migrator, Target};

static FIXTURES: EmbeddedMigrations = strata_migrate::embed_migrations!("tests/executor/fixtures");

#[test]
fn embedded_migrations_are_the_files_of_the_directory() {
    let names: Vec<&str> = FIXTURES.names().collect();
    assert_eq!(
        names,
        vec!["0001_initial", "0002_index_note_title_concurrently"]
    );
    let embedded = FIXTURES.load().unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/executor/fixtures");
    let loaded = strata_migrate::loader::MigrationSet::load(&dir).unwrap();
    assert_eq!(embedded.migrations, loaded.migrations);
    assert!(
        !embedded
            .options("0002_index_note_title_concurrently")
            .atomic
    );
}

#[tokio::test]
async fn embedded_migrations_apply_and_a_non_atomic_one_runs_outside_a_transaction() {
    each_db("embedded_non_atomic", |ctx: Ctx| async move {
        let set = FIXTURES.load().unwrap();
        let state = set.replay().unwrap();
        let migrator = Migrator::new(set);
        let mut out = Vec::new();
        migrator
            .migrate(&ctx.db, &Target::Latest, &mut out)
            .await
            .unwrap_or_else(|e| panic!("on {}: {e}", ctx.dialect()));
        let printed = String::from_utf8_lossy(&out);
        assert!(
            printed.contains("Applying 0002_index_note_title_concurrently... OK"),
            "{printed}"
        );
        let live = Schema::introspect(&ctx.db).await.unwrap();
        assert_eq!(live, Schema::expected(&state, ctx.dialect()).unwrap());
        migrator
            .migrate(&ctx.db, &Target::Zero, &mut Vec::new())
            .await
            .unwrap_or_else(|e| panic!("back on {}: {e}", ctx.dialect()));
        assert!(Schema::introspect(&ctx.db).await.unwrap().tables.is_empty());
    })
    .await;
}
