//! [`Admin`] and [`ModelAdmin`]: what the admin shows and how.

use crate::error::{Error, Result};
use crate::user::AdminUser;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use strata::meta::{ColumnMeta, ModelMeta};
use strata::{Db, Model, Value};

/// The future a [`BulkAction`] returns: a message for the user, or an error.
pub type ActionFuture = Pin<Box<dyn Future<Output = strata::Result<String>> + Send>>;

/// A user-defined action on the selected rows of a list (Django's admin
/// actions), run with the `Db` and the selected primary keys.
#[derive(Clone)]
pub struct BulkAction {
    pub(crate) name: String,
    pub(crate) label: String,
    pub(crate) run: Arc<dyn Fn(Db, Vec<Value>) -> ActionFuture + Send + Sync>,
}

/// How one model is shown. Field names are Rust field names, checked
/// against the model's metadata when the router is built
/// ([`Admin::router`] fails naming a field the model does not have).
///
/// ```
/// # use strata::prelude::*;
/// # #[derive(Model, Debug)]
/// # struct Note { id: i64, #[strata(max_length = 80)] title: String, done: bool }
/// let notes = strata_admin::ModelAdmin::new(Note::META)
///     .list_display(&["title", "done"])
///     .search_fields(&["title"])
///     .list_filter(&["done"])
///     .per_page(50);
/// # let _ = notes;
/// ```
#[derive(Clone)]
pub struct ModelAdmin {
    pub(crate) meta: &'static ModelMeta,
    list_display: Option<Vec<String>>,
    search_fields: Option<Vec<String>>,
    list_filter: Vec<String>,
    pub(crate) per_page: u64,
    pub(crate) actions: Vec<BulkAction>,
}

/// The most rows a list page shows.
pub const MAX_PER_PAGE: u64 = 500;

impl ModelAdmin {
    /// `model` with the defaults: the first four fields shown, search over
    /// every text field, no filters, 25 rows a page.
    pub fn new(model: &'static ModelMeta) -> ModelAdmin {
        ModelAdmin {
            meta: model,
            list_display: None,
            search_fields: None,
            list_filter: Vec::new(),
            per_page: 25,
            actions: Vec::new(),
        }
    }

    /// The fields shown as list columns.
    pub fn list_display(mut self, fields: &[&str]) -> ModelAdmin {
        self.list_display = Some(fields.iter().map(|f| f.to_string()).collect());
        self
    }

    /// The text fields the search box looks in (`icontains`, any of them).
    pub fn search_fields(mut self, fields: &[&str]) -> ModelAdmin {
        self.search_fields = Some(fields.iter().map(|f| f.to_string()).collect());
        self
    }

    /// The fields offered as filters: booleans, dates and times (a range)
    /// and foreign keys.
    pub fn list_filter(mut self, fields: &[&str]) -> ModelAdmin {
        self.list_filter = fields.iter().map(|f| f.to_string()).collect();
        self
    }

    /// Rows per page (1 to [`MAX_PER_PAGE`]).
    pub fn per_page(mut self, n: u64) -> ModelAdmin {
        self.per_page = n.clamp(1, MAX_PER_PAGE);
        self
    }

