//! `migrate --fake-initial`: adopting a database whose tables already
//! exist (made by hand, by an older tool, by Django), as Django does.
//!
//! Before migrating, each *initial* migration (one with no dependencies)
//! that is not yet recorded is looked at: when none of the tables it
//! creates exist, it runs as usual; when all of them exist and match what
//! it creates, it is recorded as applied without running; when only some
//! exist, or they differ, `migrate` stops with the differences before
//! anything is written.
//!
//! "Match" is the drift check of `manage check` over those tables, except
//! for index and unique-constraint *names and extra or missing indexes*,
//! which are printed as notes: they do not change what data the tables
//! hold, and a database made by another tool names them its own way
//! (Django: `<table>_<column>_<hash>`). `manage check` still lists them
//! afterwards, until a migration or a hand change aligns them.

use crate::apply::executor::Migrator;
use crate::apply::plan::Target;
use crate::error::{Error, Result};
use crate::files::loader::{replay_into, MigrationSet};
use crate::inspect::drift::{compare, Difference};
use crate::inspect::introspect::Schema;
use crate::state::ProjectState;
use std::io::Write;
use strata::Db;

/// Whether `difference` is about indexes only (a note, not a refusal).
fn is_index_only(difference: &Difference) -> bool {
    matches!(
        difference,
        Difference::MissingIndex { .. }
            | Difference::ExtraIndex { .. }
            | Difference::IndexChanged { .. }
    )
}

/// Records as applied every pending initial migration of `set` whose
/// tables already exist on `db` and match; returns their names.
pub async fn adopt<W: Write + ?Sized>(
    set: &MigrationSet,
    db: &Db,
    out: &mut W,
) -> Result<Vec<String>> {
    let records = Migrator::new(set.clone()).records(db).await?;
    let dialect = db.dialect();
    let mut state = ProjectState::new();
    let mut faked = Vec::new();
    let live = Schema::introspect(db).await?;
    for migration in set.ordered()? {
        let before = Schema::expected(&state, dialect)?;
        replay_into(&mut state, migration)?;
        if records.contains_key(&migration.name) || !migration.dependencies.is_empty() {
            continue;
        }
        let mut after = Schema::expected(&state, dialect)?;
        after.tables.retain(|t, _| !before.tables.contains_key(t));
        if after.tables.is_empty() {
            continue;
        }
        let present: Vec<&String> = after
            .tables
            .keys()
            .filter(|t| live.tables.contains_key(*t))
            .collect();
        if present.is_empty() {
            continue;
        }
        let mut existing = live.clone();
        existing.tables.retain(|t, _| after.tables.contains_key(t));
        let differences = compare(&after, &existing);
        let (notes, blocking): (Vec<Difference>, Vec<Difference>) =
            differences.into_iter().partition(is_index_only);
        if !blocking.is_empty() {
            return Err(Error::FakeInitialMismatch {
                migration: migration.name.clone(),
                differences: blocking.iter().map(ToString::to_string).collect(),
            });
        }
        for note in &notes {
            let _ = writeln!(out, "Note for {}: {note}", migration.name);
        }
        Migrator::new(set.clone())
            .fake(true)
            .migrate(db, &Target::Migration(migration.name.clone()), out)
            .await?;
        faked.push(migration.name.clone());
    }
    Ok(faked)
}
