//! Planning: from the migrations, what the recorder says and a target, the
//! steps that reach the target; and the per-migration status that
//! `showmigrations` prints. Pure functions: nothing here touches a
//! database.

use crate::apply::lint;
use crate::apply::recorder::{checksum, Record, Status};
use crate::error::{Error, Result};
use crate::files::graph;
use crate::files::loader::{replay_into, MigrationSet};
use crate::files::replacements;
use crate::state::ProjectState;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use strata::Dialect;

/// Where `migrate` goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Every migration applied (the graph must have one leaf).
    Latest,
    /// Every migration unapplied.
    Zero,
    /// This migration and its dependencies applied, everything that
    /// depends on it unapplied. A unique prefix (`0002`) is accepted.
    Migration(String),
}

impl Target {
    /// `zero`, or a migration name or prefix.
    pub fn parse(text: &str) -> Target {
        if text.eq_ignore_ascii_case("zero") {
            Target::Zero
        } else {
            Target::Migration(text.to_string())
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Latest => f.write_str("the latest migration"),
            Target::Zero => f.write_str("zero"),
            Target::Migration(name) => f.write_str(name),
        }
    }
}

/// What one step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Run the forward SQL and record the migration.
    Apply,
    /// Run the backward SQL and delete the record.
    Unapply,
    /// Only record the migration as applied (with `--fake`), with the
    /// current checksum; also how an edited or failed migration is accepted.
    RecordApplied,
    /// Only delete the record (with `--fake`).
    Forget,
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The migration.
    pub migration: String,
    /// What happens to it.
    pub action: Action,
}

/// The steps that reach a target, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// The steps.
    pub steps: Vec<Step>,
}

impl Plan {
    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The plan as `migrate --plan` prints it: one line per step and, for
    /// steps that run SQL, one indented line per operation.
    pub fn render(&self, set: &MigrationSet) -> String {
        if self.steps.is_empty() {
            return "Planned operations:\n  No planned migration operations.\n".into();
        }
        let mut out = String::from("Planned operations:\n");
        let unapplied: BTreeSet<&str> = self
            .steps
            .iter()
            .filter(|s| s.action == Action::Unapply)
            .map(|s| s.migration.as_str())
            .collect();
        let notes = undo_notes(set, &unapplied);
        let runs: BTreeSet<&str> = self
            .steps
            .iter()
            .filter(|s| matches!(s.action, Action::Apply | Action::Unapply))
            .map(|s| s.migration.as_str())
            .collect();
        let befores = lint::states_before(set, &runs);
        for step in &self.steps {
            let verb = match step.action {
                Action::Apply => "Apply",
                Action::Unapply => "Unapply",
                Action::RecordApplied => "Record as applied (fake)",
                Action::Forget => "Forget (fake)",
            };
            out.push_str(&format!("{verb} {}\n", step.migration));
            let Some(migration) = set.migrations.get(&step.migration) else {
                continue;
            };
            let forward = step.action == Action::Apply;
            let lints = befores
                .get(&step.migration)
                .map(|before| lint::lint(migration, before, forward))
                .unwrap_or_default();
            match step.action {
                Action::Apply => {
                    for (i, op) in migration.operations.iter().enumerate() {
                        out.push_str(&format!("    {}", op.describe()));
                        push_missing_function(&mut out, op, true);
                        push_lint(&mut out, lints.get(i));
                    }
                }
                Action::Unapply => {
                    let notes = notes.get(step.migration.as_str());
                    for (k, (i, op)) in migration.operations.iter().enumerate().rev().enumerate() {
                        out.push_str(&format!("    Undo: {}", op.describe()));
                        push_missing_function(&mut out, op, false);
                        push_lint(&mut out, lints.get(k));
                        if let Some(Some(note)) = notes.and_then(|n| n.get(i)) {
                            out.push_str(&format!("      ({note})\n"));
                        }
                    }
                }
                Action::RecordApplied | Action::Forget => {}
            }
        }
        out
    }
}

/// Marks a `run_rust` operation whose function (forward, or backward when
/// unapplying) this binary does not link: `migrate` would refuse to start.
fn push_missing_function(out: &mut String, op: &crate::operations::Operation, forward: bool) {
    let crate::operations::Operation::RunRust(op) = op else {
        return;
    };
    let name = if forward {
        Some(&op.forward)
    } else {
        op.backward.as_ref()
    };
    if let Some(name) = name {
        if crate::operations::run_rust::lookup(name).is_err() {
            out.push_str(&format!(
                "   [`{name}` is not in this binary: migrate refuses to start]"
            ));
        }
    }
}

/// Ends an operation's line of the plan with the lint's marks: `[destroys
/// data]`, then one line per check `migrate` runs on the rows first.
fn push_lint(out: &mut String, lint: Option<&lint::OpLint>) {
    let Some(lint) = lint else {
        out.push('\n');
        return;
    };
    if lint.destructive {
        out.push_str("   [destroys data]");
    }
    out.push('\n');
    for check in &lint.checks {
        out.push_str(&format!("      (checked first: {})\n", check.describe()));
    }
}

