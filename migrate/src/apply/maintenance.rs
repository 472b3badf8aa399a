//! Keeping the recorder in step with the files, without running any
//! migration: `migrate --prune` forgets the records of migration files
//! that were deleted, and `migrate --repair-checksums` accepts applied
//! files whose SQL was only re-spaced since.
//!
//! Both take the migration lock, like a run.
//!
//! How a repair knows that an edit is whitespace only: the recorder keeps
//! the checksum of the SQL that was applied, not the SQL. The repair
//! renders the SQL that the file's operations give (what `makemigrations`
//! wrote); when its checksum is the recorded one, that is the SQL that was
//! applied, and the operations are unchanged. The file's SQL is then
//! compared with it statement by statement, ignoring whitespace outside
//! quoted strings and identifiers (`a  =  b` is `a=b`, `'a  b'` is not
//! `'a b'`). Any other edit is refused and left to `migrate --fake`, after
//! a person has checked the database.

use crate::apply::executor::Migrator;
use crate::apply::recorder::{self, checksum, Record, Status};
use crate::apply::{lint, lock};
use crate::error::{Error, Result};
use crate::files::migration::{DialectScript, Migration};
use crate::inspect::session::Session;
use crate::state::ProjectState;
use std::collections::BTreeSet;
use std::io::Write;
use strata::{Conn, Db, Dialect};

fn recorder_error(source: strata::Error) -> Error {
    Error::Database {
        action: format!("using the `{}` table", recorder::TABLE),
        source: Box::new(source),
    }
}

impl Migrator {
    /// Deletes the records of migrations that have no file (`migrate
    /// --prune`), printing one line per record; returns their names.
    /// Records of every status are pruned: a file that is gone cannot be
    /// resolved any other way.
    pub async fn prune<W: Write + ?Sized>(&self, db: &Db, out: &mut W) -> Result<Vec<String>> {
        self.locked(db, out, |conn, out, set| {
            Box::pin(async move {
                let records = recorder::read(&mut Session::Conn(conn))
                    .await
                    .map_err(recorder_error)?;
                let gone: Vec<String> = records
                    .keys()
                    .filter(|name| !set.migrations.contains_key(*name))
                    .cloned()
                    .collect();
                if gone.is_empty() {
                    let _ = writeln!(out, "No records to prune.");
                }
                for name in &gone {
                    recorder::delete(&mut Session::Conn(conn), name)
                        .await
                        .map_err(recorder_error)?;
                    let _ = writeln!(out, "Pruned {name} (its file is gone)");
                }
                Ok(gone)
            })
        })
        .await
    }

    /// Records the current checksum of every applied migration whose SQL
    /// changed only in whitespace since it was applied (`migrate
    /// --repair-checksums`), printing one line per repair; returns their
    /// names. Refuses, changing nothing, if any edited migration changed
    /// more than whitespace (see the module docs).
    pub async fn repair_checksums<W: Write + ?Sized>(
        &self,
        db: &Db,
        out: &mut W,
    ) -> Result<Vec<String>> {
        self.locked(db, out, |conn, out, set| {
            Box::pin(async move {
                let dialect = conn.dialect();
                let records = recorder::read(&mut Session::Conn(conn))
                    .await
                    .map_err(recorder_error)?;
                let edited: Vec<(&Migration, &Record)> = set
                    .ordered()?
                    .into_iter()
                    .filter_map(|m| records.get(&m.name).map(|r| (m, r)))
                    .filter(|(m, r)| {
                        r.status == Status::Applied && r.checksum != checksum(m, dialect)
                    })
                    .collect();
                if edited.is_empty() {
                    let _ = writeln!(out, "No edited migrations to repair.");
                    return Ok(Vec::new());
                }
                let names: BTreeSet<&str> = edited.iter().map(|(m, _)| m.name.as_str()).collect();
                let befores = lint::states_before(set, &names);
                let mut refused = Vec::new();
                for (migration, record) in &edited {
                    let verdict = match befores.get(&migration.name) {
                        Some(before) => whitespace_only(migration, record, before, dialect),
                        None => Err("its operations do not replay".to_string()),
                    };
                    if let Err(reason) = verdict {
                        refused.push(format!("{}: {reason}", migration.name));
                    }
                }
                if !refused.is_empty() {
                    return Err(Error::ChecksumRepairRefused { problems: refused });
                }
                let mut repaired = Vec::new();
                for (migration, record) in edited {
                    let mut record = record.clone();
                    record.checksum = checksum(migration, dialect);
                    recorder::write(&mut Session::Conn(conn), &record)
                        .await
                        .map_err(recorder_error)?;
                    let _ = writeln!(
                        out,
                        "Repaired the checksum of {} (its SQL changed only in whitespace)",
                        migration.name
                    );
                    repaired.push(migration.name.clone());
                }
                Ok(repaired)
            })
        })
        .await
    }

