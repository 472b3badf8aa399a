//! Every shape of the catalogue, executed, and compared with the same
//! question answered in Rust over the fixture rows.

use strata::prelude::*;
use strata_tests::each_db;
use strata_tests::models::Article;
use strata_tests::shapes::{fixture, shapes, Expected};

async fn seeded(db: &Db) -> Vec<Article> {
    db.create_tables(&[Article::META]).await.unwrap();
    let mut rows = fixture();
    for row in &mut rows {
        row.insert(db).await.unwrap();
    }
    rows
}

#[tokio::test]
async fn every_shape_returns_the_same_rows_on_every_database() {
    each_db("every_shape", |db| async move {
        let rows = seeded(&db).await;
        // Twice: the second round's statements come from the statement
        // cache (debug builds check each against a fresh render).
        for shape in shapes().into_iter().chain(shapes()) {
            let got = shape
                .query
                .all(&db)
                .await
                .unwrap_or_else(|e| panic!("{}: {e}", shape.name));
            match shape.expected {
                Expected::Set(keep) => {
                    let mut want: Vec<i64> =
                        rows.iter().filter(|a| keep(a)).map(|a| a.id).collect();
                    let mut got_ids: Vec<i64> = got.iter().map(|a| a.id).collect();
                    want.sort();
                    got_ids.sort();
                    assert_eq!(got_ids, want, "shape {} on {}", shape.name, db.dialect());
                }
                Expected::Ordered(expect) => {
                    let want = expect(&rows);
                    assert_eq!(got, want, "shape {} on {}", shape.name, db.dialect());
                }
            }
            // count() agrees with all().
            let count = shape.query.count(&db).await.unwrap();
            assert_eq!(
                count as usize,
                got.len(),
                "count of {} on {}",
                shape.name,
                db.dialect()
            );
            let exists = shape.query.exists(&db).await.unwrap();
            assert_eq!(
                exists,
                !got.is_empty(),
                "exists of {} on {}",
                shape.name,
                db.dialect()
            );
        }
    })
    .await;
}

#[tokio::test]
async fn get_distinguishes_none_one_and_several() {
    each_db("get_none_one_several", |db| async move {
        let rows = seeded(&db).await;
        let one = Article::objects()
            .filter(Article::title().eq("100% Rust"))
            .get(&db)
            .await
            .unwrap();
        assert_eq!(one, rows[2]);
        let none = Article::objects()
            .filter(Article::author().eq("zed"))
            .get(&db)
            .await;
        assert!(
            matches!(none, Err(strata::Error::DoesNotExist { model: "Article" })),
            "{none:?}"
        );
        let several = Article::objects()
            .filter(Article::author().eq("bob"))
            .get(&db)
            .await;
        match several {
            Err(strata::Error::MultipleObjectsReturned { model, count_text }) => {
                assert_eq!(model, "Article");
                assert_eq!(count_text, "2 rows");
            }
            other => panic!("expected MultipleObjectsReturned, got {other:?}"),
        }
    })
    .await;
}

#[tokio::test]
async fn first_follows_the_primary_key_unless_ordered() {
    each_db("first", |db| async move {
        let rows = seeded(&db).await;
        let first = Article::objects().first(&db).await.unwrap();
        assert_eq!(first.as_ref(), Some(&rows[0]));
        let best = Article::objects()
            .order_by(Article::rating().desc())
            .filter(Article::published().eq(false))
            .first(&db)
            .await
            .unwrap();
        assert_eq!(best.map(|a| a.rating), Some(3));
        let nothing = Article::objects()
            .filter(Article::rating().gt(100))
            .first(&db)
            .await
            .unwrap();
        assert!(nothing.is_none());
    })
    .await;
}

#[tokio::test]
async fn update_sets_fields_on_matching_rows_only() {
    each_db("update", |db| async move {
        seeded(&db).await;
        let changed = Article::objects()
            .filter(Article::author().eq("bob"))
            .update(
                &db,
                [
                    Article::rating().set(10),
                    Article::subtitle().set("updated"),
                ],
            )
            .await
            .unwrap();
        assert_eq!(changed, 2);
        let bobs = Article::objects()
            .filter(Article::author().eq("bob"))
            .all(&db)
            .await
            .unwrap();
        assert!(bobs
            .iter()
            .all(|a| a.rating == 10 && a.subtitle.as_deref() == Some("updated")));
        let others = Article::objects()
            .filter(Article::rating().eq(10))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(others, 2);
        // Setting NULL through an update.
        Article::objects()
            .filter(Article::author().eq("bob"))
            .update(&db, [Article::subtitle().set(None::<String>)])
            .await
            .unwrap();
        let nulls = Article::objects()
            .filter(Article::subtitle().is_null(true))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(nulls, 2);
    })
    .await;
}

#[tokio::test]
async fn delete_removes_matching_rows_only() {
    each_db("delete", |db| async move {
        seeded(&db).await;
        let deleted = Article::objects()
            .filter(Article::rating().lt(2))
            .delete(&db)
            .await
            .unwrap();
        assert_eq!(deleted, 2);
        assert_eq!(Article::objects().count(&db).await.unwrap(), 6);
        assert!(!Article::objects()
            .filter(Article::rating().lt(2))
            .exists(&db)
            .await
            .unwrap());
    })
    .await;
}

#[tokio::test]
async fn sliced_count_and_exists_respect_limit_and_offset() {
    each_db("sliced_count", |db| async move {
        seeded(&db).await;
        let qs = Article::objects()
            .order_by(Article::id())
            .offset(5)
            .limit(10);
        assert_eq!(qs.count(&db).await.unwrap(), 3);
        assert!(qs.exists(&db).await.unwrap());
        let past_end = Article::objects().order_by(Article::id()).offset(8);
        assert_eq!(past_end.count(&db).await.unwrap(), 0);
        assert!(!past_end.exists(&db).await.unwrap());
    })
    .await;
}
