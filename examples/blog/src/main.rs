//! The blog program: at start-up it brings its database up to date from the
//! migrations compiled into the binary (no source tree needed on the
//! server), then writes and reads a few rows.
//!
//! ```text
//! cargo run -p blog                          # in-memory SQLite
//! cargo run -p blog -- sqlite://blog.db      # or DATABASE_URL=postgres://...
//! ```

use blog::{Author, Comment, Post};
use strata::prelude::*;
use strata_migrate::embed::EmbeddedMigrations;
use strata_migrate::{Migrator, Target};

/// `examples/blog/migrations`, as of this build.
static MIGRATIONS: EmbeddedMigrations = strata_migrate::embed_migrations!("migrations");

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("DATABASE_URL").ok())
        .unwrap_or_else(|| "sqlite::memory:".into());
    let db = Db::connect(&url).await?;
    println!("connected to {url} ({})", db.dialect());

    // Applies whatever is pending; waits if another instance is migrating.
    Migrator::new(MIGRATIONS.load()?)
        .migrate(&db, &Target::Latest, &mut std::io::stdout())
        .await?;

    let existing = Author::objects()
        .filter(Author::name().eq("Ann"))
        .all(&db)
        .await?;
    let ann = match existing.into_iter().next() {
        Some(ann) => ann,
        None => {
            let mut ann = Author {
                name: "Ann".into(),
                ..Default::default()
            };
            ann.insert(&db).await?;
            ann
        }
    };
    let mut post = Post {
        id: 0,
        title: "Migrations, boringly".into(),
        body: "Applied at start-up.".into(),
        author: ForeignKey::to(&ann),
        published: true,
        ..Default::default()
    };
    post.insert(&db).await?;
    let mut comment = Comment {
        post: ForeignKey::to(&post),
        text: "Nice.".into(),
        ..Default::default()
    };
    comment.insert(&db).await?;

    let published = Post::objects()
        .filter(Post::published().eq(true))
        .filter(Post::author().name().eq("Ann"))
        .count(&db)
        .await?;
    let comments = Comment::objects().count(&db).await?;
    println!("Ann has {published} published post(s); {comments} comment(s) in all");
    Ok(())
}
