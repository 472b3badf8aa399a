//! `Avg` of decimals against every database: the exact mean rounded half
//! away from zero to the field's places + 4, compared with the same mean
//! computed in Rust in integers, where a float average would be wrong in
//! its last places; empty sets, `NULL`s, `distinct`, filters, groups,
//! relation annotations, and SQLite's refusals.

use rust_decimal::Decimal;
use strata::prelude::*;
use strata::query::aggregate::{Avg, Count};
use strata_tests::aggregated::{exact_mean, shelves, volumes, Shelf, Volume};
use strata_tests::each_db;

async fn seeded(db: &Db) -> (Vec<Shelf>, Vec<Volume>) {
    db.create_tables(&[Shelf::META, Volume::META])
        .await
        .unwrap();
    let mut ss = shelves();
    for s in &mut ss {
        s.insert(db).await.unwrap();
    }
    let mut vs = volumes(&ss);
    for v in &mut vs {
        v.insert(db).await.unwrap();
    }
    (ss, vs)
}

/// The float average of `values`, as a decimal of `places + 4` places.
fn float_mean(values: &[Decimal], places: u32) -> Decimal {
    let f: f64 = values
        .iter()
        .map(|v| v.to_string().parse::<f64>().unwrap())
        .sum::<f64>()
        / values.len() as f64;
    Decimal::from_f64_retain(f).unwrap().round_dp(places + 4)
}

#[tokio::test]
async fn a_decimal_average_is_exact_on_every_database() {
    each_db("decimal_avg_exact", |db| async move {
        let (_, vs) = seeded(&db).await;
        let prices: Vec<Decimal> = vs.iter().map(|v| v.price).collect();
        let costs: Vec<Decimal> = vs.iter().filter_map(|v| v.cost).collect();
        let cheap: Vec<Decimal> = prices
            .iter()
            .copied()
            .filter(|p| *p < Decimal::ONE)
            .collect();
        let mut distinct = costs.clone();
        distinct.sort();
        distinct.dedup();
        // Twice: the second statement comes from the cache.
        for _ in 0..2 {
            let (n, price, cost, cheap_mean, distinct_mean, pages) = Volume::objects()
                .aggregate(
                    &db,
                    (
                        Count::all(),
                        Avg(Volume::price()),
                        Avg(Volume::cost()),
                        Avg(Volume::price()).filter(Volume::price().lt(Decimal::ONE)),
                        Avg(Volume::cost()).distinct(),
                        Avg(Volume::pages()),
                    ),
                )
                .await
                .unwrap();
            assert_eq!(n, vs.len() as i64);
            let want = exact_mean(&prices, 9).unwrap();
            assert_ne!(want, float_mean(&prices, 9), "the fixture defeats floats");
            assert_eq!(price, Some(want), "on {}", db.dialect());
            assert_eq!(price.unwrap().scale(), 13, "on {}", db.dialect());
            assert_eq!(cost, exact_mean(&costs, 9), "on {}", db.dialect());
            assert_eq!(cheap_mean, exact_mean(&cheap, 9), "on {}", db.dialect());
            assert_eq!(
                distinct_mean,
                exact_mean(&distinct, 9),
                "on {}",
                db.dialect()
            );
            let want_pages = vs.iter().map(|v| f64::from(v.pages)).sum::<f64>() / vs.len() as f64;
            assert_eq!(pages, Some(want_pages));
        }
        let (empty, none) = Volume::objects()
            .filter(Volume::id().lt(0))
            .aggregate(
                &db,
                (
                    Avg(Volume::price()),
                    Avg(Volume::cost()).filter(Volume::cost().is_null(true)),
                ),
            )
            .await
            .unwrap();
        assert_eq!((empty, none), (None, None));
    })
    .await;
}

