//! Statement logging through `tracing`. Alone in its own test binary:
//! tracing caches per call site whether any subscriber is interested, and a
//! thread-local subscriber can miss that cache when other tests register
//! the same call site concurrently.

use strata::prelude::*;
use strata_tests::models::Article;

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
