//! Golden SQL of `aggregate()`, per dialect: casts that make results
//! alike, `FILTER` against `CASE WHEN`, joins, subqueries of slices.

use crate::{per_dialect, with_snapshots};
use strata::prelude::*;
use strata::query::aggregate::{Avg, Count, Max, Min, Sum};
use strata_tests::expressions::Review;

#[test]
fn aggregates_have_golden_sql_per_dialect() {
    with_snapshots(|| {
        insta::assert_snapshot!(
            "aggregate__plain",
            per_dialect(|d| Review::objects()
                .filter(Review::likes().gt(0))
                .aggregate_sql(
                    d,
                    (
                        Count::all(),
                        Count(Review::bonus()).distinct(),
                        Sum(Review::likes()),
                        Sum(Review::ratio()),
                        Avg(Review::likes()),
                        Min(Review::title()),
                        Max(Review::nick()),
                    )
                )
                .unwrap())
        );
        insta::assert_snapshot!(
            "aggregate__conditional",
            per_dialect(|d| Review::objects()
                .aggregate_sql(
                    d,
                    (
                        Count::all().filter(Review::likes().gt(Review::dislikes())),
                        Sum(Review::likes() * 2).filter(Review::critic().name().eq("bob")),
                        Avg(Review::ratio()).filter(Review::nick().is_null(true)),
                    )
                )
                .unwrap())
        );
        insta::assert_snapshot!(
            "aggregate__over_a_slice",
            per_dialect(|d| Review::objects()
                .order_by(Review::likes().desc())
                .limit(3)
                .aggregate_sql(d, (Count::all(), Sum(Review::likes())))
                .unwrap())
        );
    });
}
