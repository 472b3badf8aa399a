//! `RunSql`: hand-written SQL per dialect, with its reverse.

use super::ddl::{Ddl, DdlResult};
use super::{Op, Operation};
use crate::error::{Error, Result};
use crate::state::ProjectState;
use serde::{Deserialize, Serialize};
use strata::Dialect;

/// Statements for each dialect.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DialectSql {
    #[serde(default)]
    pub postgres: Vec<String>,
    #[serde(default)]
    pub mysql: Vec<String>,
    #[serde(default)]
    pub sqlite: Vec<String>,
}

impl DialectSql {
    /// The same statements for every dialect.
    pub fn all(statements: &[&str]) -> DialectSql {
        let owned: Vec<String> = statements.iter().map(|s| s.to_string()).collect();
        DialectSql {
            postgres: owned.clone(),
            mysql: owned.clone(),
            sqlite: owned,
        }
    }

    /// The statements of `dialect`.
    pub fn get(&self, dialect: Dialect) -> &[String] {
        match dialect {
            Dialect::Postgres => &self.postgres,
            Dialect::MySql => &self.mysql,
            Dialect::Sqlite => &self.sqlite,
        }
    }
}

/// Runs SQL the autodetector cannot write (data migrations, views,
/// triggers). It does not change the schema state: a `RunSql` that changes
/// the schema must be paired with operations that describe the change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSql {
    /// What the operation does, for `describe`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub forward: DialectSql,
    /// `None`: the operation cannot be reversed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backward: Option<DialectSql>,
}

impl Op for RunSql {
    fn describe(&self) -> String {
        match &self.description {
            Some(d) => format!("Run SQL: {d}"),
            None => "Run SQL".to_string(),
        }
    }

    fn name_fragment(&self) -> String {
        "run_sql".to_string()
    }

    fn apply(&self, _state: &mut ProjectState) -> std::result::Result<(), String> {
        Ok(())
    }

    fn sql(&self, ddl: &Ddl<'_>) -> DdlResult<Vec<String>> {
        Ok(self.forward.get(ddl.dialect).to_vec())
    }

    fn inverse(&self, _from: &ProjectState) -> Result<Operation> {
        let backward = self.backward.clone().ok_or_else(|| Error::Irreversible {
            operation: self.describe(),
            reason: "it has no backward SQL".to_string(),
        })?;
        Ok(Operation::RunSql(RunSql {
            description: self.description.clone(),
            forward: backward,
            backward: Some(self.forward.clone()),
        }))
    }
}
