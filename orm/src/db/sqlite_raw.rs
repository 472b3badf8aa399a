//! The one `unsafe` module: a read stepped on the `sqlite3` handle of one
//! of sqlx's own connections, with one of sqlx's own prepared statements,
//! each row decoded in place.
//!
//! Why: sqlx runs every SQLite statement on a worker thread and sends each
//! row back through a channel, copying every column (`sqlite3_value_dup`)
//! into a row of its own; at 10,000 rows that hand-off costs more than
//! SQLite itself. sqlx 0.9 lends its handle
//! ([`SqliteConnection::lock_handle`](sqlx::SqliteConnection::lock_handle)):
//! while the returned guard lives, the worker thread waits and the caller
//! owns the connection, inside sqlx's own transaction state and lock. A
//! plain read bound and stepped here costs one hand-off per statement, not
//! one per row.
//!
//! The statement is the one sqlx prepared and cached for the same text on
//! that connection (found with `sqlite3_next_stmt`), so nothing is
//! prepared per read and nothing here outlives the guard: sqlx's
//! `sqlite3_close` panics on a statement it does not own, which rules out
//! a cache of strata's own. A text sqlx has not prepared on the connection
//! yet runs through sqlx, which prepares and caches it for the next read.
//!
//! Soundness rests on four rules, each kept in this file:
//! - the handle and its statements are used only while sqlx's guard is
//!   held (the `&mut` borrow of [`LockedSqliteHandle`] in [`read`]), on
//!   the caller's thread; a statement is found by walking the
//!   connection's live statements, never kept, and left reset with no
//!   value bound before [`read`] returns (its `Drop`), as sqlx resets,
//!   clears and rebinds a statement before each use of its own;
//! - bound text and bytes are borrowed until the bindings are cleared
//!   (`SQLITE_STATIC`, the lent statement's lifetime parameter);
//! - a [`SqliteStepRow`] is made only here, inside a [`Row`] that [`read`]
//!   owns and lends to its callback by shared reference for the row it
//!   points at; neither is `Clone` nor `Sync`, so it cannot outlive the
//!   step or be read from two threads at once;
//! - columns are read only through `sqlite3_column_{type,int64,double,
//!   blob,bytes}`, none of which moves a value already borrowed (no
//!   `sqlite3_column_text`, whose NUL terminator may reallocate).

use super::Row;
use libsqlite3_sys as ffi;
use sqlx::error::{DatabaseError, ErrorKind};
use sqlx::sqlite::LockedSqliteHandle;
use std::borrow::Cow;
use std::ffi::{c_int, CStr};
use std::marker::PhantomData;
use std::ptr::NonNull;

/// A value bound to a `?` parameter, as sqlx binds it on SQLite.
pub(crate) enum Bind<'a> {
    Null,
    Int(i64),
    Double(f64),
    Text(Cow<'a, str>),
    Blob(&'a [u8]),
}

/// The storage class of a column's value in the current row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    Integer,
    Real,
    Text,
    Blob,
    Null,
}

impl Storage {
    /// sqlx's name for it (what a type-mismatch error shows).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Storage::Integer => "INTEGER",
            Storage::Real => "REAL",
            Storage::Text => "TEXT",
            Storage::Blob => "BLOB",
            Storage::Null => "NULL",
        }
    }
}

/// The row a statement stepped here is on. Valid only inside the callback
/// of [`read`] it was handed to.
pub struct SqliteStepRow {
    stmt: NonNull<ffi::sqlite3_stmt>,
    columns: usize,
    /// Not `Sync`: SQLite's column readers are not safe to call from two
    /// threads at once on a connection opened without a mutex.
    _not_sync: PhantomData<std::cell::Cell<()>>,
}

// SAFETY: a `SqliteStepRow` never leaves `read` by value (callers see it
// as `&Row`, which is not `Send` because the row is not `Sync`), so it is
// only ever used on the thread that holds sqlx's lock. `Send` only lets a
// `Row` enum holding one stay `Send` as a type.
unsafe impl Send for SqliteStepRow {}

impl SqliteStepRow {
    /// The number of columns.
    pub(crate) fn len(&self) -> usize {
        self.columns
    }

