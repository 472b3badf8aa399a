//! `Paginator` pages (every row once, the last page partial, out-of-range
//! pages an error, an empty table one empty page) and keyset pages
//! (`after`), which must equal the paginator's for ascending, descending
//! and tied orderings.

use strata::prelude::*;
use strata::{Error, Paginator};
use strata_tests::each_db;
use strata_tests::streaming::{library, Volume, VOLUMES};

fn ids(rows: &[Volume]) -> Vec<i64> {
    rows.iter().map(|v| v.id).collect()
}

/// The orderings compared, each with the answer sorted in Rust.
fn orderings(volumes: &[Volume]) -> Vec<(&'static str, QuerySet<Volume>, Vec<i64>)> {
    let sorted = |key: &dyn Fn(&Volume, &Volume) -> std::cmp::Ordering| {
        let mut v = volumes.to_vec();
        v.sort_by(|a, b| key(a, b));
        ids(&v)
    };
    vec![
        (
            "unordered: by key",
            Volume::objects(),
            sorted(&|a, b| a.id.cmp(&b.id)),
        ),
        (
            "key desc",
            Volume::objects().order_by(Volume::id().desc()),
            sorted(&|a, b| b.id.cmp(&a.id)),
        ),
        (
            "rank asc, ties by key",
            Volume::objects().order_by(Volume::rank().asc()),
            sorted(&|a, b| (a.rank, a.id).cmp(&(b.rank, b.id))),
        ),
        (
            "rank desc, ties by key",
            Volume::objects().order_by(Volume::rank().desc()),
            sorted(&|a, b| (b.rank, a.id).cmp(&(a.rank, b.id))),
        ),
        (
            "rank desc, title asc",
            Volume::objects().order_by([Volume::rank().desc(), Volume::title().asc()]),
            sorted(&|a, b| (b.rank, &a.title).cmp(&(a.rank, &b.title))),
        ),
        (
            "filtered, title desc",
            Volume::objects()
                .filter(Volume::rank().lt(3))
                .order_by(Volume::title().desc()),
            {
                let mut v: Vec<Volume> = volumes.iter().filter(|v| v.rank < 3).cloned().collect();
                v.sort_by(|a, b| b.title.cmp(&a.title));
                ids(&v)
            },
        ),
    ]
}

#[tokio::test]
async fn paginator_pages_cover_every_row_once_in_order() {
    each_db("paginator_cover", |db| async move {
        let lib = library(&db).await;
        for (name, qs, expected) in orderings(&lib.volumes) {
            for per_page in [1u64, 3, 7, 8, 40, 41] {
                let pages = Paginator::new(qs.clone(), per_page).unwrap();
                let num_pages = pages.num_pages(&db).await.unwrap();
                let total = expected.len() as u64;
                assert_eq!(num_pages, total.div_ceil(per_page).max(1), "{name}");
                let mut seen = Vec::new();
                for n in 1..=num_pages {
                    let page = pages.page(&db, n).await.unwrap();
                    assert_eq!(page.number(), n);
                    assert_eq!(page.total(), total);
                    assert_eq!(page.num_pages(), num_pages);
                    assert_eq!(page.has_previous(), n > 1);
                    assert_eq!(page.has_next(), n < num_pages);
                    assert_eq!(page.next_page_number(), (n < num_pages).then(|| n + 1));
                    assert_eq!(page.previous_page_number(), (n > 1).then(|| n - 1));
                    let len = page.items().len() as u64;
                    if n < num_pages {
                        assert_eq!(len, per_page, "{name}: full page {n}");
                    } else {
                        assert_eq!(len, total - per_page * (num_pages - 1), "{name}: last page");
                    }
                    assert_eq!(page.start_index(), (n - 1) * per_page + 1);
                    assert_eq!(page.end_index(), (n - 1) * per_page + len);
                    seen.extend(ids(page.items()));
                }
                assert_eq!(seen, expected, "{name}, {per_page} per page");
            }
        }
    })
    .await;
}

#[tokio::test]
async fn pages_out_of_range_are_an_error_and_an_empty_table_has_one_page() {
    each_db("paginator_range", |db| async move {
        library(&db).await;
        let pages = Paginator::new(Volume::objects(), 7).unwrap();
        for bad in [0, 7, 100] {
            let err = pages.page(&db, bad).await.unwrap_err();
            assert!(
                matches!(err, Error::PageOutOfRange { model: "Volume", page, num_pages: 6 } if page == bad),
                "{err:?}"
            );
        }
        assert_eq!(pages.page(&db, 6).await.unwrap().items().len(), 5);

        let empty = Paginator::new(Volume::objects().filter(Volume::rank().gt(99)), 7).unwrap();
        assert_eq!(empty.count(&db).await.unwrap(), 0);
        assert_eq!(empty.num_pages(&db).await.unwrap(), 1);
        let page = empty.page(&db, 1).await.unwrap();
        assert!(page.items().is_empty());
        assert!(!page.has_next() && !page.has_previous());
        assert_eq!((page.start_index(), page.end_index()), (0, 0));
        let err = empty.page(&db, 2).await.unwrap_err();
        assert!(matches!(err, Error::PageOutOfRange { page: 2, num_pages: 1, .. }), "{err:?}");
    })
    .await;
}

