//! The pages, as askama templates (compiled with the crate; every value
//! is HTML-escaped unless a template says otherwise, and none does).

use crate::forms::FormField;
use askama::Template;

/// What every page around the content shows.
pub(crate) struct Chrome {
    pub title: String,
    pub prefix: String,
    pub username: String,
    pub csrf: String,
    pub read_only: bool,
    pub models: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "error.html")]
pub(crate) struct ErrorPage {
    pub status: u16,
    pub message: String,
}

#[derive(Template)]
#[template(path = "login.html")]
pub(crate) struct LoginPage {
    pub title: String,
    pub prefix: String,
    pub csrf: String,
    pub next: String,
    pub username: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "index.html")]
pub(crate) struct IndexPage {
    pub chrome: Chrome,
    /// `(table, name, row count)`.
    pub entries: Vec<(String, String, u64)>,
}

/// A cell of the list table.
pub(crate) struct Cell {
    pub text: String,
    pub link: Option<String>,
}

/// A column header: label, sort link, and the current sort (`""`, `"asc"`,
/// `"desc"`).
pub(crate) struct Header {
    pub label: String,
    pub sort_link: String,
    pub sorted: &'static str,
}

/// A filter in the side bar.
pub(crate) struct FilterBox {
    pub label: String,
    /// bool, range, select, key.
    pub kind: &'static str,
    pub field: String,
    /// `(label, link, active)` for bool filters.
    pub links: Vec<(String, String, bool)>,
    pub low: String,
    pub high: String,
    pub input: &'static str,
    /// `(value, label, selected)` for foreign-key selects.
    pub options: Vec<(String, String, bool)>,
    pub value: String,
}

#[derive(Template)]
#[template(path = "list.html")]
pub(crate) struct ListPage {
    pub chrome: Chrome,
    pub table: String,
    pub name: String,
    pub headers: Vec<Header>,
    /// `(key, cells)`.
    pub rows: Vec<(String, Vec<Cell>)>,
    pub total: u64,
    pub matching: u64,
    pub page: u64,
    pub pages: u64,
    pub prev_link: Option<String>,
    pub next_link: Option<String>,
    pub search: String,
    pub searchable: bool,
    pub filters: Vec<FilterBox>,
    /// Hidden inputs that keep the filters and sort in the search form.
    pub keep: Vec<(String, String)>,
    /// `(name, label)` of the bulk actions.
    pub actions: Vec<(String, String)>,
    pub message: Option<String>,
}

#[derive(Template)]
#[template(path = "form.html")]
pub(crate) struct FormPage {
    pub chrome: Chrome,
    pub table: String,
    pub name: String,
    pub heading: String,
    pub action: String,
    pub fields: Vec<FormField>,
    /// Fields shown but not edited (`(label, value)`): the key, stamps.
    pub fixed: Vec<(String, String)>,
    pub errors: Vec<String>,
    /// Some field has an error (shown next to it, and announced on top).
    pub has_field_errors: bool,
    pub delete_link: Option<String>,
    pub message: Option<String>,
}

/// A group of rows on the delete confirmation page.
pub(crate) struct PreviewRows {
    pub heading: String,
    pub rows: Vec<String>,
}

#[derive(Template)]
#[template(path = "delete.html")]
pub(crate) struct DeletePage {
    pub chrome: Chrome,
    pub table: String,
    pub name: String,
    pub action: String,
    /// The rows asked to be deleted.
    pub targets: Vec<String>,
    pub keys: Vec<String>,
    pub cascaded: Vec<PreviewRows>,
    pub updated: Vec<PreviewRows>,
    pub protected: Vec<PreviewRows>,
    pub error: Option<String>,
}
