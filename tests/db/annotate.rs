//! `annotate` against every database, compared with the same values
//! computed in Rust over the fixture: counts over two relations at once
//! (no JOIN fan-out), sums / averages / minima of no rows (`None`),
//! filters and orderings on annotations, and annotations beside
//! `select_related`, filters, slices and an earlier ordering.

use strata::prelude::*;
use strata_tests::annotated::{seed, AnnAuthor, AnnBook, AnnPost, AnnPress};
use strata_tests::each_db;

/// What the fixture says of one author.
#[derive(Debug, PartialEq)]
struct Expected {
    name: String,
    posts: i64,
    books: i64,
    likes: Option<i64>,
    min_bonus: Option<i32>,
    last_title: Option<String>,
    avg_likes: Option<f64>,
    pages: Option<i64>,
}

fn expected(f: &strata_tests::annotated::Annotated, a: &AnnAuthor) -> Expected {
    let posts = f.posts_of(a);
    let books = f.books_of(a);
    Expected {
        name: a.name.clone(),
        posts: posts.len() as i64,
        books: books.len() as i64,
        likes: (!posts.is_empty()).then(|| posts.iter().map(|p| i64::from(p.likes)).sum()),
        min_bonus: posts.iter().filter_map(|p| p.bonus).min(),
        last_title: posts.iter().map(|p| p.title.clone()).max(),
        avg_likes: (!posts.is_empty())
            .then(|| posts.iter().map(|p| f64::from(p.likes)).sum::<f64>() / posts.len() as f64),
        pages: (!books.is_empty()).then(|| books.iter().map(|b| i64::from(b.pages)).sum()),
    }
}

#[tokio::test]
async fn relation_aggregates_equal_rust_and_do_not_multiply() {
    each_db("relation_aggregates_equal_rust", |db| async move {
        let f = seed(&db).await;
        let rows = AnnAuthor::objects()
            .order_by(AnnAuthor::id().asc())
            .annotate((
                AnnAuthor::posts().count(),
                AnnAuthor::books().count(),
                AnnAuthor::posts().sum(AnnPost::likes()),
                AnnAuthor::posts().min(AnnPost::bonus()),
                AnnAuthor::posts().max(AnnPost::title()),
                AnnAuthor::posts().avg(AnnPost::likes()),
            ))
            .all(&db)
            .await
            .unwrap();
        let pages = AnnAuthor::objects()
            .order_by(AnnAuthor::id().asc())
            .annotate(AnnAuthor::books().sum(AnnBook::pages()))
            .all(&db)
            .await
            .unwrap();
        let got: Vec<Expected> = rows
            .into_iter()
            .zip(pages)
            .map(
                |((a, (posts, books, likes, min_bonus, last_title, avg_likes)), (_, pages))| {
                    Expected {
                        name: a.name,
                        posts,
                        books,
                        likes,
                        min_bonus,
                        last_title,
                        avg_likes,
                        pages,
                    }
                },
            )
            .collect();
        let want: Vec<Expected> = f.authors.iter().map(|a| expected(&f, a)).collect();
        assert_eq!(got, want, "on {}", db.dialect());
        // The fan-out case named in the issue: 3 posts and 2 books.
        assert_eq!((got[0].posts, got[0].books), (3, 2), "on {}", db.dialect());
    })
    .await;
}

/// Liked posts, tags, distinct tags, net likes of posts with a bonus.
type Counts = (i64, i64, i64, Option<i64>);