    /// Adds a bulk action named `name` (a form value, `[a-z0-9_]`),
    /// labelled `label` in the actions menu.
    ///
    /// ```
    /// # use strata::prelude::*;
    /// # #[derive(Model, Debug)]
    /// # struct Note { id: i64, done: bool }
    /// let notes = strata_admin::ModelAdmin::new(Note::META).action(
    ///     "mark_done",
    ///     "Mark selected notes done",
    ///     |db, keys| async move {
    ///         let keys: Vec<i64> = keys.iter().filter_map(|k| match k {
    ///             strata::Value::I64(Some(k)) => Some(*k),
    ///             _ => None,
    ///         }).collect();
    ///         let n = Note::objects()
    ///             .filter(Note::id().is_in(keys))
    ///             .update(&db, [Note::done().set(true)])
    ///             .await?;
    ///         Ok(format!("{n} notes marked done"))
    ///     },
    /// );
    /// # let _ = notes;
    /// ```
    pub fn action<F, Fut>(mut self, name: &str, label: &str, run: F) -> ModelAdmin
    where
        F: Fn(Db, Vec<Value>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = strata::Result<String>> + Send + 'static,
    {
        self.actions.push(BulkAction {
            name: name.to_string(),
            label: label.to_string(),
            run: Arc::new(move |db, keys| Box::pin(run(db, keys))),
        });
        self
    }

    fn column(&self, field: &str, what: &str) -> Result<&'static ColumnMeta> {
        self.meta
            .column_by_field(field)
            .ok_or_else(|| Error::Config {
                reason: format!(
                    "{what} of `{}` names `{field}`, which is not one of its fields ({})",
                    self.meta.name,
                    self.meta
                        .columns
                        .iter()
                        .map(|c| c.field)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
    }

    /// Checks the field names and resolves them to columns.
    pub(crate) fn resolve(&self) -> Result<ResolvedModel> {
        let meta = self.meta;
        let display = match &self.list_display {
            Some(fields) => fields
                .iter()
                .map(|f| self.column(f, "list_display"))
                .collect::<Result<Vec<_>>>()?,
            None => meta.columns.iter().take(4).collect(),
        };
        let search = match &self.search_fields {
            Some(fields) => {
                let mut out = Vec::new();
                for field in fields {
                    let column = self.column(field, "search_fields")?;
                    if !column.ty.is_text() {
                        return Err(Error::Config {
                            reason: format!(
                                "search_fields of `{}` names `{field}`, which is not a text field",
                                meta.name
                            ),
                        });
                    }
                    out.push(column);
                }
                out
            }
            None => meta.columns.iter().filter(|c| c.ty.is_text()).collect(),
        };
        let mut filters = Vec::new();
        for field in &self.list_filter {
            let column = self.column(field, "list_filter")?;
            let kind = crate::filters::FilterKind::of(column).ok_or_else(|| Error::Config {
                reason: format!(
                    "list_filter of `{}` names `{field}`: filters are for booleans, dates, times and foreign keys",
                    meta.name
                ),
            })?;
            filters.push((column, kind));
        }
        for action in &self.actions {
            let valid = !action.name.is_empty()
                && action.name != "delete_selected"
                && action
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !valid {
                return Err(Error::Config {
                    reason: format!(
                        "action `{}` of `{}`: names are [a-z0-9_] and not `delete_selected`",
                        action.name, meta.name
                    ),
                });
            }
        }
        Ok(ResolvedModel {
            meta,
            display,
            search,
            filters,
            per_page: self.per_page,
            actions: self.actions.clone(),
        })
    }
}

/// A [`ModelAdmin`] whose field names have been checked.
pub(crate) struct ResolvedModel {
    pub meta: &'static ModelMeta,
    pub display: Vec<&'static ColumnMeta>,
    pub search: Vec<&'static ColumnMeta>,
    pub filters: Vec<(&'static ColumnMeta, crate::filters::FilterKind)>,
    pub per_page: u64,
    pub actions: Vec<BulkAction>,
}

/// The admin site: the database, the models shown, and the session
/// settings. [`router`](Admin::router) turns it into an axum `Router`.
pub struct Admin {
    pub(crate) db: Db,
    pub(crate) models: Vec<ModelAdmin>,
    pub(crate) secure_cookies: bool,
    pub(crate) same_site_strict: bool,
    pub(crate) key: Option<Vec<u8>>,
    pub(crate) title: String,
    pub(crate) session_hours: i64,
}

impl Admin {
    /// An admin over `db`, showing no model yet.
    pub fn new(db: Db) -> Admin {
        Admin {
            db,
            models: Vec::new(),
            secure_cookies: true,
            same_site_strict: false,
            key: None,
            title: "strata admin".into(),
            session_hours: 12,
        }
    }

    /// Shows `model` with the default settings.
    pub fn register(self, model: &'static ModelMeta) -> Admin {
        self.model(ModelAdmin::new(model))
    }

    /// Shows a model with the settings of `model`.
    pub fn model(mut self, model: ModelAdmin) -> Admin {
        self.models.retain(|m| !std::ptr::eq(m.meta, model.meta));
        self.models.push(model);
        self
    }

    /// Shows every model linked into the binary (the
    /// [registry](strata::registry)) that is not shown yet, except the
    /// admin's own user table.
    pub fn register_all(mut self) -> Admin {
        for meta in strata::registry::models() {
            if std::ptr::eq(meta, AdminUser::META)
                || self.models.iter().any(|m| std::ptr::eq(m.meta, meta))
            {
                continue;
            }
            self.models.push(ModelAdmin::new(meta));
        }
        self
    }

    /// Whether session cookies carry the `Secure` flag (default `true`:
    /// the browser sends them over HTTPS only). Turn it off only for
    /// plain-HTTP development on localhost.
    pub fn secure_cookies(mut self, secure: bool) -> Admin {
        self.secure_cookies = secure;
        self
    }

    /// `SameSite=Strict` instead of the default `SameSite=Lax`.
    pub fn same_site_strict(mut self, strict: bool) -> Admin {
        self.same_site_strict = strict;
        self
    }

    /// The secret (at least 64 bytes) that encrypts and signs the session
    /// cookies. Without one a random key is made at start, so sessions end
    /// when the process does.
    pub fn secret_key(mut self, key: &[u8]) -> Admin {
        self.key = Some(key.to_vec());
        self
    }

    /// The title in the page header.
    pub fn title(mut self, title: &str) -> Admin {
        self.title = title.to_string();
        self
    }

    /// How long a login lasts (default 12 hours).
    pub fn session_hours(mut self, hours: u32) -> Admin {
        self.session_hours = i64::from(hours.max(1));
        self
    }
}