/// [`Operation::undo_note`](crate::operations::Operation::undo_note) of
/// each operation of the migrations named in `unapplied`, each from the
/// state the migrations ordered before it leave: one replay of the files.
/// A migration is left out when the files do not replay up to it (loading
/// them already reports why).
fn undo_notes<'s>(
    set: &'s MigrationSet,
    unapplied: &BTreeSet<&str>,
) -> BTreeMap<&'s str, Vec<Option<String>>> {
    let mut out = BTreeMap::new();
    let Ok(order) = set.ordered() else {
        return out;
    };
    let mut state = ProjectState::new();
    for migration in order {
        if unapplied.contains(migration.name.as_str()) {
            let mut after = state.clone();
            let mut notes = Vec::with_capacity(migration.operations.len());
            for op in &migration.operations {
                notes.push(op.undo_note(&after));
                if op.apply(&mut after).is_err() {
                    break;
                }
            }
            out.insert(migration.name.as_str(), notes);
        }
        if replay_into(&mut state, migration).is_err() {
            break;
        }
    }
    out
}

/// The migrations that reaching `target` keeps applied.
fn target_set(set: &MigrationSet, target: &Target) -> Result<BTreeSet<String>> {
    Ok(match target {
        Target::Latest => {
            let leaves = set.leaves();
            if leaves.len() > 1 {
                return Err(Error::Conflict { leaves });
            }
            set.migrations.keys().cloned().collect()
        }
        Target::Zero => BTreeSet::new(),
        Target::Migration(name) => graph::ancestors(&set.migrations, &set.find(name)?.name),
    })
}

/// The target that leaves `name` unapplied and its dependencies applied,
/// for hints: its last dependency, or `zero`.
pub(crate) fn before(set: &MigrationSet, name: &str) -> String {
    set.migrations
        .get(name)
        .and_then(|m| m.dependencies.iter().max().cloned())
        .unwrap_or_else(|| "zero".into())
}

/// Plans the way from what `records` say to `target` on `dialect`.
///
/// Without `fake`, refuses (in this order): recorded migrations with no
/// file, a migration that failed part-way, edited applied migrations, an
/// applied migration with an unapplied dependency, and (for
/// [`Target::Latest`]) several leaves. With `fake`, failed and edited
/// migrations are resolved by recording (or forgetting) them.
pub fn plan(
    set: &MigrationSet,
    records: &BTreeMap<String, Record>,
    target: &Target,
    dialect: Dialect,
    fake: bool,
) -> Result<Plan> {
    match database_view(set, records, dialect)? {
        Some((set, records)) => plan_on(&set, &records, target, dialect, fake),
        None => plan_on(set, records, target, dialect, fake),
    }
}

/// `set` and `records` as the database sees them when some migrations are
/// squashed (see `files::replacements`): the squash or the migrations it
/// replaces, and the records of a whole replaced range read as the
/// squash's. `None` when nothing is squashed.
pub(crate) fn database_view(
    set: &MigrationSet,
    records: &BTreeMap<String, Record>,
    dialect: Dialect,
) -> Result<Option<(MigrationSet, BTreeMap<String, Record>)>> {
    if !replacements::any(&set.migrations) {
        return Ok(None);
    }
    let recorded: BTreeSet<String> = records.keys().cloned().collect();
    let applied: BTreeSet<String> = records
        .values()
        .filter(|r| r.status == Status::Applied)
        .map(|r| r.name.clone())
        .collect();
    let effective = set.effective(&recorded, &applied)?;
    let mut seen: BTreeMap<String, Record> = records
        .iter()
        .filter(|(name, _)| !effective.hidden.contains(*name))
        .map(|(name, record)| (name.clone(), record.clone()))
        .collect();
    for name in &effective.applied_by_range {
        let Some(squash) = effective.migrations.get(name) else {
            continue;
        };
        let range = squash.replaces.iter().filter_map(|r| records.get(r));
        let applied_at = range
            .map(|r| r.applied_at)
            .max()
            .unwrap_or_else(chrono::Utc::now);
        seen.insert(
            name.clone(),
            Record {
                name: name.clone(),
                checksum: checksum(squash, dialect),
                status: Status::Applied,
                applied_at,
                duration_ms: 0,
                failed_statement: None,
                error: None,
            },
        );
    }
    let view = MigrationSet {
        dir: set.dir.clone(),
        migrations: effective.migrations.into_owned(),
        non_atomic: set.non_atomic.clone(),
    };
    Ok(Some((view, seen)))
}

