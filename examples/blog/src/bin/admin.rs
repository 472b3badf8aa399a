//! The blog's admin: brings the database up to date from the embedded
//! migrations, then serves strata-admin over the blog's models.
//!
//! ```text
//! cargo run -p blog --bin manage -- migrate --database sqlite://blog.db --dir examples/blog/migrations
//! cargo run -p blog --bin manage -- createsuperuser --username ann --database sqlite://blog.db
//! cargo run -p blog --bin admin -- sqlite://blog.db     # http://127.0.0.1:8000/admin/
//! ```
//!
//! `ADMIN_ADDRESS` changes the address (default `127.0.0.1:8000`);
//! `STRATA_ADMIN_SECRET` (64 bytes or more) keeps sessions across restarts.
//! Cookies are sent without `Secure` only when the address is a loopback
//! one (plain HTTP on your own machine); behind HTTPS they keep it.

use blog::{Author, Comment, Post};
use strata::prelude::*;
use strata_admin::{Admin, ModelAdmin};
use strata_migrate::embed::EmbeddedMigrations;
use strata_migrate::{Migrator, Target};

static MIGRATIONS: EmbeddedMigrations = strata_migrate::embed_migrations!("migrations");

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("DATABASE_URL").ok())
        .unwrap_or_else(|| "sqlite://blog.db".into());
    let address = std::env::var("ADMIN_ADDRESS").unwrap_or_else(|_| "127.0.0.1:8000".into());
    let db = Db::connect(&url).await?;
    Migrator::new(MIGRATIONS.load()?)
        .migrate(&db, &Target::Latest, &mut std::io::stdout())
        .await?;
    let loopback = address.starts_with("127.") || address.starts_with("localhost");
    let mut admin = Admin::new(db)
        .title("blog admin")
        .secure_cookies(!loopback)
        .model(
            ModelAdmin::new(Author::META)
                .list_display(&["name"])
                .search_fields(&["name"]),
        )
        .model(
            ModelAdmin::new(Post::META)
                .list_display(&["title", "author", "published"])
                .search_fields(&["title", "body"])
                .list_filter(&["published", "author"]),
        )
        .model(ModelAdmin::new(Comment::META).list_display(&["text", "post"]));
    if let Ok(secret) = std::env::var("STRATA_ADMIN_SECRET") {
        admin = admin.secret_key(secret.as_bytes());
    }
    let router = admin.router("/admin")?;
    let listener = tokio::net::TcpListener::bind(&address).await?;
    println!("admin for {url} at http://{address}/admin/");
    axum::serve(listener, router).await?;
    Ok(())
}
