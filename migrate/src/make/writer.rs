//! Writing migrations: the SQL of every dialect from the operations, the
//! migration's name from its content, and the TOML file.
//!
//! A file looks like this (abridged):
//!
//! ```toml
//! # Migration 0002_add_post_title, written by strata-migrate 0.1.0.
//! # ... (what the sections mean, which operations destroy data)
//! dependencies = ["0001_initial"]
//!
//! [[operations]]
//! op = "add_field"
//! model = "Post"
//! field = { column = "title", type = "varchar(200)", null = true }
//!
//! [sql.postgres]
//! forward = ['ALTER TABLE "post" ADD COLUMN "title" VARCHAR(200)']
//! backward = ['ALTER TABLE "post" DROP COLUMN "title"']
//! ```
//!
//! The `operations` are what the schema state is replayed from; the
//! `[sql.<dialect>]` sections are what an executor runs, and may be edited
//! by hand (a data migration, a concurrent index) as long as the schema
//! they produce still matches the operations.

use crate::error::{Error, Result};
use crate::files::migration::{DialectScript, Migration, MigrationFile, MigrationSql};
use crate::operations::tables::TableIndex;
use crate::operations::Operation;
use crate::state::ProjectState;
use std::path::{Path, PathBuf};
use strata::Dialect;

/// A migration with what a reviewer needs to know about it.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderedMigration {
    pub migration: Migration,
    /// One line per operation: its description, and whether it destroys
    /// data.
    pub summary: Vec<(String, bool)>,
    /// Per operation, what undoing it writes into rows that nobody chose
    /// ([`Operation::undo_note`]).
    pub undo_notes: Vec<Option<String>>,
    /// Per operation, what the rows must satisfy for it to succeed
    /// ([`Operation::data_checks`], described): `migrate` checks these on
    /// the live data before running the migration.
    pub data_checks: Vec<Vec<String>>,
}

/// Renders `operations` into a migration named `name`, computing the
/// forward and backward SQL of every dialect from `from` (the state before
/// the migration). A dialect that cannot express an operation gets an
/// `*_error` instead of SQL; an operation that does not apply to the state
/// is an error.
pub fn render(
    name: &str,
    dependencies: Vec<String>,
    operations: Vec<Operation>,
    from: &ProjectState,
) -> Result<RenderedMigration> {
    render_from(name, dependencies, operations, from.clone())
}

/// [`render`], taking the state before the migration (which it changes
/// into the state after) instead of copying it.
pub(crate) fn render_from(
    name: &str,
    dependencies: Vec<String>,
    operations: Vec<Operation>,
    mut state: ProjectState,
) -> Result<RenderedMigration> {
    let mut tables = TableIndex::of(&state);
    let mut sql = MigrationSql::default();
    let mut backward: Vec<Vec<(Dialect, Result<Vec<String>>)>> = Vec::new();
    let mut summary = Vec::with_capacity(operations.len());
    let mut undo_notes = Vec::with_capacity(operations.len());
    let mut data_checks = Vec::with_capacity(operations.len());
    // Tables made by this migration have no rows to check.
    let tables_before: std::collections::HashSet<String> =
        state.models.values().map(|m| m.table.clone()).collect();
    let mut forward_errors: Vec<Option<String>> = vec![None; 3];
    for op in &operations {
        summary.push((op.describe(), op.is_destructive(&state)));
        undo_notes.push(op.undo_note(&state));
        data_checks.push(
            op.data_checks(&state)
                .iter()
                .filter(|c| tables_before.contains(&c.table))
                .map(|c| c.describe())
                .collect(),
        );
        let mut op_backward = Vec::with_capacity(3);
        let inverse = op.inverse(&state);
        for (i, dialect) in Dialect::ALL.into_iter().enumerate() {
            match op.forward_sql(dialect, &state) {
                Ok(statements) => sql.get_mut(dialect).forward.extend(statements),
                Err(e) => {
                    forward_errors[i].get_or_insert_with(|| e.to_string());
                }
            }
        }
        op.apply_indexed(&mut state, &mut tables)
            .map_err(|e| with_migration(e, name))?;
        for dialect in Dialect::ALL {
            let statements = match &inverse {
                Ok(inv) => inv.forward_sql(dialect, &state),
                // Already the operation's own "cannot be reversed".
                Err(Error::Irreversible { operation, reason }) => Err(Error::Irreversible {
                    operation: operation.clone(),
                    reason: reason.clone(),
                }),
                Err(e) => Err(Error::Irreversible {
                    operation: op.describe(),
                    reason: e.to_string(),
                }),
            };
            op_backward.push((dialect, statements));
        }
        backward.push(op_backward);
    }
    for (i, dialect) in Dialect::ALL.into_iter().enumerate() {
        let script: &mut DialectScript = sql.get_mut(dialect);
        if let Some(error) = forward_errors[i].take() {
            script.forward.clear();
            script.forward_error = Some(error);
        }
        for op_backward in backward.iter_mut().rev() {
            let (_, result) = &mut op_backward[i];
            match std::mem::replace(result, Ok(Vec::new())) {
                Ok(statements) if script.backward_error.is_none() => {
                    script.backward.extend(statements)
                }
                Ok(_) => {}
                Err(e) => {
                    script.backward_error.get_or_insert_with(|| e.to_string());
                }
            }
        }
        if script.backward_error.is_some() {
            script.backward.clear();
        }
    }
    Ok(RenderedMigration {
        migration: Migration {
            name: name.to_string(),
            dependencies,
            replaces: Vec::new(),
            operations,
            sql,
        },
        summary,
        undo_notes,
        data_checks,
    })
}