    /// The storage class of column `index`, `None` past the last column.
    pub(crate) fn storage(&self, index: usize) -> Option<Storage> {
        if index >= self.columns {
            return None;
        }
        // SAFETY: the statement is on a row (see the type's docs) and
        // `index` is in range.
        let code = unsafe { ffi::sqlite3_column_type(self.stmt.as_ptr(), index as c_int) };
        Some(match code {
            ffi::SQLITE_INTEGER => Storage::Integer,
            ffi::SQLITE_FLOAT => Storage::Real,
            ffi::SQLITE_TEXT => Storage::Text,
            ffi::SQLITE_BLOB => Storage::Blob,
            _ => Storage::Null,
        })
    }

    /// Column `index` as SQLite converts it to a 64-bit integer (0 past the
    /// last column).
    pub(crate) fn int64(&self, index: usize) -> i64 {
        if index >= self.columns {
            return 0;
        }
        // SAFETY: as in `storage`.
        unsafe { ffi::sqlite3_column_int64(self.stmt.as_ptr(), index as c_int) }
    }

    /// Column `index` as SQLite converts it to a double (0 past the last
    /// column).
    pub(crate) fn double(&self, index: usize) -> f64 {
        if index >= self.columns {
            return 0.0;
        }
        // SAFETY: as in `storage`.
        unsafe { ffi::sqlite3_column_double(self.stmt.as_ptr(), index as c_int) }
    }

    /// The bytes of column `index` (a text's UTF-8, a blob's bytes; empty
    /// for `NULL` and past the last column), borrowed until the row ends.
    pub(crate) fn bytes(&self, index: usize) -> &[u8] {
        if index >= self.columns {
            return &[];
        }
        // SAFETY: as in `storage`; `sqlite3_column_blob` before
        // `sqlite3_column_bytes`, as SQLite asks. The pointer stays valid
        // until the statement steps, resets or is finalized, none of which
        // can happen while `&self` is borrowed, or until a conversion to
        // UTF-16 or a NUL-terminated text, which this module never asks for.
        unsafe {
            let data = ffi::sqlite3_column_blob(self.stmt.as_ptr(), index as c_int);
            let len = ffi::sqlite3_column_bytes(self.stmt.as_ptr(), index as c_int);
            if data.is_null() || len <= 0 {
                &[]
            } else {
                std::slice::from_raw_parts(data.cast::<u8>(), len as usize)
            }
        }
    }
}

/// An error SQLite reported: its extended result code and message, shown
/// and classified as sqlx shows and classifies its own `SqliteError`.
#[derive(Debug)]
pub(crate) struct RawSqliteError {
    code: c_int,
    message: String,
}

impl RawSqliteError {
    /// The connection's last error.
    ///
    /// # Safety
    /// `db` must be a live connection handle.
    unsafe fn last(db: *mut ffi::sqlite3) -> Self {
        // SAFETY: the caller's promise; `sqlite3_errmsg` never returns NULL
        // for a live handle, checked anyway.
        unsafe {
            let code = ffi::sqlite3_extended_errcode(db);
            let message = ffi::sqlite3_errmsg(db);
            let message = if message.is_null() {
                String::from("unknown error")
            } else {
                String::from_utf8_lossy(CStr::from_ptr(message).to_bytes()).into_owned()
            };
            RawSqliteError { code, message }
        }
    }
}

impl std::fmt::Display for RawSqliteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "(code: {}) {}", self.code, self.message)
    }
}

impl std::error::Error for RawSqliteError {}

impl DatabaseError for RawSqliteError {
    fn message(&self) -> &str {
        &self.message
    }

    fn code(&self) -> Option<Cow<'_, str>> {
        Some(self.code.to_string().into())
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> ErrorKind {
        match self.code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                ErrorKind::UniqueViolation
            }
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => ErrorKind::ForeignKeyViolation,
            ffi::SQLITE_CONSTRAINT_NOTNULL => ErrorKind::NotNullViolation,
            ffi::SQLITE_CONSTRAINT_CHECK => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        }
    }
}

