//! The quickstart's manage binary: strata-migrate's command line over the
//! models this crate links.
//!
//! ```text
//! cargo run -p quickstart --bin quickstart-manage -- makemigrations --dir examples/quickstart/migrations
//! cargo run -p quickstart --bin quickstart-manage -- sqlmigrate 0001 --dialect postgres --dir examples/quickstart/migrations
//! ```

fn main() {
    // Naming the models keeps the library (and its model registrations)
    // in the binary.
    let _ = quickstart::models();
    strata_migrate::cli::main()
}
