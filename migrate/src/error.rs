//! The crate's one error type.

use std::path::PathBuf;
use strata::Dialect;

/// Everything that can go wrong while building states, detecting changes,
/// rendering SQL or reading and writing migration files.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A migration file could not be read or written.
    #[error("cannot access `{}`: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A migration file is not valid TOML or does not have the expected
    /// shape.
    #[error("{}:{line}: {message}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// The 1-based line of the problem (1 when unknown).
        line: usize,
        /// What is wrong there.
        message: String,
    },

    /// A schema state is inconsistent (a foreign key to an unknown model, an
    /// index on an unknown column, two models with the same name, ...).
    #[error("invalid schema state: {reason}")]
    InvalidState {
        /// What is inconsistent, naming the model and column.
        reason: String,
    },

    /// An operation cannot be applied to the state it meets (replaying a
    /// migration that adds a column that already exists, ...).
    #[error("cannot apply `{operation}`{}: {reason}", migration.as_deref().map(|m| format!(" of migration {m}")).unwrap_or_default())]
    Apply {
        /// The migration being replayed, if any.
        migration: Option<String>,
        /// The operation's one-line description.
        operation: String,
        /// Why it does not apply.
        reason: String,
    },

    /// A dialect cannot express an operation (MySQL indexes on unbounded
    /// text, `ON DELETE SET DEFAULT` on InnoDB, ...).
    #[error("{dialect} cannot run `{operation}`: {reason}")]
    Unsupported {
        /// The dialect.
        dialect: Dialect,
        /// The operation's one-line description.
        operation: String,
        /// Why, and what to do instead.
        reason: String,
    },

    /// The autodetector found a change it cannot turn into operations.
    #[error("cannot migrate model `{model}`: {reason}")]
    UnsupportedChange {
        /// The model.
        model: String,
        /// What changed and what to do instead.
        reason: String,
    },

    /// A NOT NULL column needs a value for existing rows, and no questioner
    /// could provide one (non-interactive mode).
    #[error(
        "`{model}.{column}` is NOT NULL without a default, so existing rows need a value: \
         give the field a default (#[strata(default = ...)]), make it an Option, \
         or run makemigrations interactively to enter a one-off default"
    )]
    DefaultRequired {
        /// The model.
        model: String,
        /// The column.
        column: String,
    },

    /// An answer typed at a question could not be used.
    #[error("invalid answer `{input}`: {reason}")]
    InvalidAnswer {
        /// What was typed.
        input: String,
        /// Why it is not usable.
        reason: String,
    },

    /// Reading an answer from the terminal failed or input ended.
    #[error("cannot read an answer: {reason}")]
    Input {
        /// What happened.
        reason: String,
    },

    /// An operation has no reverse (a `RunSql` without reverse SQL).
    #[error("`{operation}` cannot be reversed: {reason}")]
    Irreversible {
        /// The operation's description.
        operation: String,
        /// Why.
        reason: String,
    },

    /// Two or more migrations have no child: branches that need a merge.
    #[error(
        "conflicting migrations: {} all have no successor; run `makemigrations --merge`",
        leaves.join(", ")
    )]
    Conflict {
        /// The migrations without a successor.
        leaves: Vec<String>,
    },

    /// The migration graph is broken (an unknown dependency, a cycle, a
    /// duplicate number).
    #[error("migration graph error: {reason}")]
    Graph {
        /// What is wrong, naming the migrations.
        reason: String,
    },

    /// No migration matches a name given on the command line.
    #[error("no migration named `{name}` in `{}`{}", dir.display(), if candidates.is_empty() { String::new() } else { format!(" (matches: {})", candidates.join(", ")) })]
    UnknownMigration {
        /// What was asked for.
        name: String,
        /// The migrations directory.
        dir: PathBuf,
        /// Several migrations matched an ambiguous prefix.
        candidates: Vec<String>,
    },

    /// A migration file holds no SQL for a dialect, because the dialect
    /// cannot express one of its operations.
    #[error("migration {migration} has no {direction} SQL for {dialect}: {reason}")]
    NoSql {
        /// The migration.
        migration: String,
        /// The dialect.
        dialect: Dialect,
        /// `forward` or `backward`.
        direction: &'static str,
        /// The reason recorded in the file.
        reason: String,
    },
}

/// `Result<T, strata_migrate::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