/// How [`read`] ended.
pub(crate) enum Read<E> {
    /// Every row was handed to the callback.
    Done,
    /// Nothing ran: the text is not one read-only statement with only
    /// plain `?` parameters, one per bind (or SQLite's shared cache was
    /// locked before the first row). sqlx runs it instead.
    Declined,
    /// SQLite failed the statement (preparing, binding or stepping it).
    Failed(RawSqliteError),
    /// The callback failed; the rest of the rows were not read.
    Stopped(E),
}

/// One of sqlx's own prepared statements, lent for one read; left reset,
/// with no value bound, when dropped. `'b` is the borrow of the bound
/// values.
struct Lent<'b> {
    db: *mut ffi::sqlite3,
    stmt: NonNull<ffi::sqlite3_stmt>,
    _binds: PhantomData<&'b [Bind<'b>]>,
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        // SAFETY: the statement is live on `db`, which the caller's guard
        // keeps locked. Resetting ends the read (and the read transaction
        // a statement left on a row holds); clearing the bindings drops
        // the pointers to the borrowed values before the borrow ends.
        // sqlx resets and rebinds a statement before each use anyway. The
        // reset's return value repeats the last step's error, already
        // reported.
        unsafe {
            ffi::sqlite3_reset(self.stmt.as_ptr());
            ffi::sqlite3_clear_bindings(self.stmt.as_ptr());
        }
    }
}

/// The statement sqlx has prepared for exactly `sql` on `db`, if any.
///
/// # Safety
/// `db` must be a live connection handle, locked by the caller's guard.
unsafe fn prepared_by_sqlx(db: *mut ffi::sqlite3, sql: &str) -> Option<NonNull<ffi::sqlite3_stmt>> {
    // SAFETY: the caller's promise; `sqlite3_next_stmt` walks the
    // connection's live statements, and `sqlite3_sql` of one is its text,
    // NUL-terminated, or NULL.
    unsafe {
        let mut at = ffi::sqlite3_next_stmt(db, std::ptr::null_mut());
        while let Some(stmt) = NonNull::new(at) {
            let text = ffi::sqlite3_sql(stmt.as_ptr());
            if !text.is_null() && CStr::from_ptr(text).to_bytes() == sql.as_bytes() {
                return Some(stmt);
            }
            at = ffi::sqlite3_next_stmt(db, stmt.as_ptr());
        }
        None
    }
}

/// Runs `sql` with `binds` on the locked connection and hands each row to
/// `each`, if sqlx has prepared `sql` on it and it is one read-only
/// statement; [`Read::Declined`] (having run nothing) otherwise, and sqlx
/// runs it (preparing and caching it for the next read).
pub(crate) fn read<'b, E>(
    handle: &mut LockedSqliteHandle<'_>,
    sql: &str,
    binds: &'b [Bind<'b>],
    mut each: impl FnMut(&Row) -> Result<(), E>,
) -> Read<E> {
    let db = handle.as_raw_handle().as_ptr();
    // SAFETY: `db` is the live handle the guard lends.
    let Some(stmt) = (unsafe { prepared_by_sqlx(db, sql) }) else {
        return Read::Declined;
    };
    // SAFETY: the statement is live and not in use (sqlx's worker waits
    // for the guard); a statement sqlx left on a row is reset first, as
    // sqlx resets it before each use.
    unsafe {
        ffi::sqlite3_reset(stmt.as_ptr());
        ffi::sqlite3_clear_bindings(stmt.as_ptr());
    }
    let lent = Lent {
        db,
        stmt,
        _binds: PhantomData,
    };
    if !lent.is_plain_read(binds.len()) {
        return Read::Declined;
    }
    if let Err(e) = lent.bind(binds) {
        return Read::Failed(e);
    }
    // SAFETY: the statement is prepared.
    let columns = unsafe { ffi::sqlite3_column_count(stmt.as_ptr()) };
    let row = Row::SqliteStep(SqliteStepRow {
        stmt,
        columns: usize::try_from(columns).unwrap_or(0),
        _not_sync: PhantomData,
    });
    let mut rows = 0usize;
    loop {
        // SAFETY: the statement is prepared and bound, on the locked
        // connection; no borrow of the previous row is alive (`row` is
        // lent to `each` only for the call).
        match unsafe { ffi::sqlite3_step(stmt.as_ptr()) } {
            ffi::SQLITE_ROW => {
                rows += 1;
                if let Err(e) = each(&row) {
                    return Read::Stopped(e);
                }
            }
            ffi::SQLITE_DONE => return Read::Done,
            ffi::SQLITE_LOCKED_SHAREDCACHE if rows == 0 => return Read::Declined,
            // SAFETY: `db` is live.
            _ => return Read::Failed(unsafe { RawSqliteError::last(lent.db) }),
        }
    }
}

