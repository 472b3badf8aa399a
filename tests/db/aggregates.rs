//! Aggregates against every database, compared with the same sums,
//! counts and averages computed in Rust over the fixture: empty sets,
//! NULLs, integer and float averages, conditional aggregation.

use rust_decimal::Decimal;
use strata::prelude::*;
use strata::query::aggregate::{Avg, Count, Max, Min, Sum};
use strata_tests::each_db;
use strata_tests::expressions::{critics, reviews, Critic, Review};
use strata_tests::ledger::{ledger, Ledger};

async fn seeded(db: &Db) -> (Vec<Critic>, Vec<Review>) {
    db.create_tables(&[Critic::META, Review::META])
        .await
        .unwrap();
    let mut cs = critics();
    for c in &mut cs {
        c.insert(db).await.unwrap();
    }
    let mut rs = reviews(&cs);
    for r in &mut rs {
        r.insert(db).await.unwrap();
    }
    (cs, rs)
}

/// Which fixture rows a queryset keeps.
type Keep = fn(&Review) -> bool;

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * a.abs().max(1.0),
        (None, None) => true,
        _ => false,
    }
}

fn avg(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

#[tokio::test]
async fn aggregates_equal_the_same_computation_in_rust() {
    each_db("aggregates_equal_rust", |db| async move {
        let (_, rs) = seeded(&db).await;
        let querysets: [(QuerySet<Review>, Keep); 3] = [
            (Review::objects(), |_| true),
            (Review::objects().filter(Review::likes().gt(0)), |r| {
                r.likes > 0
            }),
            (Review::objects().filter(Review::likes().gt(100)), |_| false),
        ];
        // Twice: the second round's statements come from the cache.
        for (qs, keep) in querysets.iter().chain(querysets.iter()) {
            let rows: Vec<&Review> = rs.iter().filter(|r| keep(r)).collect();
            let got = qs
                .aggregate(
                    &db,
                    (
                        Count::all(),
                        Count(Review::bonus()),
                        Count(Review::dislikes()).distinct(),
                        Sum(Review::likes()),
                        Sum(Review::bonus()),
                        Min(Review::title()),
                        Max(Review::nick()),
                        Min(Review::bonus()),
                    ),
                )
                .await
                .unwrap();
            let mut distinct: Vec<i32> = rows.iter().map(|r| r.dislikes).collect();
            distinct.sort();
            distinct.dedup();
            let bonuses: Vec<i32> = rows.iter().filter_map(|r| r.bonus).collect();
            let want = (
                rows.len() as i64,
                bonuses.len() as i64,
                distinct.len() as i64,
                (!rows.is_empty()).then(|| rows.iter().map(|r| i64::from(r.likes)).sum::<i64>()),
                (!bonuses.is_empty()).then(|| bonuses.iter().map(|&b| i64::from(b)).sum::<i64>()),
                rows.iter().map(|r| r.title.clone()).min(),
                rows.iter().filter_map(|r| r.nick.clone()).max(),
                bonuses.iter().copied().min(),
            );
            assert_eq!(got, want, "on {}", db.dialect());

            let (int_avg, float_avg, float_sum, bonus_avg) = qs
                .aggregate(
                    &db,
                    (
                        Avg(Review::likes()),
                        Avg(Review::ratio()),
                        Sum(Review::ratio()),
                        Avg(Review::bonus()),
                    ),
                )
                .await
                .unwrap();
            let likes: Vec<f64> = rows.iter().map(|r| f64::from(r.likes)).collect();
            let ratios: Vec<f64> = rows.iter().map(|r| r.ratio).collect();
            let bonus: Vec<f64> = bonuses.iter().map(|&b| f64::from(b)).collect();
            // Integer averages are exact divisions of exact sums.
            assert_eq!(int_avg, avg(&likes), "on {}", db.dialect());
            assert!(
                close(float_avg, avg(&ratios)),
                "{float_avg:?} on {}",
                db.dialect()
            );
            let want_sum = (!ratios.is_empty()).then(|| ratios.iter().sum::<f64>());
            assert!(
                close(float_sum, want_sum),
                "{float_sum:?} on {}",
                db.dialect()
            );
            assert_eq!(bonus_avg, avg(&bonus), "on {}", db.dialect());
        }
    })
    .await;
}

#[tokio::test]
async fn an_integer_average_is_not_rounded() {
    each_db("integer_average", |db| async move {
        seeded(&db).await;
        let (mean,) = Review::objects()
            .filter(Review::likes().is_in([0, 1, 3]))
            .aggregate(&db, (Avg(Review::likes()),))
            .await
            .unwrap();
        // (3 + 0 + 1) / 3 = 1.333..., which MySQL's own AVG gives as 1.3333.
        assert_eq!(mean, Some(4.0 / 3.0), "on {}", db.dialect());
    })
    .await;
}

#[tokio::test]
async fn conditional_aggregation_counts_only_the_matching_rows() {
    each_db("conditional_aggregation", |db| async move {
        let (cs, rs) = seeded(&db).await;
        let bob = cs.iter().find(|c| c.name == "bob").unwrap().id;
        let got = Review::objects()
            .aggregate(
                &db,
                (
                    Count::all().filter(Review::likes().gt(Review::dislikes())),
                    Sum(Review::likes()).filter(Review::critic().name().eq("bob")),
                    Count(Review::nick())
                        .filter(Review::likes().gt(0))
                        .filter(Review::likes().lt(10)),
                    Avg(Review::ratio()).filter(Review::nick().is_null(true)),
                    Max(Review::likes()).filter(Review::likes().gt(1000)),
                    Count(Review::likes())
                        .distinct()
                        .filter(Review::bonus().is_null(false)),
                ),
            )
            .await
            .unwrap();
        let mut distinct: Vec<i32> = rs
            .iter()
            .filter(|r| r.bonus.is_some())
            .map(|r| r.likes)
            .collect();
        distinct.sort();
        distinct.dedup();
        let no_nick: Vec<f64> = rs
            .iter()
            .filter(|r| r.nick.is_none())
            .map(|r| r.ratio)
            .collect();
        assert_eq!(
            got.0,
            rs.iter().filter(|r| r.likes > r.dislikes).count() as i64
        );
        assert_eq!(
            got.1,
            Some(
                rs.iter()
                    .filter(|r| *r.critic.key() == bob)
                    .map(|r| i64::from(r.likes))
                    .sum()
            )
        );
        assert_eq!(
            got.2,
            rs.iter()
                .filter(|r| r.likes > 0 && r.likes < 10 && r.nick.is_some())
                .count() as i64
        );
        assert!(
            close(got.3, avg(&no_nick)),
            "{:?} on {}",
            got.3,
            db.dialect()
        );
        assert_eq!(got.4, None);
        assert_eq!(got.5, distinct.len() as i64);
    })
    .await;
}

#[tokio::test]
async fn aggregates_read_related_fields_through_a_join() {
    each_db("aggregate_related_field", |db| async move {
        let (cs, rs) = seeded(&db).await;
        let karma = |r: &Review| cs.iter().find(|c| c.id == *r.critic.key()).unwrap().karma;
        let got = Review::objects()
            .filter(Review::critic().karma().gt(0))
            .aggregate(
                &db,
                (
                    Sum(Review::critic().karma()),
                    Max(Review::likes() - Review::critic().karma()),
                ),
            )
            .await
            .unwrap();
        let rows: Vec<&Review> = rs.iter().filter(|r| karma(r) > 0).collect();
        assert_eq!(got.0, Some(rows.iter().map(|r| i64::from(karma(r))).sum()));
        assert_eq!(got.1, rows.iter().map(|r| r.likes - karma(r)).max());
    })
    .await;
}

#[tokio::test]
async fn aggregates_over_a_slice_or_distinct_run_over_those_rows() {
    each_db("aggregate_slice", |db| async move {
        let (_, rs) = seeded(&db).await;
        let (n, total) = Review::objects()
            .order_by(Review::likes().desc())
            .limit(3)
            .aggregate(&db, (Count::all(), Sum(Review::likes())))
            .await
            .unwrap();
        let mut likes: Vec<i64> = rs.iter().map(|r| i64::from(r.likes)).collect();
        likes.sort_by(|a, b| b.cmp(a));
        assert_eq!((n, total), (3, Some(likes[..3].iter().sum())));
        let err = Review::objects()
            .limit(3)
            .aggregate(&db, (Sum(Review::critic().karma()),))
            .await
            .unwrap_err();
        assert!(matches!(err, strata::Error::InvalidQuery { .. }), "{err:?}");
    })
    .await;
}

#[tokio::test]
async fn sums_widen_integers_and_keep_decimals_exact() {
    each_db("sum_widening_decimal", |db| async move {
        db.create_tables(&[Ledger::META]).await.unwrap();
        let mut rows = ledger();
        for row in &mut rows {
            row.insert(&db).await.unwrap();
        }
        let (small, first, last) = Ledger::objects()
            .aggregate(
                &db,
                (Sum(Ledger::small()), Min(Ledger::day()), Max(Ledger::day())),
            )
            .await
            .unwrap();
        assert_eq!(small, Some(rows.iter().map(|l| i64::from(l.small)).sum()));
        assert_eq!(first, rows.iter().map(|l| l.day).min());
        assert_eq!(last, rows.iter().map(|l| l.day).max());
        let total = Ledger::objects()
            .aggregate(&db, (Sum(Ledger::amount()),))
            .await;
        if db.dialect() == Dialect::Sqlite {
            match total {
                Err(strata::Error::InvalidQuery { reason, .. }) => {
                    assert!(reason.contains("SQLite"), "{reason}")
                }
                other => panic!("expected InvalidQuery on SQLite, got {other:?}"),
            }
        } else {
            let want: Decimal = rows.iter().map(|l| l.amount).sum();
            assert_eq!(total.unwrap(), (Some(want),), "on {}", db.dialect());
        }
    })
    .await;
}
