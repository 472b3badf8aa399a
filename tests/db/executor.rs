//! One executor for everything: every queryset terminal and model method
//! runs on `&db`, `&mut conn` or `&mut tx`, and inside a transaction it
//! sees the transaction's rows and is undone by its rollback.

use strata::prelude::*;
use strata::relation::Related;
use strata::{Error, Executor};
use strata_tests::blog::{blog, Author, Post, Tag};
use strata_tests::each_db;
use strata_tests::relations::{on_delete_models, Owner, ProtectRef};

fn author(name: &str) -> Author {
    Author {
        id: 0,
        name: name.into(),
        posts: Related::new(),
    }
}

fn post(author: &Author, title: &str) -> Post {
    Post {
        id: 0,
        author: ForeignKey::to(author),
        title: title.into(),
        published: false,
        tags: Related::new(),
        comments: Related::new(),
    }
}

/// Every terminal and instance method, on one executor; returns what the
/// executor saw, as (authors, posts, tags of the first post) names.
async fn write_and_read(mut ex: impl Executor) -> (Vec<String>, Vec<String>, Vec<String>) {
    let mut ann = author("Ann");
    ann.insert(&mut ex).await.unwrap();
    let mut bob = author("Bob");
    bob.insert(&mut ex).await.unwrap();
    bob.name = "Bobby".into();
    bob.save(&mut ex).await.unwrap();
    let mut posts = vec![post(&ann, "one"), post(&ann, "two"), post(&bob, "three")];
    Post::bulk_create(&mut ex, &mut posts).await.unwrap();
    let mut tags = vec![
        Tag {
            id: 0,
            name: "rust".into(),
            posts: Related::new(),
        },
        Tag {
            id: 0,
            name: "db".into(),
            posts: Related::new(),
        },
    ];
    Tag::bulk_create(&mut ex, &mut tags).await.unwrap();
    let first = &posts[0];
    first
        .related(Post::tags())
        .add(&mut ex, &[&tags[0], &tags[1]])
        .await
        .unwrap();
    first
        .related(Post::tags())
        .remove(&mut ex, &[&tags[1]])
        .await
        .unwrap();
    posts[1]
        .related(Post::tags())
        .set(&mut ex, &[&tags[1]])
        .await
        .unwrap();
    posts[1].related(Post::tags()).clear(&mut ex).await.unwrap();
    Post::objects()
        .filter(Post::title().eq("three"))
        .update(&mut ex, [Post::published().set(true)])
        .await
        .unwrap();
    Post::objects()
        .filter(Post::title().eq("two"))
        .delete(&mut ex)
        .await
        .unwrap();
    let mut refreshed = posts[2].clone();
    refreshed.refresh(&mut ex).await.unwrap();
    assert!(refreshed.published);
    assert_eq!(refreshed.author.fetch(&mut ex).await.unwrap().name, "Bobby");
    assert_eq!(Post::objects().count(&mut ex).await.unwrap(), 2);
    assert!(Author::objects()
        .filter(Author::name().eq("Ann"))
        .exists(&mut ex)
        .await
        .unwrap());
    assert_eq!(
        Author::objects()
            .first(&mut ex)
            .await
            .unwrap()
            .unwrap()
            .name,
        "Ann"
    );
    assert_eq!(
        Author::objects()
            .filter(Author::name().eq("Bobby"))
            .get(&mut ex)
            .await
            .unwrap()
            .id,
        bob.id
    );
    let authors = Author::objects()
        .order_by(Author::name().asc())
        .prefetch_related(Author::posts())
        .all(&mut ex)
        .await
        .unwrap();
    let posts_seen: Vec<String> = authors
        .iter()
        .flat_map(|a| a.posts.loaded().unwrap().iter().map(|p| p.title.clone()))
        .collect();
    let tags_seen = first
        .related(Post::tags())
        .all(&mut ex)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    // A deleted author takes its posts with it (cascade), inside `ex`.
    assert!(bob.delete(&mut ex).await.unwrap());
    assert_eq!(Post::objects().count(&mut ex).await.unwrap(), 1);
    (
        authors.into_iter().map(|a| a.name).collect(),
        posts_seen,
        tags_seen,
    )
}

