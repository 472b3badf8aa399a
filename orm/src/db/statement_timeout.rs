//! Recognising a statement the database cancelled for running past
//! [`ConnectOptions::statement_timeout`](super::ConnectOptions::statement_timeout).

use crate::dialect::Dialect;
use crate::error::Error;

impl Error {
    /// Whether the database cancelled the statement because it ran past
    /// [`ConnectOptions::statement_timeout`](crate::ConnectOptions::statement_timeout):
    /// PostgreSQL's `query_canceled` (SQLSTATE 57014), MariaDB's error 1969
    /// and MySQL's 3024.
    pub fn is_statement_timeout(&self) -> bool {
        let Error::Query {
            source: sqlx::Error::Database(db),
            dialect,
            ..
        } = self
        else {
            return false;
        };
        match dialect {
            Dialect::Postgres => db.code().as_deref() == Some("57014"),
            Dialect::MySql => {
                mysql_error_number(db.as_ref()).is_some_and(|n| n == 1969 || n == 3024)
            }
            Dialect::Sqlite => false,
        }
    }
}

#[cfg(feature = "mysql")]
fn mysql_error_number(db: &dyn sqlx::error::DatabaseError) -> Option<u16> {
    db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>()
        .map(|e| e.number())
}

#[cfg(not(feature = "mysql"))]
fn mysql_error_number(_db: &dyn sqlx::error::DatabaseError) -> Option<u16> {
    None
}
