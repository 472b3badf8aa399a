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
