//! Reading migrations: the files of a directory, the graph their
//! dependencies form, and the state they replay to.
//!
//! A migration file is `<dir>/NNNN_<name>.toml`; other files are ignored.
//! A malformed file is an [`Error::Parse`] naming the file and line: the
//! line of an unknown key, and the line and byte of invalid UTF-8.
//! Migrations are replayed in dependency order (ties broken by name), so
//! an executor needs nothing but the files. The same files compiled into a
//! binary ([`crate::embed_migrations!`]) load through
//! [`MigrationSet::from_embedded`].
//!
//! A set is checked as it loads: a dependency on a migration that does
//! not exist is an [`Error::MissingDependency`] and a cycle an
//! [`Error::Cycle`]. Several leaves (branches) load fine, since
//! `makemigrations --merge` must read them; commands that need one line of
//! history (`makemigrations`, `migrate`) refuse them with
//! [`Error::Conflict`].

use crate::error::{Error, Result};
use crate::files::file_position;
use crate::files::graph;
use crate::files::migration::{Migration, MigrationFileIn, MigrationOptions, MigrationSql};
use crate::files::replacements::{self, Effective};
use crate::operations::tables::TableIndex;
use crate::state::ProjectState;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The migrations of one directory.
#[derive(Debug, Clone, Default)]
pub struct MigrationSet {
    /// The directory they were read from (for embedded migrations, the
    /// directory they were compiled from).
    pub dir: PathBuf,
    /// Migrations by name.
    pub migrations: BTreeMap<String, Migration>,
    /// The migrations whose file says `atomic = false`.
    pub non_atomic: BTreeSet<String>,
}

/// Whether `stem` is a migration name: four digits, `_`, then letters,
/// digits and `_`.
pub fn is_migration_name(stem: &str) -> bool {
    let bytes = stem.as_bytes();
    bytes.len() > 5
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'_'
        && bytes[5..]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'_')
}

/// The number of a migration name (`0002_x` -> 2).
pub fn migration_number(name: &str) -> Option<u32> {
    name.get(..4)?.parse().ok()
}

/// Parses one migration file's text; `path` names it in errors.
pub fn parse(path: &Path, name: &str, text: &str) -> Result<Migration> {
    parse_with_options(path, name, text).map(|(migration, _)| migration)
}

/// Parses one migration file's text with its run options.
pub fn parse_with_options(
    path: &Path,
    name: &str,
    text: &str,
) -> Result<(Migration, MigrationOptions)> {
    let file = parse_with_toml(path, text)?;
    let options = MigrationOptions {
        atomic: file.atomic,
    };
    let migration = Migration {
        name: name.to_string(),
        dependencies: file.dependencies,
        replaces: file.replaces,
        operations: file.operations,
        sql: file.sql,
    };
    Ok((migration, options))
}

/// Reads a migration file with `toml`, turning its error into an
/// [`Error::Parse`] with the line.
fn parse_with_toml(path: &Path, text: &str) -> Result<MigrationFileIn> {
    toml::from_str(text).map_err(|e| {
        let message = e.message().trim().to_string();
        // An unknown key at its own line, not at the start of the
        // operations (see `file_position`).
        let reported = e.span().map(|span| span.start);
        let offset = file_position::unknown_key_offset(text, &message, reported).or(reported);
        Error::Parse {
            path: path.to_path_buf(),
            line: offset.map_or(1, |offset| file_position::line_of(text.as_bytes(), offset)),
            message,
        }
    })
}

/// `bytes` as text, or an [`Error::Parse`] at the first byte that is not
/// UTF-8.
fn utf8_text(path: &Path, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let byte = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = file_position::line_of(bytes, byte);
        let line_start = bytes[..byte]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        Error::Parse {
            path: path.to_path_buf(),
            line,
            message: format!(
                "invalid UTF-8 at byte {byte} (column {} in bytes): a migration file is UTF-8 \
                 text; save it as UTF-8",
                byte - line_start + 1
            ),
        }
    })
}

