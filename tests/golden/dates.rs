//! Golden SQL of the date and time parts, per dialect.

use crate::{per_dialect, with_snapshots};
use strata::prelude::*;
use strata_tests::dates::{date_shapes, Moment};

#[test]
fn every_date_shape_has_golden_sql_per_dialect() {
    with_snapshots(|| {
        for shape in date_shapes() {
            insta::assert_snapshot!(
                format!("date__{}", shape.name),
                per_dialect(|d| shape.query.sql(d))
            );
        }
        insta::assert_snapshot!(
            "date__order_by_trunc_month",
            per_dialect(|d| Moment::objects()
                .order_by([Moment::at().trunc_month().desc(), Moment::id().asc()])
                .sql(d))
        );
    });
}
