//! Queries and writes over a model chosen at run time, from its
//! [`ModelMeta`]: what a generic tool (the admin) needs when the model and
//! the column come from a request, not from the code.
//!
//! The typed API (`Post::title().icontains("x")`) stays the way to write
//! queries in code. This module is its run-time checked counterpart and
//! keeps the same guarantees:
//! - a column is named by its Rust field name and looked up in the
//!   model's metadata ([`DynColumn::of`]); an unknown name is an
//!   [`Error::InvalidQuery`], never SQL text;
//! - every value is a bound parameter, checked against the column's type
//!   (a `Value` of another kind is refused) and against what the column
//!   can hold exactly (as typed writes are);
//! - identifiers are quoted by the dialect; conditions are the same tree
//!   the typed compiler walks, so `icontains` means the same on every
//!   database.
//!
//! ```
//! use strata::dynamic::{DynColumn, DynQuery};
//! use strata::prelude::*;
//! use strata::Value;
//!
//! #[derive(Model, Debug)]
//! struct Book {
//!     id: i64,
//!     #[strata(max_length = 80)]
//!     title: String,
//!     pages: i32,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> strata::Result<()> {
//! let db = Db::connect("sqlite::memory:").await?;
//! db.create_tables(&[Book::META]).await?;
//! Book { id: 0, title: "Rust in Action".into(), pages: 400 }.insert(&db).await?;
//! Book { id: 0, title: "Dune".into(), pages: 600 }.insert(&db).await?;
//!
//! // The field names could come from a request: they are checked here.
//! let title = DynColumn::of(Book::META, "title")?;
//! let pages = DynColumn::of(Book::META, "pages")?;
//! assert!(DynColumn::of(Book::META, "title; DROP TABLE book").is_err());
//!
//! let query = DynQuery::new(Book::META)
//!     .filter(title.icontains("RUST")?)
//!     .order_by(pages, true);
//! let rows = query.all(&db).await?;
//! assert_eq!(rows.len(), 1);
//! assert_eq!(rows[0].get(title), Some(&Value::String(Some("Rust in Action".into()))));
//! assert_eq!(query.count(&db).await?, 1);
//! # Ok(()) }
//! ```

mod condition;
mod deletion_preview;
mod query;
mod write;

pub use condition::{DynColumn, DynCondition};
pub use deletion_preview::{preview_delete, DeletionPreview, PreviewGroup};
pub use query::{DynQuery, DynRow};
pub use write::{delete_rows, insert_row, m2m_keys, set_m2m_keys, update_row};

#[cfg(doc)]
use crate::error::Error;
#[cfg(doc)]
use crate::meta::ModelMeta;
