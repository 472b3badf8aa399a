//! Reading migrations: the files of a directory, the graph their
//! dependencies form, and the state they replay to.
//!
//! A migration file is `<dir>/NNNN_<name>.toml`; other files are ignored.
//! A malformed file is an [`Error::Parse`] naming the file and line.
//! Migrations are replayed in dependency order (ties broken by name), so
//! an executor needs nothing but the files.

use crate::error::{Error, Result};
use crate::migration::{Migration, MigrationFile};
use crate::state::ProjectState;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// The migrations of one directory.
#[derive(Debug, Clone, Default)]
pub struct MigrationSet {
    /// The directory they were read from.
    pub dir: PathBuf,
    /// Migrations by name.
    pub migrations: BTreeMap<String, Migration>,
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
    let file: MigrationFile = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1)
            .unwrap_or(1);
        Error::Parse {
            path: path.to_path_buf(),
            line,
            message: e.message().trim().to_string(),
        }
    })?;
    Ok(Migration {
        name: name.to_string(),
        dependencies: file.dependencies,
        operations: file.operations,
        sql: file.sql,
    })
}

/// Reads one migration file.
pub fn load_file(path: &Path) -> Result<Migration> {
    let name = path
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| is_migration_name(s))
        .ok_or_else(|| Error::Parse {
            path: path.to_path_buf(),
            line: 1,
            message: "a migration file is named NNNN_name.toml".into(),
        })?;
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse(path, name, &text)
}

impl MigrationSet {
    /// Reads every migration of `dir`; a missing directory has none.
    pub fn load(dir: &Path) -> Result<MigrationSet> {
        let mut set = MigrationSet {
            dir: dir.to_path_buf(),
            migrations: BTreeMap::new(),
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
                let migration = load_file(&path)?;
                set.migrations.insert(migration.name.clone(), migration);
            }
        }
        set.check_graph()?;
        Ok(set)
    }

    /// Whether there are no migrations.
    pub fn is_empty(&self) -> bool {
        self.migrations.is_empty()
    }

    fn path_of(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.toml"))
    }

    fn check_graph(&self) -> Result<()> {
        for migration in self.migrations.values() {
            for dependency in &migration.dependencies {
                if !self.migrations.contains_key(dependency) {
                    return Err(Error::Graph {
                        reason: format!(
                            "{} depends on `{dependency}`, which does not exist",
                            self.path_of(&migration.name).display()
                        ),
                    });
                }
            }
        }
        self.ordered().map(|_| ())
    }

    /// The migrations no other migration depends on. More than one means
    /// branches that need a merge migration.
    pub fn leaves(&self) -> Vec<String> {
        let depended: BTreeSet<&str> = self
            .migrations
            .values()
            .flat_map(|m| m.dependencies.iter().map(String::as_str))
            .collect();
        self.migrations
            .keys()
            .filter(|name| !depended.contains(name.as_str()))
            .cloned()
            .collect()
    }

    /// The migrations in an order that respects their dependencies (ties
    /// broken by name).
    pub fn ordered(&self) -> Result<Vec<&Migration>> {
        let mut remaining: HashMap<&str, usize> = self
            .migrations
            .values()
            .map(|m| (m.name.as_str(), m.dependencies.len()))
            .collect();
        let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
        for m in self.migrations.values() {
            for dependency in &m.dependencies {
                children
                    .entry(dependency.as_str())
                    .or_default()
                    .push(&m.name);
            }
        }
        let mut ready: BTreeSet<&str> = remaining
            .iter()
            .filter(|(_, n)| **n == 0)
            .map(|(name, _)| *name)
            .collect();
        let mut out = Vec::with_capacity(self.migrations.len());
        while let Some(name) = ready.pop_first() {
            out.push(&self.migrations[name]);
            for child in children.get(name).into_iter().flatten() {
                if let Some(n) = remaining.get_mut(child) {
                    *n -= 1;
                    if *n == 0 {
                        ready.insert(child);
                    }
                }
            }
        }
        if out.len() != self.migrations.len() {
            let stuck: Vec<&str> = remaining
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(name, _)| *name)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            return Err(Error::Graph {
                reason: format!("the dependencies of {} form a cycle", stuck.join(", ")),
            });
        }
        Ok(out)
    }

    /// The state every migration together replays to.
    pub fn replay(&self) -> Result<ProjectState> {
        let mut state = ProjectState::new();
        for migration in self.ordered()? {
            replay_into(&mut state, migration)?;
        }
        Ok(state)
    }

    /// The number the next migration takes.
    pub fn next_number(&self) -> u32 {
        self.migrations
            .keys()
            .filter_map(|name| migration_number(name))
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
    for op in &migration.operations {
        op.apply(state).map_err(|e| match e {
            Error::Apply {
                operation, reason, ..
            } => Error::Apply {
                migration: Some(migration.name.clone()),
                operation,
                reason,
            },
            other => other,
        })?;
    }
    Ok(())
}