fn plan_on(
    set: &MigrationSet,
    records: &BTreeMap<String, Record>,
    target: &Target,
    dialect: Dialect,
    fake: bool,
) -> Result<Plan> {
    let unknown: Vec<String> = records
        .keys()
        .filter(|name| !set.migrations.contains_key(*name))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        return Err(Error::UnknownAppliedMigrations { names: unknown });
    }
    let order = set.ordered()?;
    if !fake {
        for migration in &order {
            if let Some(record) = records.get(&migration.name) {
                if record.status != Status::Applied {
                    return Err(Error::UnresolvedFailure {
                        migration: migration.name.clone(),
                        what: record.status.describe().into(),
                        statement: record.failed_statement.clone(),
                        error: record.error.clone(),
                        before: before(set, &migration.name),
                    });
                }
            }
        }
    }
    let edited: Vec<String> = order
        .iter()
        .filter(|m| {
            records
                .get(&m.name)
                .is_some_and(|r| r.status == Status::Applied && r.checksum != checksum(m, dialect))
        })
        .map(|m| m.name.clone())
        .collect();
    if !fake && !edited.is_empty() {
        return Err(Error::EditedMigrations { names: edited });
    }
    let applied: BTreeSet<&str> = records
        .values()
        .filter(|r| r.status == Status::Applied)
        .map(|r| r.name.as_str())
        .collect();
    for migration in &order {
        if applied.contains(migration.name.as_str()) {
            if let Some(dependency) = migration
                .dependencies
                .iter()
                .find(|d| !applied.contains(d.as_str()))
            {
                // With --fake, the dependency is about to be recorded.
                if !fake {
                    return Err(Error::InconsistentHistory {
                        migration: migration.name.clone(),
                        dependency: dependency.clone(),
                    });
                }
            }
        }
    }
    let keep = target_set(set, target)?;
    let mut steps = Vec::new();
    for migration in order.iter().rev() {
        let name = &migration.name;
        if keep.contains(name) {
            continue;
        }
        match records.get(name) {
            Some(r) if r.status == Status::Applied => steps.push(Step {
                migration: name.clone(),
                action: if fake {
                    Action::Forget
                } else {
                    Action::Unapply
                },
            }),
            Some(_) => steps.push(Step {
                migration: name.clone(),
                action: Action::Forget,
            }),
            None => {}
        }
    }
    for migration in &order {
        let name = &migration.name;
        if !keep.contains(name) {
            continue;
        }
        let action = match records.get(name) {
            None if !fake => Action::Apply,
            None => Action::RecordApplied,
            Some(r) if r.status != Status::Applied => Action::RecordApplied,
            Some(_) if edited.contains(name) => Action::RecordApplied,
            Some(_) => continue,
        };
        steps.push(Step {
            migration: name.clone(),
            action,
        });
    }
    Ok(Plan { steps })
}

/// Where one migration stands on a database, for `showmigrations`.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    /// Not applied.
    Pending,
    /// Applied, and the file is as it was.
    Applied,
    /// Applied, but the file's SQL changed since.
    Edited,
    /// Failed or interrupted part-way (see the record).
    Failed(Record),
    /// Recorded in the database with no migration file.
    Unknown,
}

/// One line of `showmigrations`.
#[derive(Debug, Clone, PartialEq)]
pub struct MigrationStatus {
    /// The migration.
    pub name: String,
    /// Where it stands.
    pub state: State,
}

/// Every migration in order with its state, then recorded names that have
/// no file.
pub fn status(
    set: &MigrationSet,
    records: &BTreeMap<String, Record>,
    dialect: Dialect,
) -> Result<Vec<MigrationStatus>> {
    match database_view(set, records, dialect)? {
        Some((set, records)) => status_on(&set, &records, dialect),
        None => status_on(set, records, dialect),
    }
}

fn status_on(
    set: &MigrationSet,
    records: &BTreeMap<String, Record>,
    dialect: Dialect,
) -> Result<Vec<MigrationStatus>> {
    let mut out = Vec::with_capacity(set.migrations.len());
    for migration in set.ordered()? {
        let state = match records.get(&migration.name) {
            None => State::Pending,
            Some(r) if r.status != Status::Applied => State::Failed(r.clone()),
            Some(r) if r.checksum != checksum(migration, dialect) => State::Edited,
            Some(_) => State::Applied,
        };
        out.push(MigrationStatus {
            name: migration.name.clone(),
            state,
        });
    }
    for name in records.keys() {
        if !set.migrations.contains_key(name) {
            out.push(MigrationStatus {
                name: name.clone(),
                state: State::Unknown,
            });
        }
    }
    Ok(out)
}

/// `showmigrations` output: `[X]` applied, `[ ]` pending, `[E]` applied but
/// edited since, `[!]` failed part-way, `[?]` recorded without a file.
pub fn render_status(statuses: &[MigrationStatus]) -> String {
    let mut out = String::new();
    if statuses.is_empty() {
        out.push_str("(no migrations)\n");
    }
    for s in statuses {
        let line = match &s.state {
            State::Pending => format!("[ ] {}", s.name),
            State::Applied => format!("[X] {}", s.name),
            State::Edited => format!(
                "[E] {}  (applied, but its SQL was edited since; see `migrate`)",
                s.name
            ),
            State::Failed(record) => {
                let mut line = format!("[!] {}  ({}", s.name, record.status.describe());
                if let Some(statement) = &record.failed_statement {
                    line.push_str(&format!(" at `{statement}`"));
                }
                line.push(')');
                line
            }
            State::Unknown => format!("[?] {}  (recorded as applied, but no file)", s.name),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}
