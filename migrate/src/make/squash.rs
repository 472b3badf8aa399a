//! `squashmigrations <from> <to>`: one migration that `replaces` a range
//! of migrations, with their operations optimized and the SQL of every
//! dialect rendered from the result.
//!
//! The range is `to`, `from`, and every migration between them: those
//! that `to` depends on (directly or not) and that depend on `from`. The
//! squash depends on what the range depended on outside it; a migration
//! that depended on one of the range is read as depending on the squash.
//! How each database then uses the squash or the originals is in
//! `files::replacements`; once every database has the whole range, the
//! originals can be deleted and the squash becomes a normal migration.
//!
//! A range that holds an earlier squash whose originals are still there
//! is refused (delete those originals first); one whose originals are gone
//! is folded in, and the new squash replaces its originals too, so that
//! their records keep counting.

use crate::error::{Error, Result};
use crate::files::graph;
use crate::files::loader::{migration_number, replay_into, MigrationSet};
use crate::files::migration::Migration;
use crate::make::optimizer::optimize;
use crate::make::writer::{self, RenderedMigration};
use crate::state::ProjectState;
use std::collections::BTreeSet;
use strata::Dialect;

/// The squash of `from` ..= `to` (names or unique prefixes) of `set`,
/// named `name` (default `<from>_squashed_<to>`, by number).
///
/// The squash's SQL is rendered from the optimized operations, so a
/// migration of the range whose SQL is not what its operations render to
/// today (a hand edit, or a file written by an older strata-migrate) is
/// an [`Error::SquashEditedSql`], unless `rerender` accepts the new
/// rendering.
pub fn squash(
    set: &MigrationSet,
    from: &str,
    to: &str,
    name: Option<&str>,
    rerender: bool,
) -> Result<RenderedMigration> {
    let from = set.find(from)?.name.clone();
    let to = set.find(to)?.name.clone();
    let order = set.ordered()?;
    let in_graph: BTreeSet<&str> = order.iter().map(|m| m.name.as_str()).collect();
    for end in [&from, &to] {
        if !in_graph.contains(end.as_str()) {
            return Err(graph_error(format!(
                "{end} is replaced by a squashed migration; squash the squashed migration \
                 instead"
            )));
        }
    }
    let graph_map = order
        .iter()
        .map(|m| (m.name.clone(), (*m).clone()))
        .collect();
    let before_to = graph::ancestors(&graph_map, &to);
    if !before_to.contains(&from) {
        return Err(graph_error(format!(
            "{to} does not come after {from}: the range of a squash runs from a migration to \
             one that depends on it"
        )));
    }
    let range: Vec<&Migration> = order
        .iter()
        .copied()
        .filter(|m| {
            before_to.contains(&m.name) && graph::ancestors(&graph_map, &m.name).contains(&from)
        })
        .collect();
    if range.len() < 2 {
        return Err(graph_error(format!(
            "{from} .. {to} is one migration; a squash needs at least two"
        )));
    }
    let names: BTreeSet<&str> = range.iter().map(|m| m.name.as_str()).collect();
    let mut replaces = Vec::new();
    for migration in &range {
        if let Some(original) = migration
            .replaces
            .iter()
            .find(|r| set.migrations.contains_key(*r))
        {
            return Err(graph_error(format!(
                "{} is itself a squash whose original {original} is still there; delete its \
                 originals (once every database has them all) before squashing it again",
                migration.name
            )));
        }
        replaces.push(migration.name.clone());
        replaces.extend(migration.replaces.iter().cloned());
    }
    // What the squash runs after: the range's dependencies outside it.
    let mut dependencies: Vec<String> = range
        .iter()
        .flat_map(|m| m.dependencies.iter())
        .filter(|d| !names.contains(d.as_str()))
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    dependencies.sort();
    // The state the range starts from: everything it depends on.
    let mut state = ProjectState::new();
    for migration in &order {
        if before_to.contains(&migration.name) && !names.contains(migration.name.as_str()) {
            replay_into(&mut state, migration)?;
        }
    }
    if !rerender {
        check_not_edited(&order, &before_to, &names)?;
    }
    let operations = range
        .iter()
        .flat_map(|m| m.operations.iter().cloned())
        .collect();
    let operations = optimize(operations, &state)?;
    let number = |n: &str| migration_number(n).map_or_else(|| n.to_string(), |n| format!("{n:04}"));
    let name = match name {
        Some(name) => format!(
            "{}_squashed_{}_{}",
            number(&from),
            number(&to),
            writer::sanitize_name(name)
        ),
        None => format!("{}_squashed_{}", number(&from), number(&to)),
    };
    if set.migrations.contains_key(&name) {
        return Err(graph_error(format!(
            "there is already a migration named {name}; pass --name"
        )));
    }
    let mut rendered = writer::render(&name, dependencies, operations, &state)?;
    rendered.migration.replaces = replaces;
    Ok(rendered)
}

/// Refuses a migration of the range whose SQL differs from what its
/// operations render to, from the state the migrations before it leave.
fn check_not_edited(
    order: &[&Migration],
    before_to: &BTreeSet<String>,
    range: &BTreeSet<&str>,
) -> Result<()> {
    let mut state = ProjectState::new();
    for migration in order.iter().filter(|m| before_to.contains(&m.name)) {
        if range.contains(migration.name.as_str()) {
            let rendered = writer::render(
                &migration.name,
                migration.dependencies.clone(),
                migration.operations.clone(),
                &state,
            )?;
            let sql = &rendered.migration.sql;
            if let Some(dialect) = [Dialect::Postgres, Dialect::MySql, Dialect::Sqlite]
                .into_iter()
                .find(|d| sql.get(*d) != migration.sql.get(*d))
            {
                return Err(Error::SquashEditedSql {
                    migration: migration.name.clone(),
                    dialect,
                });
            }
        }
        replay_into(&mut state, migration)?;
    }
    Ok(())
}

fn graph_error(reason: String) -> Error {
    Error::Graph { reason }
}
