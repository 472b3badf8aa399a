//! What the executor checks before it takes a step: that every Rust
//! data-migration function the plan calls is linked into the binary
//! (before the first step), and that the rows pass the lint's data checks
//! (right before each step, against the data as it is then).

use crate::apply::lint;
use crate::apply::plan::{Action, Plan};
use crate::error::{Error, Result};
use crate::files::loader::MigrationSet;
use crate::files::migration::Migration;
use crate::inspect::session::{get, Session};
use crate::operations::run_rust;
use crate::state::ProjectState;
use strata::{Conn, Dialect};

/// Runs the lint's data checks of `migration` (see [`lint`]) on the rows
/// as they are now, refusing the step with everything they found.
pub(crate) async fn check_data(
    conn: &mut Conn,
    migration: &Migration,
    before: &ProjectState,
    forward: bool,
    direction: &'static str,
) -> Result<()> {
    let dialect = conn.dialect();
    let mut problems = Vec::new();
    for op in lint::lint(migration, before, forward) {
        for check in op.checks {
            let sql = check.sql(dialect);
            let found = Session::Conn(conn)
                .fetch_raw(&sql, |row| get::<i64>(row, 0, "count"))
                .await
                .map_err(|source| Error::Database {
                    action: format!("checking the data before {}", migration.name),
                    source: Box::new(source),
                })?;
            let found = found.first().copied().unwrap_or(0);
            if found > 0 {
                problems.push(check.failure(found));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::DataCheckFailed {
            migration: migration.name.clone(),
            direction,
            problems,
        })
    }
}

/// Every Rust function the steps of `plan` call must be linked into the
/// binary: checked before the first step, so that a missing one stops the
/// run before anything changes.
pub(crate) fn check_data_migrations(
    set: &MigrationSet,
    plan: &Plan,
    dialect: Dialect,
) -> Result<()> {
    for step in &plan.steps {
        let Some(migration) = set.migrations.get(&step.migration) else {
            continue;
        };
        let script = migration.sql.get(dialect);
        let statements = match step.action {
            Action::Apply => &script.forward,
            Action::Unapply => &script.backward,
            Action::RecordApplied | Action::Forget => continue,
        };
        for function in statements
            .iter()
            .filter_map(|s| run_rust::called_function(s))
        {
            run_rust::lookup(function).map_err(|e| Error::UnknownDataMigration {
                migration: migration.name.clone(),
                function: function.to_string(),
                problem: lookup_problem(e),
            })?;
        }
    }
    Ok(())
}

/// The `problem` of an [`Error::UnknownDataMigration`].
pub(crate) fn lookup_problem(error: run_rust::LookupError) -> String {
    match error {
        run_rust::LookupError::Missing(known) if known.is_empty() => {
            "which this binary does not have (it registers no data-migration functions)".into()
        }
        run_rust::LookupError::Missing(known) => format!(
            "which this binary does not have (it has: {})",
            known.join(", ")
        ),
        run_rust::LookupError::Duplicate(modules) => format!(
            "which is registered more than once (in {}); give one of them another name with \
             `#[data_migration(name = \"...\")]`",
            modules.join(", ")
        ),
    }
}
