//! Benchmarks of strata against its peers, measured in the same run.
//!
//! The schema is the one of Diesel's benchmark suite (`diesel_bench`):
//! `users(id, name, hair_color)`, `posts(id, user_id, title, body)` and
//! `comments(id, post_id, text)`, declared once per library:
//!
//! - [`models`]: strata models;
//! - [`diesel_schema`]: Diesel's `table!`s;
//! - [`seaq`]: sea-query identifiers;
//! - [`seaorm`]: SeaORM entities.
//!
//! The measured code lives here too, so that the criterion benches and the
//! allocation counter (`src/bin/alloc_counts.rs`) run exactly the same
//! closures:
//!
//! - [`query_gen`]: query generation without a database;
//! - [`e2e`]: queries against in-memory SQLite and PostgreSQL (run by
//!   `benches/e2e.rs` and `src/bin/e2e_instructions.rs`);
//! - [`migrations`]: makemigrations at scale on synthetic projects.
//!
//! [`compile_cost`] generates models crates for strata, Diesel and SeaORM
//! and measures what compiling them costs.
//!
//! [`report`] reads criterion's estimates and writes `report/REPORT.md`.
pub mod alloc;
pub mod compile_cost;
pub mod diesel_schema;
pub mod e2e;
pub mod migrations;
pub mod models;
pub mod query_gen;
pub mod report;
pub mod seaorm;
pub mod seaq;

/// Where the helper binaries leave their measurements for the report
/// (inside cargo's target directory, next to criterion's).
pub fn data_dir() -> std::path::PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("strata-report")
}

/// The `LIKE` pattern of a "contains" lookup with `!` as the escape
/// character, as strata writes it; the peers build the same pattern so
/// that every side sends the same SQL and binds.
pub fn contains_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '!') {
            out.push('!');
        }
        out.push(ch);
    }
    out.push('%');
    out
}
