//! Golden SQL of `StringAgg` and of `Avg` of decimals, per dialect, in
//! `aggregate()`, `values(..).annotate(..)` and relation annotations.

use crate::{per_dialect, with_snapshots};
use strata::prelude::*;
use strata::query::aggregate::{Avg, StringAgg};
use strata_tests::aggregated::{Shelf, Volume};

#[test]
fn string_aggs_have_golden_sql_per_dialect() {
    with_snapshots(|| {
        insta::assert_snapshot!(
            "aggregate__string_agg",
            per_dialect(|d| Volume::objects()
                .aggregate_sql(
                    d,
                    (
                        StringAgg(Volume::title(), "', \\%_").order_by(Volume::title().desc()),
                        StringAgg(Volume::note(), ",")
                            .distinct()
                            .order_by(Volume::note().asc()),
                        StringAgg(Volume::shelf().name(), "; ")
                            .filter(Volume::pages().gt(3))
                            .order_by([Volume::pages().desc(), Volume::id().asc()]),
                    )
                )
                .unwrap())
        );
        // PostgreSQL: the order names the argument's own parameter.
        insta::assert_snapshot!(
            "aggregate__string_agg_distinct_expression",
            per_dialect(|d| Volume::objects()
                .aggregate_sql(
                    d,
                    (StringAgg(Volume::note().concat("!"), ",")
                        .distinct()
                        .order_by(Volume::note().concat("!").desc()),)
                )
                .unwrap())
        );
        insta::assert_snapshot!(
            "values__string_agg",
            per_dialect(|d| Volume::objects()
                .values(Volume::shelf().name())
                .annotate(StringAgg(Volume::title(), " · ").order_by(Volume::title().asc()))
                .sql(d))
        );
        insta::assert_snapshot!(
            "annotate__string_agg",
            per_dialect(|d| Shelf::objects()
                .annotate(
                    Shelf::volumes()
                        .string_agg(Volume::title(), ", ")
                        .filter(Volume::note().is_null(false))
                        .order_by(Volume::title().asc())
                )
                .sql(d)
                .unwrap())
        );
    });
}

#[test]
fn decimal_averages_have_golden_sql_per_dialect() {
    with_snapshots(|| {
        insta::assert_snapshot!(
            "aggregate__decimal_avg",
            per_dialect(|d| Volume::objects()
                .aggregate_sql(
                    d,
                    (
                        Avg(Volume::price()),
                        Avg(Volume::cost()).distinct().filter(Volume::pages().gt(3)),
                    )
                )
                .unwrap())
        );
        insta::assert_snapshot!(
            "annotate__decimal_avg",
            per_dialect(|d| Shelf::objects()
                .annotate(Shelf::volumes().avg(Volume::price()))
                .sql(d)
                .unwrap())
        );
    });
}