#[tokio::test]
async fn a_decimal_average_rounds_half_away_from_zero_at_its_last_place() {
    each_db("decimal_avg_rounding", |db| async move {
        let (ss, _) = seeded(&db).await;
        Volume::objects().delete(&db).await.unwrap();
        // Means that end in exactly 5 at the 14th place, either sign, and a
        // mean just below one such midpoint.
        let sets: [&[&str]; 4] = [
            &["0.000000001", "0.000000000"],
            &["-0.000000001", "0.000000000"],
            &[
                "0.000000001",
                "0.000000000",
                "0.000000000",
                "0.000000000",
                "0.000000000",
                "0.000000000",
                "0.000000000",
                "0.000000000",
            ],
            &["2", "1", "1"],
        ];
        for (i, set) in sets.iter().enumerate() {
            let values: Vec<Decimal> = set.iter().map(|s| s.parse().unwrap()).collect();
            for value in &values {
                let mut v = volumes(&ss).remove(0);
                v.title = format!("set {i}");
                v.price = *value;
                v.insert(&db).await.unwrap();
            }
            let (got,) = Volume::objects()
                .filter(Volume::title().eq(format!("set {i}")))
                .aggregate(&db, (Avg(Volume::price()),))
                .await
                .unwrap();
            assert_eq!(got, exact_mean(&values, 9), "set {i} on {}", db.dialect());
        }
    })
    .await;
}

#[tokio::test]
async fn decimal_averages_group_and_annotate_relations() {
    each_db("decimal_avg_groups", |db| async move {
        let (ss, vs) = seeded(&db).await;
        let prices_of = |shelf: i64| -> Vec<Decimal> {
            vs.iter()
                .filter(|v| *v.shelf.key() == shelf)
                .map(|v| v.price)
                .collect()
        };
        let got = Volume::objects()
            .values(Volume::shelf().name())
            .annotate(Avg(Volume::price()))
            .order_by(Volume::shelf().name().asc())
            .all(&db)
            .await
            .unwrap();
        let mut want: Vec<(String, Option<Decimal>)> = ss
            .iter()
            .filter(|s| !prices_of(s.id).is_empty())
            .map(|s| (s.name.clone(), exact_mean(&prices_of(s.id), 9)))
            .collect();
        want.sort();
        assert_eq!(got, want, "on {}", db.dialect());

        let got = Shelf::objects()
            .order_by(Shelf::id().asc())
            .annotate(Shelf::volumes().avg(Volume::price()))
            .all(&db)
            .await
            .unwrap();
        let got: Vec<_> = got.into_iter().map(|(s, avg)| (s.id, avg)).collect();
        let want: Vec<_> = ss
            .iter()
            .map(|s| (s.id, exact_mean(&prices_of(s.id), 9)))
            .collect();
        assert_eq!(got, want, "on {}", db.dialect());
    })
    .await;
}

#[tokio::test]
async fn sqlite_refuses_the_decimal_averages_it_cannot_compute_exactly() {
    each_db("decimal_avg_sqlite", |db| async move {
        let (_, vs) = seeded(&db).await;
        let wide = Volume::objects()
            .aggregate(&db, (Avg(Volume::wide()),))
            .await;
        let sum = Volume::objects()
            .aggregate(&db, (Avg(Volume::price() + Volume::price()),))
            .await;
        if db.dialect() == Dialect::Sqlite {
            for err in [wide.unwrap_err(), sum.unwrap_err()] {
                assert!(err.to_string().contains("SQLite"), "{err}");
            }
        } else {
            let wides: Vec<Decimal> = vs.iter().map(|v| v.wide).collect();
            assert_eq!(
                wide.unwrap(),
                (exact_mean(&wides, 10),),
                "on {}",
                db.dialect()
            );
            let doubled: Vec<Decimal> = vs.iter().map(|v| v.price * Decimal::TWO).collect();
            assert_eq!(
                sum.unwrap(),
                (exact_mean(&doubled, 9),),
                "on {}",
                db.dialect()
            );
        }
    })
    .await;
}
