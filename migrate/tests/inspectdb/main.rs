//! `manage inspectdb` on real databases: tables strata's own migrations
//! made are read back as models that compile (`generated.rs` is the
//! output, committed and compiled here) and have the originals' schema,
//! on every backend.

#[path = "../executor/support.rs"]
#[allow(dead_code)]
mod support;

mod generated;
mod originals;
mod roundtrip;
