//! The request handlers: thin, they parse the request into typed values,
//! call the ORM and render a page.

mod auth;
mod delete;
mod edit;
mod list;

pub(crate) use auth::{login, login_page, logout};
pub(crate) use delete::{delete, delete_page};
pub(crate) use edit::{add, add_page, edit, edit_page};
pub(crate) use list::{bulk_action, index, list};

use crate::app::AppState;
use crate::error::HttpError;
use axum::http::Uri;

/// The path and query of the request, for the login page's `next`.
pub(crate) fn here(uri: &Uri) -> String {
    uri.path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default()
}

/// The row key in a URL, parsed as the model's key type: 404 when it is
/// not one.
pub(crate) fn key_of(
    state: &AppState,
    table: &str,
    raw: &str,
) -> Result<(&'static strata::ModelMeta, strata::Value), HttpError> {
    let model = state.model(table)?;
    let key = crate::forms::parse_key(model.meta, raw).ok_or(HttpError::NotFound)?;
    Ok((model.meta, key))
}
