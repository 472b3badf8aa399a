//! The crate's one error type.

use crate::dialect::Dialect;

/// Everything that can go wrong in strata at run time.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database URL's scheme is not one strata knows.
    #[error("unsupported database URL `{url}`: expected sqlite://, postgres:// or mysql://")]
    UnsupportedUrl {
        /// The URL with any password hidden.
        url: String,
    },

    /// The URL names a database whose cargo feature is off.
    #[error("`{url}` needs strata's `{feature}` cargo feature; enable it in Cargo.toml")]
    BackendNotEnabled { url: String, feature: &'static str },

    /// Connecting failed.
    /// A `strata_...` parameter of a connection URL that strata does not
    /// know, or whose value it cannot read (see `ConnectOptions` for the
    /// names).
    #[error("invalid connection URL parameter `{name}={value}`: {reason}")]
    InvalidUrlParameter {
        name: String,
        value: String,
        reason: String,
    },
    #[error("could not connect to `{url}`: {source}")]
    Connect {
        /// The URL with any password hidden.
        url: String,
        #[source]
        source: sqlx::Error,
    },

    /// The server did not answer within the connect timeout
    /// ([`ConnectOptions::connect_timeout`](crate::ConnectOptions::connect_timeout)).
    #[error(
        "could not connect to `{url}`: no answer within {timeout:?}; check the host and port, \
         or raise ConnectOptions::connect_timeout"
    )]
    ConnectTimedOut {
        /// The URL with any password hidden.
        url: String,
        timeout: std::time::Duration,
    },

    /// The database rejected a statement.
    #[error("{dialect} statement failed: {source}\n  statement: {sql}")]
    Query {
        dialect: Dialect,
        /// The statement that failed.
        sql: String,
        #[source]
        source: sqlx::Error,
    },

    /// A write would give two rows the same values where a unique
    /// constraint (or the primary key) forbids it. Match on it to handle a
    /// duplicate (`get_or_create` does).
    ///
    /// `constraint` is the database's name for it (PostgreSQL, MySQL); on
    /// SQLite, which reports only the columns, the name of the model's
    /// `unique(fields(...))` constraint with those columns, if any.
    /// `columns` are the constrained columns where the database or the
    /// model's metadata tells them.
    #[error(
        "duplicate row in `{table}`: unique constraint {} on ({}) violated ({dialect}): {source}\n  statement: {sql}",
        describe(.constraint.as_deref()),
        .columns.join(", ")
    )]
    UniqueViolation {
        /// The table written to.
        table: String,
        constraint: Option<String>,
        columns: Vec<String>,
        dialect: Dialect,
        /// The statement that failed.
        sql: String,
        #[source]
        source: Box<sqlx::Error>,
    },

    /// A write refers to a row that does not exist, or a delete would
    /// leave rows referring to a deleted row (`on_delete = restrict` or
    /// `do_nothing`).
    ///
    /// `table` is the referring table; `constraint` is the database's name
    /// for the foreign key on PostgreSQL and MySQL. SQLite reports neither
    /// (its message is "FOREIGN KEY constraint failed"): there `table` is
    /// the table the statement writes and `constraint` is `None`.
    #[error(
        "foreign key {} of `{table}` violated ({dialect}): {source}\n  statement: {sql}",
        describe(.constraint.as_deref())
    )]
    ForeignKeyViolation {
        table: String,
        constraint: Option<String>,
        dialect: Dialect,
        /// The statement that failed.
        sql: String,
        #[source]
        source: Box<sqlx::Error>,
    },

    /// A write would store `NULL` in a `NOT NULL` column (a model whose
    /// `Option` field meets a column the schema declares required).
    #[error(
        "`{table}`.`{}` cannot be NULL ({dialect}): {source}\n  statement: {sql}",
        .column.as_deref().unwrap_or("?")
    )]
    NotNullViolation {
        table: String,
        column: Option<String>,
        dialect: Dialect,
        /// The statement that failed.
        sql: String,
        #[source]
        source: Box<sqlx::Error>,
    },

    /// A column's value could not be turned into the field's Rust type.
    #[error("could not decode column `{column}` of `{model}` ({dialect}): {message}")]
    Decode {
        model: &'static str,
        column: &'static str,
        dialect: Dialect,
        message: String,
    },

    /// `get()` found no row.
    #[error("{model} matching query does not exist")]
    DoesNotExist { model: &'static str },

    /// `get()` found more than one row.
    #[error("get() returned more than one {model}: {count_text}")]
    MultipleObjectsReturned {
        model: &'static str,
        /// "2 rows", or "more than 20 rows".
        count_text: String,
    },

    /// A query that cannot be expressed, e.g. `update` on a sliced queryset.
    #[error("invalid query on {model}: {reason}")]
    InvalidQuery { model: &'static str, reason: String },

    /// A field name given at run time (to
    /// [`order_by_names`](crate::QuerySet::order_by_names)) that the
    /// model does not have.
    #[error("{model} has no field `{name}` to order by; valid fields: {}", .valid.join(", "))]
    UnknownField {
        model: &'static str,
        /// The name as given (without its `-`).
        name: String,
        /// The model's field names.
        valid: Vec<&'static str>,
    },

    /// A [`Paginator`](crate::Paginator) was asked for a page it does not
    /// have: page 0, or one past the last page. Pages are numbered from 1;
    /// an empty result has one page, empty.
    #[error("page {page} of {model} does not exist: there are pages 1 to {num_pages}")]
    PageOutOfRange {
        model: &'static str,
        /// The page asked for.
        page: u64,
        /// How many pages there are (at least 1).
        num_pages: u64,
    },

    /// A relation was read without being loaded.
    #[error("the related {model} was not loaded: {hint}")]
    NotLoaded {
        model: &'static str,
        hint: &'static str,
    },

    /// A delete was refused because `on_delete = protect` rows refer to
    /// the rows being deleted.
    #[error(
        "cannot delete {model}: {count} {protected_by} row(s) refer to it with on_delete = protect; \
         delete or reassign them first"
    )]
    Protected {
        model: &'static str,
        /// `Model.field` of the protecting foreign key.
        protected_by: String,
        count: u64,
    },

    /// A value strata refuses to send, in a write or a filter, because a
    /// database could not hold it exactly or it is outside the range
    /// strata accepts on every database (see the README's "Same results
    /// on every database"). Raised before any statement runs.
    #[error("{value} is not a valid value for {column}: {reason}")]
    ValueOutOfRange {
        /// `Model.field`, or the field name of a filter; "a bound value"
        /// when strata cannot tell the column.
        column: String,
        /// The value as a reviewer reads it.
        value: String,
        /// What is wrong and what to do about it.
        reason: String,
    },

    /// The schema cannot be created on this database as declared.
    #[error("{dialect} cannot create `{table}`: {reason}")]
    Schema {
        dialect: Dialect,
        table: &'static str,
        reason: String,
    },

    /// A text value holds a NUL character. PostgreSQL cannot store NUL in
    /// text and SQLite's text functions stop at it, so strata refuses it
    /// on every database, when storing and when looking up, before the
    /// statement is sent. Binary data belongs in a `Vec<u8>` field.
    #[error(
        "{dialect}: bound value {parameter} is text holding a NUL character (\\0) at byte \
         {position}; PostgreSQL cannot store NUL in text, so strata refuses it on every database. \
         Remove it, or keep such data in a Vec<u8> field\n  statement: {sql}"
    )]
    NulInText {
        dialect: Dialect,
        /// The statement that was not sent.
        sql: String,
        /// Which bound value (1-based) holds the NUL.
        parameter: usize,
        /// The byte offset of the first NUL in that value (in its first
        /// item holding one, for a list bound as one array).
        position: usize,
    },

    /// A sea-query value, expression or statement that strata cannot carry
    /// over, or a queryset that has no sea-query form (the `sea-query`
    /// feature).
    #[error("cannot convert {what} between strata and sea-query: {reason}")]
    SeaQuery {
        /// What was being converted.
        what: String,
        /// Why it cannot be, and what to do instead.
        reason: String,
    },
}

/// A constraint's name for a message, quoted, or "(unnamed)".
fn describe(constraint: Option<&str>) -> String {
    match constraint {
        Some(name) => format!("`{name}`"),
        None => "(unnamed)".into(),
    }
}

/// `Result<T, strata::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Hides the password of a URL before it goes into an error message.
pub(crate) fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => format!(
            "{}{}:***{}",
            &url[..scheme_end + 3],
            &authority[..colon],
            &rest[at..]
        ),
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_are_hidden_in_urls() {
        assert_eq!(
            redact_url("postgres://me:secret@host:5432/db"),
            "postgres://me:***@host:5432/db"
        );
        assert_eq!(redact_url("mysql://root@host/db"), "mysql://root@host/db");
        assert_eq!(redact_url("sqlite::memory:"), "sqlite::memory:");
    }
}
