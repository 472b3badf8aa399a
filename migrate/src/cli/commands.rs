//! The commands behind the CLI, as library functions: `makemigrations`,
//! `sqlmigrate`, `migrate` and `showmigrations`.

use crate::apply::executor::{Migrator, Report};
use crate::apply::plan::{render_status, Target};
use crate::apply::recorder::Status;
use crate::error::{Error, Result};
use crate::files::loader::MigrationSet;
use crate::files::picture::migration_graph;
use crate::make::autodetect::autodetect;
use crate::make::optimizer::optimize;
use crate::make::questioner::Questioner;
use crate::make::squash::squash;
use crate::make::writer::{self, RenderedMigration};
use crate::operations::{Operation, RunRust};
use crate::state::{PictureFormat, ProjectState};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use strata::{Db, Dialect};

/// What `makemigrations` is asked to do.
#[derive(Debug, Clone)]
pub struct MakeOptions {
    /// The migrations directory.
    pub dir: PathBuf,
    /// The name to use instead of one made from the content.
    pub name: Option<String>,
    /// Write a migration with no operations (to fill in by hand).
    pub empty: bool,
    /// Show what would be written without writing.
    pub dry_run: bool,
    /// Only report whether the models and migrations disagree.
    pub check: bool,
    /// Write a merge migration for conflicting branches.
    pub merge: bool,
    /// With `empty`: a data migration calling this registered Rust
    /// function (`makemigrations --empty --data backfill_slugs`).
    pub data: Option<String>,
    /// The function that undoes `data`, if any (only read with `data`).
    pub data_backward: Option<String>,
}

impl MakeOptions {
    /// Default options for `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> MakeOptions {
        MakeOptions {
            dir: dir.into(),
            name: None,
            empty: false,
            dry_run: false,
            check: false,
            merge: false,
            data: None,
            data_backward: None,
        }
    }
}

/// What `squashmigrations` is asked to do.
#[derive(Debug, Clone)]
pub struct SquashOptions {
    /// The migrations directory.
    pub dir: PathBuf,
    /// The first migration of the range (a name or a unique prefix).
    pub from: String,
    /// The last migration of the range.
    pub to: String,
    /// A name to add after `<from>_squashed_<to>_`.
    pub name: Option<String>,
    /// Show what would be written without writing.
    pub dry_run: bool,
    /// Accept that the squash's SQL is rendered from the operations even
    /// where a migration of the range has other SQL (see
    /// [`crate::squash::squash`]).
    pub rerender: bool,
}

/// Writes the squash of `options.from ..= options.to` (see
/// [`crate::squash`]).
pub fn squashmigrations(options: &SquashOptions) -> Result<MakeReport> {
    let set = MigrationSet::load(&options.dir)?;
    let rendered = squash(
        &set,
        &options.from,
        &options.to,
        options.name.as_deref(),
        options.rerender,
    )?;
    let replaced = rendered.migration.replaces.join(", ");
    let count: usize = rendered
        .migration
        .replaces
        .iter()
        .filter_map(|name| set.migrations.get(name))
        .map(|m| m.operations.len())
        .sum();
    let make = MakeOptions {
        dry_run: options.dry_run,
        ..MakeOptions::new(&options.dir)
    };
    let mut report = finish(&make, rendered)?;
    let squashed = report.migration.as_ref().map_or(0, |r| r.summary.len());
    report.message = format!(
        "{}\nIt replaces {replaced} ({count} operations, now {squashed}). Databases that have \
         applied all or none of them use it; one part-way through keeps running the \
         originals. Delete the originals once every database has them all.",
        report.message
    );
    Ok(report)
}

/// What `makemigrations` did.
#[derive(Debug, Clone)]
pub struct MakeReport {
    /// The migration made (written unless `dry_run` or `check`), if any.
    pub migration: Option<RenderedMigration>,
    /// Its file text.
    pub text: Option<String>,
    /// Where it was written.
    pub path: Option<PathBuf>,
    /// A line for the user ("No changes detected", ...).
    pub message: String,
}

impl MakeReport {
    /// Whether models and migrations disagree (what `--check` reports).
    pub fn has_changes(&self) -> bool {
        self.migration.is_some()
    }
}