fn expected() -> (Vec<String>, Vec<String>, Vec<String>) {
    let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    (s(&["Ann", "Bobby"]), s(&["one", "three"]), s(&["rust"]))
}

#[tokio::test]
async fn every_method_runs_inside_a_transaction_and_its_rollback_undoes_them() {
    each_db("executor_tx_rollback", |db| async move {
        db.create_tables(&blog()).await.unwrap();
        let mut tx = db.begin().await.unwrap();
        assert_eq!(write_and_read(&mut tx).await, expected());
        // The transaction sees its own rows ...
        assert_eq!(Author::objects().count(&mut tx).await.unwrap(), 1);
        tx.rollback().await.unwrap();
        // ... and its rollback removes every one of them.
        assert_eq!(Author::objects().count(&db).await.unwrap(), 0);
        assert_eq!(Post::objects().count(&db).await.unwrap(), 0);
        assert_eq!(Tag::objects().count(&db).await.unwrap(), 0);
    })
    .await;
}

#[tokio::test]
async fn every_method_runs_on_the_pool_and_on_one_connection_alike() {
    each_db("executor_pool_conn", |db| async move {
        db.create_tables(&blog()).await.unwrap();
        assert_eq!(write_and_read(&db).await, expected());
        assert_eq!(Author::objects().count(&db).await.unwrap(), 1);
        Author::objects().delete(&db).await.unwrap();
        Tag::objects().delete(&db).await.unwrap();
        let mut conn = db.acquire().await.unwrap();
        assert_eq!(write_and_read(&mut conn).await, expected());
        drop(conn);
        assert_eq!(Author::objects().count(&db).await.unwrap(), 1);
    })
    .await;
}

#[tokio::test]
async fn protect_checks_of_a_delete_see_the_transactions_own_rows() {
    each_db("executor_protect_in_tx", |db| async move {
        db.create_tables(&on_delete_models()).await.unwrap();
        let mut owner = Owner {
            id: 0,
            name: "kept".into(),
        };
        owner.insert(&db).await.unwrap();
        let mut tx = db.begin().await.unwrap();
        // A protecting row only this transaction can see: a check run
        // anywhere else would miss it.
        ProtectRef {
            id: 0,
            owner: ForeignKey::to(&owner),
        }
        .insert(&mut tx)
        .await
        .unwrap();
        let err = owner.delete(&mut tx).await.unwrap_err();
        assert!(
            matches!(&err, Error::Protected { protected_by, count: 1, .. } if protected_by == "ProtectRef.owner"),
            "{err:?}"
        );
        let err = Owner::objects().delete(&mut tx).await.unwrap_err();
        assert!(matches!(err, Error::Protected { .. }), "{err:?}");
        tx.rollback().await.unwrap();
        // Without the uncommitted row, the same delete goes through.
        assert!(owner.delete(&db).await.unwrap());
    })
    .await;
}

/// Compiles only if the futures of executor calls are `Send`.
fn assert_send<T: Send>(_: &T) {}

#[tokio::test]
async fn executor_futures_are_send() {
    let db = Db::connect("sqlite::memory:").await.unwrap();
    db.create_tables(&blog()).await.unwrap();
    let mut tx = db.begin().await.unwrap();
    {
        let qs = Author::objects();
        let all = qs.all(&mut tx);
        assert_send(&all);
        all.await.unwrap();
    }
    let mut ann = author("Ann");
    {
        let insert = ann.insert(&mut tx);
        assert_send(&insert);
        insert.await.unwrap();
    }
    tx.commit().await.unwrap();
    // A whole task that uses the pool, spawned on the runtime.
    let task = tokio::spawn(async move { Author::objects().count(&db).await });
    assert_eq!(task.await.unwrap().unwrap(), 1);
}
