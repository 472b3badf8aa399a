//! The destructive-change lint, per migration and direction: which
//! operations destroy data, and which [`DataCheck`]s the live rows must
//! pass first. `migrate --plan` prints both; the executor runs the checks
//! right before each step and refuses with what they found.

use crate::files::loader::{replay_into, MigrationSet};
use crate::files::migration::Migration;
use crate::operations::data_checks::{DataCheck, DataCheckKind};
use crate::operations::Operation;
use crate::state::ProjectState;
use std::collections::{BTreeMap, BTreeSet};

/// One operation as a step runs it.
#[derive(Debug, Clone)]
pub(crate) struct OpLint {
    /// Whether running it (in the step's direction) can lose data.
    pub destructive: bool,
    /// What the rows must satisfy first; only checks that can be asked of
    /// the database as it is before the step.
    pub checks: Vec<DataCheck>,
}

/// The state before each migration named in `names`: one replay of the
/// files in order. A migration is left out when the files do not replay up
/// to it (loading them already reports why).
pub(crate) fn states_before(
    set: &MigrationSet,
    names: &BTreeSet<&str>,
) -> BTreeMap<String, ProjectState> {
    let mut out = BTreeMap::new();
    let Ok(order) = set.ordered() else {
        return out;
    };
    let mut state = ProjectState::new();
    for migration in order {
        if out.len() == names.len() {
            break;
        }
        if names.contains(migration.name.as_str()) {
            out.insert(migration.name.clone(), state.clone());
        }
        if replay_into(&mut state, migration).is_err() {
            break;
        }
    }
    out
}

/// Whether `op` runs arbitrary code (SQL or Rust), after which the rows
/// are no longer those the database holds before the step.
fn is_barrier(op: &Operation) -> bool {
    matches!(op, Operation::RunSql(_) | Operation::RunRust(_))
}

/// Whether the database in state `live` has the check's table and the
/// columns its query reads.
fn askable(check: &DataCheck, live: &ProjectState) -> bool {
    let reads_columns = !matches!(check.kind, DataCheckKind::NoRows);
    live.models.values().any(|m| {
        m.table == check.table
            && (!reads_columns || check.columns.iter().all(|c| m.get_field(c).is_some()))
    })
}

/// The lint of each operation of `migration` in the order the step runs
/// them (reversed, as their inverses, when `forward` is false); `before`
/// is the state before the migration. An operation whose state does not
/// replay ends the list.
pub(crate) fn lint(migration: &Migration, before: &ProjectState, forward: bool) -> Vec<OpLint> {
    let mut states = vec![before.clone()];
    for op in &migration.operations {
        let mut next = states[states.len() - 1].clone();
        if op.apply(&mut next).is_err() {
            break;
        }
        states.push(next);
    }
    let replayed = states.len() - 1;
    let live = if forward {
        &states[0]
    } else {
        &states[replayed]
    };
    let mut out = Vec::with_capacity(replayed);
    let mut past_barrier = false;
    let mut add = |op: &Operation, from: &ProjectState, past_barrier: bool| {
        let checks = if past_barrier {
            Vec::new()
        } else {
            op.data_checks(from)
                .into_iter()
                .filter(|c| askable(c, live))
                .collect()
        };
        out.push(OpLint {
            destructive: op.is_destructive(from),
            checks,
        });
    };
    if forward {
        for (i, op) in migration.operations.iter().take(replayed).enumerate() {
            past_barrier |= is_barrier(op);
            add(op, &states[i], past_barrier);
        }
    } else {
        for i in (0..replayed).rev() {
            let op = &migration.operations[i];
            past_barrier |= is_barrier(op);
            match op.inverse(&states[i]) {
                Ok(inverse) => add(&inverse, &states[i + 1], past_barrier),
                Err(_) => add(op, &states[i + 1], true),
            }
        }
    }
    out
}
