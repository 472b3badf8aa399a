//! The executor: applies and unapplies migrations on a database.
//!
//! ```no_run
//! # async fn run() -> strata_migrate::Result<()> {
//! use strata_migrate::{loader::MigrationSet, Migrator, Target};
//!
//! let db = strata::Db::connect("sqlite://app.db").await.expect("a database");
//! let set = MigrationSet::load("migrations".as_ref())?;
//! Migrator::new(set)
//!     .migrate(&db, &Target::Latest, &mut std::io::stdout())
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! A run holds one connection throughout: it takes the migration lock
//! (a session advisory lock on PostgreSQL, `GET_LOCK` on MySQL/MariaDB,
//! an exclusive lock on `<database file>.migrate-lock` for a SQLite file;
//! released by the server or the OS if the process dies), creates the recorder table if needed, reads it
//! (after the lock, so a run that waited sees what the other applied),
//! plans ([`crate::apply::plan`]), then takes each step, printing one line per
//! migration: `Applying 0002_add_post_tags... OK (12 ms)`.
//!
//! How a migration runs:
//! - PostgreSQL and SQLite: in one transaction with its record, so a
//!   failure leaves no trace of it. On SQLite, a script that switches
//!   foreign keys off (a table rebuild) gets `PRAGMA foreign_keys = OFF`
//!   before `BEGIN` (SQLite ignores it inside a transaction), runs its
//!   `PRAGMA foreign_key_check`s and one for the whole database before
//!   `COMMIT`, failing and rolling back on any reported row, and has
//!   enforcement restored afterwards.
//! - MySQL/MariaDB, and any migration whose file says `atomic = false`:
//!   statement by statement, as MySQL commits DDL implicitly. The record
//!   is written first as `applying`; a failure marks it failed with the
//!   statement, and later runs refuse to continue until a person resolves
//!   it with `migrate --fake` (the error says how).

use crate::apply::plan::{self, Action, MigrationStatus, Plan, Step, Target};
use crate::apply::recorder::{self, Record, Status};
use crate::apply::run::{foreign_keys_enabled, forget, Run};
use crate::apply::{lint, lock, preflight};
use crate::error::{Error, Result};
use crate::files::loader::MigrationSet;
use crate::files::migration::Migration;
use crate::inspect::session::Session;
use chrono::Utc;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::time::Instant;
use strata::{Conn, Db, Dialect};

/// Applies a [`MigrationSet`] to databases.
#[derive(Debug, Clone)]
pub struct Migrator {
    set: MigrationSet,
    fake: bool,
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The steps taken, in order.
    pub steps: Vec<Step>,
}

impl Migrator {
    /// A migrator for `set`.
    pub fn new(set: MigrationSet) -> Migrator {
        Migrator { set, fake: false }
    }

    /// With `fake`, steps only write the recorder (`migrate --fake`): to
    /// mark migrations whose changes are already in the database as
    /// applied, to forget ones undone by hand, and to accept edited or
    /// failed migrations after fixing the database.
    pub fn fake(mut self, fake: bool) -> Migrator {
        self.fake = fake;
        self
    }

    /// The migrations.
    pub fn set(&self) -> &MigrationSet {
        &self.set
    }

    /// The plan that [`migrate`](Self::migrate) would follow now. Reads the
    /// recorder but changes nothing (it does not even create the table).
    pub async fn plan(&self, db: &Db, target: &Target) -> Result<Plan> {
        let records = self.read_records(db).await?;
        plan::plan(&self.set, &records, target, db.dialect(), self.fake)
    }

    /// Every migration with its state on `db`, for `showmigrations`.
    /// Changes nothing.
    pub async fn status(&self, db: &Db) -> Result<Vec<MigrationStatus>> {
        let records = self.read_records(db).await?;
        plan::status(&self.set, &records, db.dialect())
    }

    /// The recorder's rows on `db`, by name (none before the first run).
    pub async fn records(&self, db: &Db) -> Result<BTreeMap<String, Record>> {
        self.read_records(db).await
    }

    async fn read_records(&self, db: &Db) -> Result<BTreeMap<String, Record>> {
        let mut conn = db.acquire().await.map_err(recorder_error)?;
        recorder::read(&mut Session::Conn(&mut conn))
            .await
            .map_err(recorder_error)
    }

    /// Moves `db` to `target`, printing one line per migration to `out`.
    /// Waits while another run migrates the same database.
    pub async fn migrate<W: Write + ?Sized>(
        &self,
        db: &Db,
        target: &Target,
        out: &mut W,
    ) -> Result<Report> {
        let mut conn = db.acquire().await.map_err(|source| Error::Database {
            action: "connecting".into(),
            source: Box::new(source),
        })?;
        let held = lock::acquire(&mut conn, out).await?;
        let result = self.migrate_locked(&mut conn, target, out).await;
        let released = lock::release(&mut conn, held).await;
        let report = result?;
        released?;
        Ok(report)
    }

