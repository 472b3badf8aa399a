//! Atomic blocks: commit on `Ok`, rollback on `Err` and on panic, nested
//! blocks as savepoints, isolation levels, and concurrent read-modify-write
//! transactions that lose no update.

use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;
use strata::prelude::*;
use strata::{Error, Isolation};
use strata_tests::each_db;
use strata_tests::models::{Article, Counter};

fn refused(reason: &str) -> Error {
    Error::InvalidQuery {
        model: "test",
        reason: reason.into(),
    }
}

async fn titles(db: &Db) -> Vec<String> {
    Article::objects()
        .order_by(Article::title().asc())
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.title)
        .collect()
}

#[tokio::test]
async fn atomic_commits_on_ok_and_rolls_back_on_err() {
    each_db("atomic_ok_err", |db| async move {
        db.create_tables(&[Article::META]).await.unwrap();
        let id = db
            .atomic(|tx| {
                Box::pin(async move {
                    let mut a = Article::new("kept", "ann", 1);
                    a.insert(&mut *tx).await?;
                    Ok::<_, Error>(a.id)
                })
            })
            .await
            .unwrap();
        let err = db
            .atomic(|tx| {
                Box::pin(async move {
                    Article::new("dropped", "ann", 2).insert(&mut *tx).await?;
                    Article::objects()
                        .update(&mut *tx, [Article::rating().set(99)])
                        .await?;
                    Err::<(), _>(refused("changed my mind"))
                })
            })
            .await
            .unwrap_err();
        assert!(err.to_string().contains("changed my mind"), "{err}");
        assert_eq!(titles(&db).await, ["kept"]);
        let kept = Article::objects().get(&db).await.unwrap();
        assert_eq!((kept.id, kept.rating), (id, 1));
    })
    .await;
}

#[tokio::test]
async fn atomic_rolls_back_when_the_block_panics() {
    each_db("atomic_panic", |db| async move {
        db.create_tables(&[Article::META]).await.unwrap();
        let outcome = AssertUnwindSafe(db.atomic(|tx| {
            Box::pin(async move {
                Article::new("lost", "ann", 1).insert(&mut *tx).await?;
                if tx.depth() == 0 {
                    panic!("boom");
                }
                Ok::<_, Error>(())
            })
        }))
        .catch_unwind()
        .await;
        assert!(outcome.is_err(), "the panic goes on after the rollback");
        assert!(titles(&db).await.is_empty());
        // The connection went back to the pool clean: the next block works.
        db.atomic(|tx| {
            Box::pin(async move { Article::new("after", "ann", 1).insert(&mut *tx).await })
        })
        .await
        .unwrap();
        assert_eq!(titles(&db).await, ["after"]);
    })
    .await;
}

#[tokio::test]
async fn a_failed_inner_block_rolls_back_only_itself() {
    each_db("atomic_nested", |db| async move {
        db.create_tables(&[Article::META]).await.unwrap();
        db.atomic(|tx| {
            Box::pin(async move {
                Article::new("outer", "ann", 1).insert(&mut *tx).await?;
                let inner: Result<(), Error> = tx
                    .atomic(|tx| {
                        Box::pin(async move {
                            assert_eq!(tx.depth(), 1);
                            Article::new("inner failed", "ann", 2)
                                .insert(&mut *tx)
                                .await?;
                            // Two levels down, a block that succeeds: its
                            // rows go with the block around it.
                            tx.atomic(|tx| {
                                Box::pin(async move {
                                    Article::new("deep", "ann", 3).insert(&mut *tx).await
                                })
                            })
                            .await?;
                            Err(refused("inner"))
                        })
                    })
                    .await;
                assert!(inner.is_err());
                // The outer transaction still sees its own row, not the inner ones.
                assert_eq!(Article::objects().count(&mut *tx).await?, 1);
                tx.atomic(|tx| {
                    Box::pin(
                        async move { Article::new("inner kept", "ann", 4).insert(&mut *tx).await },
                    )
                })
                .await?;
                Ok::<_, Error>(())
            })
        })
        .await
        .unwrap();
        assert_eq!(titles(&db).await, ["inner kept", "outer"]);

        // Savepoints by hand: rollback undoes only what followed them.
        let mut tx = db.begin().await.unwrap();
        Article::new("a", "bob", 1).insert(&mut tx).await.unwrap();
        let mut sp = tx.begin().await.unwrap();
        Article::new("b", "bob", 1).insert(&mut sp).await.unwrap();
        sp.rollback().await.unwrap();
        let mut sp = tx.begin().await.unwrap();
        Article::new("c", "bob", 1).insert(&mut sp).await.unwrap();
        sp.commit().await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(titles(&db).await, ["a", "c", "inner kept", "outer"]);
    })
    .await;
}

