//! [`ApiError`]: every way a request can fail, and the one place that
//! turns each into an HTTP status and a JSON body.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

/// Why a request failed. Handlers return `Result<_, ApiError>`; `?` on a
/// [`strata::Error`] sorts the database's answer into the right variant.
#[derive(Debug)]
pub enum ApiError {
    /// 400: the request cannot be read (a malformed query string, path or
    /// body, an unknown query parameter).
    BadRequest(String),
    /// 404: no such row.
    NotFound {
        /// The model looked for.
        model: &'static str,
    },
    /// 409: the write would duplicate a unique value.
    Conflict {
        /// The constrained fields, where the database names them.
        fields: Vec<String>,
    },
    /// 422: the request is well formed but its values are refused, with
    /// the reasons per field.
    Invalid(FieldErrors),
    /// 500: anything else. The cause is logged, never sent.
    Internal(strata::Error),
}

/// The key of messages about the request as a whole rather than one field
/// (Django REST framework's name for it).
pub const NON_FIELD: &str = "non_field_errors";

/// Validation messages by field name, in the order they were found.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<(String, String)>);

impl FieldErrors {
    /// Records that `field` is refused for `message`.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push((field.to_owned(), message.into()));
    }

    /// `Err(ApiError::Invalid)` if anything was recorded.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Invalid(self))
        }
    }

    /// A field's text is not empty or only spaces.
    pub fn check_not_blank(&mut self, field: &str, value: &str) {
        if value.trim().is_empty() {
            self.add(field, "must not be blank");
        }
    }

    /// A field's text is between 1 and `max` characters (the column's
    /// `max_length` counts characters).
    pub fn check_length(&mut self, field: &str, value: &str, max: usize) {
        let len = value.chars().count();
        if value.trim().is_empty() {
            self.add(field, "must not be blank");
        } else if len > max {
            self.add(
                field,
                format!("must be at most {max} characters (got {len})"),
            );
        }
    }

    fn to_json(&self) -> Value {
        let mut fields = Map::new();
        for (field, message) in &self.0 {
            let entry = fields
                .entry(field.clone())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(list) = entry {
                list.push(Value::String(message.clone()));
            }
        }
        Value::Object(fields)
    }
}

impl From<strata::Error> for ApiError {
    fn from(e: strata::Error) -> Self {
        match e {
            strata::Error::DoesNotExist { model } => ApiError::NotFound { model },
            strata::Error::UniqueViolation { columns, .. } => ApiError::Conflict {
                fields: columns.iter().map(|c| field_of_column(c)).collect(),
            },
            strata::Error::ForeignKeyViolation { .. } => {
                let mut errors = FieldErrors::default();
                // Handlers check the rows they refer to first; this is the
                // race where one was deleted meanwhile.
                errors.add(NON_FIELD, "refers to a row that does not exist");
                ApiError::Invalid(errors)
            }
            strata::Error::ValueOutOfRange { column, reason, .. } => {
                let mut errors = FieldErrors::default();
                let field = column.rsplit('.').next().unwrap_or(&column).to_owned();
                errors.add(&field, reason);
                ApiError::Invalid(errors)
            }
            other => ApiError::Internal(other),
        }
    }
}

/// The JSON name of a foreign key's column is the field's (`author_id`
/// is sent and received as `author`).
fn field_of_column(column: &str) -> String {
    column.strip_suffix("_id").unwrap_or(column).to_owned()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            ApiError::BadRequest(message) => (
                StatusCode::BAD_REQUEST,
                json!({"error": "bad_request", "message": message}),
            ),
            ApiError::NotFound { model } => (
                StatusCode::NOT_FOUND,
                json!({"error": "not_found", "message": format!("no such {model}")}),
            ),
            ApiError::Conflict { fields } => (
                StatusCode::CONFLICT,
                json!({"error": "conflict", "message": "a row with these values already exists", "fields": fields}),
            ),
            ApiError::Invalid(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({"error": "invalid", "fields": errors.to_json()}),
            ),
            ApiError::Internal(e) => {
                // The details (SQL, table names, server messages) stay in
                // the log.
                tracing::error!(error = %e, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({"error": "internal", "message": "internal server error"}),
                )
            }
        };
        (status, Json(body)).into_response()
    }
}
