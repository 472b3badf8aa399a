//! Files -> database: the plan of what to apply or unapply to reach a
//! target, the executor that runs it one transaction per migration, the
//! recorder table of what is applied, and the lock that makes concurrent
//! runs wait.
//!
//! Imports from `inspect`, `files`, `operations` and `state` only.

pub mod data;
pub mod executor;
pub(crate) mod lint;
pub(crate) mod lock;
mod maintenance;
pub mod plan;
mod preflight;
pub mod recorder;
mod run;