/// Compares `new_state` (the models) with the state the migrations in
/// `options.dir` replay to, and writes a migration for the difference.
pub fn makemigrations(
    options: &MakeOptions,
    new_state: &ProjectState,
    questioner: &mut dyn Questioner,
) -> Result<MakeReport> {
    // The state is all makemigrations needs of the files, not their SQL.
    let set = MigrationSet::load_schema_only(&options.dir)?;
    let leaves = set.leaves();
    if options.merge {
        return merge(options, &set, leaves);
    }
    if leaves.len() > 1 {
        return Err(Error::Conflict { leaves });
    }
    let initial = set.is_empty();
    let number = set.next_number();
    let old_state = set.into_replayed()?;
    let operations = if let Some(forward) = &options.data {
        let mut op = RunRust::new(forward.clone());
        op.backward.clone_from(&options.data_backward);
        vec![Operation::RunRust(op)]
    } else if options.empty {
        Vec::new()
    } else {
        optimize(autodetect(&old_state, new_state, questioner)?, &old_state)?
    };
    if operations.is_empty() && !options.empty {
        return Ok(MakeReport {
            migration: None,
            text: None,
            path: None,
            message: "No changes detected".into(),
        });
    }
    let fragment = match &options.name {
        Some(name) => writer::sanitize_name(name),
        None => writer::suggest_name(&operations, initial),
    };
    let name = format!("{number:04}_{fragment}");
    let rendered = writer::render_from(&name, leaves, operations, old_state)?;
    let mut report = finish(options, rendered)?;
    if let Some(forward) = &options.data {
        let functions = std::iter::once(forward).chain(&options.data_backward);
        let missing: Vec<&String> = functions
            .filter(|f| crate::operations::run_rust::lookup(f).is_err())
            .collect();
        if !missing.is_empty() {
            report
                .message
                .push_str("\nDefine the function(s) it calls in the crate of this binary:\n");
            for function in missing {
                report.message.push_str(&data_migration_scaffold(function));
            }
        }
    }
    Ok(report)
}

/// The Rust source a user starts a data-migration function from.
pub fn data_migration_scaffold(function: &str) -> String {
    format!(
        "\n#[strata_migrate::data_migration]\n\
         async fn {function}(tx: &mut strata::Transaction<'_>) -> strata::Result<()> {{\n    \
         // Read and write with strata_migrate::data::{{all, count, update, delete, save}}(tx, ...)\n    \
         // or tx.execute(...); everything runs in the migration's transaction.\n    \
         Ok(())\n\
         }}\n"
    )
}

fn finish(options: &MakeOptions, rendered: RenderedMigration) -> Result<MakeReport> {
    let text = writer::to_toml(&rendered)?;
    let mut message = format!("Migration {}:", rendered.migration.name);
    for (i, (description, destructive)) in rendered.summary.iter().enumerate() {
        message.push_str("\n  - ");
        message.push_str(description);
        if *destructive {
            message.push_str(" (destroys data)");
        }
        if let Some(Some(note)) = rendered.undo_notes.get(i) {
            message.push_str("\n      ");
            message.push_str(note);
        }
        for check in rendered.data_checks.get(i).into_iter().flatten() {
            message.push_str("\n      needs ");
            message.push_str(check);
            message.push_str(" (migrate checks the rows first)");
        }
    }
    let path = if options.dry_run || options.check {
        None
    } else {
        Some(writer::write_text(
            &options.dir,
            &rendered.migration.name,
            &text,
        )?)
    };
    if let Some(path) = &path {
        message = format!("Wrote {}\n{message}", path.display());
    }
    Ok(MakeReport {
        migration: Some(rendered),
        text: Some(text),
        path,
        message,
    })
}

fn merge(options: &MakeOptions, set: &MigrationSet, leaves: Vec<String>) -> Result<MakeReport> {
    if leaves.len() < 2 {
        return Ok(MakeReport {
            migration: None,
            text: None,
            path: None,
            message: "No conflicts detected to merge".into(),
        });
    }
    // Every branch must replay on top of the others.
    let state = set.replay()?;
    let fragment = match &options.name {
        Some(name) => writer::sanitize_name(name),
        None => {
            let numbers: Vec<&str> = leaves.iter().map(|l| &l[..4]).collect();
            format!("merge_{}", numbers.join("_"))
        }
    };
    let name = format!("{:04}_{fragment}", set.next_number());
    let rendered = writer::render(&name, leaves, Vec::new(), &state)?;
    finish(options, rendered)
}

