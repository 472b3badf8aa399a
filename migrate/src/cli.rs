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
//! and runs `cargo run --bin manage -- makemigrations` or
//! `cargo run --bin manage -- sqlmigrate 0002 --dialect postgres`. The
//! commands are thin wrappers over [`crate::commands`].

use crate::commands::{self, MakeOptions};
use crate::error::Result;
use crate::questioner::{InteractiveQuestioner, NonInteractiveQuestioner, Questioner};
use crate::state::{DefaultValue, FieldState, ModelState, ProjectState};
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use strata::Dialect;

/// strata's migration commands.
#[derive(Debug, Parser)]
#[command(
    name = "manage",
    about = "strata migrations: makemigrations, sqlmigrate"
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
        Ok(state) => {
            let mut stdout = std::io::stdout();
            run(cli, &state, None, &mut stdout)
        }
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    };
    std::process::exit(status)
}

/// Runs `cli` against `models`, printing to `out`, and returns the exit
/// status: 0 on success, 1 when `--check` finds changes, 2 on an error.
/// `questioner` replaces the one the flags choose (for tests).
pub fn run(
    cli: Cli,
    models: &ProjectState,
    questioner: Option<&mut dyn Questioner>,
    out: &mut dyn Write,
) -> i32 {
    match execute(cli, models, questioner, out) {
        Ok(status) => status,
        Err(e) => {
            let _ = writeln!(out, "error: {e}");
            eprintln!("error: {e}");
            2
        }
    }
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
            dir,
        } => {
            let options = MakeOptions {
                dir,
                name,
                empty,
                dry_run,
                check,
                merge,
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
    }
}
