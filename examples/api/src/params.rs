//! Typed reading of what a request carries: the query string, a key in
//! the path, a JSON body, and pagination. Everything a handler gets has
//! been parsed into its Rust type here, or the request was refused.

use crate::error::ApiError;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The query string as `T`. `T` is a struct with
/// `#[serde(deny_unknown_fields)]`, so a parameter the endpoint does not
/// know, a repeated one or a value of the wrong type is a 400 naming it.
pub fn query<T: DeserializeOwned>(raw: Option<&str>) -> Result<T, ApiError> {
    serde_urlencoded::from_str(raw.unwrap_or(""))
        .map_err(|e| ApiError::BadRequest(format!("query string: {e}")))
}

/// A primary key from the path (`/posts/{id}`).
pub fn id(raw: &str) -> Result<i64, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::BadRequest(format!("`{raw}` is not an id (an integer)")))
}

/// A JSON body as `T`: malformed JSON is a 400, JSON of the wrong shape
/// (a missing field, a value of the wrong type, an unknown field) a 422.
pub fn body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => {
            let mut errors = crate::error::FieldErrors::default();
            errors.add(crate::error::NON_FIELD, e.to_string());
            ApiError::Invalid(errors)
        }
        _ => ApiError::BadRequest(format!("request body: {e}")),
    })
}

/// Rows per page when the request names none.
pub const DEFAULT_PER_PAGE: u64 = 20;
/// The most rows a page may hold.
pub const MAX_PER_PAGE: u64 = 100;

/// A page of a list: `page` from 1, `per_page` up to [`MAX_PER_PAGE`].
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub page: u64,
    pub per_page: u64,
}

impl Page {
    /// The page the parameters ask for; out-of-range numbers are a 400.
    pub fn new(page: Option<u64>, per_page: Option<u64>) -> Result<Page, ApiError> {
        let page = page.unwrap_or(1);
        let per_page = per_page.unwrap_or(DEFAULT_PER_PAGE);
        if page == 0 {
            return Err(ApiError::BadRequest("page: pages count from 1".into()));
        }
        if per_page == 0 || per_page > MAX_PER_PAGE {
            return Err(ApiError::BadRequest(format!(
                "per_page: must be between 1 and {MAX_PER_PAGE}"
            )));
        }
        Ok(Page { page, per_page })
    }

    /// Rows to skip.
    pub fn offset(&self) -> u64 {
        (self.page - 1).saturating_mul(self.per_page)
    }

    /// The response: `{"items": [...], "page": 1, "per_page": 20, "total": 57}`.
    pub fn of<T: Serialize>(self, items: Vec<T>, total: u64) -> Paged<T> {
        Paged {
            items,
            page: self.page,
            per_page: self.per_page,
            total,
        }
    }
}

/// One page of a list and where it stands.
#[derive(Debug, Serialize)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub page: u64,
    pub per_page: u64,
    /// Rows matching the filters, on every page.
    pub total: u64,
}
