//! A bounded load test of the service on loopback: starts it on
//! 127.0.0.1 over a throw-away database, fills that with a blog, and
//! measures requests per second for a list and a detail endpoint.
//!
//! ```text
//! cargo run --release -p api --bin load                                   # SQLite (a temporary file)
//! cargo run --release -p api --bin load -- --database postgres://postgres@127.0.0.1:5432/test
//! cargo run --release -p api --bin load -- --requests 20000 --concurrency 32
//! ```
//!
//! On PostgreSQL it works in a schema of its own, on MySQL/MariaDB in a
//! database of its own, dropped at the end. Each endpoint gets at most
//! `--requests` requests and `--seconds` seconds, whichever ends first;
//! any answer but 200 fails the run. The server and the client share the
//! machine, so the figures are a floor for the server alone.

use api::client::Client;
use blog::{Author, Comment, Post};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use strata::prelude::*;
use strata::AssertSqlSafe;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

struct Options {
    database: Option<String>,
    requests: u64,
    concurrency: usize,
    seconds: u64,
}

fn options() -> Result<Options, BoxError> {
    let mut o = Options {
        database: None,
        requests: 5_000,
        concurrency: 16,
        seconds: 30,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--database" => o.database = Some(value()?),
            "--requests" => o.requests = value()?.parse()?,
            "--concurrency" => o.concurrency = value()?.parse()?,
            "--seconds" => o.seconds = value()?.parse()?,
            _ => {
                return Err(format!(
                    "unknown argument {flag}; expected --database URL, --requests N, \
                     --concurrency N, --seconds N"
                )
                .into())
            }
        }
    }
    if o.requests == 0 || o.concurrency == 0 || o.seconds == 0 {
        return Err("--requests, --concurrency and --seconds must be positive".into());
    }
    Ok(o)
}

/// A database that exists for this run only.
struct Scratch {
    db: Db,
    label: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Sql(Db, String),
}

async fn scratch(url: Option<&str>) -> Result<Scratch, BoxError> {
    let name = format!("api_load_{}", std::process::id());
    let Some(url) = url.filter(|u| !u.starts_with("sqlite:")) else {
        let path = match url {
            Some(u) => std::path::PathBuf::from(u.trim_start_matches("sqlite://")),
            None => std::env::temp_dir().join(format!("{name}.db")),
        };
        let _ = std::fs::remove_file(&path);
        let db = Db::connect(&format!("sqlite://{}", path.display())).await?;
        return Ok(Scratch {
            db,
            label: "SQLite (file)".into(),
            cleanup: Cleanup::File(path),
        });
    };
    let admin = Db::connect(url).await?;
    let sep = if url.contains('?') { '&' } else { '?' };
    let (db_url, drop, label) = match admin.dialect() {
        Dialect::Postgres => {
            admin
                .execute_raw_sql(AssertSqlSafe(format!("CREATE SCHEMA \"{name}\"")))
                .await?;
            (
                format!("{url}{sep}options=-c%20search_path%3D{name}"),
                format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE"),
                "PostgreSQL",
            )
        }
        Dialect::MySql => {
            admin
                .execute_raw_sql(AssertSqlSafe(format!("CREATE DATABASE `{name}`")))
                .await?;
            let (base, query) = url.split_once('?').unwrap_or((url, ""));
            let root = base.rsplit_once('/').map_or(base, |(root, _)| root);
            let query = if query.is_empty() {
                String::new()
            } else {
                format!("?{query}")
            };
            (
                format!("{root}/{name}{query}"),
                format!("DROP DATABASE IF EXISTS `{name}`"),
                "MySQL/MariaDB",
            )
        }
        other => return Err(format!("no scratch database on {other}").into()),
    };
    Ok(Scratch {
        db: Db::connect(&db_url).await?,
        label: label.into(),
        cleanup: Cleanup::Sql(admin, drop),
    })
}

impl Scratch {
    async fn remove(self) {
        self.db.close().await;
        match self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = path.clone().into_os_string();
                    p.push(suffix);
                    let _ = std::fs::remove_file(p);
                }
            }
            Cleanup::Sql(admin, drop) => {
                if let Err(e) = admin.execute_raw_sql(AssertSqlSafe(drop.clone())).await {
                    eprintln!("warning: could not drop the scratch database: {e}");
                }
                admin.close().await;
            }
        }
    }
}

