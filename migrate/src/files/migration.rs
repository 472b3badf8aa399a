//! [`Migration`]: one migration file in memory.

use crate::operations::Operation;
use serde::{Deserialize, Serialize};
use strata::Dialect;

/// One migration: its place in the graph, the operations the schema state
/// is replayed from, and the SQL that is executed for each dialect.
#[derive(Debug, Clone, PartialEq)]
pub struct Migration {
    /// The file stem: `0002_add_post_tags`.
    pub name: String,
    /// The migrations this one comes after.
    pub dependencies: Vec<String>,
    /// For a squashed migration, the migrations it stands for (see
    /// `squashmigrations`); empty otherwise.
    pub replaces: Vec<String>,
    /// The dialect-neutral operations.
    pub operations: Vec<Operation>,
    /// The SQL per dialect.
    pub sql: MigrationSql,
}

/// The SQL of a migration for each dialect.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MigrationSql {
    #[serde(default)]
    pub postgres: DialectScript,
    #[serde(default)]
    pub mysql: DialectScript,
    #[serde(default)]
    pub sqlite: DialectScript,
}

impl MigrationSql {
    /// The script of `dialect`.
    pub fn get(&self, dialect: Dialect) -> &DialectScript {
        match dialect {
            Dialect::Postgres => &self.postgres,
            Dialect::MySql => &self.mysql,
            Dialect::Sqlite => &self.sqlite,
        }
    }

    pub(crate) fn get_mut(&mut self, dialect: Dialect) -> &mut DialectScript {
        match dialect {
            Dialect::Postgres => &mut self.postgres,
            Dialect::MySql => &mut self.mysql,
            Dialect::Sqlite => &mut self.sqlite,
        }
    }
}

/// The statements that apply (`forward`) and unapply (`backward`) a
/// migration on one dialect, each statement one string without a trailing
/// `;`. When the dialect cannot express an operation, the direction holds
/// no statements and `*_error` says why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DialectScript {
    #[serde(default)]
    pub forward: Vec<String>,
    #[serde(default)]
    pub backward: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forward_error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backward_error: Option<String>,
}

/// How a migration is run, from the top of its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MigrationOptions {
    /// Whether the migration runs in one transaction (`atomic = true`, the
    /// default). `atomic = false` runs each statement on its own, for
    /// statements a transaction does not allow, such as PostgreSQL's
    /// `CREATE INDEX CONCURRENTLY`; a failure part-way then leaves the
    /// migration recorded as failed, as on MySQL.
    pub atomic: bool,
}

impl Default for MigrationOptions {
    fn default() -> MigrationOptions {
        MigrationOptions { atomic: true }
    }
}

/// The shape a migration file is read with: [`MigrationFile`] plus the
/// options only a person writes (`atomic = false`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MigrationFileIn {
    #[serde(default = "yes")]
    pub atomic: bool,
    #[serde(default)]
    pub dependencies: Vec<String>,
    #[serde(default)]
    pub replaces: Vec<String>,
    #[serde(default)]
    pub operations: Vec<Operation>,
    #[serde(default)]
    pub sql: MigrationSql,
}

fn yes() -> bool {
    true
}

/// The serialized shape of a migration file (the name is the file's),
/// borrowing from the [`Migration`].
#[derive(Debug, Serialize)]
pub(crate) struct MigrationFile<'a> {
    pub dependencies: &'a [String],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub replaces: &'a [String],
    pub operations: &'a [Operation],
    pub sql: &'a MigrationSql,
}
