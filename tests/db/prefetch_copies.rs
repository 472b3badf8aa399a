//! prefetch_related where the same parent row is reached several times:
//! each occurrence gets its own copy of the prefetched rows, in the
//! queryset's order, on every database.

use std::collections::HashMap;
use strata::prelude::*;
use strata::relation::Related;
use strata_tests::blog::*;
use strata_tests::each_db;

/// Ann with two posts, Bob with one; five comments, three of them on
/// Ann's first post, so that post is reached from three comments.
async fn fixture(db: &Db) -> (Vec<Author>, Vec<Post>, Vec<Comment>) {
    db.create_tables(&blog()).await.unwrap();
    let mut authors = Vec::new();
    for name in ["Ann", "Bob"] {
        let mut a = Author {
            id: 0,
            name: name.into(),
            posts: Related::new(),
        };
        a.insert(db).await.unwrap();
        authors.push(a);
    }
    let mut posts = Vec::new();
    for (a, title) in [(0, "Rust tips"), (0, "Draft"), (1, "Go notes")] {
        let mut p = Post {
            id: 0,
            author: ForeignKey::to(&authors[a]),
            title: title.into(),
            published: true,
            tags: Related::new(),
            comments: Related::new(),
        };
        p.insert(db).await.unwrap();
        posts.push(p);
    }
    let mut comments = Vec::new();
    for (p, body) in [(0, "a"), (2, "b"), (0, "c"), (1, "d"), (0, "e")] {
        let mut c = Comment {
            id: 0,
            post: ForeignKey::to(&posts[p]),
            body: body.into(),
        };
        c.insert(db).await.unwrap();
        comments.push(c);
    }
    (authors, posts, comments)
}

#[tokio::test]
async fn every_occurrence_of_a_parent_reached_twice_gets_its_prefetched_rows() {
    each_db("prefetch_copies_forward", |db| async move {
        let (authors, posts, comments) = fixture(&db).await;
        let loaded = Comment::objects()
            .order_by(Comment::id())
            .prefetch_related(Comment::post().author())
            .all(&db)
            .await
            .unwrap();
        // The same question in plain Rust over the fixture.
        let post_by_id: HashMap<i64, &Post> = posts.iter().map(|p| (p.id, p)).collect();
        let author_by_id: HashMap<i64, &Author> = authors.iter().map(|a| (a.id, a)).collect();
        let expected: Vec<(&str, &str, &str)> = comments
            .iter()
            .map(|c| {
                let post = post_by_id[c.post.key()];
                (
                    c.body.as_str(),
                    post.title.as_str(),
                    author_by_id[post.author.key()].name.as_str(),
                )
            })
            .collect();
        let got: Vec<(&str, &str, &str)> = loaded
            .iter()
            .map(|c| {
                let post = c.post.loaded().unwrap();
                (
                    c.body.as_str(),
                    post.title.as_str(),
                    post.author.loaded().unwrap().name.as_str(),
                )
            })
            .collect();
        assert_eq!(got, expected);
    })
    .await;
}

#[tokio::test]
async fn a_parent_reached_twice_gets_every_child_in_order_each_time() {
    each_db("prefetch_copies_reverse", |db| async move {
        let (_, posts, comments) = fixture(&db).await;
        // Comment -> post (three comments share "Rust tips") -> its
        // comments, newest first: every copy of the post holds all three.
        let loaded = Comment::objects()
            .order_by(Comment::id())
            .prefetch_related(Prefetch::with_queryset(
                Comment::post().comments(),
                Comment::objects().order_by(Comment::id().desc()),
            ))
            .all(&db)
            .await
            .unwrap();
        for c in &loaded {
            let post = c.post.loaded().unwrap();
            let mut expected: Vec<&str> = comments
                .iter()
                .filter(|o| o.post.key() == c.post.key())
                .map(|o| o.body.as_str())
                .collect();
            expected.reverse();
            let got: Vec<&str> = post
                .comments
                .loaded()
                .unwrap()
                .iter()
                .map(|o| o.body.as_str())
                .collect();
            assert_eq!(
                got, expected,
                "comments of {:?} from comment {}",
                post.title, c.body
            );
        }
        assert_eq!(loaded.len(), comments.len());
        assert_eq!(posts.len(), 3);
    })
    .await;
}
