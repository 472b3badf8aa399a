//! Migrations compiled into a binary, so that a deployed program migrates
//! its database at start-up without the source tree.
//!
//! ```ignore
//! // src/main.rs of the application
//! static MIGRATIONS: strata_migrate::embed::EmbeddedMigrations =
//!     strata_migrate::embed_migrations!("migrations");
//!
//! let set = MIGRATIONS.load()?;
//! strata_migrate::Migrator::new(set)
//!     .migrate(&db, strata_migrate::Target::Latest, &mut std::io::stdout())
//!     .await?;
//! ```
//!
//! The path is relative to the crate's `Cargo.toml`. Each file is
//! included with `include_str!`, so editing one rebuilds the binary; to
//! also rebuild when a file is added, give the crate a `build.rs` with
//! `println!("cargo:rerun-if-changed=migrations");`.

use crate::error::Result;
use crate::files::loader::{is_migration_name, parse_with_options, MigrationSet};
use std::path::{Path, PathBuf};

/// The migration files of a directory, as `embed_migrations!` compiled
/// them in: `(name, file text)` pairs.
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedMigrations {
    dir: &'static str,
    files: &'static [(&'static str, &'static str)],
}

impl EmbeddedMigrations {
    /// Migrations read from `dir` (shown in errors) with the `(name,
    /// text)` of each file. `embed_migrations!` calls this.
    pub const fn new(
        dir: &'static str,
        files: &'static [(&'static str, &'static str)],
    ) -> EmbeddedMigrations {
        EmbeddedMigrations { dir, files }
    }

    /// The names of the embedded migrations, sorted.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.files.iter().map(|(name, _)| *name)
    }

    /// Parses the files into a [`MigrationSet`] and checks its graph, as
    /// [`MigrationSet::load`] does for a directory.
    pub fn load(&self) -> Result<MigrationSet> {
        MigrationSet::from_embedded(self)
    }
}

impl MigrationSet {
    /// The migrations compiled into the binary by `embed_migrations!`.
    pub fn from_embedded(embedded: &EmbeddedMigrations) -> Result<MigrationSet> {
        let dir = PathBuf::from(embedded.dir);
        let mut set = MigrationSet {
            dir: dir.clone(),
            ..MigrationSet::default()
        };
        for (name, text) in embedded.files {
            let path = file_path(&dir, name);
            if !is_migration_name(name) {
                return Err(crate::Error::Parse {
                    path,
                    line: 1,
                    message: "a migration file is named NNNN_name.toml".into(),
                });
            }
            let (migration, options) = parse_with_options(&path, name, text)?;
            set.insert(migration, options);
        }
        set.check_graph()?;
        Ok(set)
    }
}

fn file_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    static TWO: EmbeddedMigrations = EmbeddedMigrations::new(
        "migrations",
        &[
            ("0001_initial", "dependencies = []\n"),
            (
                "0002_concurrent_index",
                "atomic = false\ndependencies = [\"0001_initial\"]\n",
            ),
        ],
    );

    #[test]
    fn embedded_files_load_like_a_directory() {
        let set = TWO.load().unwrap();
        assert_eq!(set.leaves(), vec!["0002_concurrent_index"]);
        assert!(set.options("0001_initial").atomic);
        assert!(!set.options("0002_concurrent_index").atomic);
        assert_eq!(TWO.names().count(), 2);
    }

    #[test]
    fn a_broken_embedded_file_names_its_path() {
        static BROKEN: EmbeddedMigrations =
            EmbeddedMigrations::new("migrations", &[("0001_initial", "dependencies = 3\n")]);
        let err = BROKEN.load().unwrap_err().to_string();
        assert!(err.contains("0001_initial.toml:1"), "{err}");
    }
}
