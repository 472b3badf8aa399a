//! The command line of a project's "manage" binary.
//!
//! A project adds `src/bin/manage.rs` to the crate that links its models:
//!
//! ```ignore
//! fn main() {
//!     strata_migrate::cli::main()
//! }
//! ```
//!
//! and runs `cargo run --bin manage -- makemigrations`,
//! `cargo run --bin manage -- sqlmigrate 0002 --dialect postgres`,
//! `cargo run --bin manage -- migrate --database sqlite://app.db`,
//! `cargo run --bin manage -- squashmigrations 0002 0009` or
//! `cargo run --bin manage -- showmigrations` (with `DATABASE_URL` set),
//! `check` (drift between the database and its applied migrations) and
//! `inspectdb` (models for an existing database).
//! The commands are thin wrappers over [`crate::cli::commands`].

pub mod check;
pub mod commands;
pub mod fake_initial;
pub mod inspectdb;

use crate::apply::plan::Target;
use crate::error::Result;
use crate::make::questioner::{InteractiveQuestioner, NonInteractiveQuestioner, Questioner};
use crate::state::{DefaultValue, FieldState, ModelState, PictureFormat, ProjectState};
use clap::{Parser, Subcommand};
use commands::{MakeOptions, MigrateOptions};
use std::io::Write;
use std::path::PathBuf;
use strata::Dialect;

