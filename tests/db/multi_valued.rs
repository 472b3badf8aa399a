//! Multi-valued relations on every database: filters across reverse and
//! many-to-many relations (EXISTS, no duplicated parents), prefetch_related
//! with its query counts, related() and many-to-many changes.

use strata::prelude::*;
use strata::relation::Related;
use strata::Error;
use strata_tests::blog::*;
use strata_tests::each_db;

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

#[tokio::test]
async fn related_rows_are_a_queryset_and_many_to_many_pairs_can_change() {
    each_db("related_rows", |db| async move {
        let blog = blog_db(&db).await;
        let ann_posts = blog.authors[0]
            .related(Author::posts())
            .objects()
            .order_by(Post::title())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(titles(&ann_posts), ["Draft", "Rust tips"]);
        let draft = &blog.posts[1];
        let tags = |db: Db, p: Post| async move {
            let mut v: Vec<String> = p
                .related(Post::tags())
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|t| t.name)
                .collect();
            v.sort();
            v
        };
        // add() leaves existing pairs alone.
        draft
            .related(Post::tags())
            .add(&db, &[&blog.tags[0], &blog.tags[1]])
            .await
            .unwrap();
        assert_eq!(tags(db.clone(), draft.clone()).await, ["go", "rust"]);
        assert_eq!(
            draft
                .related(Post::tags())
                .remove(&db, &[&blog.tags[0]])
                .await
                .unwrap(),
            1
        );
        assert_eq!(tags(db.clone(), draft.clone()).await, ["go"]);
        draft
            .related(Post::tags())
            .set(&db, &[&blog.tags[2], &blog.tags[3]])
            .await
            .unwrap();
        assert_eq!(tags(db.clone(), draft.clone()).await, ["db", "unused"]);
        assert_eq!(draft.related(Post::tags()).clear(&db).await.unwrap(), 2);
        assert!(tags(db.clone(), draft.clone()).await.is_empty());
        // The reverse side sees the same pairs.
        let rust_posts = blog.tags[0].related(Tag::posts()).all(&db).await.unwrap();
        assert_eq!(titles(&rust_posts), ["Rust tips"]);
        // Deleting a tag removes its pairs, not the posts.
        blog.tags[0].clone().delete(&db).await.unwrap();
        assert_eq!(tags(db.clone(), blog.posts[0].clone()).await, ["db"]);
        assert_eq!(Post::objects().count(&db).await.unwrap(), 3);
    })
    .await;
}

#[tokio::test]
async fn a_through_model_relation_filters_and_prefetches_but_refuses_add() {
    each_db("through_model", |db| async move {
        db.create_tables(&blog()).await.unwrap();
        let mut students = vec![
            Student {
                id: 0,
                name: "Ida".into(),
                courses: Related::new(),
            },
            Student {
                id: 0,
                name: "Jo".into(),
                courses: Related::new(),
            },
        ];
        for s in &mut students {
            s.insert(&db).await.unwrap();
        }
        let mut courses = vec![
            Course {
                id: 0,
                title: "Algebra".into(),
                students: Related::new(),
            },
            Course {
                id: 0,
                title: "Biology".into(),
                students: Related::new(),
            },
        ];
        for c in &mut courses {
            c.insert(&db).await.unwrap();
        }
        for (s, c, grade) in [(0, 0, 5), (0, 1, 3), (1, 1, 4)] {
            Enrollment {
                id: 0,
                student: ForeignKey::to(&students[s]),
                course: ForeignKey::to(&courses[c]),
                grade,
            }
            .insert(&db)
            .await
            .unwrap();
        }
        let in_biology = Student::objects()
            .filter(Student::courses().title().eq("Biology"))
            .order_by(Student::name())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(
            in_biology
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>(),
            ["Ida", "Jo"]
        );
        let good = Student::objects()
            .filter(Student::enrollment_set().grade().gte(5))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(good.len(), 1);
        let loaded = Course::objects()
            .order_by(Course::id())
            .prefetch_related(Course::students())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(loaded[1].students.loaded().unwrap().len(), 2);
        let err = students[1]
            .related(Student::courses())
            .add(&db, &[&courses[0]])
            .await
            .unwrap_err();
        assert!(err.to_string().contains("Enrollment"), "{err}");
        // A reverse relation without a holder field says which to add.
        let err = Student::objects()
            .prefetch_related(Student::enrollment_set())
            .all(&db)
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains(
                "add `enrollment_set: strata::relation::Reverse<Enrollment>` to `Student`"
            ),
            "{err}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_many_to_many_relation_to_the_same_model_has_two_directions() {
    each_db("self_m2m", |db| async move {
        db.create_tables(&blog()).await.unwrap();
        let mut people: Vec<Person> = ["Kim", "Lee", "Max"]
            .iter()
            .map(|n| Person {
                id: 0,
                name: n.to_string(),
                follows: Related::new(),
                followers: Related::new(),
            })
            .collect();
        for p in &mut people {
            p.insert(&db).await.unwrap();
        }
        people[0]
            .related(Person::follows())
            .add(&db, &[&people[1], &people[2]])
            .await
            .unwrap();
        people[1]
            .related(Person::follows())
            .add(&db, &[&people[2]])
            .await
            .unwrap();
        let followed_by_kim = Person::objects()
            .filter(Person::followers().name().eq("Kim"))
            .order_by(Person::name())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(
            followed_by_kim
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>(),
            ["Lee", "Max"]
        );
        let loaded = Person::objects()
            .order_by(Person::id())
            .prefetch_related(Person::followers())
            .prefetch_related(Person::follows())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(loaded[2].followers.loaded().unwrap().len(), 2);
        assert_eq!(loaded[0].follows.loaded().unwrap().len(), 2);
        assert!(loaded[0].followers.loaded().unwrap().is_empty());
    })
    .await;
}
