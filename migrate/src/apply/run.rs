//! [`Run`]: one migration applied or unapplied: in one transaction where
//! the database allows, else statement by statement with a record of how
//! far it got; its Rust operations called; SQLite's foreign keys switched
//! off around a table rebuild and checked before the commit.

use super::executor::{applied_record, recorder_error};
use crate::apply::plan;
use crate::apply::preflight;
use crate::apply::recorder::{self, Status};
use crate::error::{Error, Result};
use crate::files::loader::MigrationSet;
use crate::files::migration::Migration;
use crate::inspect::session::{get, Session};
use crate::operations::run_rust;
use chrono::Utc;
use std::time::Instant;
use strata::{Conn, Dialect};

/// One migration being applied or unapplied.
pub(super) struct Run<'a> {
    pub(super) migration: &'a Migration,
    pub(super) forward: bool,
    pub(super) statements: &'a [String],
    pub(super) started: Instant,
}

impl Run<'_> {
    fn direction(&self) -> &'static str {
        if self.forward {
            "Applying"
        } else {
            "Unapplying"
        }
    }

    pub(super) async fn in_transaction(&self, conn: &mut Conn) -> Result<()> {
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

    pub(super) async fn statement_by_statement(
        &self,
        conn: &mut Conn,
        set: &MigrationSet,
    ) -> Result<()> {
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
pub(super) async fn forget(
    session: &mut Session<'_, '_>,
    migration: &Migration,
) -> strata::Result<()> {
    recorder::delete(session, &migration.name).await?;
    for name in &migration.replaces {
        recorder::delete(session, name).await?;
    }
    Ok(())
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

pub(super) async fn foreign_keys_enabled(conn: &mut Conn) -> Result<bool> {
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
