//! `manage check` (and `migrate --check`): the drift between a live
//! database and the state its *applied* migrations replay to, as a library
//! function.
//!
//! Only migrations the recorder lists as fully applied are replayed, in
//! the graph's order; one that failed or was interrupted part-way, or a
//! record whose file is gone, is reported as a difference of its own
//! (its changes, if any are there, then show up as drift too).
//! `makemigrations --check` is the other check: models against files.

use crate::apply::executor::Migrator;
use crate::apply::recorder::Status;
use crate::error::{Error, Result};
use crate::files::loader::{replay_into, MigrationSet};
use crate::inspect::drift::{self, Difference};
use crate::inspect::introspect::Schema;
use crate::state::ProjectState;
use std::path::Path;
use strata::Db;

/// What `check` found.
#[derive(Debug, Clone)]
pub struct CheckReport {
    /// The applied migrations the expected schema was replayed from, in
    /// order.
    pub applied: Vec<String>,
    /// Every difference; empty when the database matches.
    pub differences: Vec<Difference>,
}

impl CheckReport {
    /// Whether the database differs from its migrations.
    pub fn has_drift(&self) -> bool {
        !self.differences.is_empty()
    }

    /// The text `manage check` prints.
    pub fn render(&self) -> String {
        drift::render(self.applied.len(), &self.differences)
    }
}

/// Compares the database at `url` with what the migrations of `dir` that
/// it has applied say it should be.
pub async fn check(dir: &Path, url: &str) -> Result<CheckReport> {
    let set = MigrationSet::load(dir)?;
    let db = Db::connect(url).await.map_err(|source| Error::Database {
        action: "connecting to the database".into(),
        source: Box::new(source),
    })?;
    let result = check_db(set, &db).await;
    db.close().await;
    result
}

/// [`check`] on an open database.
pub async fn check_db(set: MigrationSet, db: &Db) -> Result<CheckReport> {
    let migrator = Migrator::new(set);
    let records = migrator.records(db).await?;
    let set = migrator.set();
    let mut state = ProjectState::new();
    let mut applied = Vec::new();
    let mut differences = Vec::new();
    for migration in set.ordered()? {
        match records.get(&migration.name).map(|r| r.status) {
            Some(Status::Applied) => {
                replay_into(&mut state, migration)?;
                applied.push(migration.name.clone());
            }
            Some(status) => differences.push(Difference::Migration {
                name: migration.name.clone(),
                problem: format!(
                    "{}; it is left out of the expected schema (see `manage showmigrations`)",
                    status.describe()
                ),
            }),
            None => {}
        }
    }
    for name in records.keys() {
        if !set.migrations.contains_key(name) {
            differences.push(Difference::Migration {
                name: name.clone(),
                problem: format!(
                    "is recorded in the database but has no file in {}",
                    set.dir.display()
                ),
            });
        }
    }
    let expected = Schema::expected(&state, db.dialect())?;
    let live = Schema::introspect(db).await?;
    differences.extend(drift::compare(&expected, &live));
    Ok(CheckReport {
        applied,
        differences,
    })
}