#[tokio::test]
async fn conditional_and_multi_hop_relation_aggregates_equal_rust() {
    each_db("conditional_multi_hop_aggregates", |db| async move {
        let f = seed(&db).await;
        let rows = AnnAuthor::objects()
            .order_by(AnnAuthor::id().asc())
            .annotate((
                AnnAuthor::posts()
                    .count()
                    .filter(AnnPost::likes().gt(AnnPost::dislikes())),
                AnnAuthor::posts().then(AnnPost::tags()).count(),
                AnnAuthor::posts().then(AnnPost::tags()).count().distinct(),
                AnnAuthor::posts()
                    .sum(AnnPost::likes() - AnnPost::dislikes())
                    .filter(AnnPost::bonus().is_null(false)),
            ))
            .all(&db)
            .await
            .unwrap();
        let got: Vec<(String, Counts)> = rows.into_iter().map(|(a, v)| (a.name, v)).collect();
        let want: Vec<(String, Counts)> = f
            .authors
            .iter()
            .map(|a| {
                let posts = f.posts_of(a);
                let tags = f.tags_of(a);
                let mut distinct = tags.clone();
                distinct.sort();
                distinct.dedup();
                let with_bonus: Vec<&&AnnPost> =
                    posts.iter().filter(|p| p.bonus.is_some()).collect();
                (
                    a.name.clone(),
                    (
                        posts.iter().filter(|p| p.likes > p.dislikes).count() as i64,
                        tags.len() as i64,
                        distinct.len() as i64,
                        (!with_bonus.is_empty()).then(|| {
                            with_bonus
                                .iter()
                                .map(|p| i64::from(p.likes - p.dislikes))
                                .sum()
                        }),
                    ),
                )
            })
            .collect();
        assert_eq!(got, want, "on {}", db.dialect());
    })
    .await;
}

#[tokio::test]
async fn filters_on_annotations_equal_rust() {
    each_db("filters_on_annotations", |db| async move {
        let f = seed(&db).await;
        let base = || {
            AnnAuthor::objects()
                .order_by(AnnAuthor::id().asc())
                .annotate((
                    AnnAuthor::posts().count(),
                    AnnAuthor::books().count(),
                    AnnAuthor::posts().sum(AnnPost::likes()),
                ))
        };
        type Keep = fn(&Expected) -> bool;
        let cases: Vec<(strata::query::Annotated<AnnAuthor, _>, Keep)> = vec![
            (base().filter(Ann0.gt(1)), |e| e.posts > 1),
            (base().filter(Ann0.eq(0)).filter(Ann1.gte(1)), |e| {
                e.posts == 0 && e.books >= 1
            }),
            (base().filter(Ann2.is_null(true)), |e| e.likes.is_none()),
            (base().filter(Ann2.is_null(false)), |e| e.likes.is_some()),
            // `ne` keeps the NULLs, as Django's exclude does.
            (base().filter(Ann2.ne(5)), |e| e.likes != Some(5)),
            (base().filter(Ann2.eq(None)), |e| e.likes.is_none()),
            (base().filter(Ann2.lte(9)), |e| {
                e.likes.is_some_and(|l| l <= 9)
            }),
            (
                base()
                    .filter(AnnAuthor::name().ne("eve"))
                    .filter(Ann0.lt(3)),
                |e| e.name != "eve" && e.posts < 3,
            ),
            (
                base()
                    .exclude(AnnAuthor::name().eq("bob"))
                    .filter(Ann1.eq(0)),
                |e| e.name != "bob" && e.books == 0,
            ),
            (base().filter(Ann0.gt(100)), |_| false),
        ];
        for (qs, keep) in cases {
            let got: Vec<String> = qs
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|(a, _)| a.name)
                .collect();
            let want: Vec<String> = f
                .authors
                .iter()
                .map(|a| expected(&f, a))
                .filter(keep)
                .map(|e| e.name)
                .collect();
            assert_eq!(got, want, "{qs:?} on {}", db.dialect());
        }
    })
    .await;
}

