//! The service started on a loopback port over a fresh database, and the
//! fixture the tests compare its answers with.

use api::client::Client;
use blog::{Author, Comment, Post};
use strata::prelude::*;

/// A running server; stopped when dropped.
pub struct Server {
    pub client: Client,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Migrates `db` and serves it on 127.0.0.1 at a port the system picks.
pub async fn start(db: &Db) -> Server {
    api::migrate(db).await.expect("migrate");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let client = Client::new(listener.local_addr().expect("local address"));
    let task = tokio::spawn(api::serve(listener, db.clone()));
    Server { client, task }
}

/// The rows written before a test calls the service, as written.
pub struct Fixture {
    pub authors: Vec<Author>,
    pub posts: Vec<Post>,
    pub comments: Vec<Comment>,
}

/// Three authors, 25 posts and some comments, straight through the ORM.
pub async fn fixture(db: &Db) -> Fixture {
    let mut authors: Vec<Author> = ["Ann", "Bob", "Cy"]
        .iter()
        .map(|name| Author {
            name: (*name).into(),
            ..Default::default()
        })
        .collect();
    Author::bulk_create(db, &mut authors)
        .await
        .expect("authors");
    let words = ["Rust", "Databases", "Async", "Trusty", "Web"];
    let mut posts: Vec<Post> = (0..25usize)
        .map(|n| Post {
            id: 0,
            title: format!("{} {:02}", words[n % words.len()], 25 - n),
            body: format!("body {n}"),
            author: ForeignKey::to(&authors[n % 3]),
            published: n % 4 != 1,
            comments: Reverse::new(),
        })
        .collect();
    Post::bulk_create(db, &mut posts).await.expect("posts");
    let mut comments: Vec<Comment> = (0..12usize)
        .map(|n| Comment {
            id: 0,
            post: ForeignKey::to(&posts[n % 4]),
            text: format!("comment {n}"),
        })
        .collect();
    Comment::bulk_create(db, &mut comments)
        .await
        .expect("comments");
    Fixture {
        authors,
        posts,
        comments,
    }
}

impl Fixture {
    pub fn author(&self, id: i64) -> &Author {
        self.authors
            .iter()
            .find(|a| a.id == id)
            .expect("author of the fixture")
    }
}
