//! The annotated queryset beyond `all()`, on every database against the
//! same question answered in Rust over the fixture: `annotate()` chained
//! (positions continue, earlier filters stay), `count()` / `exists()`,
//! `values()` / `values_list()` of annotations, annotation filters read
//! from a derived table beside `select_related`, orderings across a
//! relation and slices, and `values(..).annotate(..)` filtered in
//! `HAVING` and ordered by its aggregates.

use strata::prelude::*;
use strata::query::aggregate::{Count, Sum};
use strata_tests::annotated::{seed, AnnAuthor, AnnBook, AnnPost, AnnPress};
use strata_tests::each_db;

/// `(name, posts, books, likes)` of each author, in id order.
fn facts(f: &strata_tests::annotated::Annotated) -> Vec<(String, i64, i64, Option<i64>)> {
    f.authors
        .iter()
        .map(|a| {
            let posts = f.posts_of(a);
            let likes = (!posts.is_empty()).then(|| posts.iter().map(|p| i64::from(p.likes)).sum());
            (
                a.name.clone(),
                posts.len() as i64,
                f.books_of(a).len() as i64,
                likes,
            )
        })
        .collect()
}

#[tokio::test]
async fn chained_annotations_continue_positions_and_keep_earlier_filters() {
    each_db("chained_annotations", |db| async move {
        let f = seed(&db).await;
        let rows = AnnAuthor::objects()
            .annotate(AnnAuthor::posts().count())
            .filter(Ann0.gte(1))
            .annotate((
                AnnAuthor::books().count(),
                AnnAuthor::posts().sum(AnnPost::likes()),
            ))
            .filter(Ann1.lte(2))
            .order_by((Ann2.desc(), AnnAuthor::name().asc()))
            .all(&db)
            .await
            .unwrap();
        let got: Vec<(String, i64, i64, Option<i64>)> = rows
            .into_iter()
            .map(|(a, (posts, books, likes))| (a.name, posts, books, likes))
            .collect();
        let mut want: Vec<_> = facts(&f)
            .into_iter()
            .filter(|(_, posts, books, _)| *posts >= 1 && *books <= 2)
            .collect();
        want.sort_by(|a, b| b.3.cmp(&a.3).then(a.0.cmp(&b.0)));
        assert_eq!(got, want, "on {}", db.dialect());
        assert!(!got.is_empty(), "the fixture keeps some authors");
    })
    .await;
}

#[tokio::test]
async fn count_and_exists_of_annotated_querysets_equal_rust() {
    each_db("annotated_count_exists", |db| async move {
        let f = seed(&db).await;
        let all = facts(&f);
        let base = || {
            AnnAuthor::objects().annotate((
                AnnAuthor::posts().count(),
                AnnAuthor::posts().sum(AnnPost::likes()),
            ))
        };
        type Keep = fn(&(String, i64, i64, Option<i64>)) -> bool;
        let cases: Vec<(strata::query::Annotated<AnnAuthor, _>, Keep)> = vec![
            (base(), |_| true),
            (base().filter(Ann0.gt(1)), |e| e.1 > 1),
            (base().filter(Ann1.is_null(true)), |e| e.3.is_none()),
            (base().filter(Ann1.ne(5)), |e| e.3 != Some(5)),
            (
                base()
                    .filter(AnnAuthor::name().ne("ann"))
                    .filter(Ann0.gte(1)),
                |e| e.0 != "ann" && e.1 >= 1,
            ),
            (base().filter(Ann0.gt(100)), |_| false),
        ];
        for (qs, keep) in cases {
            let want = all.iter().filter(|e| keep(e)).count() as u64;
            assert_eq!(
                qs.count(&db).await.unwrap(),
                want,
                "{qs:?} on {}",
                db.dialect()
            );
            assert_eq!(
                qs.exists(&db).await.unwrap(),
                want > 0,
                "{qs:?} on {}",
                db.dialect()
            );
            // A slice counts the rows it keeps.
            let sliced = qs.clone().offset(1).limit(2);
            let want_sliced = want.saturating_sub(1).min(2);
            assert_eq!(
                sliced.count(&db).await.unwrap(),
                want_sliced,
                "on {}",
                db.dialect()
            );
            assert_eq!(
                sliced.exists(&db).await.unwrap(),
                want_sliced > 0,
                "on {}",
                db.dialect()
            );
            assert_eq!(
                qs.all(&db).await.unwrap().len() as u64,
                want,
                "all() and count() agree on {}",
                db.dialect()
            );
        }
    })
    .await;
}

