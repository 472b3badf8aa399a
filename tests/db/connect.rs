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

/// Records the `strata::sql` events it sees: (message, has a duration).
#[derive(Clone, Default)]
struct SqlEvents(std::sync::Arc<std::sync::Mutex<Vec<(String, bool)>>>);

struct Fields {
    message: String,
    has_elapsed: bool,
}

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.message = format!("{value:?}");
        }
    }

    fn record_u64(&mut self, field: &tracing::field::Field, _value: u64) {
        if field.name() == "elapsed_us" {
            self.has_elapsed = true;
        }
    }
}

impl tracing::Subscriber for SqlEvents {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        metadata.target() == "strata::sql"
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut fields = Fields {
            message: String::new(),
            has_elapsed: false,
        };
        event.record(&mut fields);
        self.0
            .lock()
            .unwrap()
            .push((fields.message, fields.has_elapsed));
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test(flavor = "current_thread")]
async fn every_statement_is_logged_with_its_duration_through_tracing() {
    let events = SqlEvents::default();
    let _guard = tracing::subscriber::set_default(events.clone());
    let db = Db::connect("sqlite::memory:").await.unwrap();
    db.create_tables(&[Article::META]).await.unwrap();
    let before = events.0.lock().unwrap().len();
    let count = db.query_count();
    Article::objects()
        .filter(Article::rating().gt(1))
        .count(&db)
        .await
        .unwrap();
    let logged = events.0.lock().unwrap()[before..].to_vec();
    assert_eq!(logged.len(), 1, "{logged:?}");
    assert_eq!(db.query_count() - count, 1);
    let (message, has_elapsed) = &logged[0];
    assert!(
        message.contains(r#"SELECT COUNT(*) FROM "article" WHERE "rating" > ?"#),
        "{message}"
    );
    assert!(has_elapsed, "the duration is a field of the event");
}
