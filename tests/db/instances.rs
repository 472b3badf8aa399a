//! Instance operations: insert fills the key, save, delete, refresh,
//! bulk_create in batches, natural keys and quoted identifiers.

use strata::prelude::*;
use strata_tests::each_db;
use strata_tests::models::{Article, Country, Keyword};

#[tokio::test]
async fn insert_fills_the_generated_key() {
    each_db("insert_fills_key", |db| async move {
        db.create_tables(&[Article::META]).await.unwrap();
        let mut a = Article::new("one", "ann", 1);
        let mut b = Article::new("two", "ann", 2);
        a.insert(&db).await.unwrap();
        b.insert(&db).await.unwrap();
        assert!(a.id > 0);
        assert_eq!(b.id, a.id + 1);
        let loaded = Article::objects()
            .filter(Article::id().eq(b.id))
            .get(&db)
            .await
            .unwrap();
        assert_eq!(loaded, b);
    })
    .await;
}

#[tokio::test]
async fn save_writes_every_field_and_fails_for_a_missing_row() {
    each_db("save", |db| async move {
        db.create_tables(&[Article::META]).await.unwrap();
        let mut a = Article::new("draft", "ann", 1);
        a.insert(&db).await.unwrap();
        a.title = "final".into();
        a.score = Some(9.5);
        a.published = true;
        a.save(&db).await.unwrap();
        // Saving an unchanged row still finds it (MySQL counts matched rows).
        a.save(&db).await.unwrap();
        let loaded = Article::objects().get(&db).await.unwrap();
        assert_eq!(loaded, a);
        let ghost = Article {
            id: a.id + 100,
            ..a.clone()
        };
        let err = ghost.save(&db).await.unwrap_err();
        assert!(matches!(err, strata::Error::DoesNotExist { .. }), "{err:?}");
    })
    .await;
}

#[tokio::test]
async fn delete_and_refresh_use_the_primary_key() {
    each_db("delete_refresh", |db| async move {
        db.create_tables(&[Article::META]).await.unwrap();
        let mut a = Article::new("a", "ann", 1);
        let mut b = Article::new("b", "bob", 2);
        a.insert(&db).await.unwrap();
        b.insert(&db).await.unwrap();
        Article::objects()
            .filter(Article::id().eq(a.id))
            .update(&db, [Article::rating().set(42)])
            .await
            .unwrap();
        let mut stale = a.clone();
        stale.refresh(&db).await.unwrap();
        assert_eq!(stale.rating, 42);
        assert!(a.delete(&db).await.unwrap());
        assert!(
            !a.delete(&db).await.unwrap(),
            "a second delete finds nothing"
        );
        let err = a.clone().refresh(&db).await.unwrap_err();
        assert!(matches!(err, strata::Error::DoesNotExist { .. }));
        assert_eq!(Article::objects().all(&db).await.unwrap(), vec![b]);
    })
    .await;
}

#[tokio::test]
async fn bulk_create_inserts_in_batches_and_fills_every_key() {
    each_db("bulk_create", |db| async move {
        db.create_tables(&[Article::META]).await.unwrap();
        // 12,000 rows x 6 columns = 72,000 binds: more than one statement
        // on every database.
        let mut rows: Vec<Article> = (0..12_000)
            .map(|i| Article::new(&format!("title {i}"), "bulk", i % 7))
            .collect();
        assert!(Article::bulk_create_sql(&rows, db.dialect()).len() > 1);
        Article::bulk_create(&db, &mut rows).await.unwrap();
        assert_eq!(Article::objects().count(&db).await.unwrap(), 12_000);
        let loaded = Article::objects()
            .order_by(Article::id())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(loaded, rows, "keys filled in insertion order");
        let mut ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 12_000, "every row got its own key");
    })
    .await;
}

#[tokio::test]
async fn natural_keys_and_renamed_columns_work() {
    each_db("natural_keys", |db| async move {
        db.create_tables(&[Country::META]).await.unwrap();
        let mut fr = Country {
            code: "FR".into(),
            name: "France".into(),
            population: 68,
        };
        fr.insert(&db).await.unwrap();
        assert_eq!(fr.code, "FR", "a natural key is kept as given");
        fr.population = 69;
        fr.save(&db).await.unwrap();
        let loaded = Country::objects()
            .filter(Country::name().eq("France"))
            .get(&db)
            .await
            .unwrap();
        assert_eq!(loaded, fr);
        let duplicate = Country {
            code: "FR".into(),
            name: "Other".into(),
            population: 1,
        }
        .insert(&db)
        .await;
        let err = duplicate.unwrap_err();
        assert!(
            err.to_string().contains("INSERT INTO"),
            "errors name the statement: {err}"
        );
    })
    .await;
}

#[tokio::test]
async fn reserved_words_and_quotes_in_identifiers_are_quoted_everywhere() {
    each_db("quoting", |db| async move {
        db.create_tables(&[Keyword::META]).await.unwrap();
        let mut k = Keyword {
            id: 0,
            order: "first".into(),
            from: "x \"y\" `z` 'w'".into(),
        };
        k.insert(&db).await.unwrap();
        assert!(k.id > 0);
        let got = Keyword::objects()
            .filter(
                Keyword::order()
                    .eq("first")
                    .and(Keyword::from().contains("`z`")),
            )
            .order_by(Keyword::from().desc())
            .get(&db)
            .await
            .unwrap();
        assert_eq!(got, k);
        // The database default applies when the column is left out.
        let table = db.dialect().quote_identifier("select");
        let order = db.dialect().quote_identifier("order");
        db.execute_raw_sql(strata::AssertSqlSafe(format!(
            "INSERT INTO {table} ({order}) VALUES ('second')"
        )))
        .await
        .unwrap();
        let second = Keyword::objects()
            .filter(Keyword::order().eq("second"))
            .get(&db)
            .await
            .unwrap();
        assert_eq!(second.from, "it's");
    })
    .await;
}
