//! Window annotations against every database, compared with the same
//! rankings, neighbours and running sums computed in Rust: per partition,
//! in order, with ties, NULLs, a filtered set and an empty one.

use strata::prelude::*;
use strata::query::aggregate::{Avg, Count, Max, Sum};
use strata::query::window::{DenseRank, Lag, Lead, Rank, RowNumber, Window};
use strata_tests::annotated::{seed, AnnPost};
use strata_tests::each_db;

/// The posts grouped by author, each group ordered by `likes` descending
/// then `id`, as the windows below order them.
fn partitions(posts: &[&AnnPost]) -> Vec<Vec<AnnPost>> {
    let mut authors: Vec<i64> = posts.iter().map(|p| *p.author.key()).collect();
    authors.sort();
    authors.dedup();
    authors
        .into_iter()
        .map(|a| {
            let mut group: Vec<AnnPost> = posts
                .iter()
                .filter(|p| *p.author.key() == a)
                .map(|p| (*p).clone())
                .collect();
            group.sort_by(|x, y| y.likes.cmp(&x.likes).then(x.id.cmp(&y.id)));
            group
        })
        .collect()
}

type Ranks = (i64, i64, i64, Option<i32>, i32, Option<i64>, i64);

/// Per post id: row number, rank, dense rank, the previous post's likes,
/// the next post's likes (0 past the end), the running sum of likes and
/// the running count, within its author's posts.
fn expected(posts: &[&AnnPost]) -> Vec<(i64, Ranks)> {
    let mut out = Vec::new();
    for group in partitions(posts) {
        let mut running = 0i64;
        let mut dense = 0i64;
        for (i, p) in group.iter().enumerate() {
            let peers_before = group.iter().filter(|q| q.likes > p.likes).count() as i64;
            if i == 0 || group[i - 1].likes != p.likes {
                dense += 1;
            }
            // The default frame (RANGE .. CURRENT ROW) includes the peers.
            let upto: Vec<&AnnPost> = group.iter().filter(|q| q.likes >= p.likes).collect();
            running = upto
                .iter()
                .map(|q| i64::from(q.likes))
                .sum::<i64>()
                .max(running);
            out.push((
                p.id,
                (
                    i as i64 + 1,
                    peers_before + 1,
                    dense,
                    i.checked_sub(1).map(|j| group[j].likes),
                    group.get(i + 1).map_or(0, |q| q.likes),
                    Some(running),
                    upto.len() as i64,
                ),
            ));
        }
    }
    out.sort_by_key(|(id, _)| *id);
    out
}

/// Which fixture rows a queryset keeps.
type Keep = fn(&AnnPost) -> bool;

/// The six windows of the first test.
type Six = (i64, i64, i64, Option<i32>, i32, Option<i64>);

/// Count, max bonus, average likes, row number, running count, bonus two back.
type Aggregates = (i64, Option<i32>, Option<f64>, i64, i64, Option<i32>);

#[tokio::test]
async fn windows_equal_the_same_computation_in_rust() {
    each_db("windows_equal_rust", |db| async move {
        let f = seed(&db).await;
        let window = |qs: QuerySet<AnnPost>| {
            qs.annotate((
                Window::new(RowNumber)
                    .partition_by(AnnPost::author().id())
                    .order_by([AnnPost::likes().desc(), AnnPost::id().asc()]),
                Window::new(Rank)
                    .partition_by(AnnPost::author().id())
                    .order_by(AnnPost::likes().desc()),
                Window::new(DenseRank)
                    .partition_by(AnnPost::author().id())
                    .order_by(AnnPost::likes().desc()),
                Window::new(Lag(AnnPost::likes(), 1))
                    .partition_by(AnnPost::author().id())
                    .order_by([AnnPost::likes().desc(), AnnPost::id().asc()]),
                Window::new(Lead(AnnPost::likes(), 1).default(0))
                    .partition_by(AnnPost::author().id())
                    .order_by([AnnPost::likes().desc(), AnnPost::id().asc()]),
                Window::new(Sum(AnnPost::likes()))
                    .partition_by(AnnPost::author().id())
                    .order_by(AnnPost::likes().desc()),
            ))
            .order_by(AnnPost::id().asc())
        };
        // Every post, then a filtered set: windows see the filtered rows.
        let cases: [(QuerySet<AnnPost>, Keep); 3] = [
            (AnnPost::objects(), |_| true),
            (AnnPost::objects().filter(AnnPost::likes().gt(3)), |p| {
                p.likes > 3
            }),
            (AnnPost::objects().filter(AnnPost::likes().gt(100)), |_| {
                false
            }),
        ];
        for (qs, keep) in cases {
            let rows = window(qs).all(&db).await.unwrap();
            let kept: Vec<&AnnPost> = f.posts.iter().filter(|p| keep(p)).collect();
            let got: Vec<(i64, Six)> = rows.into_iter().map(|(p, v)| (p.id, v)).collect();
            let want: Vec<(i64, Six)> = expected(&kept)
                .into_iter()
                .map(|(id, (a, b, c, d, e, g, _))| (id, (a, b, c, d, e, g)))
                .collect();
            assert_eq!(got, want, "on {}", db.dialect());
        }
    })
    .await;
}