#[tokio::test]
async fn orderings_by_annotations_equal_rust() {
    each_db("orderings_by_annotations", |db| async move {
        let f = seed(&db).await;
        let all: Vec<Expected> = f.authors.iter().map(|a| expected(&f, a)).collect();
        let names = |rows: Vec<(AnnAuthor, (i64, Option<i64>))>| -> Vec<String> {
            rows.into_iter().map(|(a, _)| a.name).collect()
        };
        let qs = || {
            AnnAuthor::objects().annotate((
                AnnAuthor::posts().count(),
                AnnAuthor::posts().sum(AnnPost::likes()),
            ))
        };
        let sorted = |key: &dyn Fn(&Expected, &Expected) -> std::cmp::Ordering| -> Vec<String> {
            let mut v: Vec<&Expected> = all.iter().collect();
            v.sort_by(|a, b| key(a, b));
            v.into_iter().map(|e| e.name.clone()).collect()
        };

        let got = names(
            qs().order_by((Ann0.desc(), AnnAuthor::name().asc()))
                .all(&db)
                .await
                .unwrap(),
        );
        assert_eq!(
            got,
            sorted(&|a, b| b.posts.cmp(&a.posts).then(a.name.cmp(&b.name))),
            "on {}",
            db.dialect()
        );
        // NULL sums first ascending, last descending, on every database.
        let got = names(
            qs().order_by((Ann1.asc(), AnnAuthor::name().asc()))
                .all(&db)
                .await
                .unwrap(),
        );
        assert_eq!(
            got,
            sorted(&|a, b| a.likes.cmp(&b.likes).then(a.name.cmp(&b.name))),
            "on {}",
            db.dialect()
        );
        let got = names(
            qs().order_by((Ann1.desc(), AnnAuthor::name().asc()))
                .all(&db)
                .await
                .unwrap(),
        );
        assert_eq!(
            got,
            sorted(&|a, b| b.likes.cmp(&a.likes).then(a.name.cmp(&b.name))),
            "on {}",
            db.dialect()
        );
        let got = names(
            qs().order_by((Ann1.desc().nulls_first(), AnnAuthor::name().desc()))
                .all(&db)
                .await
                .unwrap(),
        );
        let nulls_first = |a: &Expected, b: &Expected| match (a.likes, b.likes) {
            (None, None) => std::cmp::Ordering::Equal,
            (None, _) => std::cmp::Ordering::Less,
            (_, None) => std::cmp::Ordering::Greater,
            (Some(x), Some(y)) => y.cmp(&x),
        };
        assert_eq!(
            got,
            sorted(&|a, b| nulls_first(a, b).then(b.name.cmp(&a.name))),
            "on {}",
            db.dialect()
        );
    })
    .await;
}

#[tokio::test]
async fn annotations_work_with_select_related_filters_slices_and_ordering() {
    each_db("annotations_with_select_related", |db| async move {
        let f = seed(&db).await;
        // The ordering set before annotate() stays; slices apply to the
        // annotated rows.
        let rows = AnnAuthor::objects()
            .filter(AnnAuthor::name().ne("dee"))
            .order_by(AnnAuthor::name().desc())
            .select_related(AnnAuthor::press())
            .annotate((AnnAuthor::posts().count(), AnnAuthor::books().count()))
            .offset(1)
            .limit(2)
            .all(&db)
            .await
            .unwrap();
        let mut want: Vec<&AnnAuthor> = f.authors.iter().filter(|a| a.name != "dee").collect();
        want.sort_by(|a, b| b.name.cmp(&a.name));
        let want: Vec<(String, Option<String>, i64, i64)> = want
            .into_iter()
            .skip(1)
            .take(2)
            .map(|a| {
                let press = a
                    .press
                    .as_ref()
                    .and_then(|k| f.presses.iter().find(|p| p.id == *k.key()))
                    .map(|p| p.name.clone());
                let e = expected(&f, a);
                (a.name.clone(), press, e.posts, e.books)
            })
            .collect();
        let got: Vec<(String, Option<String>, i64, i64)> = rows
            .into_iter()
            .map(|(a, (posts, books))| {
                let press = a
                    .press
                    .as_ref()
                    .and_then(|k| k.get())
                    .map(|p: &AnnPress| p.name.clone());
                (a.name, press, posts, books)
            })
            .collect();
        assert_eq!(got, want, "on {}", db.dialect());

        // A filter across the relation select_related joins, beside an
        // annotation filter, and first().
        let first = AnnAuthor::objects()
            .annotate(AnnAuthor::books().count())
            .filter(AnnAuthor::press().name().eq("North"))
            .filter(Ann0.gt(0))
            .select_related(AnnAuthor::press())
            .first(&db)
            .await
            .unwrap()
            .map(|(a, n)| (a.name, n));
        assert_eq!(first, Some(("ann".to_string(), 2)), "on {}", db.dialect());
    })
    .await;
}

