//! A JSON REST service over the blog example's models, with axum: strata
//! in an async web service.
//!
//! | method and path | what it does |
//! |---|---|
//! | `GET /authors?page=&per_page=&name_contains=` | a page of authors |
//! | `GET /authors/{id}` | an author with their posts (prefetched) |
//! | `POST /authors` `{"name": ...}` | creates one: 201, or 409 for a taken name |
//! | `GET /posts?page=&per_page=&published=&author=&title_contains=&order=` | a page of posts, each with its author (joined) |
//! | `GET /posts/{id}` | a post with its author and comments |
//! | `POST /posts` `{"title", "body", "author", "published"}` | creates one in a transaction |
//! | `PATCH /posts/{id}` | changes some fields, in a transaction with a row lock |
//! | `POST /posts/{id}/comments` `{"text": ...}` | adds a comment |
//!
//! Errors are JSON, `{"error": "not_found", "message": ...}`, with the
//! statuses of [`ApiError`]: 400 for a request that cannot be read (an
//! unknown query parameter too), 404, 409, 422 with the reasons per
//! field, and 500 without internals.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! let db = strata::Db::connect("sqlite::memory:").await?;
//! api::migrate(&db).await?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let client = api::client::Client::new(listener.local_addr()?);
//! let server = tokio::spawn(api::serve(listener, db));
//!
//! let (status, ann) = client.post("/authors", &serde_json::json!({"name": "Ann"})).await?;
//! assert_eq!(status, 201);
//! let (status, _) = client.post("/authors", &serde_json::json!({"name": "Ann"})).await?;
//! assert_eq!(status, 409);
//! let post = serde_json::json!({"title": "Hello", "author": ann["id"]});
//! let (status, post) = client.post("/posts", &post).await?;
//! assert_eq!(status, 201);
//! assert_eq!(post["author"]["name"], "Ann");
//! let (status, page) = client.get("/posts?published=false").await?;
//! assert_eq!(status, 200);
//! assert_eq!(page["total"], 1);
//! let (status, _) = client.get("/posts?colour=red").await?;
//! assert_eq!(status, 400);
//! server.abort();
//! # Ok(()) }
//! ```

pub mod authors;
pub mod client;
pub mod error;
pub mod params;
pub mod posts;

pub use error::ApiError;

use axum::routing::{get, post};
use axum::Router;
use strata::Db;
use strata_migrate::embed::EmbeddedMigrations;
use strata_migrate::{Migrator, Target};

/// The blog example's migrations, compiled in.
static MIGRATIONS: EmbeddedMigrations = strata_migrate::embed_migrations!("../blog/migrations");

/// Brings `db` up to date with the blog's migrations (quietly).
pub async fn migrate(db: &Db) -> Result<(), strata_migrate::Error> {
    Migrator::new(MIGRATIONS.load()?)
        .migrate(db, &Target::Latest, &mut std::io::sink())
        .await
        .map(|_report| ())
}

/// The service's routes over `db`.
pub fn router(db: Db) -> Router {
    Router::new()
        .route("/authors", get(authors::list).post(authors::create))
        .route("/authors/{id}", get(authors::detail))
        .route("/posts", get(posts::list).post(posts::create))
        .route("/posts/{id}", get(posts::detail).patch(posts::update))
        .route("/posts/{id}/comments", post(posts::comment))
        .with_state(db)
}

/// Serves [`router`] on `listener` until the task is dropped or fails.
pub async fn serve(listener: tokio::net::TcpListener, db: Db) -> std::io::Result<()> {
    axum::serve(listener, router(db)).await
}
