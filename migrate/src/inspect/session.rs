//! Where the executor's statements go: the connection it holds for the
//! whole run, or a transaction on it. Also small row decoders.

use strata::{Conn, Dialect, ExecResult, FieldType, Row, Statement, Transaction};

/// A connection or a transaction on it.
pub(crate) enum Session<'a, 'c> {
    Conn(&'a mut Conn),
    Tx(&'a mut Transaction<'c>),
}

impl Session<'_, '_> {
    pub fn dialect(&self) -> Dialect {
        match self {
            Session::Conn(c) => c.dialect(),
            Session::Tx(t) => t.dialect(),
        }
    }

    pub async fn execute(&mut self, stmt: Statement) -> strata::Result<ExecResult> {
        match self {
            Session::Conn(c) => c.execute(stmt).await,
            Session::Tx(t) => t.execute(stmt).await,
        }
    }

    /// Runs SQL text of strata-migrate's own (see [`vouched`]).
    pub async fn execute_raw(&mut self, sql: &str) -> strata::Result<ExecResult> {
        let stmt = vouched(self.dialect(), sql);
        self.execute(stmt).await
    }

    pub async fn fetch<T: Send>(
        &mut self,
        stmt: Statement,
        decode: impl FnMut(&Row) -> strata::Result<T> + Send,
    ) -> strata::Result<Vec<T>> {
        match self {
            Session::Conn(c) => c.fetch(stmt, decode).await,
            Session::Tx(t) => t.fetch(stmt, decode).await,
        }
    }

    pub async fn fetch_raw<T: Send>(
        &mut self,
        sql: &str,
        decode: impl FnMut(&Row) -> strata::Result<T> + Send,
    ) -> strata::Result<Vec<T>> {
        let stmt = vouched(self.dialect(), sql);
        self.fetch(stmt, decode).await
    }
}

/// The one place strata-migrate vouches for SQL text it hands to strata
/// (sqlx's `SqlSafeStr` rule). The text is either written by
/// strata-migrate from the schema state (DDL, catalog queries and data
/// checks: identifiers quoted by the dialect, defaults written as literals
/// by the dialect) or it is a migration file's own `RunSql`, which the
/// project's developers wrote and review as code; never input of an end
/// user of the application.
fn vouched(dialect: Dialect, sql: &str) -> Statement {
    Statement::raw(dialect, strata::AssertSqlSafe(sql))
}

/// Decodes column `index` of `row` as `T`; `what` names it in errors.
pub(crate) fn get<T: FieldType>(row: &Row, index: usize, what: &'static str) -> strata::Result<T> {
    T::decode(row, index).map_err(|e| strata::Error::Decode {
        model: "strata-migrate",
        column: what,
        dialect: row.dialect(),
        message: e.to_string(),
    })
}
