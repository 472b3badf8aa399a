//! The blog's manage binary: strata-migrate's command line over the models
//! this crate links, plus the admin's `createsuperuser`. See the README
//! for a walkthrough.
//!
//! ```text
//! cargo run -p blog --bin manage -- makemigrations --dir examples/blog/migrations
//! cargo run -p blog --bin manage -- migrate --database sqlite://blog.db --dir examples/blog/migrations
//! cargo run -p blog --bin manage -- showmigrations --database sqlite://blog.db --dir examples/blog/migrations
//! cargo run -p blog --bin manage -- createsuperuser --username ann --database sqlite://blog.db
//! ```

fn main() {
    // Naming the models keeps the library (and its model registrations)
    // in the binary.
    let _ = blog::models();
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("createsuperuser") {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        if let Err(e) = runtime.block_on(strata_admin::cli::createsuperuser(&args[2..])) {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
        return;
    }
    strata_migrate::cli::main()
}
