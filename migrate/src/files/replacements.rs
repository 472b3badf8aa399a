//! Squashed migrations in the graph: which of a squash and the migrations
//! it `replaces` a database uses, as Django decides it.
//!
//! For each migration with `replaces`, given the migrations a database has
//! applied (none, for questions without a database such as
//! `makemigrations`):
//! - the squash is applied, or none of the range is, or all of it is: the
//!   squash stands for the range. The replaced migrations leave the graph,
//!   migrations that depended on one of them depend on the squash, and the
//!   records of the replaced ones are read as the squash's (all of them
//!   applied = the squash applied);
//! - part of the range is applied: the database keeps using the originals
//!   until it has them all. The squash leaves the graph, and migrations
//!   that depended on it depend on the last migrations of the range;
//! - the replaced files are gone (deleted once no database needed them):
//!   the squash is a normal migration, whose records may still be the
//!   originals' names. A database that has only part of the range then
//!   cannot go on, and the error says to restore the files.

use crate::error::{Error, Result};
use crate::files::graph;
use crate::files::migration::Migration;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// The graph a database sees.
#[derive(Debug, Clone)]
pub(crate) struct Effective<'a> {
    /// The migrations in the graph, dependencies rewired.
    pub migrations: Cow<'a, BTreeMap<String, Migration>>,
    /// Squashes whose whole range is recorded, but not the squash itself:
    /// they count as applied.
    pub applied_by_range: BTreeSet<String>,
    /// Names whose records stand for a squash and are not read on their
    /// own.
    pub hidden: BTreeSet<String>,
}

/// Whether any migration of `migrations` replaces others.
pub(crate) fn any(migrations: &BTreeMap<String, Migration>) -> bool {
    migrations.values().any(|m| !m.replaces.is_empty())
}

/// The graph that a database sees on which `recorded` have a record and
/// `applied` (among them) are fully applied.
pub(crate) fn resolve<'a>(
    migrations: &'a BTreeMap<String, Migration>,
    recorded: &BTreeSet<String>,
    applied: &BTreeSet<String>,
) -> Result<Effective<'a>> {
    let mut effective = Effective {
        migrations: Cow::Borrowed(migrations),
        applied_by_range: BTreeSet::new(),
        hidden: BTreeSet::new(),
    };
    if !any(migrations) {
        return Ok(effective);
    }
    let squashes: Vec<&Migration> = migrations
        .values()
        .filter(|m| !m.replaces.is_empty())
        .collect();
    let mut out = migrations.clone();
    for squash in squashes {
        let range = &squash.replaces;
        let present: Vec<&String> = range
            .iter()
            .filter(|r| migrations.contains_key(*r))
            .collect();
        // A record that failed part-way counts as started: the originals
        // are needed to resolve it.
        let done: Vec<&String> = range.iter().filter(|r| recorded.contains(*r)).collect();
        let squash_applied = recorded.contains(&squash.name);
        let whole = range.iter().all(|r| applied.contains(r));
        if squash_applied || done.is_empty() || whole {
            for name in range {
                out.remove(name);
                effective.hidden.insert(name.clone());
            }
            for migration in out.values_mut() {
                rewire(
                    &mut migration.dependencies,
                    range,
                    std::slice::from_ref(&squash.name),
                );
            }
            if whole && !squash_applied {
                effective.applied_by_range.insert(squash.name.clone());
            }
        } else if present.len() < range.len() {
            let missing: Vec<&str> = range
                .iter()
                .filter(|r| !migrations.contains_key(*r))
                .map(String::as_str)
                .collect();
            let done: Vec<&str> = done.iter().map(|s| s.as_str()).collect();
            return Err(Error::Graph {
                reason: format!(
                    "the database has applied {} of the migrations that {} replaces, and the \
                     files of {} are gone; restore them (from version control) and migrate this \
                     database to the end of the range before deleting them again",
                    done.join(", "),
                    squash.name,
                    missing.join(", ")
                ),
            });
        } else {
            out.remove(&squash.name);
            let inside: BTreeMap<String, Migration> = range
                .iter()
                .filter_map(|r| migrations.get(r).map(|m| (r.clone(), m.clone())))
                .collect();
            let last = graph::leaves(&inside);
            for migration in out.values_mut() {
                rewire(
                    &mut migration.dependencies,
                    std::slice::from_ref(&squash.name),
                    &last,
                );
            }
        }
    }
    effective.migrations = Cow::Owned(out);
    Ok(effective)
}

/// Replaces every name of `from` in `dependencies` with the names of
/// `to`, keeping each once and in place.
fn rewire(dependencies: &mut Vec<String>, from: &[String], to: &[String]) {
    if !dependencies.iter().any(|d| from.contains(d)) {
        return;
    }
    let mut out: Vec<String> = Vec::with_capacity(dependencies.len() + to.len());
    for dependency in dependencies.drain(..) {
        if from.contains(&dependency) {
            for name in to {
                if !out.contains(name) {
                    out.push(name.clone());
                }
            }
        } else if !out.contains(&dependency) {
            out.push(dependency);
        }
    }
    *dependencies = out;
}
