//! [`Error`]: the admin crate's one error type, and how request errors
//! become HTTP responses.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// What can go wrong building or running the admin.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The admin's configuration names something that does not exist (a
    /// field a model does not have, a filter on a text field, ...).
    #[error("admin configuration: {reason}")]
    Config { reason: String },
    /// A database operation failed.
    #[error(transparent)]
    Db(#[from] strata::Error),
    /// Hashing or checking a password failed.
    #[error("password hashing failed: {reason}")]
    Password { reason: String },
    /// A user could not be created (`createsuperuser`).
    #[error("cannot create user `{username}`: {reason}")]
    User { username: String, reason: String },
    /// A page could not be rendered.
    #[error("template rendering failed: {0}")]
    Template(#[from] askama::Error),
    /// Serving failed (binding the address, accepting connections).
    #[error("admin server: {0}")]
    Io(#[from] std::io::Error),
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A request that ends in an error page.
#[derive(Debug)]
pub(crate) enum HttpError {
    /// A malformed or hostile parameter: 400, naming it.
    BadRequest(String),
    /// A missing CSRF token or a read-only user writing: 403.
    Forbidden(String),
    NotFound,
    /// Anything else: 500, with details in the log only.
    Internal(String),
}

impl From<Error> for HttpError {
    fn from(e: Error) -> Self {
        HttpError::Internal(e.to_string())
    }
}

impl From<strata::Error> for HttpError {
    fn from(e: strata::Error) -> Self {
        HttpError::Internal(e.to_string())
    }
}

impl From<askama::Error> for HttpError {
    fn from(e: askama::Error) -> Self {
        HttpError::Internal(e.to_string())
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            HttpError::BadRequest(m) => (StatusCode::BAD_REQUEST, m),
            HttpError::Forbidden(m) => (StatusCode::FORBIDDEN, m),
            HttpError::NotFound => (StatusCode::NOT_FOUND, "Not found".to_string()),
            HttpError::Internal(m) => {
                tracing::error!(target: "strata_admin", "{m}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Internal error (details are in the server log)".to_string(),
                )
            }
        };
        let page = crate::pages::ErrorPage {
            status: status.as_u16(),
            message,
        };
        let body = askama::Template::render(&page)
            .unwrap_or_else(|_| format!("{} {}", status.as_u16(), status.as_str()));
        (
            status,
            [(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response()
    }
}