    async fn migrate_locked<W: Write + ?Sized>(
        &self,
        conn: &mut Conn,
        target: &Target,
        out: &mut W,
    ) -> Result<Report> {
        let dialect = conn.dialect();
        {
            let mut session = Session::Conn(conn);
            recorder::ensure_table(&mut session)
                .await
                .map_err(recorder_error)?;
        }
        let records = recorder::read(&mut Session::Conn(conn))
            .await
            .map_err(recorder_error)?;
        let plan = plan::plan(&self.set, &records, target, dialect, self.fake)?;
        preflight::check_data_migrations(&self.set, &plan, dialect)?;
        let runs: BTreeSet<&str> = plan
            .steps
            .iter()
            .filter(|s| matches!(s.action, Action::Apply | Action::Unapply))
            .map(|s| s.migration.as_str())
            .collect();
        let befores = lint::states_before(&self.set, &runs);
        if plan.is_empty() {
            let _ = writeln!(out, "No migrations to apply.");
        }
        let mut report = Report::default();
        for step in plan.steps {
            let migration = self.set.migrations.get(&step.migration).ok_or_else(|| {
                Error::UnknownMigration {
                    name: step.migration.clone(),
                    dir: self.set.dir.clone(),
                    candidates: Vec::new(),
                }
            })?;
            let verb = match step.action {
                Action::Apply | Action::RecordApplied => "Applying",
                Action::Unapply | Action::Forget => "Unapplying",
            };
            if let (Action::Apply | Action::Unapply, Some(before)) =
                (step.action, befores.get(&migration.name))
            {
                let forward = step.action == Action::Apply;
                preflight::check_data(conn, migration, before, forward, verb).await?;
            }
            let _ = write!(out, "{verb} {}...", migration.name);
            let _ = out.flush();
            let started = Instant::now();
            let outcome = match step.action {
                Action::Apply | Action::Unapply => {
                    self.run_step(conn, migration, step.action, started).await
                }
                Action::RecordApplied => {
                    let record = applied_record(migration, dialect, 0);
                    recorder::write(&mut Session::Conn(conn), &record)
                        .await
                        .map_err(recorder_error)
                }
                Action::Forget => forget(&mut Session::Conn(conn), migration)
                    .await
                    .map_err(recorder_error),
            };
            match outcome {
                Ok(()) if matches!(step.action, Action::RecordApplied | Action::Forget) => {
                    let _ = writeln!(out, " FAKED");
                }
                Ok(()) => {
                    let _ = writeln!(out, " OK ({} ms)", started.elapsed().as_millis());
                }
                Err(e) => {
                    let _ = writeln!(out, " FAILED");
                    return Err(e);
                }
            }
            report.steps.push(step);
        }
        Ok(report)
    }

    async fn run_step(
        &self,
        conn: &mut Conn,
        migration: &Migration,
        action: Action,
        started: Instant,
    ) -> Result<()> {
        let dialect = conn.dialect();
        let forward = action == Action::Apply;
        let script = migration.sql.get(dialect);
        let (statements, error, direction) = if forward {
            (&script.forward, &script.forward_error, "forward")
        } else {
            (&script.backward, &script.backward_error, "backward")
        };
        if let Some(reason) = error {
            return Err(Error::NoSql {
                migration: migration.name.clone(),
                dialect,
                direction,
                reason: reason.clone(),
            });
        }
        let run = Run {
            migration,
            forward,
            statements,
            started,
        };
        let atomic = dialect != Dialect::MySql && self.set.options(&migration.name).atomic;
        // SQLite's foreign-key enforcement is per connection: whatever a
        // script does to it, put it back as it was.
        let fk_before = if dialect == Dialect::Sqlite {
            Some(foreign_keys_enabled(conn).await?)
        } else {
            None
        };
        let result = if atomic {
            run.in_transaction(conn).await
        } else {
            run.statement_by_statement(conn, &self.set).await
        };
        if let Some(enabled) = fk_before {
            let restored = conn
                .execute_raw_sql(if enabled {
                    "PRAGMA foreign_keys = ON"
                } else {
                    "PRAGMA foreign_keys = OFF"
                })
                .await;
            if result.is_ok() {
                restored.map_err(|source| Error::Database {
                    action: "restoring SQLite foreign-key enforcement".into(),
                    source: Box::new(source),
                })?;
            }
        }
        result
    }
}

pub(super) fn applied_record(migration: &Migration, dialect: Dialect, duration_ms: i64) -> Record {
    Record {
        name: migration.name.clone(),
        checksum: recorder::checksum(migration, dialect),
        status: Status::Applied,
        applied_at: Utc::now(),
        duration_ms,
        failed_statement: None,
        error: None,
    }
}

pub(super) fn recorder_error(source: strata::Error) -> Error {
    Error::Database {
        action: format!("using the `{}` table", recorder::TABLE),
        source: Box::new(source),
    }
}