/// Parses one migration file's text for its schema alone: dependencies,
/// `replaces` and operations, without the `[sql.*]` tables (left empty).
/// What `makemigrations` reads: the SQL is most of a file, and parsing it
/// into a TOML document costs about ten times its size in memory. A file
/// whose SQL tables are not its last ones is read whole.
pub fn parse_schema_only(
    path: &Path,
    name: &str,
    text: &str,
) -> Result<(Migration, MigrationOptions)> {
    let Some(parts) = file_position::file_parts(text) else {
        let (mut migration, options) = parse_with_options(path, name, text)?;
        migration.sql = MigrationSql::default();
        return Ok((migration, options));
    };
    let end = parts.sql.unwrap_or(text.len());
    let first = parts.operations.first().copied().unwrap_or(end);
    // The top-level keys, then each operation on its own: one small TOML
    // document at a time instead of the whole file's.
    let head = parse_with_toml(path, &text[..first])?;
    let mut operations = Vec::with_capacity(parts.operations.len());
    for (i, &start) in parts.operations.iter().enumerate() {
        let stop = parts.operations.get(i + 1).copied().unwrap_or(end);
        let part = parse_with_toml(path, &text[start..stop]).map_err(|e| match e {
            Error::Parse {
                path,
                line,
                message,
            } => Error::Parse {
                path,
                line: line + file_position::line_of(text.as_bytes(), start) - 1,
                message,
            },
            other => other,
        })?;
        operations.extend(part.operations);
    }
    let options = MigrationOptions {
        atomic: head.atomic,
    };
    let migration = Migration {
        name: name.to_string(),
        dependencies: head.dependencies,
        replaces: head.replaces,
        operations,
        sql: MigrationSql::default(),
    };
    Ok((migration, options))
}

/// Reads one migration file.
pub fn load_file(path: &Path) -> Result<Migration> {
    load_file_with_options(path).map(|(migration, _)| migration)
}

/// Reads one migration file with its run options.
pub fn load_file_with_options(path: &Path) -> Result<(Migration, MigrationOptions)> {
    read_file(path, parse_with_options)
}

/// Reads one migration file for its schema alone ([`parse_schema_only`]).
pub fn load_file_schema_only(path: &Path) -> Result<(Migration, MigrationOptions)> {
    read_file(path, parse_schema_only)
}

/// Reads `path` as UTF-8 and hands its name and text to `parse`.
fn read_file(
    path: &Path,
    parse: fn(&Path, &str, &str) -> Result<(Migration, MigrationOptions)>,
) -> Result<(Migration, MigrationOptions)> {
    let name = path
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| is_migration_name(s))
        .ok_or_else(|| Error::Parse {
            path: path.to_path_buf(),
            line: 1,
            message: "a migration file is named NNNN_name.toml".into(),
        })?;
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let text = utf8_text(path, bytes)?;
    parse(path, name, &text)
}

impl MigrationSet {
    /// Reads every migration of `dir`; a missing directory has none.
    pub fn load(dir: &Path) -> Result<MigrationSet> {
        Self::load_with(dir, false)
    }

    /// [`load`](MigrationSet::load) for the schema alone: every migration's
    /// SQL is left empty ([`parse_schema_only`]). Enough to replay the state,
    /// find the leaves and number the next migration, as `makemigrations`
    /// does; never for running or printing SQL.
    pub fn load_schema_only(dir: &Path) -> Result<MigrationSet> {
        Self::load_with(dir, true)
    }

