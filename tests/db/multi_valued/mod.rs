//! Multi-valued relations on every database: filters across reverse and
//! many-to-many relations (EXISTS, no duplicated parents), prefetch_related
//! with its query counts, related() and many-to-many changes.

use strata::prelude::*;
use strata::relation::Related;
use strata_tests::blog::*;
use strata_tests::each_db;

mod many_to_many;
mod prefetch;

/// Ann: "Rust tips" (published; rust, db; 2 comments) and "Draft"
/// (unpublished; rust). Bob: "Go notes" (published; go; 1 comment).
/// Cy: no posts. Tag "unused" has no posts.
struct Blog {
    authors: Vec<Author>,
    posts: Vec<Post>,
    tags: Vec<Tag>,
}

fn author(name: &str) -> Author {
    Author {
        id: 0,
        name: name.into(),
        posts: Related::new(),
    }
}

fn post(author: &Author, title: &str, published: bool) -> Post {
    Post {
        id: 0,
        author: ForeignKey::to(author),
        title: title.into(),
        published,
        tags: Related::new(),
        comments: Related::new(),
    }
}

async fn blog_db(db: &Db) -> Blog {
    db.create_tables(&blog()).await.unwrap();
    let mut authors = vec![author("Ann"), author("Bob"), author("Cy")];
    for a in &mut authors {
        a.insert(db).await.unwrap();
    }
    let mut posts = vec![
        post(&authors[0], "Rust tips", true),
        post(&authors[0], "Draft", false),
        post(&authors[1], "Go notes", true),
    ];
    for p in &mut posts {
        p.insert(db).await.unwrap();
    }
    for (p, body) in [(0, "great"), (0, "thanks"), (2, "meh")] {
        let mut c = Comment {
            id: 0,
            post: ForeignKey::to(&posts[p]),
            body: body.into(),
        };
        c.insert(db).await.unwrap();
    }
    let mut tags: Vec<Tag> = ["rust", "go", "db", "unused"]
        .iter()
        .map(|n| Tag {
            id: 0,
            name: n.to_string(),
            posts: Related::new(),
        })
        .collect();
    for t in &mut tags {
        t.insert(db).await.unwrap();
    }
    let tags_of = [vec![0, 2], vec![0], vec![1]];
    for (p, tag_ids) in tags_of.iter().enumerate() {
        let wanted: Vec<&Tag> = tag_ids.iter().map(|&i| &tags[i]).collect();
        posts[p]
            .related(Post::tags())
            .add(db, &wanted)
            .await
            .unwrap();
    }
    Blog {
        authors,
        posts,
        tags,
    }
}

fn names(authors: &[Author]) -> Vec<&str> {
    authors.iter().map(|a| a.name.as_str()).collect()
}

fn titles(posts: &[Post]) -> Vec<&str> {
    let mut out: Vec<&str> = posts.iter().map(|p| p.title.as_str()).collect();
    out.sort();
    out
}

#[tokio::test]
async fn a_filter_across_a_reverse_relation_returns_each_parent_once() {
    each_db("reverse_filter", |db| async move {
        let blog = blog_db(&db).await;
        let qs = Author::objects()
            .filter(Author::posts().title().contains("t"))
            .order_by(Author::id());
        let found = qs.all(&db).await.unwrap();
        // Ann has two matching posts and still appears once.
        assert_eq!(names(&found), ["Ann", "Bob"]);
        assert_eq!(qs.count(&db).await.unwrap(), 2);
        // The same question answered naively, one query per author.
        let mut naive = Vec::new();
        for a in &blog.authors {
            let posts = a.related(Author::posts()).all(&db).await.unwrap();
            if posts.iter().any(|p| p.title.contains('t')) {
                naive.push(a.name.as_str());
            }
        }
        assert_eq!(names(&found), naive);
    })
    .await;
}

#[tokio::test]
async fn exclude_across_a_reverse_relation_drops_parents_with_any_match() {
    each_db("reverse_exclude", |db| async move {
        blog_db(&db).await;
        let found = Author::objects()
            .exclude(Author::posts().published().eq(true))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(names(&found), ["Cy"]);
    })
    .await;
}

#[tokio::test]
async fn any_requires_one_related_row_to_match_every_condition() {
    each_db("any_same_row", |db| async move {
        blog_db(&db).await;
        let same_row = Author::objects()
            .filter(
                Author::posts().any(Post::published().eq(false) & Post::title().contains("Rust")),
            )
            .all(&db)
            .await
            .unwrap();
        assert!(same_row.is_empty(), "no unpublished post mentions Rust");
        let separate = Author::objects()
            .filter(Author::posts().published().eq(false))
            .filter(Author::posts().title().contains("Rust"))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(names(&separate), ["Ann"]);
    })
    .await;
}

#[tokio::test]
async fn filters_follow_many_to_many_relations_both_ways_and_several_hops() {
    each_db("m2m_filter", |db| async move {
        blog_db(&db).await;
        let rusty = Post::objects()
            .filter(Post::tags().name().eq("rust"))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(titles(&rusty), ["Draft", "Rust tips"]);
        let bobs_tags = Tag::objects()
            .filter(Tag::posts().author().name().eq("Bob"))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(bobs_tags.len(), 1);
        assert_eq!(bobs_tags[0].name, "go");
        let meh = Author::objects()
            .filter(Author::posts().then(Post::comments()).body().eq("meh"))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(names(&meh), ["Bob"]);
        // Forward then reverse: comments on posts by authors who tagged "db".
        let count = Comment::objects()
            .filter(
                Comment::post()
                    .author()
                    .then(Author::posts())
                    .tags()
                    .name()
                    .eq("db"),
            )
            .count(&db)
            .await
            .unwrap();
        assert_eq!(count, 2);
    })
    .await;
}

#[tokio::test]
async fn update_and_delete_accept_filters_across_multi_valued_relations() {
    each_db("m2m_mutations", |db| async move {
        blog_db(&db).await;
        let updated = Tag::objects()
            .filter(Tag::posts().title().eq("Go notes"))
            .update(&db, [Tag::name().set("golang")])
            .await
            .unwrap();
        assert_eq!(updated, 1);
        let deleted = Tag::objects()
            .exclude(Tag::posts().id().gt(0))
            .delete(&db)
            .await
            .unwrap();
        assert_eq!(deleted, 1, "only the unused tag has no posts");
        let mut left: Vec<String> = Tag::objects()
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect();
        left.sort();
        assert_eq!(left, ["db", "golang", "rust"]);
    })
    .await;
}
