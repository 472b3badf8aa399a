//! `RunRust`: a data migration written in Rust, and the registry of the
//! functions a binary links.
//!
//! A project writes the function next to its models and registers it with
//! `#[strata_migrate::data_migration]`:
//!
//! ```ignore
//! #[strata_migrate::data_migration]
//! async fn backfill_slugs(tx: &mut strata::Transaction<'_>) -> strata::Result<()> {
//!     for post in strata_migrate::data::all(tx, &Post::objects().filter(Post::slug().eq(""))).await? {
//!         // ...
//!     }
//!     Ok(())
//! }
//! ```
//!
//! and a migration names it (`makemigrations --empty --data backfill_slugs`
//! writes one):
//!
//! ```toml
//! [[operations]]
//! op = "run_rust"
//! forward = "backfill_slugs"
//! backward = "clear_slugs"      # optional
//! ```
//!
//! The operation's SQL, for every dialect, is one marker line
//! (`-- strata:run_rust backfill_slugs`): it keeps the call's place among
//! the migration's statements (and in its checksum), `sqlmigrate` shows
//! it, and the executor calls the function there, on the migration's
//! transaction. Before a run takes its first step, the executor checks
//! that every function the plan will call is linked into the binary.

use super::ddl::{Ddl, DdlResult};
use super::{Op, Operation};
use crate::error::{Error, Result};
use crate::state::ProjectState;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::pin::Pin;
use strata::Transaction;

/// What the executor runs for a `RunRust` step: a registered function's
/// future, borrowing the migration's transaction.
pub type DataMigrationFuture<'a> = Pin<Box<dyn Future<Output = strata::Result<()>> + Send + 'a>>;

/// The shape of a registered data-migration function (the attribute wraps
/// the user's `async fn` into one).
pub type DataMigrationFn = for<'a, 'c> fn(&'a mut Transaction<'c>) -> DataMigrationFuture<'a>;

/// One function registered with `#[strata_migrate::data_migration]`.
pub struct DataMigration {
    /// The name migration files call it by (the function's name unless the
    /// attribute says `name = "..."`).
    pub name: &'static str,
    /// Where it is defined, for error messages about duplicates.
    pub module_path: &'static str,
    /// The function.
    pub function: DataMigrationFn,
}

impl DataMigration {
    /// Used by `#[data_migration]`. Not public API.
    #[doc(hidden)]
    pub const fn __new(
        name: &'static str,
        module_path: &'static str,
        function: DataMigrationFn,
    ) -> DataMigration {
        DataMigration {
            name,
            module_path,
            function,
        }
    }
}

impl std::fmt::Debug for DataMigration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataMigration")
            .field("name", &self.name)
            .field("module_path", &self.module_path)
            .finish_non_exhaustive()
    }
}

strata::__private::inventory::collect!(DataMigration);

/// Every data-migration function linked into this binary, sorted by name.
pub fn registered() -> Vec<&'static DataMigration> {
    let mut all: Vec<&'static DataMigration> = strata::__private::inventory::iter::<DataMigration>
        .into_iter()
        .collect();
    all.sort_by(|a, b| a.name.cmp(b.name).then(a.module_path.cmp(b.module_path)));
    all
}

/// The function registered as `name`, or why there is none to call:
/// `Err(known names)` when none has the name, an error message when two
/// modules registered it.
pub(crate) fn lookup(name: &str) -> std::result::Result<DataMigrationFn, LookupError> {
    let all = registered();
    let found: Vec<&&DataMigration> = all.iter().filter(|d| d.name == name).collect();
    match found.as_slice() {
        [one] => Ok(one.function),
        [] => Err(LookupError::Missing(
            all.iter().map(|d| d.name.to_string()).collect(),
        )),
        many => Err(LookupError::Duplicate(
            many.iter().map(|d| d.module_path.to_string()).collect(),
        )),
    }
}

/// Why [`lookup`] found no function to call.
pub(crate) enum LookupError {
    /// No function has the name; these are the registered ones.
    Missing(Vec<String>),
    /// Several modules registered the name.
    Duplicate(Vec<String>),
}

/// The marker statement a `RunRust` renders to.
const MARKER: &str = "-- strata:run_rust ";

/// The marker line for `function`.
pub(crate) fn marker(function: &str) -> String {
    format!("{MARKER}{function}")
}

/// The function a statement calls, if it is a `RunRust` marker.
pub(crate) fn called_function(statement: &str) -> Option<&str> {
    statement
        .trim()
        .strip_prefix(MARKER)
        .map(str::trim)
        .filter(|name| !name.is_empty())
}

/// Calls a Rust function registered in the binary (a data migration:
/// backfills, conversions that SQL cannot express), forward and, if
/// `backward` names one, backward. It does not change the schema state.
///
/// **A barrier**: like [`RunSql`](super::RunSql), the optimizer must never
/// move an operation across a `RunRust`, nor fold operations on either
/// side of it into each other, since the function sees the schema exactly
/// as the operations before it leave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRust {
    /// The registered name of the function run forwards.
    pub forward: String,
    /// The registered name of the function that undoes it; `None`: the
    /// migration cannot be unapplied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backward: Option<String>,
    /// What it does, for `describe`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl RunRust {
    /// An operation calling `forward`.
    pub fn new(forward: impl Into<String>) -> RunRust {
        RunRust {
            forward: forward.into(),
            backward: None,
            description: None,
        }
    }

    /// With `backward` as its reverse.
    pub fn backward(mut self, backward: impl Into<String>) -> RunRust {
        self.backward = Some(backward.into());
        self
    }
}

/// Whether `name` can be a registered name: a Rust identifier.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Op for RunRust {
    fn describe(&self) -> String {
        match &self.description {
            Some(d) => format!("Run Rust function {}: {d}", self.forward),
            None => format!("Run Rust function {}", self.forward),
        }
    }

    fn name_fragment(&self) -> String {
        super::fragment_name(&self.forward)
    }

    fn apply(&self, _state: &mut ProjectState) -> std::result::Result<(), String> {
        for name in std::iter::once(&self.forward).chain(&self.backward) {
            super::ensure(is_identifier(name), || {
                format!(
                    "`{name}` is not the name of a Rust function (letters, digits and `_`, \
                     not starting with a digit)"
                )
            })?;
        }
        Ok(())
    }

    fn sql(&self, _ddl: &Ddl<'_>) -> DdlResult<Vec<String>> {
        Ok(vec![marker(&self.forward)])
    }

    fn inverse(&self, _from: &ProjectState) -> Result<Operation> {
        let backward = self.backward.clone().ok_or_else(|| Error::Irreversible {
            operation: self.describe(),
            reason: "it names no backward function (add `backward = \"...\"`)".to_string(),
        })?;
        Ok(Operation::RunRust(RunRust {
            forward: backward,
            backward: Some(self.forward.clone()),
            description: self.description.clone(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_name_their_function() {
        assert_eq!(called_function(&marker("backfill")), Some("backfill"));
        assert_eq!(called_function("-- strata:run_rust "), None);
        assert_eq!(called_function("SELECT 1"), None);
        assert!(is_identifier("_x1") && !is_identifier("1x") && !is_identifier("a-b"));
    }
}
