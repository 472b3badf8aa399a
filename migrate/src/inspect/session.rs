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

    pub async fn execute_raw(&mut self, sql: &str) -> strata::Result<ExecResult> {
        let stmt = Statement::raw(self.dialect(), sql);
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
        let stmt = Statement::raw(self.dialect(), sql);
        self.fetch(stmt, decode).await
    }
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
