//! The JSON API server over the blog's models.
//!
//! ```text
//! cargo run -p api -- sqlite://blog.db 127.0.0.1:3000
//! DATABASE_URL=postgres://... cargo run -p api
//! ```
//!
//! It applies the blog's pending migrations at start-up, then serves until
//! stopped (Ctrl-C).

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .or_else(|| std::env::var("DATABASE_URL").ok())
        .unwrap_or_else(|| "sqlite://blog.db".into());
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:3000".into());
    let db = strata::Db::connect(&url).await?;
    api::migrate(&db).await?;
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("serving {url} on http://{}", listener.local_addr()?);
    tokio::select! {
        served = api::serve(listener, db) => served?,
        _ = tokio::signal::ctrl_c() => println!("stopped"),
    }
    Ok(())
}