fn with_migration(error: Error, name: &str) -> Error {
    match error {
        Error::Apply {
            operation, reason, ..
        } => Error::Apply {
            migration: Some(name.to_string()),
            operation,
            reason,
        },
        other => other,
    }
}

/// A name for a migration of `operations`: `initial` for the first one,
/// else from the operations (`add_post_title`, `delete_post_and_more`).
pub fn suggest_name(operations: &[Operation], initial: bool) -> String {
    if initial {
        return "initial".to_string();
    }
    if operations.is_empty() {
        return "empty".to_string();
    }
    if operations
        .iter()
        .all(|op| matches!(op, Operation::CreateModel(_)))
    {
        let names: Vec<String> = operations.iter().map(|op| op.name_fragment()).collect();
        let joined = names.join("_");
        if joined.len() <= 40 {
            return joined;
        }
    }
    let first = operations[0].name_fragment();
    let mut name = first.clone();
    if operations.len() == 2 {
        let both = format!("{first}_and_{}", operations[1].name_fragment());
        if both.len() <= 52 {
            return both;
        }
    }
    if operations.len() > 1 {
        name.push_str("_and_more");
    }
    if name.len() > 60 {
        name.truncate(51);
        name.push_str("_and_more");
    }
    name
}

/// Turns a user-given name into a safe file-name fragment.
pub fn sanitize_name(name: &str) -> String {
    let cleaned: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let trimmed = cleaned.trim_matches('_');
    if trimmed.is_empty() {
        "migration".to_string()
    } else {
        trimmed.to_string()
    }
}

/// The file text of a rendered migration.
pub fn to_toml(rendered: &RenderedMigration) -> Result<String> {
    let migration = &rendered.migration;
    let file = MigrationFile {
        dependencies: &migration.dependencies,
        replaces: &migration.replaces,
        operations: &migration.operations,
        sql: &migration.sql,
    };
    let mut body = toml::to_string_pretty(&file).map_err(|e| Error::InvalidState {
        reason: format!("cannot serialize migration {}: {e}", migration.name),
    })?;
    let mut out = format!(
        "# Migration {}, written by strata-migrate {}.\n#\n",
        migration.name,
        env!("CARGO_PKG_VERSION")
    );
    if !migration.replaces.is_empty() {
        out.push_str(
            "# A squash: it stands for the migrations in `replaces` (a database that has\n\
             # applied part of them runs the rest of them instead). Once every database\n\
             # has them all, delete their files and this becomes a normal migration.\n#\n",
        );
    }
    if rendered.summary.is_empty() {
        out.push_str("# No operations.\n");
    } else {
        out.push_str("# Operations:\n");
        for (i, (description, destructive)) in rendered.summary.iter().enumerate() {
            out.push_str("#   - ");
            out.push_str(description);
            if *destructive {
                out.push_str("   [DESTRUCTIVE: data is lost]");
            }
            out.push('\n');
            if let Some(Some(note)) = rendered.undo_notes.get(i) {
                out.push_str("#       ");
                out.push_str(note);
                out.push_str(" (edit the backward SQL to choose another value)\n");
            }
            for check in rendered.data_checks.get(i).into_iter().flatten() {
                out.push_str("#       needs ");
                out.push_str(check);
                out.push_str(" (migrate checks the rows first)\n");
            }
        }
    }
    out.push_str(HEADER_HELP);
    out.push('\n');
    // In front of the body where it is (the body is most of a large
    // file, and a copy of it would be the command's largest allocation).
    body.insert_str(0, &out);
    Ok(body)
}

const HEADER_HELP: &str = "\
#
# `operations` are what the schema state is replayed from; leave them as
# they are. The [sql.<dialect>] sections are what is executed: `forward`
# applies the migration, `backward` reverts it. They may be edited by hand
# (a data migration, a different index method) as long as the resulting
# schema matches the operations. A dialect that cannot express an operation
# has `forward_error`/`backward_error` instead of statements. On SQLite,
# statements between `PRAGMA foreign_keys = OFF` and `ON` run outside a
# transaction, and rows returned by `PRAGMA foreign_key_check` are errors.
";

/// Writes `rendered` to `<dir>/<name>.toml`, creating `dir` if needed, and
/// returns the path. An existing file is never overwritten.
pub fn write(dir: &Path, rendered: &RenderedMigration) -> Result<PathBuf> {
    write_text(dir, &rendered.migration.name, &to_toml(rendered)?)
}

/// Writes `text` (the [`to_toml`] of migration `name`) to
/// `<dir>/<name>.toml`, as [`write`] does.
pub(crate) fn write_text(dir: &Path, name: &str, text: &str) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let path = dir.join(format!("{name}.toml"));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}