/// strata's migration commands.
#[derive(Debug, Parser)]
#[command(
    name = "manage",
    about = "strata migrations: makemigrations, squashmigrations, sqlmigrate, migrate, showmigrations, check, inspectdb, graph, erd"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// A subcommand.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a migration for the changes between the models and the
    /// migrations.
    Makemigrations {
        /// The migration's name (default: made from its content).
        #[arg(long)]
        name: Option<String>,
        /// Write a migration with no operations, to fill in by hand.
        #[arg(long)]
        empty: bool,
        /// Print the migration instead of writing it.
        #[arg(long)]
        dry_run: bool,
        /// Exit with status 1 if the models and the migrations disagree
        /// (for CI); writes nothing.
        #[arg(long)]
        check: bool,
        /// Never ask: no renames are guessed, and a needed one-off value
        /// is an error.
        #[arg(long)]
        no_input: bool,
        /// Write a merge migration for conflicting branches.
        #[arg(long)]
        merge: bool,
        /// With `--empty`: write a data migration that calls this Rust
        /// function (registered with `#[strata_migrate::data_migration]`).
        #[arg(long, requires = "empty", value_name = "FUNCTION")]
        data: Option<String>,
        /// The Rust function that undoes `--data`.
        #[arg(long, requires = "data", value_name = "FUNCTION")]
        data_backward: Option<String>,
        /// The migrations directory.
        #[arg(long, default_value = "migrations")]
        dir: PathBuf,
    },
    /// Write one migration that replaces `from` ..= `to`, with their
    /// operations optimized.
    Squashmigrations {
        /// The first migration of the range (a name or a unique prefix
        /// such as `0001`).
        from: String,
        /// The last migration of the range.
        to: String,
        /// A name to add after `<from>_squashed_<to>_`.
        #[arg(long)]
        name: Option<String>,
        /// Print the migration instead of writing it.
        #[arg(long)]
        dry_run: bool,
        /// Render the squash's SQL from the operations even where a
        /// migration of the range has other SQL (written by an older
        /// strata-migrate); a hand edit in that SQL is then not kept.
        #[arg(long)]
        rerender: bool,
        /// The migrations directory.
        #[arg(long, default_value = "migrations")]
        dir: PathBuf,
    },
    /// Print the SQL of a migration.
    Sqlmigrate {
        /// The migration's name, or a unique prefix such as `0002`.
        name: String,
        /// postgres, mysql (or mariadb) or sqlite.
        #[arg(long, value_parser = parse_dialect)]
        dialect: Dialect,
        /// Print the SQL that reverts the migration.
        #[arg(long)]
        backwards: bool,
        /// The migrations directory.
        #[arg(long, default_value = "migrations")]
        dir: PathBuf,
    },
    /// Apply pending migrations, or move the database to a migration.
    Migrate {
        /// `zero` to unapply everything, or the migration (or a unique
        /// prefix such as `0002`) to move forwards or backwards to;
        /// default: the latest.
        target: Option<String>,
        /// The database URL (sqlite://, postgres://, mysql://).
        #[arg(long, env = "DATABASE_URL")]
        database: String,
        /// The migrations directory.
        #[arg(long, default_value = "migrations")]
        dir: PathBuf,
        /// Print what would be done, without changing the database.
        #[arg(long)]
        plan: bool,
        /// Only record migrations as applied or unapplied, without running
        /// their SQL: for changes already made by hand, and to resolve a
        /// migration that failed part-way or was edited after it was
        /// applied.
        #[arg(long)]
        fake: bool,
        /// Only delete the records of migrations whose files are gone,
        /// then stop.
        #[arg(long, conflicts_with_all = ["plan", "fake", "target", "repair_checksums"])]
        prune: bool,
        /// Only record the new checksums of applied migrations whose SQL
        /// was re-spaced since (refusing any other edit), then stop.
        #[arg(long, conflicts_with_all = ["plan", "fake", "target"])]
        repair_checksums: bool,
        /// Change nothing: compare the database with what its applied
        /// migrations say it should be, as `manage check` does, and exit
        /// with status 1 on any difference.
        #[arg(long, conflicts_with_all = ["plan", "fake", "target"])]
        check: bool,
        /// Record an initial migration as applied without running it when
        /// every table it creates already exists and matches (refuse, with
        /// the differences, when they do not): for adopting an existing
        /// database.
        #[arg(long, conflicts_with_all = ["plan", "fake", "check"])]
        fake_initial: bool,
    },
    /// Compare the live database with the schema its applied migrations
    /// describe, print each difference (drift), and exit with status 1 on
    /// any. `makemigrations --check` compares the models with the files.
    Check {
        /// The database URL (sqlite://, postgres://, mysql://).
        #[arg(long, env = "DATABASE_URL")]
        database: String,
        /// The migrations directory.
        #[arg(long, default_value = "migrations")]
        dir: PathBuf,
    },
    /// Print `#[derive(Model)]` Rust source for the tables of an existing
    /// database (all of them, or those named).
    Inspectdb {
        /// The tables to inspect (default: every table).
        tables: Vec<String>,
        /// The database URL (sqlite://, postgres://, mysql://).
        #[arg(long, env = "DATABASE_URL")]
        database: String,
    },
    /// List the migrations: `[X]` applied, `[ ]` pending, `[E]` edited
    /// since it was applied, `[!]` failed part-way, `[?]` recorded without
    /// a file.
    Showmigrations {
        /// The database URL (sqlite://, postgres://, mysql://).
        #[arg(long, env = "DATABASE_URL")]
        database: String,
        /// In the order `migrate` applies them, each with the migrations
        /// it depends on.
        #[arg(long)]
        plan: bool,
        /// The migrations directory.
        #[arg(long, default_value = "migrations")]
        dir: PathBuf,
    },
    /// Print the migration graph (Mermaid, or DOT with `--format dot`);
    /// with `--database`, applied migrations are marked.
    Graph {
        /// mermaid or dot.
        #[arg(long, default_value = "mermaid", value_parser = parse_format)]
        format: PictureFormat,
        /// A database whose applied migrations to mark.
        #[arg(long)]
        database: Option<String>,
        /// The migrations directory.
        #[arg(long, default_value = "migrations")]
        dir: PathBuf,
    },
    /// Print an entity-relationship diagram of the models (Mermaid, or DOT
    /// with `--format dot`).
    Erd {
        /// mermaid or dot.
        #[arg(long, default_value = "mermaid", value_parser = parse_format)]
        format: PictureFormat,
    },
}

