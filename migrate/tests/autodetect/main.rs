//! Autodetector scenarios, migration files and the CLI.

mod derived;
mod derived_cycles;
mod field_options;
mod files;
mod relation_scenarios;
mod roundtrip;
mod scenarios;
mod support;
mod toml_bytes;
