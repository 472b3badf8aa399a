//! `distinct()` with ordering and select_related across relations, and
//! `limit` / `offset` in a prefetch's queryset, on every database; each
//! answer compared with the same question answered in Rust.

use strata::prelude::*;
use strata::relation::{Prefetch, Related};
use strata_tests::blog::*;
use strata_tests::each_db;

/// Authors Ann (3 posts), Bob (2), Cy (none); tags rust/go/db/unused with
/// several posts each.
struct Seed {
    authors: Vec<Author>,
    posts: Vec<Post>,
    tags: Vec<Tag>,
    /// (post index, tag index) pairs.
    tagged: Vec<(usize, usize)>,
}

async fn seed(db: &Db) -> Seed {
    db.create_tables(&blog()).await.unwrap();
    let mut authors: Vec<Author> = ["Ann", "Bob", "Cy"]
        .iter()
        .map(|n| Author {
            id: 0,
            name: n.to_string(),
            posts: Related::new(),
        })
        .collect();
    for a in &mut authors {
        a.insert(db).await.unwrap();
    }
    let mut posts: Vec<Post> = [
        (0, "b-ann", true),
        (1, "a-bob", true),
        (0, "c-ann", false),
        (0, "a-ann", true),
        (1, "z-bob", false),
    ]
    .iter()
    .map(|&(a, title, published)| Post {
        id: 0,
        author: ForeignKey::to(&authors[a]),
        title: title.into(),
        published,
        tags: Related::new(),
        comments: Related::new(),
    })
    .collect();
    for p in &mut posts {
        p.insert(db).await.unwrap();
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
    let tagged = vec![
        (0, 0),
        (0, 2),
        (1, 1),
        (2, 0),
        (3, 0),
        (3, 1),
        (3, 2),
        (4, 2),
    ];
    for &(p, t) in &tagged {
        posts[p]
            .related(Post::tags())
            .add(db, &[&tags[t]])
            .await
            .unwrap();
    }
    Seed {
        authors,
        posts,
        tags,
        tagged,
    }
}

impl Seed {
    fn author_name(&self, post: &Post) -> &str {
        let id = *post.author.key();
        &self.authors.iter().find(|a| a.id == id).unwrap().name
    }

    /// The posts' ids ordered by author name descending, then id.
    fn by_author_desc(&self, keep: impl Fn(&Post) -> bool) -> Vec<i64> {
        let mut posts: Vec<&Post> = self.posts.iter().filter(|p| keep(p)).collect();
        posts.sort_by(|a, b| {
            self.author_name(b)
                .cmp(self.author_name(a))
                .then(a.id.cmp(&b.id))
        });
        posts.iter().map(|p| p.id).collect()
    }

    fn has_tag(&self, post: &Post, name: &str) -> bool {
        let p = self.posts.iter().position(|q| q.id == post.id).unwrap();
        self.tagged
            .iter()
            .any(|&(pi, ti)| pi == p && self.tags[ti].name == name)
    }
}

fn ids(posts: &[Post]) -> Vec<i64> {
    posts.iter().map(|p| p.id).collect()
}

#[tokio::test]
async fn distinct_ordered_by_a_joined_field_runs_every_terminal() {
    each_db("distinct_joined_order", |db| async move {
        let seed = seed(&db).await;
        let ordered = Post::objects()
            .distinct()
            .order_by([Post::author().name().desc(), Post::id().asc()]);
        let want = seed.by_author_desc(|_| true);
        let got = ordered.all(&db).await.unwrap();
        assert_eq!(ids(&got), want);
        // The result decodes the model's own columns only.
        assert_eq!(
            got[0],
            *seed.posts.iter().find(|p| p.id == want[0]).unwrap()
        );
        let first = ordered.first(&db).await.unwrap().unwrap();
        assert_eq!(first.id, want[0]);
        let one = ordered
            .clone()
            .filter(Post::title().eq("c-ann"))
            .get(&db)
            .await
            .unwrap();
        assert_eq!(one.title, "c-ann");
        assert!(ordered.exists(&db).await.unwrap());
        assert_eq!(ordered.count(&db).await.unwrap() as usize, want.len());
        let page = ordered.clone().offset(1).limit(2);
        assert_eq!(ids(&page.all(&db).await.unwrap()), want[1..3].to_vec());
        assert_eq!(page.count(&db).await.unwrap(), 2);

        // Through a filter across a many-to-many relation, and with
        // select_related of the ordered relation.
        let rust = ordered
            .clone()
            .filter(Post::tags().name().eq("rust"))
            .select_related(Post::author());
        let got = rust.all(&db).await.unwrap();
        assert_eq!(ids(&got), seed.by_author_desc(|p| seed.has_tag(p, "rust")));
        assert_eq!(rust.count(&db).await.unwrap() as usize, got.len());
        assert_eq!(got[0].author.loaded().unwrap().name, "Ann");

        // A prefetch queryset with distinct and a joined ordering.
        let tags = Tag::objects()
            .order_by(Tag::id())
            .prefetch_related(Prefetch::with_queryset(
                Tag::posts(),
                Post::objects()
                    .distinct()
                    .order_by([Post::author().name().desc(), Post::id().desc()]),
            ))
            .all(&db)
            .await
            .unwrap();
        for tag in &tags {
            let mut want: Vec<&Post> = seed
                .posts
                .iter()
                .filter(|p| seed.has_tag(p, &tag.name))
                .collect();
            want.sort_by(|a, b| {
                seed.author_name(b)
                    .cmp(seed.author_name(a))
                    .then(b.id.cmp(&a.id))
            });
            let want: Vec<i64> = want.iter().map(|p| p.id).collect();
            assert_eq!(ids(tag.posts.loaded().unwrap()), want, "tag {}", tag.name);
        }
    })
    .await;
}

#[tokio::test]
async fn count_of_a_distinct_select_related_queryset_counts_its_rows() {
    each_db("distinct_select_related_count", |db| async move {
        let seed = seed(&db).await;
        let querysets = [
            Post::objects().distinct().select_related(Post::author()),
            Post::objects()
                .distinct()
                .select_related(Post::author())
                .filter(Post::tags().name().is_in(["rust", "db"])),
            Post::objects()
                .distinct()
                .select_related(Post::author())
                .filter(Post::tags().name().ne("go"))
                .order_by(Post::author().name()),
            Post::objects()
                .distinct()
                .select_related(Post::author())
                .order_by(Post::id())
                .limit(3)
                .offset(1),
            Post::objects()
                .select_related(Post::author())
                .order_by(Post::id())
                .limit(2),
        ];
        let wants = [
            seed.posts.len(),
            seed.posts
                .iter()
                .filter(|p| seed.has_tag(p, "rust") || seed.has_tag(p, "db"))
                .count(),
            // `ne` across a many-to-many relation excludes the posts
            // with a "go" tag (as Django's `exclude`).
            seed.posts.iter().filter(|p| !seed.has_tag(p, "go")).count(),
            3,
            2,
        ];
        for (qs, want) in querysets.iter().zip(wants) {
            let all = qs.all(&db).await.unwrap();
            assert_eq!(all.len(), want, "{qs:?}");
            assert_eq!(qs.count(&db).await.unwrap() as usize, want, "{qs:?}");
            assert!(qs.exists(&db).await.unwrap(), "{qs:?}");
        }
    })
    .await;
}

/// What a prefetch of `children` per parent with `offset` / `limit`
/// should give: the parent's children in order, sliced.
fn sliced(children: Vec<i64>, offset: usize, limit: Option<usize>) -> Vec<i64> {
    let rest = children.into_iter().skip(offset);
    match limit {
        Some(n) => rest.take(n).collect(),
        None => rest.collect(),
    }
}

#[tokio::test]
async fn a_prefetch_limit_and_offset_apply_per_parent() {
    each_db("prefetch_slices", |db| async move {
        let seed = seed(&db).await;
        for (offset, limit) in [
            (0, Some(1)),
            (1, Some(1)),
            (1, None),
            (0, Some(0)),
            (2, Some(5)),
        ] {
            let mut posts = Post::objects().order_by(Post::title().desc());
            if offset > 0 {
                posts = posts.offset(offset as u64);
            }
            if let Some(n) = limit {
                posts = posts.limit(n as u64);
            }
            let before = db.query_count();
            let authors = Author::objects()
                .order_by(Author::id())
                .prefetch_related(Prefetch::with_queryset(Author::posts(), posts.clone()))
                .all(&db)
                .await
                .unwrap();
            assert_eq!(db.query_count() - before, 2);
            for author in &authors {
                let mut own: Vec<&Post> = seed
                    .posts
                    .iter()
                    .filter(|p| *p.author.key() == author.id)
                    .collect();
                own.sort_by(|a, b| b.title.cmp(&a.title));
                let want = sliced(own.iter().map(|p| p.id).collect(), offset, limit);
                assert_eq!(
                    ids(author.posts.loaded().unwrap()),
                    want,
                    "{} with offset {offset}, limit {limit:?}",
                    author.name
                );
            }

            // Many-to-many, both directions; without an ordering the
            // primary key orders each parent's rows.
            let mut by_id = Post::objects().distinct();
            if offset > 0 {
                by_id = by_id.offset(offset as u64);
            }
            if let Some(n) = limit {
                by_id = by_id.limit(n as u64);
            }
            let tags = Tag::objects()
                .prefetch_related(Prefetch::with_queryset(Tag::posts(), by_id))
                .all(&db)
                .await
                .unwrap();
            for tag in &tags {
                let all: Vec<i64> = seed
                    .posts
                    .iter()
                    .filter(|p| seed.has_tag(p, &tag.name))
                    .map(|p| p.id)
                    .collect();
                let want = sliced(all, offset, limit);
                assert_eq!(ids(tag.posts.loaded().unwrap()), want, "tag {}", tag.name);
            }
            let mut tag_names = Tag::objects()
                .filter(Tag::name().ne("db"))
                .order_by(Tag::name().desc());
            if offset > 0 {
                tag_names = tag_names.offset(offset as u64);
            }
            if let Some(n) = limit {
                tag_names = tag_names.limit(n as u64);
            }
            let posts = Post::objects()
                .prefetch_related(Prefetch::with_queryset(Post::tags(), tag_names))
                .all(&db)
                .await
                .unwrap();
            for post in &posts {
                let mut own: Vec<&Tag> = seed
                    .tags
                    .iter()
                    .filter(|t| t.name != "db" && seed.has_tag(post, &t.name))
                    .collect();
                own.sort_by(|a, b| b.name.cmp(&a.name));
                let want = sliced(own.iter().map(|t| t.id).collect(), offset, limit);
                let got: Vec<i64> = post.tags.loaded().unwrap().iter().map(|t| t.id).collect();
                assert_eq!(got, want, "post {}", post.title);
            }
        }
    })
    .await;
}
