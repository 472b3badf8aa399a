//! Connecting, and what errors say.

use strata::prelude::*;
use strata_tests::each_db;
use strata_tests::models::Article;

#[tokio::test]
async fn unknown_url_schemes_are_rejected_clearly() {
    let err = Db::connect("oracle://scott:tiger@db/orcl")
        .await
        .unwrap_err();
    let message = err.to_string();
    assert!(message.contains("unsupported database URL"), "{message}");
    assert!(
        !message.contains("tiger"),
        "passwords never reach messages: {message}"
    );
}

#[tokio::test]
async fn a_file_database_is_created_and_reopened() {
    let dir = std::env::temp_dir().join(format!("strata-file-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("blog.db");
    let url = format!("sqlite://{}", path.display());
    {
        let db = Db::connect(&url).await.unwrap();
        db.create_tables(&[Article::META]).await.unwrap();
        Article::new("kept", "ann", 1).insert(&db).await.unwrap();
        db.close().await;
    }
    let db = Db::connect(&url).await.unwrap();
    assert_eq!(Article::objects().count(&db).await.unwrap(), 1);
    db.close().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_failing_statement_is_named_in_the_error() {
    each_db("failing_statement", |db| async move {
        // The table was never created.
        let err = Article::objects()
            .filter(Article::rating().gt(1))
            .all(&db)
            .await
            .unwrap_err();
        let message = err.to_string();
        assert!(message.contains("statement failed"), "{message}");
        assert!(message.contains("FROM"), "{message}");
        assert!(message.contains("article"), "{message}");
    })
    .await;
}

/// A local port that nothing listens on: connecting to it is refused.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn a_refused_connection_fails_fast_with_the_drivers_cause() {
    for scheme in ["postgres://postgres", "mysql://root"] {
        let url = format!("{scheme}@127.0.0.1:{}/test", closed_port());
        let started = std::time::Instant::now();
        let err = Db::connect(&url).await.unwrap_err();
        let elapsed = started.elapsed();
        let message = err.to_string();
        assert!(
            matches!(err, strata::Error::Connect { .. }),
            "{url}: {message}"
        );
        assert!(
            message.to_lowercase().contains("refused"),
            "{url}: the driver's cause is in the message: {message}"
        );
        // A refusal is an answer: nothing is retried until a timeout.
        assert!(
            elapsed < std::time::Duration::from_secs(4),
            "{url}: took {elapsed:?}"
        );
    }
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_after_connect_timeout() {
    // Accepts connections and then says nothing, as a black-holed host would.
    // The thread ends with the test process.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for socket in listener.incoming().take(2) {
            held.push(socket);
        }
        std::thread::sleep(std::time::Duration::from_secs(5));
    });
    for scheme in ["postgres://postgres", "mysql://root"] {
        let url = format!("{scheme}@127.0.0.1:{port}/test");
        let options =
            strata::ConnectOptions::new().connect_timeout(std::time::Duration::from_millis(300));
        let err = Db::connect_with(&url, options).await.unwrap_err();
        let message = err.to_string();
        assert!(
            matches!(err, strata::Error::ConnectTimedOut { .. }),
            "{url}: {message}"
        );
        assert!(message.contains("300ms"), "{message}");
    }
}

/// `url` with its path (the database name) replaced.
fn with_database(url: &str, database: &str) -> String {
    let base = url.split('?').next().unwrap();
    let slash = base.rfind('/').unwrap();
    format!("{}/{database}", &base[..slash])
}

#[tokio::test]
async fn a_missing_database_or_a_wrong_password_is_named_in_the_error() {
    if let Ok(url) = std::env::var(strata_tests::POSTGRES_ENV) {
        let err = Db::connect(&with_database(&url, "strata_no_such_db"))
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("does not exist"),
            "PostgreSQL: {err}"
        );
    }
    if let Ok(url) = std::env::var(strata_tests::MYSQL_ENV) {
        let err = Db::connect(&with_database(&url, "strata_no_such_db"))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("Unknown database"), "MySQL: {err}");
        let wrong = url.replacen("root@", "root:wrong-password@", 1);
        let err = Db::connect(&wrong).await.unwrap_err();
        let message = err.to_string();
        assert!(message.contains("Access denied"), "MySQL: {message}");
        assert!(!message.contains("wrong-password"), "{message}");
    }
}

#[tokio::test]
async fn the_memory_marker_and_schemes_are_case_insensitive() {
    for url in ["SQLITE::MEMORY:", "Sqlite://:Memory:"] {
        let db = Db::connect(url).await.unwrap();
        db.create_tables(&[Article::META]).await.unwrap();
        Article::new("x", "ann", 1).insert(&db).await.unwrap();
        assert_eq!(Article::objects().count(&db).await.unwrap(), 1);
        db.close().await;
        let stray = std::path::Path::new(url.split_once(':').unwrap().1);
        let created = stray.exists() || std::path::Path::new(url).exists();
        let _ = std::fs::remove_file(stray);
        let _ = std::fs::remove_file(url);
        assert!(
            !created,
            "`{url}` created a file instead of a memory database"
        );
    }
}

#[tokio::test]
async fn sixteen_concurrent_writers_on_a_sqlite_file_never_see_locked() {
    let dir = std::env::temp_dir().join(format!("strata-writers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("writers.db").display());
    let db = Db::connect(&url).await.unwrap();
    db.create_tables(&[Article::META]).await.unwrap();
    let mut tasks = Vec::new();
    for task in 0..16 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            for round in 0..15 {
                let mut article = Article::new(&format!("t{task}-{round}"), "ann", round);
                article.insert(&db).await?;
                Article::objects()
                    .filter(Article::title().eq(format!("t{task}-{round}")))
                    .update(&db, [Article::rating().set(round + 100)])
                    .await?;
                // Read, then write, in one transaction: the shape that
                // deadlocks deferred SQLite transactions.
                let mut tx = db.begin().await?;
                tx.execute_raw_sql("SELECT COUNT(*) FROM \"article\"")
                    .await?;
                tx.execute_raw_sql(strata::AssertSqlSafe(format!(
                    "INSERT INTO \"article\" (\"title\", \"author\", \"rating\", \"published\") \
                     VALUES ('tx{task}-{round}', 'bob', {round}, 0)"
                )))
                .await?;
                tx.commit().await?;
            }
            Ok::<_, strata::Error>(())
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(Article::objects().count(&db).await.unwrap(), 16 * 15 * 2);
    let mode: Vec<String> = db
        .fetch(
            strata::Statement::raw(strata::Dialect::Sqlite, "PRAGMA journal_mode"),
            |row| Ok(String::decode(row, 0).unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(mode, vec!["wal".to_string()]);
    db.close().await;
    std::fs::remove_dir_all(&dir).unwrap();
}