/// The SQL of migration `name` (or a unique prefix such as `0002`) for
/// `dialect`, as stored in the file, one statement per line group, each
/// ending with `;`.
pub fn sqlmigrate(dir: &Path, name: &str, dialect: Dialect, backwards: bool) -> Result<String> {
    let set = MigrationSet::load(dir)?;
    let migration = set.find(name)?;
    let script = migration.sql.get(dialect);
    let (statements, error, direction) = if backwards {
        (&script.backward, &script.backward_error, "backward")
    } else {
        (&script.forward, &script.forward_error, "forward")
    };
    if let Some(reason) = error {
        return Err(Error::NoSql {
            migration: migration.name.clone(),
            dialect,
            direction,
            reason: reason.clone(),
        });
    }
    let mut out = String::new();
    for statement in statements {
        out.push_str(statement);
        out.push_str(";\n");
    }
    Ok(out)
}

/// What `migrate` is asked to do.
#[derive(Debug, Clone)]
pub struct MigrateOptions {
    /// The migrations directory.
    pub dir: PathBuf,
    /// The database URL.
    pub database: String,
    /// Where to go.
    pub target: Target,
    /// Only print the plan.
    pub plan: bool,
    /// Only write the recorder.
    pub fake: bool,
    /// Only forget the records of deleted files ([`Migrator::prune`]).
    pub prune: bool,
    /// Only repair the checksums of re-spaced files
    /// ([`Migrator::repair_checksums`]).
    pub repair_checksums: bool,
}

async fn connect(url: &str) -> Result<Db> {
    Db::connect(url).await.map_err(|source| Error::Database {
        action: "connecting to the database".into(),
        source: Box::new(source),
    })
}

/// Loads the migrations of `options.dir`, connects, and moves the database
/// to `options.target` (or, with `plan`, prints the plan), writing
/// progress to `out`.
pub async fn migrate<W: Write + ?Sized>(options: &MigrateOptions, out: &mut W) -> Result<Report> {
    let set = MigrationSet::load(&options.dir)?;
    let db = connect(&options.database).await?;
    let migrator = Migrator::new(set).fake(options.fake);
    let result = if options.prune {
        migrator.prune(&db, out).await.map(|_| Report::default())
    } else if options.repair_checksums {
        migrator
            .repair_checksums(&db, out)
            .await
            .map(|_| Report::default())
    } else if options.plan {
        migrator.plan(&db, &options.target).await.map(|plan| {
            let _ = write!(out, "{}", plan.render(migrator.set()));
            Report::default()
        })
    } else {
        migrator.migrate(&db, &options.target, out).await
    };
    db.close().await;
    result
}

/// The `showmigrations --plan` text: every migration in the order
/// `migrate` applies them, with its state and its dependencies
/// (`[ ] 0003_merge  <- 0002_left, 0002_right`).
pub async fn showmigrations_plan(dir: &Path, url: &str) -> Result<String> {
    let set = MigrationSet::load(dir)?;
    let db = connect(url).await?;
    let result = Migrator::new(set.clone()).status(&db).await;
    db.close().await;
    let statuses = result?;
    if statuses.is_empty() {
        return Ok(render_status(&statuses));
    }
    let mut out = String::new();
    for status in &statuses {
        let line = render_status(std::slice::from_ref(status));
        out.push_str(line.trim_end_matches('\n'));
        if let Some(migration) = set.migrations.get(&status.name) {
            let mut deps: Vec<&str> = migration.dependencies.iter().map(String::as_str).collect();
            deps.sort_unstable();
            if !deps.is_empty() {
                out.push_str("  <- ");
                out.push_str(&deps.join(", "));
            }
        }
        out.push('\n');
    }
    Ok(out)
}

/// The `showmigrations` text for the migrations of `dir` on the database
/// at `url`.
pub async fn showmigrations(dir: &Path, url: &str) -> Result<String> {
    let set = MigrationSet::load(dir)?;
    let db = connect(url).await?;
    let result = Migrator::new(set).status(&db).await;
    db.close().await;
    Ok(render_status(&result?))
}

/// The `graph` picture of the migrations of `dir` (see
/// [`crate::files::picture`]); with `url`, the database's applied
/// migrations are marked.
pub async fn graph(dir: &Path, url: Option<&str>, format: PictureFormat) -> Result<String> {
    let set = MigrationSet::load(dir)?;
    let applied = match url {
        Some(url) => {
            let db = connect(url).await?;
            let records = Migrator::new(set.clone()).records(&db).await;
            db.close().await;
            Some(
                records?
                    .into_values()
                    .filter(|r| r.status == Status::Applied)
                    .map(|r| r.name)
                    .collect::<BTreeSet<String>>(),
            )
        }
        None => None,
    };
    migration_graph(&set, applied.as_ref(), format)
}
