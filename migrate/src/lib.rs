//! # strata-migrate
//!
//! Django-style migrations for strata models: the schema state of the
//! models linked into a binary, an autodetector that turns the difference
//! between two states into operations, and migration files that hold those
//! operations together with the SQL of every dialect (PostgreSQL,
//! MySQL/MariaDB, SQLite).
//!
//! ```
//! use strata::meta::OnDelete;
//! use strata::{ColumnType, Dialect};
//! use strata_migrate::{autodetect, writer, FieldState, ModelState, ProjectState, ScriptedQuestioner};
//!
//! // What the migrations say so far, and what the models say now.
//! let old = ProjectState::new()
//!     .with(ModelState::new("Author").pk("id").field("name", ColumnType::Varchar(100)));
//! let new = old.clone().with(
//!     ModelState::new("Post")
//!         .pk("id")
//!         .field("title", ColumnType::Varchar(200))
//!         .fk("author_id", "Author", OnDelete::Cascade)
//!         .index("post_title_idx", &["title"]),
//! );
//!
//! let ops = autodetect(&old, &new, &mut ScriptedQuestioner::new())?;
//! assert_eq!(ops.len(), 1);
//! assert_eq!(ops[0].describe(), "Create model Post");
//!
//! let migration = writer::render("0002_post", vec!["0001_initial".into()], ops, &old)?;
//! let sqlite = &migration.migration.sql.sqlite;
//! assert!(sqlite.forward[0].starts_with("CREATE TABLE \"post\""));
//! assert_eq!(sqlite.backward, vec!["DROP TABLE \"post\""]);
//! let text = writer::to_toml(&migration)?;
//! assert!(text.contains("op = \"create_model\""));
//! # Ok::<(), strata_migrate::Error>(())
//! ```
//!
//! The source is laid out by pipeline stage, each folder importing only
//! from the folders below it:
//!
//! ```text
//! cli/         the manage binary's verbs: commands, cli
//! make/        models -> files: autodetect, optimizer, questioner, writer,
//!              squash
//! apply/       files -> database: plan, executor, recorder, lock
//! inspect/     database -> state: introspect, session, drift, reverse, model_source
//! files/       migration files on disk: loader, migration, graph, embed
//! operations/  the steps a migration is made of
//! state/       the schema model everything shares: state, naming
//! ```
//!
//! The modules are re-exported here under their own names:
//! - [`state`]: [`ProjectState`], from the registry or replayed from files;
//! - [`questioner`]: renames and one-off values, interactive or not;
//! - [`autodetect()`]: old state + new state -> [`Operation`]s;
//! - [`optimize()`]: those operations folded into fewer, as Django's
//!   optimizer does;
//! - [`operations`]: each operation's effect on the state, its SQL per
//!   dialect forward and backward, its description;
//! - [`writer`] and [`loader`]: migration files (TOML), read from a
//!   directory or [embedded](embed_migrations!) in the binary; [`graph`]:
//!   their dependency order;
//! - [`recorder`]: the `strata_migrations` table of what is applied;
//! - [`plan`] and [`executor`]: [`Migrator`] moves a database to a
//!   [`Target`], one transaction per migration where the database allows,
//!   under a lock so that concurrent runs wait;
//! - [`introspect`]: the live schema of a database, comparable with a state;
//!   [`drift`]: how it differs, and [`check`](mod@check): from the applied
//!   migrations (`manage check`); [`reverse`] and [`model_source`]: the
//!   models that would make it, as Rust source ([`inspectdb`]);
//! - [`squash`]: one migration that replaces a range of them;
//! - [`operations::run_rust`] and [`data`]: data migrations in Rust,
//!   registered with [`data_migration`], with typed querysets on the
//!   migration's transaction;
//! - [`operations::data_checks`]: what an operation needs of the existing
//!   rows, checked by `migrate` before each step (the destructive-change
//!   lint);
//! - [`picture`] and [`state::erd`]: the migration graph and the models'
//!   entity-relationship diagram, as Mermaid or DOT;
//! - [`commands`] and [`cli`]: `makemigrations`, `squashmigrations`,
//!   `sqlmigrate`, `check`, `inspectdb`, `migrate`
//!   (with `--prune` and `--repair-checksums`), `showmigrations`, `graph`
//!   and `erd`, for a project's `manage` binary.
//!
//! Applying migrations at start-up, from files compiled into the binary:
//!
//! ```no_run
//! # async fn start() -> Result<(), Box<dyn std::error::Error>> {
//! static MIGRATIONS: strata_migrate::embed::EmbeddedMigrations =
//!     strata_migrate::embed_migrations!("tests/executor/fixtures");
//!
//! let db = strata::Db::connect("sqlite://app.db").await?;
//! strata_migrate::Migrator::new(MIGRATIONS.load()?)
//!     .migrate(&db, &strata_migrate::Target::Latest, &mut std::io::stdout())
//!     .await?;
//! # Ok(()) }
//! ```

mod apply;
pub mod cli;
mod error;
mod files;
mod inspect;
mod make;
pub mod operations;
pub mod state;

pub use apply::{data, executor, plan, recorder};
pub use cli::{check, commands, inspectdb};
pub use files::{embed, graph, loader, migration, picture};
pub use inspect::{drift, introspect, model_source, reverse};
pub use make::{autodetect, optimizer, questioner, squash, writer};
pub use state::naming;

pub use error::{Error, Result};
pub use executor::{Migrator, Report};
pub use make::autodetect::autodetect;
pub use make::optimizer::optimize;
pub use migration::{DialectScript, Migration, MigrationOptions, MigrationSql};
pub use operations::Operation;
pub use plan::{Plan, Target};
pub use questioner::{
    InteractiveQuestioner, NonInteractiveQuestioner, Questioner, ScriptedQuestioner,
};
pub use state::{
    ChoicesState, ConstraintKind, ConstraintState, DefaultValue, FieldState, ForeignKeyState,
    IndexState, ManyToManyState, ModelState, ProjectState,
};
/// `embed_migrations!("migrations")`: the migration files of a directory
/// (relative to the crate's `Cargo.toml`), compiled into the binary as an
/// [`embed::EmbeddedMigrations`]. See [`embed`].
pub use strata_migrate_macros::embed_migrations;

/// `#[data_migration]` on `async fn f(tx: &mut strata::Transaction<'_>) ->
/// strata::Result<()>` registers `f` as a data migration that a migration's
/// `run_rust` operation calls by name (`#[data_migration(name = "...")]`
/// to choose another name). See [`operations::run_rust`] and [`data`].
pub use strata_migrate_macros::data_migration;

/// Used by code that `#[data_migration]` generates. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::operations::run_rust::{DataMigration, DataMigrationFuture};
    pub use std::boxed::Box;
    pub use strata::__private::inventory;
    pub use strata::Transaction;
}