    fn load_with(dir: &Path, schema_only: bool) -> Result<MigrationSet> {
        let mut set = MigrationSet {
            dir: dir.to_path_buf(),
            ..MigrationSet::default()
        };
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(set),
            Err(source) => {
                return Err(Error::Io {
                    path: dir.to_path_buf(),
                    source,
                })
            }
        };
        for entry in entries {
            let entry = entry.map_err(|source| Error::Io {
                path: dir.to_path_buf(),
                source,
            })?;
            let path = entry.path();
            let is_migration = path.extension().is_some_and(|e| e == "toml")
                && path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .is_some_and(is_migration_name);
            if is_migration {
                let (migration, options) = if schema_only {
                    load_file_schema_only(&path)?
                } else {
                    load_file_with_options(&path)?
                };
                set.insert(migration, options);
            }
        }
        set.check_graph()?;
        Ok(set)
    }

    /// Adds `migration` (replacing one of the same name).
    pub(crate) fn insert(&mut self, migration: Migration, options: MigrationOptions) {
        if options.atomic {
            self.non_atomic.remove(&migration.name);
        } else {
            self.non_atomic.insert(migration.name.clone());
        }
        self.migrations.insert(migration.name.clone(), migration);
    }

    /// How migration `name` is run.
    pub fn options(&self, name: &str) -> MigrationOptions {
        MigrationOptions {
            atomic: !self.non_atomic.contains(name),
        }
    }

    /// Whether there are no migrations.
    pub fn is_empty(&self) -> bool {
        self.migrations.is_empty()
    }

    pub(crate) fn check_graph(&self) -> Result<()> {
        // Every file's dependencies exist, or are replaced by a squash
        // (whose originals may be gone); then the graph a database sees
        // without records is whole.
        let replaced: BTreeSet<&String> = self
            .migrations
            .values()
            .flat_map(|m| m.replaces.iter())
            .collect();
        for migration in self.migrations.values() {
            if let Some(dependency) = migration
                .dependencies
                .iter()
                .find(|d| !self.migrations.contains_key(*d) && !replaced.contains(d))
            {
                return Err(Error::MissingDependency {
                    migration: migration.name.clone(),
                    dependency: dependency.clone(),
                    dir: Some(self.dir.clone()),
                });
            }
        }
        graph::check(&self.effective_files()?.migrations, Some(&self.dir))
    }

    /// The graph as a database with `applied` recorded sees it: squashed
    /// migrations or the ones they replace (see [`replacements`]).
    pub(crate) fn effective(
        &self,
        recorded: &BTreeSet<String>,
        applied: &BTreeSet<String>,
    ) -> Result<Effective<'_>> {
        replacements::resolve(&self.migrations, recorded, applied)
    }

    /// The graph without a database: every squash stands for its range.
    fn effective_files(&self) -> Result<Effective<'_>> {
        self.effective(&BTreeSet::new(), &BTreeSet::new())
    }

    /// The migrations no other migration depends on. More than one means
    /// branches that need a merge migration. A squash stands for the
    /// migrations it replaces.
    pub fn leaves(&self) -> Vec<String> {
        match self.effective_files() {
            Ok(effective) => graph::leaves(&effective.migrations),
            Err(_) => graph::leaves(&self.migrations),
        }
    }

    /// The migrations in an order that respects their dependencies (ties
    /// broken by name). A squash stands for the migrations it replaces.
    pub fn ordered(&self) -> Result<Vec<&Migration>> {
        if !replacements::any(&self.migrations) {
            return graph::ordered(&self.migrations);
        }
        let effective = self.effective_files()?;
        let names: Vec<String> = graph::ordered(&effective.migrations)?
            .into_iter()
            .map(|m| m.name.clone())
            .collect();
        Ok(names
            .iter()
            .filter_map(|name| self.migrations.get(name))
            .collect())
    }

    /// The state every migration together replays to.
    pub fn replay(&self) -> Result<ProjectState> {
        let mut state = ProjectState::new();
        let mut tables = TableIndex::default();
        for migration in self.ordered()? {
            replay_indexed(&mut state, &mut tables, migration)?;
        }
        Ok(state)
    }

    /// [`replay`](Self::replay), consuming the set: the operations move
    /// into the state instead of being copied.
    pub(crate) fn into_replayed(mut self) -> Result<ProjectState> {
        let order: Vec<String> = self.ordered()?.iter().map(|m| m.name.clone()).collect();
        let mut state = ProjectState::new();
        let mut tables = TableIndex::default();
        for name in order {
            let Some(migration) = self.migrations.remove(&name) else {
                continue;
            };
            for op in migration.operations {
                op.apply_indexed_owned(&mut state, &mut tables)
                    .map_err(|e| in_migration(e, &migration.name))?;
            }
        }
        Ok(state)
    }

    /// The number the next migration takes.
    /// A squash (`0001_squashed_0004`) counts with the last number it
    /// covers, so that the next number stays after the originals' once
    /// they are deleted.
    pub fn next_number(&self) -> u32 {
        self.migrations
            .keys()
            .filter_map(|name| {
                let squashed = name
                    .find("_squashed_")
                    .and_then(|at| migration_number(&name[at + "_squashed_".len()..]));
                migration_number(name).max(squashed)
            })
            .max()
            .map_or(1, |n| n + 1)
    }

    /// The migration named `name`, or the only one whose name starts with
    /// it (`0002`).
    pub fn find(&self, name: &str) -> Result<&Migration> {
        if let Some(m) = self.migrations.get(name) {
            return Ok(m);
        }
        let matches: Vec<&Migration> = self
            .migrations
            .values()
            .filter(|m| m.name.starts_with(name))
            .collect();
        match matches.as_slice() {
            [one] => Ok(one),
            _ => Err(Error::UnknownMigration {
                name: name.to_string(),
                dir: self.dir.clone(),
                candidates: matches.iter().map(|m| m.name.clone()).collect(),
            }),
        }
    }
}

/// Applies one migration's operations to `state`.
pub fn replay_into(state: &mut ProjectState, migration: &Migration) -> Result<()> {
    let mut tables = TableIndex::of(state);
    replay_indexed(state, &mut tables, migration)
}

/// [`replay_into`], with `tables` the index of `state`.
fn replay_indexed(
    state: &mut ProjectState,
    tables: &mut TableIndex,
    migration: &Migration,
) -> Result<()> {
    for op in &migration.operations {
        op.apply_indexed(state, tables)
            .map_err(|e| in_migration(e, &migration.name))?;
    }
    Ok(())
}

/// `error`, naming migration `name` when it is an [`Error::Apply`].
fn in_migration(error: Error, name: &str) -> Error {
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