impl Lent<'_> {
    /// One statement that changes nothing, which is not a transaction
    /// statement, with `binds` plain `?` parameters.
    fn is_plain_read(&self, binds: usize) -> bool {
        let stmt = self.stmt.as_ptr();
        // SAFETY: the statement is prepared.
        unsafe {
            // `BEGIN`, `COMMIT`, `SAVEPOINT` count as read-only for SQLite
            // but change sqlx's transaction state: never run here.
            if ffi::sqlite3_stmt_readonly(stmt) == 0 {
                return false;
            }
            let sql = ffi::sqlite3_sql(stmt);
            if sql.is_null() || !starts_as_query(CStr::from_ptr(sql).to_bytes()) {
                return false;
            }
            let params = ffi::sqlite3_bind_parameter_count(stmt);
            if usize::try_from(params) != Ok(binds) {
                return false;
            }
            (1..=params).all(|i| ffi::sqlite3_bind_parameter_name(stmt, i).is_null())
        }
    }

    fn bind(&self, binds: &[Bind<'_>]) -> Result<(), RawSqliteError> {
        let stmt = self.stmt.as_ptr();
        for (i, value) in binds.iter().enumerate() {
            let at = (i + 1) as c_int;
            // SAFETY: the statement is prepared and has `binds.len()`
            // parameters (`is_plain_read`); text and bytes are borrowed for
            // `'b`, which outlives the statement, so SQLite may keep the
            // pointers (`SQLITE_STATIC`, `None`).
            let rc = unsafe {
                match value {
                    Bind::Null => ffi::sqlite3_bind_null(stmt, at),
                    Bind::Int(v) => ffi::sqlite3_bind_int64(stmt, at, *v),
                    Bind::Double(v) => ffi::sqlite3_bind_double(stmt, at, *v),
                    Bind::Text(text) => ffi::sqlite3_bind_text64(
                        stmt,
                        at,
                        text.as_ptr().cast(),
                        text.len() as u64,
                        None,
                        ffi::SQLITE_UTF8 as u8,
                    ),
                    Bind::Blob(bytes) => ffi::sqlite3_bind_blob64(
                        stmt,
                        at,
                        bytes.as_ptr().cast(),
                        bytes.len() as u64,
                        None,
                    ),
                }
            };
            if rc != ffi::SQLITE_OK {
                // SAFETY: `db` is live.
                return Err(unsafe { RawSqliteError::last(self.db) });
            }
        }
        Ok(())
    }
}

/// Whether a statement's text starts with `SELECT`, `WITH` or `VALUES`
/// (after whitespace and parentheses): the reads this module runs.
fn starts_as_query(sql: &[u8]) -> bool {
    let start = sql
        .iter()
        .position(|b| !b.is_ascii_whitespace() && *b != b'(')
        .unwrap_or(sql.len());
    let word = &sql[start..];
    ["SELECT", "WITH", "VALUES"].iter().any(|k| {
        word.len() >= k.len()
            && word[..k.len()].eq_ignore_ascii_case(k.as_bytes())
            && word
                .get(k.len())
                .is_none_or(|b| !b.is_ascii_alphanumeric() && *b != b'_')
    })
}

#[cfg(test)]
mod tests {
    use super::starts_as_query;

    #[test]
    fn only_queries_count_as_reads() {
        for sql in [
            "SELECT 1",
            "  select\n1",
            "(SELECT 1)",
            "WITH t AS (SELECT 1) SELECT * FROM t",
            "VALUES (1)",
        ] {
            assert!(starts_as_query(sql.as_bytes()), "{sql}");
        }
        for sql in [
            "BEGIN",
            "SELECTED",
            "PRAGMA foreign_keys",
            "COMMIT",
            "",
            "EXPLAIN SELECT 1",
            "SAVEPOINT a",
        ] {
            assert!(!starts_as_query(sql.as_bytes()), "{sql}");
        }
    }
}