#[tokio::test]
async fn values_of_annotations_equal_rust() {
    each_db("values_of_annotations", |db| async move {
        let f = seed(&db).await;
        let all = facts(&f);
        let rows: Vec<(String, i64, Option<i64>)> = AnnAuthor::objects()
            .annotate((
                AnnAuthor::posts().count(),
                AnnAuthor::posts().sum(AnnPost::likes()),
                AnnAuthor::name().upper(),
            ))
            .filter(Ann0.gte(1))
            .order_by((Ann1.desc(), AnnAuthor::id().asc()))
            .values((Ann2, Ann0, Ann1))
            .all(&db)
            .await
            .unwrap();
        let mut want: Vec<(String, i64, Option<i64>)> = all
            .iter()
            .filter(|e| e.1 >= 1)
            .map(|e| (e.0.to_uppercase(), e.1, e.3))
            .collect();
        want.sort_by_key(|e| std::cmp::Reverse(e.2));
        assert_eq!(rows, want, "on {}", db.dialect());

        let counts: Vec<i64> = AnnAuthor::objects()
            .annotate(AnnAuthor::books().count())
            .order_by(AnnAuthor::id().asc())
            .values_list(Ann0)
            .all(&db)
            .await
            .unwrap();
        let want: Vec<i64> = all.iter().map(|e| e.2).collect();
        assert_eq!(counts, want, "on {}", db.dialect());

        // Grouped by an annotation: how many authors have each number of
        // books.
        let per_count: Vec<(i64, i64)> = AnnAuthor::objects()
            .annotate(AnnAuthor::books().count())
            .values(Ann0)
            .annotate(Count::all())
            .order_by(Ann0.asc())
            .all(&db)
            .await
            .unwrap();
        let mut want: Vec<(i64, i64)> = Vec::new();
        for e in &all {
            match want.iter_mut().find(|(books, _)| *books == e.2) {
                Some(entry) => entry.1 += 1,
                None => want.push((e.2, 1)),
            }
        }
        want.sort();
        let mut got = per_count;
        got.sort();
        assert_eq!(got, want, "on {}", db.dialect());
    })
    .await;
}

#[tokio::test]
async fn named_annotation_filters_keep_select_related_orderings_and_slices() {
    each_db("named_annotation_filters", |db| async move {
        let f = seed(&db).await;
        // Posts with their author loaded, the net likes annotated and
        // tested, ordered across the relation and by an expression,
        // sliced.
        let rows = AnnPost::objects()
            .select_related(AnnPost::author())
            .annotate((
                AnnPost::likes() - AnnPost::dislikes(),
                AnnPost::tags().count(),
            ))
            .filter(Ann0.gte(0))
            .filter(AnnPost::title().ne("zzz"))
            .order_by((
                AnnPost::author().name().desc(),
                (AnnPost::likes() * 2).desc(),
                AnnPost::id().asc(),
            ))
            .offset(1)
            .limit(4)
            .all(&db)
            .await
            .unwrap();
        let got: Vec<(i64, String, i32, i64)> = rows
            .iter()
            .map(|(p, (net, tags))| {
                let author: &AnnAuthor = p.author.get().expect("select_related loads it");
                (p.id, author.name.clone(), *net, *tags)
            })
            .collect();
        let author_of = |p: &AnnPost| f.authors.iter().find(|a| a.id == *p.author.key()).unwrap();
        let mut want: Vec<(i64, String, i32, i64, i32)> = f
            .posts
            .iter()
            .filter(|p| p.likes - p.dislikes >= 0 && p.title != "zzz")
            .map(|p| {
                let tags = f.post_tags.iter().filter(|(post, _)| *post == p.id).count() as i64;
                (
                    p.id,
                    author_of(p).name.clone(),
                    p.likes - p.dislikes,
                    tags,
                    p.likes,
                )
            })
            .collect();
        want.sort_by(|a, b| b.1.cmp(&a.1).then(b.4.cmp(&a.4)).then(a.0.cmp(&b.0)));
        let want: Vec<(i64, String, i32, i64)> = want
            .into_iter()
            .skip(1)
            .take(4)
            .map(|(id, name, net, tags, _)| (id, name, net, tags))
            .collect();
        assert_eq!(got, want, "on {}", db.dialect());

        // An optional relation loaded beside a tested annotation: authors
        // without a press keep `None`.
        let rows = AnnAuthor::objects()
            .select_related(AnnAuthor::press())
            .annotate(AnnAuthor::books().sum(AnnBook::pages()))
            .filter(Ann0.is_null(false))
            .order_by(AnnAuthor::press().name().asc())
            .all(&db)
            .await
            .unwrap();
        let mut got: Vec<(String, Option<String>, Option<i64>)> = rows
            .into_iter()
            .map(|(a, pages)| {
                let press = a
                    .press
                    .as_ref()
                    .and_then(|k| k.get())
                    .map(|p: &AnnPress| p.name.clone());
                (a.name, press, pages)
            })
            .collect();
        got.sort();
        let mut want: Vec<(String, Option<String>, Option<i64>)> = f
            .authors
            .iter()
            .filter(|a| !f.books_of(a).is_empty())
            .map(|a| {
                let press = a
                    .press
                    .as_ref()
                    .and_then(|k| f.presses.iter().find(|p| p.id == *k.key()))
                    .map(|p| p.name.clone());
                let pages = f.books_of(a).iter().map(|b| i64::from(b.pages)).sum();
                (a.name.clone(), press, Some(pages))
            })
            .collect();
        want.sort();
        assert_eq!(got, want, "on {}", db.dialect());
    })
    .await;
}

