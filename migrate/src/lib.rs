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
//! Modules, in pipeline order:
//! - [`state`]: [`ProjectState`], from the registry or replayed from files;
//! - [`questioner`]: renames and one-off values, interactive or not;
//! - [`autodetect()`]: old state + new state -> [`Operation`]s;
//! - [`operations`]: each operation's effect on the state, its SQL per
//!   dialect forward and backward, its description;
//! - [`writer`] and [`loader`]: migration files (TOML) and their graph;
//! - [`commands`] and [`cli`]: `makemigrations` and `sqlmigrate`, for a
//!   project's `manage` binary.

pub mod autodetect;
pub mod cli;
pub mod commands;
mod error;
pub mod loader;
pub mod migration;
pub mod naming;
pub mod operations;
pub mod questioner;
pub mod state;
pub mod writer;

pub use autodetect::autodetect;
pub use error::{Error, Result};
pub use migration::{DialectScript, Migration, MigrationSql};
pub use operations::Operation;
pub use questioner::{
    InteractiveQuestioner, NonInteractiveQuestioner, Questioner, ScriptedQuestioner,
};
pub use state::{
    ConstraintKind, ConstraintState, DefaultValue, FieldState, ForeignKeyState, IndexState,
    ManyToManyState, ModelState, ProjectState,
};
