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
use crate::apply::{lint, lock, preflight};
use crate::error::{Error, Result};
use crate::files::loader::MigrationSet;
use crate::files::migration::Migration;
use crate::inspect::session::{get, Session};
use crate::operations::run_rust;
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

/// One migration being applied or unapplied.
struct Run<'a> {
    migration: &'a Migration,
    forward: bool,
    statements: &'a [String],
    started: Instant,
}

impl Run<'_> {
    fn direction(&self) -> &'static str {
        if self.forward {
            "Applying"
        } else {
            "Unapplying"
        }
    }

    async fn in_transaction(&self, conn: &mut Conn) -> Result<()> {
        let dialect = conn.dialect();
        let rebuilds =
            dialect == Dialect::Sqlite && self.statements.iter().any(|s| is_foreign_keys_pragma(s));
        if rebuilds {
            conn.execute_raw_sql("PRAGMA foreign_keys = OFF")
                .await
                .map_err(|source| Error::Database {
                    action: "switching SQLite foreign keys off".into(),
                    source: Box::new(source),
                })?;
        }
        let begin = if dialect == Dialect::Sqlite {
            "BEGIN IMMEDIATE"
        } else {
            "BEGIN"
        };
        let mut tx = conn
            .begin_with(begin)
            .await
            .map_err(|source| Error::Database {
                action: format!("starting the transaction of {}", self.migration.name),
                source: Box::new(source),
            })?;
        let outcome = "It ran in a transaction that was rolled back: nothing of it was \
                       applied and it is not recorded.";
        let result = async {
            let mut session = Session::Tx(&mut tx);
            for statement in self.statements {
                if dialect == Dialect::Sqlite && is_foreign_keys_pragma(statement) {
                    continue;
                }
                self.run_statement(&mut session, statement, outcome).await?;
            }
            if rebuilds {
                self.check_foreign_keys(&mut session, "PRAGMA foreign_key_check", outcome)
                    .await?;
            }
            self.record(&mut session).await
        }
        .await;
        match result {
            Ok(()) => tx.commit().await.map_err(|source| Error::Database {
                action: format!("committing {}", self.migration.name),
                source: Box::new(source),
            }),
            Err(e) => {
                // The error matters more than a failed rollback, and a
                // transaction that cannot roll back is dropped, which
                // rolls it back on the connection's next use.
                let _ = tx.rollback().await;
                Err(e)
            }
        }
    }

    async fn statement_by_statement(&self, conn: &mut Conn, set: &MigrationSet) -> Result<()> {
        let dialect = conn.dialect();
        let name = &self.migration.name;
        let before = plan::before(set, name);
        let mut session = Session::Conn(conn);
        let status = if self.forward {
            Status::Applying
        } else {
            Status::Unapplying
        };
        let mut record = applied_record(self.migration, dialect, 0);
        record.status = status;
        recorder::write(&mut session, &record)
            .await
            .map_err(recorder_error)?;
        let why = if dialect == Dialect::MySql {
            "MySQL/MariaDB commits each DDL statement, so"
        } else {
            "The migration is not atomic (atomic = false), so"
        };
        let outcome = format!(
            "{why} the statements before the failed one stay applied; {name} is recorded as \
             failed and later runs stop until it is resolved. Fix the database by hand, then \
             record what you did:\n  \
             manage migrate --fake {name}   # the migration is now fully applied\n  \
             manage migrate --fake {before}   # the migration is now fully undone"
        );
        for statement in self.statements {
            if let Err(e) = self.run_statement(&mut session, statement, &outcome).await {
                record.status = if self.forward {
                    Status::ApplyFailed
                } else {
                    Status::UnapplyFailed
                };
                record.failed_statement = Some(statement.clone());
                record.error = Some(match &e {
                    Error::MigrationFailed { source, .. } => source_message(source),
                    other => other.to_string(),
                });
                record.applied_at = Utc::now();
                // The statement's error is what the user needs; a failure to
                // record it is reported after it.
                if let Err(recording) = recorder::write(&mut session, &record).await {
                    return Err(Error::Database {
                        action: format!(
                            "{e}\nand then recording {name} as failed also failed (its record \
                             says `{}`)",
                            status.as_str()
                        ),
                        source: Box::new(recording),
                    });
                }
                return Err(e);
            }
        }
        self.record(&mut session).await
    }

    /// Writes (forwards) or deletes (backwards) the migration's record.
    async fn record(&self, session: &mut Session<'_, '_>) -> Result<()> {
        if self.forward {
            let duration = i64::try_from(self.started.elapsed().as_millis()).unwrap_or(i64::MAX);
            let record = applied_record(self.migration, session.dialect(), duration);
            recorder::write(session, &record).await
        } else {
            forget(session, self.migration).await
        }
        .map_err(recorder_error)
    }

    async fn run_statement(
        &self,
        session: &mut Session<'_, '_>,
        statement: &str,
        outcome: &str,
    ) -> Result<()> {
        if session.dialect() == Dialect::Sqlite && is_foreign_key_check(statement) {
            return self.check_foreign_keys(session, statement, outcome).await;
        }
        if let Some(function) = run_rust::called_function(statement) {
            return self.call_rust(session, function, outcome).await;
        }
        session
            .execute_raw(statement)
            .await
            .map(|_| ())
            .map_err(|source| Error::MigrationFailed {
                migration: self.migration.name.clone(),
                direction: self.direction(),
                statement: statement.to_string(),
                source: Box::new(source),
                outcome: outcome.to_string(),
            })
    }

    /// Calls the data-migration function `function` on the migration's
    /// transaction; where the migration runs statement by statement
    /// (MySQL/MariaDB, `atomic = false`), on a transaction of its own, so
    /// that a failing function leaves none of its writes behind.
    async fn call_rust(
        &self,
        session: &mut Session<'_, '_>,
        function: &str,
        outcome: &str,
    ) -> Result<()> {
        let call = run_rust::lookup(function).map_err(|e| Error::UnknownDataMigration {
            migration: self.migration.name.clone(),
            function: function.to_string(),
            problem: preflight::lookup_problem(e),
        })?;
        let failed = |source: strata::Error, outcome: &str| Error::DataMigrationFailed {
            migration: self.migration.name.clone(),
            direction: self.direction(),
            function: function.to_string(),
            source: Box::new(source),
            outcome: outcome.to_string(),
        };
        match session {
            Session::Tx(tx) => call(tx).await.map_err(|e| failed(e, outcome)),
            Session::Conn(conn) => {
                let mut tx = conn.begin().await.map_err(|e| failed(e, outcome))?;
                match call(&mut tx).await {
                    Ok(()) => tx.commit().await.map_err(|e| failed(e, outcome)),
                    Err(e) => {
                        let _ = tx.rollback().await;
                        let outcome = format!(
                            "The function ran in a transaction of its own, which was rolled \
                             back. {outcome}"
                        );
                        Err(failed(e, &outcome))
                    }
                }
            }
        }
    }

    async fn check_foreign_keys(
        &self,
        session: &mut Session<'_, '_>,
        statement: &str,
        outcome: &str,
    ) -> Result<()> {
        let violations = session
            .fetch_raw(statement, |row| {
                let table: String = get(row, 0, "table")?;
                let rowid: Option<i64> = get(row, 1, "rowid")?;
                let parent: String = get(row, 2, "parent")?;
                Ok(format!(
                    "{table} row {} -> {parent}",
                    rowid.map_or_else(|| "?".to_string(), |r| r.to_string())
                ))
            })
            .await
            .map_err(|source| Error::MigrationFailed {
                migration: self.migration.name.clone(),
                direction: self.direction(),
                statement: statement.to_string(),
                source: Box::new(source),
                outcome: outcome.to_string(),
            })?;
        match violations.first() {
            None => Ok(()),
            Some(first) => Err(Error::ForeignKeyViolation {
                migration: self.migration.name.clone(),
                statement: statement.to_string(),
                rows: violations.len(),
                first: first.clone(),
                outcome: outcome.to_string(),
            }),
        }
    }
}

