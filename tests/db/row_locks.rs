//! `select_for_update` on every database: an error outside a transaction,
//! `NOWAIT` and `SKIP LOCKED` against a row another transaction holds,
//! `OF` limiting the lock to some tables, and SQLite's write lock.

use strata::prelude::*;
use strata::query::ForUpdate;
use strata::relation::Related;
use strata::Error;
use strata_tests::blog::{blog, Author, Post};
use strata_tests::each_db;
use strata_tests::models::Article;

async fn three_articles(db: &Db) -> Vec<Article> {
    db.create_tables(&[Article::META]).await.unwrap();
    let mut rows = vec![
        Article::new("a", "ann", 1),
        Article::new("b", "ann", 2),
        Article::new("c", "ann", 3),
    ];
    Article::bulk_create(db, &mut rows).await.unwrap();
    rows
}

fn is_invalid(err: &Error, needle: &str) -> bool {
    matches!(err, Error::InvalidQuery { reason, .. } if reason.contains(needle))
}

#[tokio::test]
async fn select_for_update_outside_a_transaction_is_an_error() {
    each_db("lock_outside_tx", |db| async move {
        three_articles(&db).await;
        let locked = Article::objects().select_for_update();
        let err = locked.all(&db).await.unwrap_err();
        assert!(is_invalid(&err, "needs a transaction"), "{err:?}");
        let mut conn = db.acquire().await.unwrap();
        let err = locked.get(&mut conn).await.unwrap_err();
        assert!(is_invalid(&err, "needs a transaction"), "{err:?}");
        drop(conn);
        // The same queryset in a transaction reads every row.
        let mut tx = db.begin().await.unwrap();
        assert_eq!(locked.all(&mut tx).await.unwrap().len(), 3);
        tx.commit().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn nowait_and_skip_locked_act_on_rows_another_transaction_holds() {
    each_db("lock_nowait_skip", |db| async move {
        if db.dialect() == Dialect::Sqlite {
            return; // No second writer can be in a transaction: below.
        }
        let rows = three_articles(&db).await;
        let mut holder = db.begin().await.unwrap();
        let held = Article::objects()
            .filter(Article::id().eq(rows[0].id))
            .select_for_update()
            .get(&mut holder)
            .await
            .unwrap();
        assert_eq!(held.title, "a");

        let mut other = db.begin().await.unwrap();
        let err = Article::objects()
            .filter(Article::id().eq(rows[0].id))
            .select_for_update_with(ForUpdate::new().nowait())
            .get(&mut other)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Query { .. }), "{err:?}");
        other.rollback().await.unwrap();

        let mut other = db.begin().await.unwrap();
        let free: Vec<String> = Article::objects()
            .order_by(Article::id().asc())
            .select_for_update_with(ForUpdate::new().skip_locked())
            .all(&mut other)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.title)
            .collect();
        assert_eq!(free, ["b", "c"]);
        other.rollback().await.unwrap();
        holder.commit().await.unwrap();

        // Once the holder is done, NOWAIT gets the row.
        let mut other = db.begin().await.unwrap();
        let all = Article::objects()
            .select_for_update_with(ForUpdate::new().nowait())
            .all(&mut other)
            .await
            .unwrap();
        assert_eq!(all.len(), 3);
        other.commit().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn of_locks_only_the_named_tables() {
    each_db("lock_of", |db| async move {
        db.create_tables(&blog()).await.unwrap();
        let mut ann = Author {
            id: 0,
            name: "Ann".into(),
            posts: Related::new(),
        };
        ann.insert(&db).await.unwrap();
        let mut post = Post {
            id: 0,
            author: ForeignKey::to(&ann),
            title: "t".into(),
            published: false,
            tags: Related::new(),
            comments: Related::new(),
        };
        post.insert(&db).await.unwrap();
        let query = Post::objects()
            .select_related(Post::author())
            .select_for_update_with(ForUpdate::new().of_self());
        let mut holder = db.begin().await.unwrap();
        let result = query.get(&mut holder).await;
        match db.dialect() {
            Dialect::MySql => {
                // MariaDB has no `FOR UPDATE OF` (MySQL 8 does): the
                // server refuses the statement.
                let err = result.unwrap_err();
                assert!(matches!(err, Error::Query { .. }), "{err:?}");
                return;
            }
            _ => assert_eq!(result.unwrap().author.get().unwrap().name, "Ann"),
        }
        if db.dialect() == Dialect::Postgres {
            // The post is locked, the joined author is not.
            let mut other = db.begin().await.unwrap();
            let author = Author::objects()
                .select_for_update_with(ForUpdate::new().nowait())
                .get(&mut other)
                .await
                .unwrap();
            assert_eq!(author.id, ann.id);
            let err = Post::objects()
                .select_for_update_with(ForUpdate::new().nowait())
                .get(&mut other)
                .await
                .unwrap_err();
            assert!(matches!(err, Error::Query { .. }), "{err:?}");
            other.rollback().await.unwrap();
        }
        holder.commit().await.unwrap();
        // `of` a relation the query does not load is refused before sending.
        let mut tx = db.begin().await.unwrap();
        let err = Post::objects()
            .select_for_update_with(ForUpdate::new().of(Post::author()))
            .all(&mut tx)
            .await
            .unwrap_err();
        assert!(is_invalid(&err, "select_related"), "{err:?}");
    })
    .await;
}

#[tokio::test]
async fn on_sqlite_a_lock_needs_a_transaction_holding_the_write_lock() {
    let db = Db::connect("sqlite::memory:").await.unwrap();
    three_articles(&db).await;
    let locked = Article::objects().select_for_update_with(ForUpdate::new().nowait());
    // `db.begin()` is BEGIN IMMEDIATE: the write lock is held, the rows
    // are read (no clause is sent), and savepoints keep the lock.
    let mut tx = db.begin().await.unwrap();
    assert_eq!(locked.all(&mut tx).await.unwrap().len(), 3);
    let mut sp = tx.begin().await.unwrap();
    assert_eq!(locked.all(&mut sp).await.unwrap().len(), 3);
    sp.commit().await.unwrap();
    tx.commit().await.unwrap();
    // A deferred transaction holds no lock yet: refused, not a lock that is
    // silently missing.
    let mut conn = db.acquire().await.unwrap();
    let mut tx = conn.begin_with("BEGIN").await.unwrap();
    let err = locked.all(&mut tx).await.unwrap_err();
    assert!(is_invalid(&err, "write lock"), "{err:?}");
    tx.rollback().await.unwrap();
}

#[tokio::test]
async fn on_sqlite_a_second_writer_waits_for_the_locking_transaction() {
    let dir = std::env::temp_dir().join(format!("strata-lock-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = Db::connect(&format!("sqlite://{}", dir.join("lock.db").display()))
        .await
        .unwrap();
    let rows = three_articles(&db).await;
    let mut holder = db.begin().await.unwrap();
    let mut a = Article::objects()
        .filter(Article::id().eq(rows[0].id))
        .select_for_update()
        .get(&mut holder)
        .await
        .unwrap();
    // Another writer starts now and must wait: its BEGIN IMMEDIATE cannot
    // get the write lock until the holder commits.
    let writer = {
        let db = db.clone();
        tokio::spawn(async move {
            let mut tx = db.begin().await?;
            let mut a = Article::objects()
                .filter(Article::title().eq("a"))
                .select_for_update()
                .get(&mut tx)
                .await?;
            a.rating += 10;
            a.save(&mut tx).await?;
            tx.commit().await?;
            Ok::<_, Error>(a.rating)
        })
    };
    tokio::task::yield_now().await;
    a.rating += 100;
    a.save(&mut holder).await.unwrap();
    holder.commit().await.unwrap();
    // The writer read the row after the holder's change: nothing lost.
    assert_eq!(writer.await.unwrap().unwrap(), 111);
    db.close().await;
    std::fs::remove_dir_all(&dir).unwrap();
}
