//! # strata-admin
//!
//! A back office generated from strata's model metadata, safe by default:
//! an axum [`Router`](axum::Router) mounted with one call.
//!
//! ```
//! use strata::prelude::*;
//!
//! #[derive(Model, Debug)]
//! struct Author { id: i64, #[strata(max_length = 100)] name: String }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), strata_admin::Error> {
//! let db = Db::connect("sqlite::memory:").await?;
//! db.create_tables(&[Author::META, strata_admin::AdminUser::META]).await?;
//! strata_admin::create_user(&db, "ann", "a long password", false).await?;
//!
//! let app = axum::Router::new().merge(
//!     strata_admin::Admin::new(db.clone())
//!         .model(strata_admin::ModelAdmin::new(Author::META).search_fields(&["name"]))
//!         .router("/admin")?,
//! );
//! // axum::serve(tokio::net::TcpListener::bind("127.0.0.1:8000").await?, app).await?;
//! # let _ = app;
//! # Ok(()) }
//! ```
//!
//! What it does:
//! - an index of the models with row counts; per model a list page with
//!   chosen columns, pagination, sorting, `icontains` search and filters
//!   (booleans, date ranges, foreign keys), with shown foreign keys joined
//!   into the page's one query;
//! - create and edit forms built from the metadata, validated on the
//!   server (required, `max_length`, decimal precision, enum choices,
//!   unique values, foreign keys that exist), errors next to the fields;
//! - delete (one row or a selection) after a confirmation page listing
//!   what the cascades delete and which rows protect it; user-defined
//!   bulk actions.
//!
//! Safe by default: every page needs a login ([`AdminUser`], argon2
//! hashes, [`cli::createsuperuser`]); every form carries a CSRF token;
//! templates escape every value; session cookies are encrypted, `HttpOnly`,
//! `SameSite=Lax` and `Secure` unless turned off; a read-only role; the
//! request's search, sort and filter parameters only ever become typed
//! conditions ([`strata::dynamic`]), and anything unknown is a 400.
//!
//! Modules: [`config`] (what is shown), [`user`] (accounts), [`cli`]
//! (`createsuperuser`); the pages are private.

mod app;
pub mod cli;
pub mod config;
mod error;
mod fields;
mod filters;
mod forms;
mod labels;
mod pages;
mod session;
pub mod user;
mod views;

pub use config::{Admin, BulkAction, ModelAdmin};
pub use error::{Error, Result};
pub use labels::MAX_SELECT_CHOICES;
pub use user::{authenticate, create_user, hash_password, verify_password, AdminUser};
