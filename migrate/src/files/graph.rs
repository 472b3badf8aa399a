//! The dependency graph of a set of migrations: its order, its leaves, the
//! ancestors of a migration, and the errors a broken graph gives (a missing
//! dependency, a cycle).
//!
//! Edges point from a migration to the migrations it depends on. Orders
//! are topological with ties broken by name, so every run and every machine
//! sees the same order.

use crate::error::{Error, Result};
use crate::files::migration::Migration;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// Checks that every dependency exists and that there is no cycle. `dir`
/// names the directory in errors.
pub fn check(migrations: &BTreeMap<String, Migration>, dir: Option<&Path>) -> Result<()> {
    for migration in migrations.values() {
        for dependency in &migration.dependencies {
            if !migrations.contains_key(dependency) {
                return Err(Error::MissingDependency {
                    migration: migration.name.clone(),
                    dependency: dependency.clone(),
                    dir: dir.map(Path::to_path_buf),
                });
            }
        }
    }
    ordered(migrations).map(|_| ())
}

/// The migrations in an order that respects their dependencies, ties broken
/// by name. A cycle is an [`Error::Cycle`] naming it.
pub fn ordered(migrations: &BTreeMap<String, Migration>) -> Result<Vec<&Migration>> {
    let mut remaining: HashMap<&str, usize> = migrations
        .values()
        .map(|m| {
            let known = m
                .dependencies
                .iter()
                .filter(|d| migrations.contains_key(*d))
                .count();
            (m.name.as_str(), known)
        })
        .collect();
    let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
    for m in migrations.values() {
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
    let mut out = Vec::with_capacity(migrations.len());
    while let Some(name) = ready.pop_first() {
        out.push(&migrations[name]);
        for child in children.get(name).into_iter().flatten() {
            if let Some(n) = remaining.get_mut(child) {
                *n -= 1;
                if *n == 0 {
                    ready.insert(child);
                }
            }
        }
    }
    if out.len() != migrations.len() {
        let placed: BTreeSet<&str> = out.iter().map(|m| m.name.as_str()).collect();
        return Err(Error::Cycle {
            cycle: find_cycle(migrations, &placed),
        });
    }
    Ok(out)
}

/// A cycle among the migrations not in `placed` (all of which are on or
/// behind a cycle), as a path whose first element is repeated at the end.
fn find_cycle(migrations: &BTreeMap<String, Migration>, placed: &BTreeSet<&str>) -> Vec<String> {
    // Every unplaced migration has an unplaced dependency, so walking
    // unplaced dependencies from any of them must revisit a migration.
    let Some(start) = migrations.keys().find(|n| !placed.contains(n.as_str())) else {
        return Vec::new();
    };
    let mut path: Vec<&str> = vec![start];
    let mut seen: HashMap<&str, usize> = HashMap::from([(start.as_str(), 0)]);
    loop {
        let current = path[path.len() - 1];
        let next = migrations[current]
            .dependencies
            .iter()
            .map(String::as_str)
            .filter(|d| migrations.contains_key(*d) && !placed.contains(d))
            .min();
        let Some(next) = next else {
            return path.iter().map(|s| s.to_string()).collect();
        };
        if let Some(&at) = seen.get(next) {
            // The walk follows "depends on"; show the cycle in applying
            // order (dependency first), from its smallest name.
            let mut cycle: Vec<String> = path[at..].iter().rev().map(|s| s.to_string()).collect();
            let first = (0..cycle.len()).min_by_key(|i| &cycle[*i]).unwrap_or(0);
            cycle.rotate_left(first);
            cycle.push(cycle[0].clone());
            return cycle;
        }
        seen.insert(next, path.len());
        path.push(next);
    }
}

/// The migrations no other migration depends on.
pub fn leaves(migrations: &BTreeMap<String, Migration>) -> Vec<String> {
    let depended: BTreeSet<&str> = migrations
        .values()
        .flat_map(|m| m.dependencies.iter().map(String::as_str))
        .collect();
    migrations
        .keys()
        .filter(|name| !depended.contains(name.as_str()))
        .cloned()
        .collect()
}

/// `name` and every migration it depends on, directly or not.
pub fn ancestors(migrations: &BTreeMap<String, Migration>, name: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![name.to_string()];
    while let Some(current) = stack.pop() {
        if !out.insert(current.clone()) {
            continue;
        }
        if let Some(m) = migrations.get(&current) {
            stack.extend(m.dependencies.iter().cloned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::migration::MigrationSql;

    fn set(edges: &[(&str, &[&str])]) -> BTreeMap<String, Migration> {
        edges
            .iter()
            .map(|(name, deps)| {
                (
                    name.to_string(),
                    Migration {
                        name: name.to_string(),
                        dependencies: deps.iter().map(|d| d.to_string()).collect(),
                        replaces: Vec::new(),
                        operations: Vec::new(),
                        sql: MigrationSql::default(),
                    },
                )
            })
            .collect()
    }

    #[test]
    fn a_cycle_is_named_in_applying_order() {
        let migrations = set(&[
            ("0001_a", &[]),
            ("0002_b", &["0001_a", "0003_c"]),
            ("0003_c", &["0002_b"]),
            ("0004_d", &["0003_c"]),
        ]);
        let err = check(&migrations, None).unwrap_err();
        match &err {
            Error::Cycle { cycle } => {
                assert_eq!(cycle, &["0002_b", "0003_c", "0002_b"], "{err}")
            }
            other => panic!("expected a cycle, got {other}"),
        }
        assert!(err.to_string().contains("0002_b -> 0003_c -> 0002_b"));
    }

    #[test]
    fn a_missing_dependency_names_both_migrations() {
        let migrations = set(&[("0001_a", &[]), ("0002_b", &["0001_x"])]);
        let err = check(&migrations, Some(Path::new("migrations"))).unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, Error::MissingDependency { .. }), "{text}");
        assert!(
            text.contains("0002_b") && text.contains("0001_x") && text.contains("migrations"),
            "{text}"
        );
    }

    #[test]
    fn ancestors_and_leaves_follow_the_edges() {
        let migrations = set(&[
            ("0001_a", &[]),
            ("0002_b", &["0001_a"]),
            ("0002_c", &["0001_a"]),
        ]);
        assert_eq!(leaves(&migrations), vec!["0002_b", "0002_c"]);
        let names: Vec<String> = ancestors(&migrations, "0002_c").into_iter().collect();
        assert_eq!(names, vec!["0001_a", "0002_c"]);
        let order: Vec<&str> = ordered(&migrations)
            .unwrap()
            .iter()
            .map(|m| m.name.as_str())
            .collect();
        assert_eq!(order, vec!["0001_a", "0002_b", "0002_c"]);
    }
}