#[tokio::test]
async fn windowed_aggregates_and_ordering_by_a_window() {
    each_db("windowed_aggregates", |db| async move {
        let f = seed(&db).await;
        // A window over the whole set (no partition), aggregates without
        // an order (the whole partition), and ordering by a window.
        let rows = AnnPost::objects()
            .annotate((
                Window::new(Count::all()).partition_by(AnnPost::author().id()),
                Window::new(Max(AnnPost::bonus())).partition_by(AnnPost::author().id()),
                Window::new(Avg(AnnPost::likes())).partition_by(AnnPost::author().id()),
                Window::new(RowNumber).order_by([AnnPost::likes().asc(), AnnPost::id().desc()]),
                Window::new(Count::all())
                    .partition_by(AnnPost::author().id())
                    .order_by(AnnPost::likes().desc()),
                // A nullable value with a default: the default only past
                // the edge, a NULL of the row two back stays NULL.
                Window::new(Lag(AnnPost::bonus(), 2).default(-9))
                    .partition_by(AnnPost::author().id())
                    .order_by([AnnPost::likes().asc(), AnnPost::id().desc()]),
            ))
            .order_by(Ann3.desc())
            .limit(5)
            .all(&db)
            .await
            .unwrap();
        let mut all: Vec<&AnnPost> = f.posts.iter().collect();
        all.sort_by(|a, b| a.likes.cmp(&b.likes).then(b.id.cmp(&a.id)));
        let numbered: Vec<(i64, i64)> = all
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id, i as i64 + 1))
            .collect();
        let running = expected(&f.posts.iter().collect::<Vec<_>>());
        let mut want = Vec::new();
        for (id, number) in numbered.iter().rev().take(5) {
            let post = f.posts.iter().find(|p| p.id == *id).unwrap();
            let group: Vec<&AnnPost> = f
                .posts
                .iter()
                .filter(|p| p.author.key() == post.author.key())
                .collect();
            let likes: Vec<f64> = group.iter().map(|p| f64::from(p.likes)).collect();
            let mut ordered = group.clone();
            ordered.sort_by(|a, b| a.likes.cmp(&b.likes).then(b.id.cmp(&a.id)));
            let at = ordered.iter().position(|p| p.id == *id).unwrap();
            let two_back = at.checked_sub(2).map_or(Some(-9), |j| ordered[j].bonus);
            want.push((
                *id,
                (
                    group.len() as i64,
                    group.iter().filter_map(|p| p.bonus).max(),
                    Some(likes.iter().sum::<f64>() / likes.len() as f64),
                    *number,
                    running.iter().find(|(i, _)| i == id).unwrap().1 .6,
                    two_back,
                ),
            ));
        }
        let got: Vec<(i64, Aggregates)> = rows.into_iter().map(|(p, v)| (p.id, v)).collect();
        assert_eq!(got, want, "on {}", db.dialect());
    })
    .await;
}

#[tokio::test]
async fn a_distinct_windowed_aggregate_is_a_clear_error() {
    each_db("distinct_window_error", |db| async move {
        let _ = seed(&db).await;
        let err = AnnPost::objects()
            .annotate(Window::new(Count(AnnPost::likes()).distinct()))
            .all(&db)
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("distinct aggregate over a window"),
            "{err} on {}",
            db.dialect()
        );
    })
    .await;
}

#[tokio::test]
async fn a_filtered_running_sum_equals_rust() {
    each_db("filtered_running_sum", |db| async move {
        let f = seed(&db).await;
        let rows = AnnPost::objects()
            .annotate(
                Window::new(Sum(AnnPost::likes()).filter(AnnPost::bonus().is_null(false)))
                    .partition_by(AnnPost::author().id())
                    .order_by(AnnPost::id().asc()),
            )
            .order_by(AnnPost::id().asc())
            .all(&db)
            .await
            .unwrap();
        let got: Vec<(i64, Option<i64>)> = rows.into_iter().map(|(p, s)| (p.id, s)).collect();
        let want: Vec<(i64, Option<i64>)> = f
            .posts
            .iter()
            .map(|p| {
                let upto: Vec<i64> = f
                    .posts
                    .iter()
                    .filter(|q| q.author.key() == p.author.key() && q.id <= p.id)
                    .filter(|q| q.bonus.is_some())
                    .map(|q| i64::from(q.likes))
                    .collect();
                (p.id, (!upto.is_empty()).then(|| upto.iter().sum()))
            })
            .collect();
        assert_eq!(got, want, "on {}", db.dialect());
    })
    .await;
}