/// Deletes the record of `migration`, and for a squash those of the
/// migrations it replaces (a database that ran the originals recorded
/// them, and they stand for the squash).
async fn forget(session: &mut Session<'_, '_>, migration: &Migration) -> strata::Result<()> {
    recorder::delete(session, &migration.name).await?;
    for name in &migration.replaces {
        recorder::delete(session, name).await?;
    }
    Ok(())
}

fn applied_record(migration: &Migration, dialect: Dialect, duration_ms: i64) -> Record {
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

fn recorder_error(source: strata::Error) -> Error {
    Error::Database {
        action: format!("using the `{}` table", recorder::TABLE),
        source: Box::new(source),
    }
}

/// The database's own message of a failed statement.
fn source_message(error: &strata::Error) -> String {
    match error {
        strata::Error::Query { source, .. } => source.to_string(),
        strata::Error::UniqueViolation { source, .. }
        | strata::Error::ForeignKeyViolation { source, .. }
        | strata::Error::NotNullViolation { source, .. } => source.to_string(),
        other => other.to_string(),
    }
}

/// `PRAGMA foreign_keys = ON|OFF` (any case and spacing).
fn is_foreign_keys_pragma(statement: &str) -> bool {
    let compact: String = statement
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    matches!(
        compact.trim_end_matches(';'),
        "pragmaforeign_keys=off"
            | "pragmaforeign_keys=on"
            | "pragmaforeign_keys=0"
            | "pragmaforeign_keys=1"
    )
}

/// `PRAGMA foreign_key_check` with or without a table.
fn is_foreign_key_check(statement: &str) -> bool {
    let lower = statement.trim_start().to_ascii_lowercase();
    lower.starts_with("pragma foreign_key_check")
}

async fn foreign_keys_enabled(conn: &mut Conn) -> Result<bool> {
    let rows = Session::Conn(conn)
        .fetch_raw("PRAGMA foreign_keys", |row| {
            get::<i64>(row, 0, "foreign_keys")
        })
        .await
        .map_err(|source| Error::Database {
            action: "reading SQLite's foreign-key setting".into(),
            source: Box::new(source),
        })?;
    Ok(rows.first().copied().unwrap_or(0) != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rebuild_pragmas_are_recognized() {
        assert!(is_foreign_keys_pragma("PRAGMA foreign_keys = OFF"));
        assert!(is_foreign_keys_pragma("pragma foreign_keys=on;"));
        assert!(!is_foreign_keys_pragma("PRAGMA foreign_key_check(\"t\")"));
        assert!(is_foreign_key_check("PRAGMA foreign_key_check(\"t\")"));
        assert!(!is_foreign_key_check("SELECT 1"));
    }
}