#[tokio::test]
async fn a_paginator_runs_in_a_transaction() {
    each_db("paginator_tx", |db| async move {
        let lib = library(&db).await;
        let mut tx = db.begin().await.unwrap();
        Volume::objects()
            .filter(Volume::id().eq(lib.volumes[0].id))
            .delete(&mut tx)
            .await
            .unwrap();
        let pages = Paginator::new(Volume::objects(), 10).unwrap();
        let last = pages.page(&mut tx, 4).await.unwrap();
        assert_eq!(last.total(), VOLUMES as u64 - 1);
        assert_eq!(last.items().len(), 9);
        tx.rollback().await.unwrap();
        assert_eq!(pages.page(&db, 4).await.unwrap().items().len(), 10);
    })
    .await;
}

#[test]
fn a_paginator_refuses_empty_pages_and_sliced_querysets() {
    let err = Paginator::new(Volume::objects(), 0).unwrap_err();
    assert!(matches!(err, Error::InvalidQuery { .. }), "{err:?}");
    let err = Paginator::new(Volume::objects().limit(3), 2).unwrap_err();
    assert!(matches!(err, Error::InvalidQuery { ref reason, .. } if reason.contains("limit()")));
}

#[tokio::test]
async fn keyset_pages_equal_offset_pages() {
    each_db("keyset_pages", |db| async move {
        let lib = library(&db).await;
        for (name, qs, expected) in orderings(&lib.volumes) {
            for per_page in [1u64, 4, 7, 40] {
                let pages = Paginator::new(qs.clone(), per_page).unwrap();
                let mut walked: Vec<Volume> = Vec::new();
                let mut n = 1;
                loop {
                    let next = match walked.last() {
                        None => qs.clone().with_pk_tiebreak(),
                        Some(last) => qs.clone().after(last).unwrap(),
                    };
                    let page = next.limit(per_page).all(&db).await.unwrap();
                    if page.is_empty() {
                        break;
                    }
                    let offset_page = pages.page(&db, n).await.unwrap();
                    assert_eq!(ids(&page), ids(offset_page.items()), "{name}: page {n}");
                    walked.extend(page);
                    n += 1;
                }
                assert_eq!(ids(&walked), expected, "{name}, {per_page} per page");
            }
        }
    })
    .await;
}

#[tokio::test]
async fn keyset_after_the_last_row_is_empty_and_inside_a_transaction_sees_its_rows() {
    each_db("keyset_edges", |db| async move {
        let lib = library(&db).await;
        let qs = Volume::objects().order_by(Volume::rank().desc());
        let all = qs.all(&db).await.unwrap();
        let last = all.last().unwrap();
        assert!(qs
            .clone()
            .after(last)
            .unwrap()
            .all(&db)
            .await
            .unwrap()
            .is_empty());
        let mut tx = db.begin().await.unwrap();
        let mut low = Volume {
            id: 0,
            shelf: ForeignKey::from(&lib.shelves[1]),
            title: "lowest".into(),
            rank: -1,
            note: None,
        };
        low.insert(&mut tx).await.unwrap();
        let after = qs.clone().after(last).unwrap().all(&mut tx).await.unwrap();
        assert_eq!(ids(&after), vec![low.id]);
        tx.rollback().await.unwrap();
    })
    .await;
}

#[test]
fn keyset_refuses_orderings_it_cannot_compare() {
    let row = Volume {
        id: 1,
        shelf: ForeignKey::from_key(1),
        title: "x".into(),
        rank: 1,
        note: None,
    };
    let refused = [
        (
            Volume::objects().order_by(Volume::note().asc()),
            "nullable field Volume.note",
        ),
        (
            Volume::objects().order_by(Volume::shelf().name().asc()),
            "`name` of a related model",
        ),
        (
            Volume::objects().order_by((Volume::rank() + 1).desc()),
            "an expression",
        ),
    ];
    for (qs, needle) in refused {
        let err = qs.after(&row).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidQuery { reason, .. } if reason.contains(needle)),
            "{needle}: {err:?}"
        );
    }
}
