//! The optimizer: Django's optimizer cases and strata's own as scenarios
//! (each optimized list pinned, and replayed to the same state as the
//! original), then the original and the optimized lists of some of them
//! run on the real databases, which must end with the same schema.

mod databases;
mod field_scenarios;
mod ops;
mod scenarios;
#[path = "../executor/support.rs"]
#[allow(dead_code)]
mod support;
