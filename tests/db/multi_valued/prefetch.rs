//! prefetch_related across multi-valued relations: one extra query per
//! level, from both sides of a many-to-many, nested, custom querysets on
//! the last level, and parent keys past the bind limit.

use super::{author, blog_db, post, titles};
use strata::prelude::*;
use strata::Error;
use strata_tests::blog::*;
use strata_tests::each_db;

#[tokio::test]
async fn prefetching_a_reverse_foreign_key_runs_one_extra_query() {
    each_db("prefetch_reverse", |db| async move {
        let blog = blog_db(&db).await;
        let before = db.query_count();
        let authors = Author::objects()
            .order_by(Author::id())
            .prefetch_related(Author::posts())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(db.query_count() - before, 2);
        for (loaded, plain) in authors.iter().zip(&blog.authors) {
            let naive = plain.related(Author::posts()).all(&db).await.unwrap();
            assert_eq!(titles(loaded.posts.loaded().unwrap()), titles(&naive));
        }
        assert_eq!(authors[2].posts.get(), Some(&[][..]), "loaded, and empty");
        // Without prefetch_related nothing is loaded, visibly.
        let plain = Author::objects().first(&db).await.unwrap().unwrap();
        assert!(plain.posts.get().is_none());
        assert!(matches!(plain.posts.loaded(), Err(Error::NotLoaded { .. })));
    })
    .await;
}

#[tokio::test]
async fn prefetching_many_to_many_works_from_both_sides() {
    each_db("prefetch_m2m", |db| async move {
        blog_db(&db).await;
        let before = db.query_count();
        let posts = Post::objects()
            .order_by(Post::id())
            .prefetch_related(Post::tags())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(db.query_count() - before, 2);
        let tag_names = |p: &Post| {
            let mut v: Vec<String> = p
                .tags
                .loaded()
                .unwrap()
                .iter()
                .map(|t| t.name.clone())
                .collect();
            v.sort();
            v
        };
        assert_eq!(tag_names(&posts[0]), ["db", "rust"]);
        assert_eq!(tag_names(&posts[1]), ["rust"]);
        assert_eq!(tag_names(&posts[2]), ["go"]);
        let before = db.query_count();
        let tags = Tag::objects()
            .order_by(Tag::id())
            .prefetch_related(Tag::posts())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(db.query_count() - before, 2);
        assert_eq!(
            titles(tags[0].posts.loaded().unwrap()),
            ["Draft", "Rust tips"]
        );
        assert!(tags[3].posts.loaded().unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn nested_prefetch_loads_each_level_with_one_query() {
    each_db("prefetch_nested", |db| async move {
        blog_db(&db).await;
        let before = db.query_count();
        let authors = Author::objects()
            .order_by(Author::id())
            .prefetch_related(Author::posts().then(Post::comments()))
            .prefetch_related(Author::posts().then(Post::tags()))
            .all(&db)
            .await
            .unwrap();
        // authors, posts (shared by both paths), comments, tags.
        assert_eq!(db.query_count() - before, 4);
        let ann_posts = authors[0].posts.loaded().unwrap();
        let tips = ann_posts.iter().find(|p| p.title == "Rust tips").unwrap();
        let mut bodies: Vec<&str> = tips
            .comments
            .loaded()
            .unwrap()
            .iter()
            .map(|c| c.body.as_str())
            .collect();
        bodies.sort();
        assert_eq!(bodies, ["great", "thanks"]);
        assert_eq!(tips.tags.loaded().unwrap().len(), 2);
        let go = &authors[1].posts.loaded().unwrap()[0];
        assert_eq!(go.comments.loaded().unwrap()[0].body, "meh");
    })
    .await;
}

#[tokio::test]
async fn prefetching_a_forward_foreign_key_and_through_it() {
    each_db("prefetch_forward", |db| async move {
        blog_db(&db).await;
        let before = db.query_count();
        let comments = Comment::objects()
            .order_by(Comment::id())
            .prefetch_related(Comment::post().author())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(db.query_count() - before, 3);
        let post = comments[0].post.loaded().unwrap();
        assert_eq!(post.title, "Rust tips");
        assert_eq!(post.author.loaded().unwrap().name, "Ann");
        assert_eq!(
            comments[2]
                .post
                .loaded()
                .unwrap()
                .author
                .loaded()
                .unwrap()
                .name,
            "Bob"
        );
    })
    .await;
}

#[tokio::test]
async fn a_custom_prefetch_filters_and_orders_the_last_level() {
    each_db("prefetch_custom", |db| async move {
        blog_db(&db).await;
        let before = db.query_count();
        let authors = Author::objects()
            .order_by(Author::id())
            .prefetch_related(Prefetch::with_queryset(
                Author::posts(),
                Post::objects()
                    .filter(Post::published().eq(true) | Post::title().eq("Draft"))
                    .order_by(Post::title().desc())
                    .select_related(Post::author()),
            ))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(db.query_count() - before, 2);
        let ann: Vec<&str> = authors[0]
            .posts
            .loaded()
            .unwrap()
            .iter()
            .map(|p| p.title.as_str())
            .collect();
        assert_eq!(
            ann,
            ["Rust tips", "Draft"],
            "in the custom queryset's order"
        );
        assert_eq!(
            authors[0].posts.loaded().unwrap()[0]
                .author
                .loaded()
                .unwrap()
                .name,
            "Ann"
        );
        let published_only = Author::objects()
            .prefetch_related(Prefetch::with_queryset(
                Author::posts(),
                Post::objects().filter(Post::published().eq(true)),
            ))
            .get(&db.clone())
            .await;
        assert!(matches!(
            published_only,
            Err(Error::MultipleObjectsReturned { .. })
        ));
    })
    .await;
}

#[tokio::test]
async fn prefetch_sends_parent_keys_past_the_bind_limit_as_one_value() {
    each_db("prefetch_chunks", |db| async move {
        db.create_tables(&blog()).await.unwrap();
        let limit = db.dialect().max_bind_params();
        let mut authors: Vec<Author> = (0..limit + 10).map(|i| author(&format!("a{i}"))).collect();
        Author::bulk_create(&db, &mut authors).await.unwrap();
        let last = authors.last().unwrap();
        post(last, "last", true).insert(&db).await.unwrap();
        let before = db.query_count();
        let loaded = Author::objects()
            .order_by(Author::id())
            .prefetch_related(Author::posts())
            .all(&db)
            .await
            .unwrap();
        // Every key in one parameter: an array on PostgreSQL, a JSON
        // array elsewhere.
        assert_eq!(db.query_count() - before, 2, "authors, then their posts");
        assert_eq!(loaded.len(), limit + 10);
        assert!(loaded[..limit + 9]
            .iter()
            .all(|a| a.posts.loaded().unwrap().is_empty()));
        assert_eq!(loaded[limit + 9].posts.loaded().unwrap()[0].title, "last");
    })
    .await;
}
