//! Models -> files: the autodetector turns the difference between the
//! state the migration files replay to and the state of the models into
//! operations, the optimizer folds them into fewer, the questioner settles what it cannot decide alone
//! (renames, one-off values), and the writer renders the operations as a
//! migration file with the SQL of every dialect.
//!
//! Imports from `files`, `operations` and `state` only.

pub mod autodetect;
pub mod optimizer;
pub mod questioner;
pub mod squash;
pub mod writer;
