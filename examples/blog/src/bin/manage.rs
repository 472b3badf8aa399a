//! The blog's manage binary: strata-migrate's command line over the models
//! this crate links. See the README for a walkthrough.
//!
//! ```text
//! cargo run -p blog --bin manage -- makemigrations --dir examples/blog/migrations
//! cargo run -p blog --bin manage -- migrate --database sqlite://blog.db --dir examples/blog/migrations
//! cargo run -p blog --bin manage -- showmigrations --database sqlite://blog.db --dir examples/blog/migrations
//! ```

fn main() {
    // Naming the models keeps the library (and its model registrations)
    // in the binary.
    let _ = blog::models();
    strata_migrate::cli::main()
}
