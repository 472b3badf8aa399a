//! `aggregate_into`: a struct derived with `Aggregates` filled from a
//! tuple of aggregates on every database, equal to the tuple `aggregate`
//! returns and to the answer computed in Rust.

use rust_decimal::Decimal;
use strata::prelude::*;
use strata::query::aggregate::{Avg, Count, Max, StringAgg, Sum};
use strata_tests::aggregated::{exact_mean, shelves, volumes, Shelf, Volume};
use strata_tests::each_db;

#[derive(strata::Aggregates, Debug, PartialEq)]
struct Stats {
    n: i64,
    pages: Option<i64>,
    mean_pages: Option<f64>,
    mean_price: Option<Decimal>,
    titles: Option<String>,
    last: Option<String>,
}

#[derive(strata::Aggregates, Debug, PartialEq)]
struct Counted(i64);

#[tokio::test]
async fn aggregate_into_fills_a_named_struct_in_order() {
    each_db("aggregate_into", |db| async move {
        db.create_tables(&[Shelf::META, Volume::META])
            .await
            .unwrap();
        let mut ss = shelves();
        for s in &mut ss {
            s.insert(&db).await.unwrap();
        }
        let mut vs = volumes(&ss);
        for v in &mut vs {
            v.insert(&db).await.unwrap();
        }
        let aggregates = || {
            (
                Count::all(),
                Sum(Volume::pages()),
                Avg(Volume::pages()),
                Avg(Volume::price()),
                StringAgg(Volume::title(), ",").order_by(Volume::id().asc()),
                Max(Volume::title()),
            )
        };
        let stats = Volume::objects()
            .aggregate_into::<Stats>(&db, aggregates())
            .await
            .unwrap();
        let pages: Vec<i64> = vs.iter().map(|v| i64::from(v.pages)).collect();
        let prices: Vec<Decimal> = vs.iter().map(|v| v.price).collect();
        let titles: Vec<&str> = vs.iter().map(|v| v.title.as_str()).collect();
        let want = Stats {
            n: vs.len() as i64,
            pages: Some(pages.iter().sum()),
            mean_pages: Some(pages.iter().sum::<i64>() as f64 / pages.len() as f64),
            mean_price: exact_mean(&prices, 9),
            titles: Some(titles.join(",")),
            last: vs.iter().map(|v| v.title.clone()).max(),
        };
        assert_eq!(stats, want, "on {}", db.dialect());
        let tuple = Volume::objects()
            .aggregate(&db, aggregates())
            .await
            .unwrap();
        assert_eq!(tuple.0, stats.n);
        assert_eq!(tuple.4, stats.titles);

        let none = Volume::objects()
            .filter(Volume::id().lt(0))
            .aggregate_into::<Stats>(&db, aggregates())
            .await
            .unwrap();
        assert_eq!(
            none,
            Stats {
                n: 0,
                pages: None,
                mean_pages: None,
                mean_price: None,
                titles: None,
                last: None
            }
        );
        let Counted(n) = Volume::objects()
            .aggregate_into::<Counted>(&db, (Count::all(),))
            .await
            .unwrap();
        assert_eq!(n, vs.len() as i64);
    })
    .await;
}
