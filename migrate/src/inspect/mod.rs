//! Database -> state: the live schema of a database in a normalized form
//! comparable with the schema a state describes (`introspect`), how the
//! two differ (`drift`), the state and model source that would make a
//! database (`reverse`, `model_source`, for `inspectdb`), and the session
//! (a connection or a transaction on it) that every database-facing part
//! runs its statements through.
//!
//! Imports from `files`, `operations` and `state` only.

pub mod drift;
pub mod introspect;
pub(crate) mod live;
pub mod model_source;
pub mod reverse;
pub(crate) mod session;
