//! Migration files on disk: their format, the loader that reads a
//! directory (or the files [embedded](crate::embed_migrations!) in the
//! binary), and the graph of their dependencies.
//!
//! Imports from `operations` and `state` only.

pub mod embed;
pub(crate) mod file_position;
pub mod graph;
pub mod loader;
pub mod migration;
pub mod picture;
pub(crate) mod replacements;
