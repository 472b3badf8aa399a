//! # strata
//!
//! A compile-time ORM for Rust in the spirit of Django's ORM: derive models
//! from plain structs, query them through typed querysets, and run the same
//! code on SQLite, PostgreSQL and MySQL/MariaDB.
//!
//! ```
//! use strata::prelude::*;
//!
//! #[derive(Model, Debug, Clone)]
//! pub struct Author {
//!     pub id: i64,
//!     #[strata(max_length = 100, unique)]
//!     pub name: String,
//!     pub email: Option<String>,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> strata::Result<()> {
//! let db = Db::connect("sqlite::memory:").await?;
//! db.create_tables(&[Author::META]).await?;
//!
//! let mut ann = Author { id: 0, name: "Ann".into(), email: None };
//! ann.insert(&db).await?;                       // fills ann.id
//!
//! let found = Author::objects()
//!     .filter(Author::name().startswith("A").and(Author::email().is_null(true)))
//!     .order_by(Author::name().asc())
//!     .all(&db)
//!     .await?;
//! assert_eq!(found.len(), 1);
//! assert_eq!(found[0].id, ann.id);
//! # Ok(()) }
//! ```
//!
//! Modules:
//! - [`db`]: the [`Db`] handle, chosen at run time from a URL;
//! - [`query`]: typed fields, conditions and [`QuerySet`];
//! - [`meta`] and [`registry`]: static model metadata for the migration
//!   engine;
//! - [`types`]: [`FieldType`], how Rust types map to columns;
//! - [`dialect`]: the SQL differences between databases;
//! - [`schema`]: creating tables without migrations;
//! - [`pagination`]: [`Paginator`] and its pages;
//! - [`dynamic`]: run-time checked queries over a model chosen at run
//!   time (for tools such as the admin).
//!
//! Cargo features: `sqlite` (default), `postgres`, `mysql` choose the
//! databases; `serde` gives the relation fields `Serialize` and
//! `Deserialize` (see [`ForeignKey`] and [`Reverse`] for the JSON shape),
//! so that a model derives them beside `Model`.

mod bulk;
pub mod column_type;
pub mod db;
mod db_default;
pub mod dialect;
pub mod dynamic;
mod error;
pub mod meta;
mod model;
pub mod naming;
pub mod pagination;
pub mod query;
pub mod registry;
pub mod relation;
pub mod schema;
#[cfg(feature = "sea-query")]
pub mod sea_query;
pub mod types;
mod value;
mod writer;

#[doc(hidden)]
pub use bulk::bulk_create_sql_uncached;
pub use bulk::{BulkStatements, OnConflict};
pub use column_type::{ColumnType, CustomColumnType};
pub use db::{Conn, Executor, Isolation, Transaction, TxFuture};
pub use db::{ConnectOptions, Db, ExecResult, Row};
pub use dialect::Dialect;
pub use error::{Error, Result};
pub use meta::ModelMeta;
pub use model::Model;
pub use pagination::{Page, Paginator};
pub use query::{
    Assignment, Field, IntoBind, IntoCondition, IntoOrderBy, ModelStream, OrderBy, QuerySet,
    TextField, Q,
};
pub use relation::{ForeignKey, ManyToMany, OneToOne, Reverse};
/// sqlx's marks for SQL text a caller vouches for: what
/// [`Statement::raw`] and `execute_raw_sql` take.
pub use sqlx::{AssertSqlSafe, SqlSafeStr};
pub use types::{AutoNowField, Choices, DecodeError, FieldType};
pub use value::{Array, Value};
pub use writer::{SqlWriter, Statement};

/// `#[derive(Model)]`: see the crate documentation.
pub use strata_derive::{Aggregates, FieldType, Model};

/// Everything a module that defines or queries models needs.
pub mod prelude {
    pub use crate::query::annotate::{Ann0, Ann1, Ann2, Ann3, Ann4, Ann5, RelatedAggregates};
    pub use crate::relation::Prefetch;
    pub use crate::{
        Db, Dialect, Executor, Field, FieldType, ForeignKey, ManyToMany, Model, OneToOne, QuerySet,
        Reverse, Q,
    };
}

/// Used by code that `#[derive(Model)]` generates. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::column_type::ColumnType;
    pub use crate::db::Row;
    pub use crate::db_default::db_default_value;
    pub use crate::dialect::Dialect;
    pub use crate::error::Result;
    pub use crate::meta::{
        AutoNow, ColumnMeta, DefaultValue, ForeignKeyMeta, IndexMeta, ManyToManyMeta, ModelMeta,
        OnDelete, OrderingMeta, QuotedList, UniqueMeta,
    };
    pub use crate::model::{decode_field, decode_related, generated_pk, Model};
    pub use crate::query::aggregate::FromAggregates;
    pub use crate::query::Assignment;
    pub use crate::relation::key_lookup::{path_eq, path_in, path_is_null, path_set, InTargets};
    pub use crate::relation::{
        Cardinality, IntoKey, JoinPath, Joined, Many, MaybeOne, NullablePath, One, OwnKey,
        OwnNullableKey, OwnRelation, RelationKind, RelationMeta, SelectRelated, SingleValued,
    };
    pub use std::any::Any;
    pub use std::boxed::Box;
    pub use std::option::Option;

    pub use crate::meta::has_column;
    pub use crate::query::subquery::InValues;
    pub use crate::query::Field;
    pub use crate::query::{exists, IntoCondition, Q};
    pub use crate::registry::Registration;
    pub use crate::relation::glue::*;
    pub use crate::relation::prefetch::default_query;
    pub use crate::relation::Prefetch;
    pub use crate::relation::{IntoPrefetch, Related, RelationPath};
    pub use crate::types::{AutoNowField, FieldType};
    pub use crate::value::Value;
    pub use inventory;
    pub use std::vec::Vec;
}