    /// Runs `body` on a connection holding the migration lock, with the
    /// recorder table in place.
    async fn locked<W, T, F>(&self, db: &Db, out: &mut W, body: F) -> Result<T>
    where
        W: Write + ?Sized,
        F: for<'a> FnOnce(
            &'a mut Conn,
            &'a mut W,
            &'a crate::files::loader::MigrationSet,
        )
            -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<T>> + 'a>>,
    {
        let mut conn = db.acquire().await.map_err(|source| Error::Database {
            action: "connecting".into(),
            source: Box::new(source),
        })?;
        let held = lock::acquire(&mut conn, out).await?;
        let result = async {
            recorder::ensure_table(&mut Session::Conn(&mut conn))
                .await
                .map_err(recorder_error)?;
            body(&mut conn, out, self.set()).await
        }
        .await;
        let released = lock::release(&mut conn, held).await;
        let value = result?;
        released?;
        Ok(value)
    }
}

/// `Ok` when `migration`'s SQL on `dialect` differs from what `record`
/// says was applied only in whitespace; else why not.
fn whitespace_only(
    migration: &Migration,
    record: &Record,
    before: &ProjectState,
    dialect: Dialect,
) -> std::result::Result<(), String> {
    let rendered = render_forward(migration, before, dialect);
    let mut original = migration.clone();
    *original.sql.get_mut(dialect) = rendered.clone();
    if checksum(&original, dialect) != record.checksum {
        return Err(
            "cannot tell what was applied: its operations no longer give the SQL that was \
             applied (the operations were edited, or the SQL was written by hand); check the \
             database, then record the file as it is with `migrate --fake`"
                .into(),
        );
    }
    let now = migration.sql.get(dialect);
    if now.forward_error != rendered.forward_error {
        return Err("whether the dialect can run it changed".into());
    }
    if now.forward.len() != rendered.forward.len() {
        return Err(format!(
            "it has {} statements where {} were applied",
            now.forward.len(),
            rendered.forward.len()
        ));
    }
    for (i, (a, b)) in now.forward.iter().zip(&rendered.forward).enumerate() {
        if squeeze_whitespace(a) != squeeze_whitespace(b) {
            return Err(format!(
                "statement {} changed beyond whitespace: `{a}` was applied as `{b}`",
                i + 1
            ));
        }
    }
    Ok(())
}

/// The forward script the operations of `migration` give on `dialect`
/// from `before`, as the writer renders it.
fn render_forward(migration: &Migration, before: &ProjectState, dialect: Dialect) -> DialectScript {
    let mut state = before.clone();
    let mut script = DialectScript::default();
    for op in &migration.operations {
        match op.forward_sql(dialect, &state) {
            Ok(statements) => script.forward.extend(statements),
            Err(e) => {
                script.forward_error.get_or_insert_with(|| e.to_string());
            }
        }
        if op.apply(&mut state).is_err() {
            break;
        }
    }
    if script.forward_error.is_some() {
        script.forward.clear();
    }
    script
}

/// `sql` with whitespace outside quotes removed, except one space between
/// two word characters, so that re-spacing a statement does not change
/// it and changing a quoted string or identifier does.
pub(crate) fn squeeze_whitespace(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    let mut pending_space = false;
    let word = |c: char| c.is_alphanumeric() || c == '_';
    for c in sql.chars() {
        if let Some(q) = quote {
            out.push(c);
            if c == q {
                quote = None;
            }
            continue;
        }
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && out.chars().last().is_some_and(word) && word(c) {
            out.push(' ');
        }
        pending_space = false;
        if matches!(c, '\'' | '"' | '`') {
            quote = Some(c);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::squeeze_whitespace;

    #[test]
    fn whitespace_outside_quotes_is_ignored_and_inside_kept() {
        assert_eq!(
            squeeze_whitespace("UPDATE  t\n  SET a = 'x  y' ,b=1"),
            squeeze_whitespace("UPDATE t SET a='x  y', b = 1")
        );
        assert_ne!(
            squeeze_whitespace("SET a = 'x  y'"),
            squeeze_whitespace("SET a = 'x y'")
        );
        assert_ne!(
            squeeze_whitespace("SELECT a b"),
            squeeze_whitespace("SELECT ab")
        );
        assert_ne!(
            squeeze_whitespace("CREATE TABLE \"a  b\" (x INT)"),
            squeeze_whitespace("CREATE TABLE \"a b\" (x INT)")
        );
    }
}
