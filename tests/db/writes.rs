//! The writes Django users expect: get_or_create and update_or_create
//! (races included), upserts, bulk_update across batches, in_bulk, and
//! constraint violations as their own error variants.

use std::collections::HashMap;
use strata::prelude::*;
use strata::relation::Related;
use strata::{Error, OnConflict};
use strata_tests::blog::{blog, Author, Post};
use strata_tests::each_db;
use strata_tests::models::{Article, Counter};

fn counter(name: &str, n: i64) -> Counter {
    Counter {
        id: 0,
        name: name.into(),
        n,
    }
}

/// Runs `future` to completion from inside a synchronous closure (the
/// `create` of get_or_create): a competing writer that commits between
/// the library's read and its insert.
fn commit_competitor(db: &Db, name: &str, n: i64) {
    let db = db.clone();
    let name = name.to_string();
    tokio::task::block_in_place(|| {
        tokio::runtime::Handle::current().block_on(async move {
            counter(&name, n).insert(&db).await.unwrap();
        })
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_or_create_creates_once_then_gets() {
    each_db("get_or_create_basic", |db| async move {
        db.create_tables(&[Counter::META]).await.unwrap();
        let (made, created) = Counter::objects()
            .get_or_create(&db, Counter::name().eq("a"), || counter("a", 1))
            .await
            .unwrap();
        assert!(created);
        let (got, created) = Counter::objects()
            .get_or_create(&db, Counter::name().eq("a"), || counter("a", 2))
            .await
            .unwrap();
        assert!(!created);
        assert_eq!(got, made);
        assert_eq!(Counter::objects().count(&db).await.unwrap(), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_or_create_that_loses_a_race_gets_the_winners_row() {
    each_db("get_or_create_race", |db| async move {
        db.create_tables(&[Counter::META]).await.unwrap();
        // The competitor commits after get_or_create's read found nothing
        // and before its insert: the insert collides and the row is read.
        let (got, created) = Counter::objects()
            .get_or_create(&db, Counter::name().eq("hits"), || {
                commit_competitor(&db, "hits", 7);
                counter("hits", 1)
            })
            .await
            .unwrap();
        assert!(!created);
        assert_eq!(got.n, 7, "the winner's row");
        assert_eq!(Counter::objects().count(&db).await.unwrap(), 1);

        if db.dialect() == Dialect::Sqlite {
            // A SQLite transaction holds the write lock from its start: no
            // competitor can commit inside it.
            return;
        }
        // Inside a transaction: the failed insert rolls back to its own
        // savepoint, the transaction goes on, and on MySQL the row is read
        // with a locking read (a plain one would read the transaction's
        // snapshot, taken before the competitor committed, and miss it).
        let mut tx = db.begin().await.unwrap();
        assert_eq!(Counter::objects().count(&mut tx).await.unwrap(), 1);
        let (got, created) = Counter::objects()
            .get_or_create(&mut tx, Counter::name().eq("other"), || {
                commit_competitor(&db, "other", 9);
                counter("other", 1)
            })
            .await
            .unwrap();
        assert!(!created);
        assert_eq!(got.n, 9);
        counter("mine", 3).insert(&mut tx).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(Counter::objects().count(&db).await.unwrap(), 3);
    })
    .await;
}

/// 8 tasks × 10 names, each task calling get_or_create for every name at
/// once: every name ends with one row, created by exactly one task.
async fn race_get_or_create(db: &Db) {
    db.create_tables(&[Counter::META]).await.unwrap();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            for i in 0..10 {
                let name = format!("n{i}");
                let (row, created) = Counter::objects()
                    .get_or_create(&db, Counter::name().eq(name.clone()), || counter(&name, 0))
                    .await?;
                out.push((row.name, row.id, created));
            }
            Ok::<_, Error>(out)
        }));
    }
    let mut by_name: HashMap<String, (Vec<i64>, usize)> = HashMap::new();
    for task in tasks {
        for (name, id, created) in task.await.unwrap().unwrap() {
            let entry = by_name.entry(name).or_default();
            entry.0.push(id);
            entry.1 += usize::from(created);
        }
    }
    assert_eq!(by_name.len(), 10);
    for (name, (ids, creations)) in by_name {
        assert_eq!(creations, 1, "{name} was created once");
        assert!(ids.windows(2).all(|w| w[0] == w[1]), "{name}: {ids:?}");
    }
    assert_eq!(Counter::objects().count(db).await.unwrap(), 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_get_or_create_makes_one_row_per_key() {
    each_db("get_or_create_tasks", |db| async move {
        if db.dialect() != Dialect::Sqlite {
            race_get_or_create(&db).await;
        }
    })
    .await;
    let dir = std::env::temp_dir().join(format!("strata-goc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = Db::connect(&format!("sqlite://{}", dir.join("goc.db").display()))
        .await
        .unwrap();
    race_get_or_create(&db).await;
    db.close().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_or_create_updates_the_row_or_creates_it() {
    each_db("update_or_create", |db| async move {
        db.create_tables(&[Counter::META]).await.unwrap();
        let (row, created) = Counter::objects()
            .update_or_create(
                &db,
                Counter::name().eq("a"),
                |c| c.n += 10,
                || counter("a", 1),
            )
            .await
            .unwrap();
        assert!(created);
        assert_eq!(row.n, 1, "a created row is not updated");
        let (row, created) = Counter::objects()
            .update_or_create(
                &db,
                Counter::name().eq("a"),
                |c| c.n += 10,
                || counter("a", 1),
            )
            .await
            .unwrap();
        assert!(!created);
        assert_eq!(row.n, 11);
        assert_eq!(Counter::objects().get(&db).await.unwrap().n, 11);

        if db.dialect() == Dialect::Postgres {
            // Losing the creation race: the winner's row gets the update.
            // (On MySQL the locked read of the missing row holds a gap
            // lock, so the competitor would wait for this transaction; on
            // SQLite the transaction holds the write lock: neither can
            // lose this race.)
            let (row, created) = Counter::objects()
                .update_or_create(
                    &db,
                    Counter::name().eq("b"),
                    |c| c.n += 100,
                    || {
                        commit_competitor(&db, "b", 5);
                        counter("b", 1)
                    },
                )
                .await
                .unwrap();
            assert!(!created);
            assert_eq!(row.n, 105);
            assert_eq!(
                Counter::objects()
                    .filter(Counter::name().eq("b"))
                    .get(&db)
                    .await
                    .unwrap()
                    .n,
                105
            );
        }
        // Inside the caller's transaction: a savepoint, undone with it.
        let mut tx = db.begin().await.unwrap();
        Counter::objects()
            .update_or_create(
                &mut tx,
                Counter::name().eq("a"),
                |c| c.n = 0,
                || counter("a", 1),
            )
            .await
            .unwrap();
        tx.rollback().await.unwrap();
        let a = Counter::objects()
            .filter(Counter::name().eq("a"))
            .get(&db)
            .await
            .unwrap();
        assert_eq!(a.n, 11);
    })
    .await;
}

fn article(title: &str, author: &str, rating: i32) -> Article {
    Article::new(title, author, rating)
}

#[tokio::test]
async fn upserts_ignore_or_update_colliding_rows() {
    each_db("upserts", |db| async move {
        db.create_tables(&[Article::META]).await.unwrap();
        let mut existing = vec![article("a", "ann", 1), article("b", "ann", 2)];
        Article::bulk_create(&db, &mut existing).await.unwrap();

        // ignore: the colliding row is left as it was, the new one goes in.
        let mut rows = vec![article("a", "ann", 50), article("c", "ann", 3)];
        let ignore = OnConflict::ignore().unique_fields((Article::title(), Article::author()));
        Article::bulk_create_on_conflict(&db, &mut rows, ignore)
            .await
            .unwrap();
        let c = Article::objects()
            .filter(Article::title().eq("c"))
            .get(&db)
            .await
            .unwrap();
        let a = Article::objects()
            .filter(Article::title().eq("a"))
            .get(&db)
            .await
            .unwrap();
        assert_eq!((a.rating, c.rating), (1, 3));
        if db.dialect() != Dialect::MySql {
            // The inserted row's key came back; the skipped one kept 0.
            assert_eq!(rows[1].id, c.id);
            assert_eq!(rows[0].id, 0);
        }

        // update: the colliding rows get the new rating, score untouched.
        let mut rows = vec![article("a", "ann", 10), article("d", "bob", 4)];
        rows[0].score = Some(9.0);
        let upsert = OnConflict::update(Article::rating())
            .unique_fields((Article::title(), Article::author()));
        Article::bulk_create_on_conflict(&db, &mut rows, upsert)
            .await
            .unwrap();
        let all: Vec<(String, i32, Option<f64>)> = Article::objects()
            .order_by(Article::title().asc())
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|a| (a.title, a.rating, a.score))
            .collect();
        let want: Vec<(String, i32, Option<f64>)> = [("a", 10), ("b", 2), ("c", 3), ("d", 4)]
            .into_iter()
            .map(|(t, r)| (t.to_string(), r, None))
            .collect();
        assert_eq!(all, want);
        if db.dialect() != Dialect::MySql {
            assert_eq!(rows[0].id, a.id, "the updated row's key");
            let d = Article::objects()
                .filter(Article::title().eq("d"))
                .get(&db)
                .await
                .unwrap();
            assert_eq!(rows[1].id, d.id);
        }

        // Refused before anything is sent.
        let mut more = vec![article("e", "ann", 1)];
        let err = Article::bulk_create_on_conflict(
            &db,
            &mut more,
            OnConflict::update(Article::rating()),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidQuery { reason, .. } if reason.contains("unique_fields")),
            "{err:?}"
        );
        let err = Article::bulk_create_on_conflict(
            &db,
            &mut more,
            OnConflict::update(Article::rating()).unique_fields(Article::title()),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidQuery { reason, .. } if reason.contains("not the fields of a unique constraint")),
            "{err:?}"
        );
        assert_eq!(Article::objects().count(&db).await.unwrap(), 4);
    })
    .await;
}

#[tokio::test]
async fn bulk_update_writes_the_named_fields_in_batches() {
    each_db("bulk_update", |db| async move {
        db.create_tables(&[Article::META]).await.unwrap();
        // More rows than one statement writes (500).
        let n = 1_200;
        let mut rows: Vec<Article> = (0..n)
            .map(|i| article(&format!("t{i}"), "ann", i))
            .collect();
        Article::bulk_create(&db, &mut rows).await.unwrap();
        for row in &mut rows {
            row.rating *= 2;
            row.score = Some(f64::from(row.rating) / 4.0);
            row.title = "not written".into();
        }
        let statements =
            Article::bulk_update_sql(&rows, db.dialect(), (Article::rating(), Article::score()))
                .unwrap();
        assert_eq!(statements.len(), 3);
        assert!(statements
            .iter()
            .all(|s| s.binds().len() <= db.dialect().max_bind_params()));
        let before = db.query_count();
        let matched = Article::bulk_update(&db, &rows, (Article::rating(), Article::score()))
            .await
            .unwrap();
        assert_eq!(matched, n as u64);
        // The batches, plus BEGIN and COMMIT around them.
        assert_eq!(db.query_count() - before, statements.len() as u64 + 2);
        let stored = Article::objects()
            .order_by(Article::id().asc())
            .all(&db)
            .await
            .unwrap();
        let want: Vec<(String, i32, Option<f64>)> = (0..n)
            .map(|i| (format!("t{i}"), i * 2, Some(f64::from(i * 2) / 4.0)))
            .collect();
        let got: Vec<(String, i32, Option<f64>)> = stored
            .into_iter()
            .map(|a| (a.title, a.rating, a.score))
            .collect();
        assert_eq!(got, want);
        let err = Article::bulk_update(&db, &rows, Article::id())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidQuery { .. }), "{err:?}");
    })
    .await;
}

#[tokio::test]
async fn in_bulk_maps_keys_to_rows() {
    each_db("in_bulk", |db| async move {
        db.create_tables(&[Article::META]).await.unwrap();
        let mut rows: Vec<Article> = (0..5)
            .map(|i| article(&format!("t{i}"), "ann", i))
            .collect();
        Article::bulk_create(&db, &mut rows).await.unwrap();
        let keys = [rows[1].id, rows[3].id, rows[4].id + 100];
        let found = Article::objects().in_bulk(&db, keys).await.unwrap();
        let want: HashMap<i64, Article> = [&rows[1], &rows[3]]
            .into_iter()
            .map(|a| (a.id, a.clone()))
            .collect();
        assert_eq!(found, want);
        // Filters apply too.
        let found = Article::objects()
            .filter(Article::rating().gt(2))
            .in_bulk(&db, keys)
            .await
            .unwrap();
        assert_eq!(found.keys().copied().collect::<Vec<_>>(), [rows[3].id]);
        let before = db.query_count();
        assert!(Article::objects()
            .in_bulk(&db, Vec::<i64>::new())
            .await
            .unwrap()
            .is_empty());
        assert_eq!(db.query_count(), before, "no keys, no query");
    })
    .await;
}

/// A model whose field is optional where its table (made by hand below)
/// requires a value.
#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "required_note")]
pub struct LooseNote {
    pub id: i64,
    pub body: Option<String>,
}

#[tokio::test]
async fn constraint_violations_are_their_own_errors() {
    each_db("violations", |db| async move {
        db.create_tables(&[Article::META]).await.unwrap();
        db.create_tables(&blog()).await.unwrap();
        article("a", "ann", 1).insert(&db).await.unwrap();
        let err = article("a", "ann", 2).insert(&db).await.unwrap_err();
        match &err {
            Error::UniqueViolation {
                table,
                constraint,
                columns,
                ..
            } => {
                assert_eq!(table, "article");
                let expected = Article::META.unique_constraints[0].name;
                assert_eq!(constraint.as_deref(), Some(expected), "{err}");
                assert_eq!(columns, &["title", "author"], "{err}");
            }
            other => panic!("{other:?}"),
        }

        let ghost = Author {
            id: 9_999,
            name: "ghost".into(),
            posts: Related::new(),
        };
        let err = Post {
            id: 0,
            author: ForeignKey::to(&ghost),
            title: "orphan".into(),
            published: false,
            tags: Related::new(),
            comments: Related::new(),
        }
        .insert(&db)
        .await
        .unwrap_err();
        match &err {
            Error::ForeignKeyViolation {
                table, constraint, ..
            } => {
                assert_eq!(table, "blog_post");
                if db.dialect() == Dialect::Sqlite {
                    assert_eq!(constraint, &None, "SQLite names no constraint");
                } else {
                    assert_eq!(constraint.as_deref(), Some("blog_post_author_id_fk"), "{err}");
                }
            }
            other => panic!("{other:?}"),
        }

        let ddl = match db.dialect() {
            Dialect::Postgres => {
                "CREATE TABLE \"required_note\" (\"id\" BIGSERIAL PRIMARY KEY, \"body\" TEXT NOT NULL)"
            }
            Dialect::MySql => {
                "CREATE TABLE `required_note` (`id` BIGINT AUTO_INCREMENT PRIMARY KEY, `body` TEXT NOT NULL)"
            }
            _ => {
                "CREATE TABLE \"required_note\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT, \"body\" TEXT NOT NULL)"
            }
        };
        db.execute_raw_sql(ddl).await.unwrap();
        let err = LooseNote { id: 0, body: None }
            .insert(&db)
            .await
            .unwrap_err();
        match &err {
            Error::NotNullViolation { table, column, .. } => {
                assert_eq!(table, "required_note");
                assert_eq!(column.as_deref(), Some("body"), "{err}");
            }
            other => panic!("{other:?}"),
        }
    })
    .await;
}