#[tokio::test]
async fn grouped_values_filter_in_having_and_order_by_aggregates() {
    each_db("grouped_values_having", |db| async move {
        let f = seed(&db).await;
        // Per author: posts and likes, for authors with more than one
        // post, most likes first.
        let rows: Vec<(i64, i64, Option<i64>)> = AnnPost::objects()
            .values(AnnPost::author().id())
            .annotate((Count::all(), Sum(AnnPost::likes())))
            .filter(Ann0.gt(1))
            .order_by((Ann1.desc(), AnnPost::author().id().asc()))
            .all(&db)
            .await
            .unwrap();
        let mut want: Vec<(i64, i64, Option<i64>)> = f
            .authors
            .iter()
            .map(|a| {
                let posts = f.posts_of(a);
                let likes = posts.iter().map(|p| i64::from(p.likes)).sum();
                (a.id, posts.len() as i64, Some(likes))
            })
            .filter(|(_, n, _)| *n > 1)
            .collect();
        want.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
        assert_eq!(rows, want, "on {}", db.dialect());
        assert!(
            !rows.is_empty(),
            "the fixture has an author with several posts"
        );

        // `ne` in HAVING, a WHERE filter before grouping, ascending count.
        let rows: Vec<(i64, i64)> = AnnPost::objects()
            .values(AnnPost::author().id())
            .annotate(Count::all())
            .filter(AnnPost::likes().gt(0))
            .filter(Ann0.ne(1))
            .order_by((Ann0.asc(), AnnPost::author().id().desc()))
            .all(&db)
            .await
            .unwrap();
        let mut want: Vec<(i64, i64)> = f
            .authors
            .iter()
            .map(|a| {
                let n = f.posts_of(a).iter().filter(|p| p.likes > 0).count() as i64;
                (a.id, n)
            })
            .filter(|(_, n)| *n > 0 && *n != 1)
            .collect();
        want.sort_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)));
        assert_eq!(rows, want, "on {}", db.dialect());
    })
    .await;
}

#[tokio::test]
async fn a_window_beside_a_tested_annotation_sees_only_the_kept_rows() {
    use strata::query::window::{RowNumber, Window};
    each_db("window_beside_tested_annotation", |db| async move {
        let f = seed(&db).await;
        let rows = AnnPost::objects()
            .annotate((
                AnnPost::tags().count(),
                Window::new(RowNumber).order_by(AnnPost::id().asc()),
            ))
            .filter(Ann0.gt(0))
            .order_by(AnnPost::id().asc())
            .all(&db)
            .await
            .unwrap();
        let got: Vec<(i64, i64, i64)> = rows.into_iter().map(|(p, (t, n))| (p.id, t, n)).collect();
        let mut kept: Vec<(i64, i64)> = f
            .posts
            .iter()
            .map(|p| {
                let tags = f.post_tags.iter().filter(|(post, _)| *post == p.id).count() as i64;
                (p.id, tags)
            })
            .filter(|(_, tags)| *tags > 0)
            .collect();
        kept.sort();
        let want: Vec<(i64, i64, i64)> = kept
            .into_iter()
            .enumerate()
            .map(|(i, (id, tags))| (id, tags, i as i64 + 1))
            .collect();
        assert_eq!(got, want, "on {}", db.dialect());
    })
    .await;
}

#[tokio::test]
async fn values_ordered_by_a_window_annotation_is_a_clear_error() {
    use strata::query::window::{RowNumber, Window};
    each_db("values_ordered_by_window", |db| async move {
        let _ = seed(&db).await;
        let err = AnnPost::objects()
            .annotate(Window::new(RowNumber).order_by(AnnPost::id().asc()))
            .order_by(Ann0.desc())
            .values(AnnPost::id())
            .all(&db)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, strata::Error::InvalidQuery { reason, .. } if reason.contains("window")),
            "{err} on {}",
            db.dialect()
        );
    })
    .await;
}
