//! # strata-migrate
//!
//! Django-style migrations for strata models. This first version builds the
//! schema state of the models linked into a binary, from the registry that
//! `#[derive(Model)]` fills; the autodetector, migration files and the
//! executor build on it.

mod state;

pub use state::{ColumnState, ModelState, ProjectState};