#[tokio::test]
async fn an_isolation_level_applies_to_its_transaction() {
    each_db("atomic_isolation", |db| async move {
        db.create_tables(&[Article::META]).await.unwrap();
        for level in [
            Isolation::ReadCommitted,
            Isolation::RepeatableRead,
            Isolation::Serializable,
        ] {
            let seen = db
                .atomic_isolated(level, |tx| {
                    Box::pin(async move {
                        Article::new("x", "ann", 1).insert(&mut *tx).await?;
                        let sql = match tx.dialect() {
                            Dialect::Postgres => "SELECT current_setting('transaction_isolation')",
                            _ => "SELECT 'n/a'",
                        };
                        let stmt = strata::Statement::raw(tx.dialect(), sql);
                        let seen = tx
                            .fetch(stmt, |row| Ok(String::decode(row, 0).unwrap()))
                            .await?;
                        Err::<String, _>(refused(&seen[0]))
                    })
                })
                .await
                .unwrap_err()
                .to_string();
            if db.dialect() == Dialect::Postgres {
                let want = match level {
                    Isolation::ReadCommitted => "read committed",
                    Isolation::RepeatableRead => "repeatable read",
                    _ => "serializable",
                };
                assert!(seen.to_lowercase().contains(want), "{level:?}: {seen}");
            }
        }
        // Every block above rolled back.
        assert!(titles(&db).await.is_empty());
        if db.dialect() == Dialect::Sqlite {
            return; // One connection in memory: no second session.
        }
        // What each level does: a row another session commits between two
        // reads shows in the second read at read committed, not at
        // repeatable read.
        for (level, sees_commit) in [
            (Isolation::ReadCommitted, true),
            (Isolation::RepeatableRead, false),
        ] {
            let mut tx = db.begin_isolated(level).await.unwrap();
            let before = Article::objects().count(&mut tx).await.unwrap();
            Article::new(&format!("{level:?}"), "bob", 1)
                .insert(&db)
                .await
                .unwrap();
            let after = Article::objects().count(&mut tx).await.unwrap();
            tx.commit().await.unwrap();
            assert_eq!(
                after == before + 1,
                sees_commit,
                "{level:?} on {}",
                db.dialect()
            );
        }
    })
    .await;
}

/// 16 tasks, each adding 1 five times in its own transactions through a
/// locked read and a save: a lost update leaves the total short.
async fn increment_concurrently(db: &Db) {
    db.create_tables(&[Counter::META]).await.unwrap();
    Counter {
        id: 0,
        name: "hits".into(),
        n: 0,
    }
    .insert(db)
    .await
    .unwrap();
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let db = db.clone();
        // Spawned: the atomic block's future must be `Send`.
        tasks.push(tokio::spawn(async move {
            for _ in 0..5 {
                db.atomic(|tx| {
                    Box::pin(async move {
                        let mut c = Counter::objects()
                            .filter(Counter::name().eq("hits"))
                            .select_for_update()
                            .get(&mut *tx)
                            .await?;
                        tokio::task::yield_now().await;
                        c.n += 1;
                        c.save(&mut *tx).await
                    })
                })
                .await?;
            }
            Ok::<_, Error>(())
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let total = Counter::objects().get(db).await.unwrap().n;
    assert_eq!(total, 16 * 5, "on {}", db.dialect());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_concurrent_transactions_increment_a_counter_exactly() {
    each_db("atomic_counter", |db| async move {
        // The in-memory SQLite database has one connection; its file
        // version runs below.
        if db.dialect() != Dialect::Sqlite {
            increment_concurrently(&db).await;
        }
    })
    .await;
    let dir = std::env::temp_dir().join(format!("strata-counter-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = Db::connect(&format!("sqlite://{}", dir.join("counter.db").display()))
        .await
        .unwrap();
    increment_concurrently(&db).await;
    db.close().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn atomic_on_a_held_connection_runs_on_that_connection() {
    each_db("atomic_conn", |db| async move {
        db.create_tables(&[Article::META]).await.unwrap();
        let mut conn = db.acquire().await.unwrap();
        let err = conn
            .atomic(|tx| {
                Box::pin(async move {
                    Article::new("gone", "ann", 1).insert(&mut *tx).await?;
                    Err::<(), _>(refused("no"))
                })
            })
            .await
            .unwrap_err();
        assert!(err.to_string().contains("no"), "{err}");
        conn.atomic(|tx| {
            Box::pin(async move { Article::new("kept", "ann", 1).insert(&mut *tx).await })
        })
        .await
        .unwrap();
        // The connection is usable after both blocks.
        assert_eq!(Article::objects().count(&mut conn).await.unwrap(), 1);
        drop(conn);
        assert_eq!(titles(&db).await, ["kept"]);
    })
    .await;
}