fn parse_format(name: &str) -> std::result::Result<PictureFormat, String> {
    PictureFormat::from_name(name)
        .ok_or_else(|| format!("unknown format `{name}`; expected mermaid or dot"))
}

/// Declines renames and answers every value question with the type's
/// zero, for `--check`, which only needs to know whether anything changed.
struct PlaceholderQuestioner;

impl Questioner for PlaceholderQuestioner {
    fn ask_rename_model(&mut self, _: &ModelState, _: &ModelState) -> Result<bool> {
        Ok(false)
    }

    fn ask_rename_field(&mut self, _: &str, _: &FieldState, _: &FieldState) -> Result<bool> {
        Ok(false)
    }

    fn ask_not_null_addition(&mut self, model: &str, field: &FieldState) -> Result<DefaultValue> {
        DefaultValue::zero_for(&field.ty).ok_or_else(|| crate::Error::DefaultRequired {
            model: model.to_string(),
            column: field.column.clone(),
        })
    }

    fn ask_not_null_alteration(&mut self, model: &str, field: &FieldState) -> Result<DefaultValue> {
        self.ask_not_null_addition(model, field)
    }
}

fn parse_dialect(name: &str) -> std::result::Result<Dialect, String> {
    Dialect::from_name(name)
        .ok_or_else(|| format!("unknown dialect `{name}`; expected postgres, mysql or sqlite"))
}

/// Runs the command line of the current process against the models
/// registered in this binary, and exits with its status.
pub fn main() -> ! {
    let cli = Cli::parse();
    let status = match ProjectState::from_registry() {
        Ok(state) => run(
            cli,
            &state,
            None,
            &mut std::io::stdout(),
            &mut std::io::stderr(),
        ),
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    };
    std::process::exit(status)
}

/// Runs `cli` against `models`, printing to `out`, and returns the exit
/// status: 0 on success, 1 when `--check` finds changes, 2 on an error,
/// which is written once, to `err` (stderr in [`main`]).
/// `questioner` replaces the one the flags choose (for tests).
///
/// `migrate` and `showmigrations` run on a runtime of their own, so this
/// must not be called from async code: use [`run_async`] there.
pub fn run(
    cli: Cli,
    models: &ProjectState,
    questioner: Option<&mut dyn Questioner>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let result = match cli.command {
        Command::Migrate { .. }
        | Command::Showmigrations { .. }
        | Command::Check { .. }
        | Command::Inspectdb { .. }
        | Command::Graph { .. } => {
            match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime.block_on(execute_database(cli.command, out)),
                Err(source) => Err(crate::Error::Io {
                    path: PathBuf::from("<tokio runtime>"),
                    source,
                }),
            }
        }
        _ => execute(cli, models, questioner, out),
    };
    report(result, err)
}

/// [`run`] for async callers (tests, programs with their own runtime).
pub async fn run_async(
    cli: Cli,
    models: &ProjectState,
    questioner: Option<&mut dyn Questioner>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let result = match cli.command {
        Command::Migrate { .. }
        | Command::Showmigrations { .. }
        | Command::Check { .. }
        | Command::Inspectdb { .. }
        | Command::Graph { .. } => execute_database(cli.command, out).await,
        _ => execute(cli, models, questioner, out),
    };
    report(result, err)
}

/// The exit status of `result`, writing its error to `err`.
fn report(result: Result<i32>, err: &mut dyn Write) -> i32 {
    match result {
        Ok(status) => status,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            2
        }
    }
}

