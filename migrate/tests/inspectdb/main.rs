//! `manage inspectdb` on real databases: tables strata's own migrations
//! made are read back as models that compile (`generated.rs` is the
//! output, committed and compiled here) and have the originals' schema,
//! on every backend.

#[path = "../executor/support.rs"]
#[allow(dead_code)]
mod support;

mod django;
#[rustfmt::skip] // `inspectdb`'s output, byte for byte
mod django_mysql;
#[rustfmt::skip] // `inspectdb`'s output, byte for byte
mod django_postgres;
#[rustfmt::skip] // `inspectdb`'s output, byte for byte
mod django_sqlite;
#[rustfmt::skip] // `inspectdb`'s output, byte for byte
mod generated;
mod originals;
mod roundtrip;