#[tokio::test]
async fn expression_annotations_equal_rust() {
    each_db("expression_annotations", |db| async move {
        let f = seed(&db).await;
        let rows = AnnPost::objects()
            .order_by(AnnPost::id().asc())
            .annotate((
                AnnPost::likes() + AnnPost::dislikes(),
                AnnPost::bonus().coalesce(0) * 10,
                AnnPost::author().name(),
                AnnPost::title().upper(),
            ))
            .filter(Ann0.gte(5))
            .order_by((Ann0.desc(), AnnPost::id().asc()))
            .all(&db)
            .await
            .unwrap();
        let got: Vec<(i64, (i32, i32, String, String))> =
            rows.into_iter().map(|(p, v)| (p.id, v)).collect();
        let mut want: Vec<(i64, (i32, i32, String, String))> = f
            .posts
            .iter()
            .filter(|p| p.likes + p.dislikes >= 5)
            .map(|p| {
                let author = f.authors.iter().find(|a| a.id == *p.author.key()).unwrap();
                (
                    p.id,
                    (
                        p.likes + p.dislikes,
                        p.bonus.unwrap_or(0) * 10,
                        author.name.clone(),
                        p.title.to_uppercase(),
                    ),
                )
            })
            .collect();
        want.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(&b.0)));
        assert_eq!(got, want, "on {}", db.dialect());
    })
    .await;
}

#[tokio::test]
async fn annotations_of_an_empty_set_and_empty_relations() {
    each_db("annotations_of_empty_sets", |db| async move {
        let _ = seed(&db).await;
        let none = AnnAuthor::objects()
            .filter(AnnAuthor::name().eq("nobody"))
            .annotate(AnnAuthor::posts().count())
            .all(&db)
            .await
            .unwrap();
        assert!(none.is_empty(), "on {}", db.dialect());
        // Deleting every post: counts are 0, sums None, for everyone.
        AnnPost::objects().delete(&db).await.unwrap();
        let rows = AnnAuthor::objects()
            .annotate((
                AnnAuthor::posts().count(),
                AnnAuthor::posts().sum(AnnPost::likes()),
                AnnAuthor::posts().max(AnnPost::bonus()),
            ))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(rows.len(), 5, "on {}", db.dialect());
        assert!(
            rows.iter().all(|(_, v)| *v == (0, None, None)),
            "{rows:?} on {}",
            db.dialect()
        );
    })
    .await;
}

#[tokio::test]
async fn annotations_keep_prefetched_relations() {
    each_db("annotations_with_prefetch", |db| async move {
        let f = seed(&db).await;
        let rows = AnnPost::objects()
            .order_by(AnnPost::id().asc())
            .annotate(AnnPost::likes() * 2)
            .prefetch_related(AnnPost::tags())
            .all(&db)
            .await
            .unwrap();
        let got: Vec<(i64, i32, Vec<i64>)> = rows
            .iter()
            .map(|(p, doubled)| {
                let mut tags: Vec<i64> = p.tags.get().unwrap().iter().map(|t| t.id).collect();
                tags.sort();
                (p.id, *doubled, tags)
            })
            .collect();
        let want: Vec<(i64, i32, Vec<i64>)> = f
            .posts
            .iter()
            .map(|p| {
                let mut tags: Vec<i64> = f
                    .post_tags
                    .iter()
                    .filter(|(post, _)| *post == p.id)
                    .map(|(_, t)| *t)
                    .collect();
                tags.sort();
                (p.id, p.likes * 2, tags)
            })
            .collect();
        assert_eq!(got, want, "on {}", db.dialect());
    })
    .await;
}

#[tokio::test]
async fn a_relation_aggregate_after_a_forward_hop_equals_rust() {
    each_db("aggregate_after_forward_hop", |db| async move {
        let f = seed(&db).await;
        // Each post with the number of books and posts of its author.
        let rows = AnnPost::objects()
            .order_by(AnnPost::id().asc())
            .annotate((
                AnnPost::author().then(AnnAuthor::books()).count(),
                AnnPost::author()
                    .then(AnnAuthor::posts())
                    .sum(AnnPost::likes()),
            ))
            .all(&db)
            .await
            .unwrap();
        let got: Vec<(i64, (i64, Option<i64>))> =
            rows.into_iter().map(|(p, v)| (p.id, v)).collect();
        let want: Vec<(i64, (i64, Option<i64>))> = f
            .posts
            .iter()
            .map(|p| {
                let author = f.authors.iter().find(|a| a.id == *p.author.key()).unwrap();
                let e = expected(&f, author);
                (p.id, (e.books, e.likes))
            })
            .collect();
        assert_eq!(got, want, "on {}", db.dialect());
    })
    .await;
}