/// `migrate` and `showmigrations`.
async fn execute_database(command: Command, out: &mut dyn Write) -> Result<i32> {
    match command {
        Command::Migrate {
            target,
            database,
            dir,
            plan,
            fake,
            check,
            fake_initial,
            prune,
            repair_checksums,
        } => {
            if check {
                return drift_check(&dir, &database, out).await;
            }
            if fake_initial {
                let set = crate::files::loader::MigrationSet::load(&dir)?;
                let db = strata::Db::connect(&database).await.map_err(|source| {
                    crate::Error::Database {
                        action: "connecting to the database".into(),
                        source: Box::new(source),
                    }
                })?;
                let adopted = fake_initial::adopt(&set, &db, out).await;
                db.close().await;
                adopted?;
            }
            let options = MigrateOptions {
                dir,
                database,
                target: target.as_deref().map_or(Target::Latest, Target::parse),
                plan,
                fake,
                prune,
                repair_checksums,
            };
            commands::migrate(&options, out).await?;
            Ok(0)
        }
        Command::Check { database, dir } => drift_check(&dir, &database, out).await,
        Command::Inspectdb { tables, database } => {
            let source = inspectdb::inspectdb(&database, &tables).await?;
            let _ = write!(out, "{source}");
            Ok(0)
        }
        Command::Showmigrations {
            database,
            dir,
            plan,
        } => {
            let text = if plan {
                commands::showmigrations_plan(&dir, &database).await?
            } else {
                commands::showmigrations(&dir, &database).await?
            };
            let _ = write!(out, "{text}");
            Ok(0)
        }
        Command::Graph {
            format,
            database,
            dir,
        } => {
            let text = commands::graph(&dir, database.as_deref(), format).await?;
            let _ = write!(out, "{text}");
            Ok(0)
        }
        _ => Ok(0),
    }
}

/// `check` and `migrate --check`: 1 when the database has drifted.
async fn drift_check(dir: &std::path::Path, database: &str, out: &mut dyn Write) -> Result<i32> {
    let report = check::check(dir, database).await?;
    let _ = write!(out, "{}", report.render());
    Ok(if report.has_drift() { 1 } else { 0 })
}

fn execute(
    cli: Cli,
    models: &ProjectState,
    questioner: Option<&mut dyn Questioner>,
    out: &mut dyn Write,
) -> Result<i32> {
    let print = |out: &mut dyn Write, text: &str| {
        let _ = writeln!(out, "{text}");
    };
    match cli.command {
        Command::Makemigrations {
            name,
            empty,
            dry_run,
            check,
            no_input,
            merge,
            data,
            data_backward,
            dir,
        } => {
            let options = MakeOptions {
                dir,
                name,
                empty,
                dry_run,
                check,
                merge,
                data,
                data_backward,
            };
            let mut non_interactive = NonInteractiveQuestioner;
            let mut placeholder = PlaceholderQuestioner;
            let mut interactive;
            let questioner: &mut dyn Questioner = match questioner {
                Some(q) => q,
                // `--check` writes nothing, so any value shows the change.
                None if check => &mut placeholder,
                None if no_input => &mut non_interactive,
                None => {
                    interactive = InteractiveQuestioner::stdio();
                    &mut interactive
                }
            };
            let report = commands::makemigrations(&options, models, questioner)?;
            print(out, &report.message);
            if dry_run {
                if let Some(text) = &report.text {
                    print(out, text);
                }
            }
            Ok(if check && report.has_changes() { 1 } else { 0 })
        }
        Command::Squashmigrations {
            from,
            to,
            name,
            dry_run,
            rerender,
            dir,
        } => {
            let options = commands::SquashOptions {
                dir,
                from,
                to,
                name,
                dry_run,
                rerender,
            };
            let report = commands::squashmigrations(&options)?;
            print(out, &report.message);
            if dry_run {
                if let Some(text) = &report.text {
                    print(out, text);
                }
            }
            Ok(0)
        }
        Command::Sqlmigrate {
            name,
            dialect,
            backwards,
            dir,
        } => {
            let sql = commands::sqlmigrate(&dir, &name, dialect, backwards)?;
            let _ = write!(out, "{sql}");
            Ok(0)
        }
        Command::Erd { format } => {
            let _ = write!(out, "{}", crate::state::erd(models, format));
            Ok(0)
        }
        Command::Migrate { .. }
        | Command::Showmigrations { .. }
        | Command::Check { .. }
        | Command::Inspectdb { .. }
        | Command::Graph { .. } => {
            // `run` and `run_async` send these to `execute_database`.
            Ok(0)
        }
    }
}
