//! The crate's one error type.

use std::path::PathBuf;
use strata::Dialect;

/// Everything that can go wrong while building states, detecting changes,
/// rendering SQL, reading and writing migration files, or applying them to
/// a database.
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

    /// The migration lock could not be taken.
    #[error("cannot take the migration lock: {reason}")]
    Lock {
        /// What the database said.
        reason: String,
    },

    /// A migration depends on a migration that does not exist.
    #[error(
        "migration {migration} depends on `{dependency}`, which does not exist{}",
        dir.as_ref().map(|d| format!(" in `{}`", d.display())).unwrap_or_default()
    )]
    MissingDependency {
        /// The migration with the dangling dependency.
        migration: String,
        /// The dependency it names.
        dependency: String,
        /// Where the migrations were read from, when they came from a
        /// directory.
        dir: Option<PathBuf>,
    },

    /// The dependencies of some migrations form a cycle.
    #[error(
        "the dependencies of migrations form a cycle: {}; remove one of these dependencies",
        cycle.join(" -> ")
    )]
    Cycle {
        /// The migrations of the cycle, the first repeated at the end.
        cycle: Vec<String>,
    },

    /// A statement against the database failed outside of any migration's
    /// own SQL (connecting, locking, reading or writing the recorder
    /// table, introspecting).
    #[error("{action}: {source}")]
    Database {
        /// What was being done: `reading strata_migrations`, ...
        action: String,
        #[source]
        source: Box<strata::Error>,
    },

    /// A statement of a migration failed. What is left in the database is
    /// in `outcome`.
    #[error("{direction} {migration} failed: {source}\n{outcome}")]
    MigrationFailed {
        /// The migration.
        migration: String,
        /// `Applying` or `Unapplying`.
        direction: &'static str,
        /// The statement that failed, as in the migration file.
        statement: String,
        /// The database's error, which names the statement and dialect.
        #[source]
        source: Box<strata::Error>,
        /// What the failure left behind and how to go on.
        outcome: String,
    },

    /// `PRAGMA foreign_key_check` found rows that violate a foreign key
    /// after a SQLite migration rebuilt a table.
    #[error(
        "{migration}: {rows} row(s) violate a foreign key after `{statement}` \
         (first: {first}); {outcome}"
    )]
    ForeignKeyViolation {
        /// The migration.
        migration: String,
        /// The check that reported the rows.
        statement: String,
        /// How many rows violate a foreign key.
        rows: usize,
        /// The first violation: `table rowid -> parent`.
        first: String,
        /// What the failure left behind.
        outcome: String,
    },

    /// An earlier run failed (or was interrupted) part-way through a
    /// migration on a database that cannot roll DDL back (MySQL/MariaDB,
    /// or a migration with `atomic = false`). Nothing more is run until a
    /// person has looked at the database.
    #[error(
        "{migration} {what} in an earlier run{}{}; the database may hold part of it, \
         so nothing more is run.\n\
         Fix the database by hand, then record what you did:\n  \
         manage migrate --fake {migration}   # the migration is now fully applied\n  \
         manage migrate --fake {before}   # the migration is now fully undone",
        statement.as_deref().map(|s| format!(" at statement `{s}`")).unwrap_or_default(),
        error.as_deref().map(|e| format!(" ({e})")).unwrap_or_default()
    )]
    UnresolvedFailure {
        /// The migration.
        migration: String,
        /// `failed while applying`, `was interrupted while unapplying`, ...
        what: String,
        /// The statement that failed, when known.
        statement: Option<String>,
        /// The database's message, when known.
        error: Option<String>,
        /// The target that leaves the migration unapplied: its dependency,
        /// or `zero`.
        before: String,
    },

    /// Migration files were edited after they were applied to this
    /// database: their SQL no longer matches the recorded checksum.
    #[error(
        "applied migrations were edited since they were applied: {}.\n\
         Put the applied version of each file back and write the change as a new migration \
         (`manage makemigrations`); or, if the database already matches the edited files, \
         record the new checksums with `manage migrate --fake {}` (`manage migrate \
         --repair-checksums` does it when the edit only re-spaced the SQL)",
        names.join(", "),
        names.last().map(String::as_str).unwrap_or_default()
    )]
    EditedMigrations {
        /// The edited migrations, in dependency order.
        names: Vec<String>,
    },

    /// The database records applied migrations that no file describes.
    #[error(
        "the database has applied migrations this program does not know: {}; \
         is it an older version of the program, or were migration files deleted? If they were \
         deleted on purpose, forget their records with `manage migrate --prune`",
        names.join(", ")
    )]
    UnknownAppliedMigrations {
        /// The recorded names without a migration.
        names: Vec<String>,
    },

    /// A migration is recorded as applied while one of its dependencies is
    /// not.
    #[error(
        "inconsistent history: {migration} is applied but its dependency {dependency} is not; \
         apply or fake {dependency} first (`manage migrate --fake {dependency}` if its changes \
         are already in the database)"
    )]
    InconsistentHistory {
        /// The applied migration.
        migration: String,
        /// Its unapplied dependency.
        dependency: String,
    },

    /// `migrate --fake-initial` found the tables of an initial migration
    /// in the database, but not as the migration makes them.
    #[error(
        "cannot fake {migration}: its tables are in the database, but differ from what it creates:\n{}\n\
         change the models (and the migration) or the database until they agree, or drop the tables to let it run",
        differences.iter().map(|d| format!("  - {d}")).collect::<Vec<_>>().join("\n")
    )]
    FakeInitialMismatch {
        /// The initial migration.
        migration: String,
        /// Each difference, in words.
        differences: Vec<String>,
    },

    /// `inspectdb` was asked for a table the database does not have.
    #[error(
        "the database has no table `{table}`; its tables are: {}",
        if available.is_empty() { "(none)".to_string() } else { available.join(", ") }
    )]
    UnknownTable {
        /// The table asked for.
        table: String,
        /// The tables there are.
        available: Vec<String>,
    },

    /// A migration to squash has SQL that its operations do not give (a
    /// hand edit, such as a data update, or an older renderer's SQL), which
    /// a squash, rendered from the operations, would not keep.
    #[error(
        "cannot squash {migration}: its {dialect} SQL is not what its operations give today \
         (edited by hand, or written by an older strata-migrate), and the squash is rendered \
         from the operations, so that SQL would not be in it. If the difference is only the \
         older rendering, pass --rerender; if it is a hand edit (a data update), squash a range \
         that ends before it or starts after it, or move the edit into a `run_sql` operation"
    )]
    SquashEditedSql {
        /// The migration.
        migration: String,
        /// The first dialect whose SQL differs.
        dialect: Dialect,
    },

    /// A migration about to run calls a Rust data-migration function that
    /// this binary does not link (or links twice). Raised before any step
    /// of the run is taken.
    #[error(
        "migration {migration} calls the Rust function `{function}`, {problem}; nothing was run.\n\
         help: define it in the crate of the `manage` binary (or of the program that migrates) \
         with `#[strata_migrate::data_migration] async fn {function}(tx: &mut \
         strata::Transaction<'_>) -> strata::Result<()>`, or restore the file that defined it"
    )]
    UnknownDataMigration {
        /// The migration that names it.
        migration: String,
        /// The function's registered name.
        function: String,
        /// What is wrong: `which this binary does not have (it has: a, b)`,
        /// or which modules registered it twice.
        problem: String,
    },

    /// A Rust data-migration function returned an error. What is left in
    /// the database is in `outcome`.
    #[error(
        "{direction} {migration} failed in the Rust function `{function}`: {source}\n{outcome}"
    )]
    DataMigrationFailed {
        /// The migration.
        migration: String,
        /// `Applying` or `Unapplying`.
        direction: &'static str,
        /// The function's registered name.
        function: String,
        /// The function's error.
        #[source]
        source: Box<strata::Error>,
        /// What the failure left behind and how to go on.
        outcome: String,
    },

    /// The rows in the database would make a migration fail part-way (a
    /// NOT NULL column over NULLs, a unique index over duplicates, a
    /// narrowed column over longer values): found by the lint's checks
    /// right before the step, so nothing of the migration was run.
    #[error(
        "{direction} {migration} is refused: {}.\nNothing of it was run. Fix those rows first \
         (by hand, or with a data migration ordered before it), then run migrate again",
        problems.join("; ")
    )]
    DataCheckFailed {
        /// The migration.
        migration: String,
        /// `Applying` or `Unapplying`.
        direction: &'static str,
        /// One line per failed check: ``column `post.slug` has 3 duplicate
        /// values; the unique index would fail``.
        problems: Vec<String>,
    },

    /// `migrate --repair-checksums` found an edited migration whose change
    /// is more than whitespace; nothing was repaired.
    #[error(
        "cannot repair the checksums, nothing was changed: {}.\n\
         Put the applied version of each file back, or check that the database matches the \
         edited file and record it with `manage migrate --fake <migration>`",
        problems.join("; ")
    )]
    ChecksumRepairRefused {
        /// One line per refused migration, with why.
        problems: Vec<String>,
    },
}

/// `Result<T, strata_migrate::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