/// 50 authors, 1,000 posts (three in four published), 3,000 comments.
async fn seed(db: &Db) -> Result<Vec<i64>, BoxError> {
    let mut authors: Vec<Author> = (0..50)
        .map(|n| Author {
            name: format!("Author {n:03}"),
            ..Default::default()
        })
        .collect();
    Author::bulk_create(db, &mut authors).await?;
    let mut posts: Vec<Post> = (0..1_000)
        .map(|n| Post {
            id: 0,
            title: format!("Post {n:04} about things"),
            body: "Lorem ipsum dolor sit amet. ".repeat(10),
            author: ForeignKey::to(&authors[n % authors.len()]),
            published: n % 4 != 0,
            comments: Reverse::new(),
        })
        .collect();
    Post::bulk_create(db, &mut posts).await?;
    let mut comments: Vec<Comment> = (0..3_000)
        .map(|n| Comment {
            id: 0,
            post: ForeignKey::to(&posts[n % posts.len()]),
            text: format!("Comment {n}"),
        })
        .collect();
    Comment::bulk_create(db, &mut comments).await?;
    Ok(posts.iter().map(|p| p.id).collect())
}

/// What one endpoint did under load.
struct Measured {
    completed: u64,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Measured {
    fn percentile(&self, p: f64) -> Duration {
        let i = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies.get(i).copied().unwrap_or_default()
    }
}

/// Sends requests to `path(n)` from `concurrency` tasks until `requests`
/// were sent or `limit` passed.
async fn measure(
    client: &Client,
    o: &Options,
    path: Arc<dyn Fn(u64) -> String + Send + Sync>,
) -> Result<Measured, BoxError> {
    // Warm the pool's connections and the statement caches.
    for n in 0..(o.concurrency as u64 * 4) {
        client.get(&path(n)).await?;
    }
    let next = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = start + Duration::from_secs(o.seconds);
    let mut workers = Vec::new();
    for _ in 0..o.concurrency {
        let (client, next, path, requests) =
            (client.clone(), next.clone(), path.clone(), o.requests);
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= requests || Instant::now() >= deadline {
                    return Ok::<_, BoxError>(latencies);
                }
                let sent = Instant::now();
                let target = path(n);
                let (status, _) = client.get(&target).await?;
                if status != 200 {
                    return Err(format!("GET {target}: {status}").into());
                }
                latencies.push(sent.elapsed());
            }
        }));
    }
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await??);
    }
    let elapsed = start.elapsed();
    latencies.sort();
    Ok(Measured {
        completed: latencies.len() as u64,
        elapsed,
        latencies,
    })
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let o = options()?;
    let scratch = scratch(o.database.as_deref()).await?;
    let outcome = run(&scratch, &o).await;
    scratch.remove().await;
    outcome
}

async fn run(scratch: &Scratch, o: &Options) -> Result<(), BoxError> {
    let db = &scratch.db;
    api::migrate(db).await?;
    let ids = Arc::new(seed(db).await?);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let client = Client::new(listener.local_addr()?);
    let server = tokio::spawn(api::serve(listener, db.clone()));
    println!(
        "{}: {} requests at most per endpoint, {} at once, {} s at most",
        scratch.label, o.requests, o.concurrency, o.seconds
    );
    let list: Arc<dyn Fn(u64) -> String + Send + Sync> =
        Arc::new(|n| format!("/posts?published=true&page={}&per_page=20", n % 30 + 1));
    let detail: Arc<dyn Fn(u64) -> String + Send + Sync> = {
        let ids = ids.clone();
        Arc::new(move |n| format!("/posts/{}", ids[(n as usize * 7919) % ids.len()]))
    };
    let endpoints = [
        ("GET /posts?published=true&page=N&per_page=20", list),
        ("GET /posts/{id} (author + comments)", detail),
    ];
    for (name, path) in endpoints {
        let m = measure(&client, o, path).await?;
        println!(
            "  {name:48} {:>7.0} req/s  ({} in {:.2} s; p50 {:.2} ms, p99 {:.2} ms)",
            m.completed as f64 / m.elapsed.as_secs_f64(),
            m.completed,
            m.elapsed.as_secs_f64(),
            m.percentile(0.50).as_secs_f64() * 1e3,
            m.percentile(0.99).as_secs_f64() * 1e3,
        );
    }
    server.abort();
    Ok(())
}
