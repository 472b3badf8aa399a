//! The one place strata hands SQL text to sqlx.
//!
//! Since 0.9 sqlx takes query text only as a [`sqlx::SqlSafeStr`]: a
//! `&'static str` as it is, anything else wrapped in
//! [`sqlx::AssertSqlSafe`] by code that vouches for it. Every statement
//! strata runs goes through [`for_sqlx`], so the assertion is made once,
//! here, for a reason that holds for all of them.

use sqlx::SqlSafeStr as _;
use std::sync::Arc;

/// `sql`, the text of a [`Statement`](crate::Statement), as sqlx's query
/// text. Shares the string rather than copying it, so the caller keeps it
/// for the log line and for the error of a failed statement.
///
/// Why the assertion holds: a statement's text is either written by
/// strata through [`SqlWriter`](crate::SqlWriter) and the dialect, where
/// identifiers are quoted by the dialect and every value is a placeholder
/// with a bound parameter (no value is ever part of the text), or it was
/// taken by [`Statement::raw`](crate::Statement::raw) /
/// `execute_raw_sql`, which accept only a `SqlSafeStr`: the caller's own
/// literal or its own explicit `AssertSqlSafe`.
pub(crate) fn for_sqlx(sql: &Arc<String>) -> sqlx::SqlStr {
    sqlx::AssertSqlSafe(Arc::clone(sql)).into_sql_str()
}
