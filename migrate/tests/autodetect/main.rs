//! Autodetector scenarios, migration files and the CLI.

mod derived;
mod files;
mod roundtrip;
mod scenarios;
mod support;
