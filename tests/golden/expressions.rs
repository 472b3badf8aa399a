//! Golden SQL of the expression shapes (`F`): filters, updates and
//! orderings, per dialect.

use crate::{per_dialect, with_snapshots};
use strata::prelude::*;
use strata_tests::expressions::{filter_shapes, Review};

#[test]
fn every_expression_filter_has_golden_sql_per_dialect() {
    with_snapshots(|| {
        for shape in filter_shapes() {
            insta::assert_snapshot!(
                format!("expr__{}", shape.name),
                per_dialect(|d| shape.query.sql(d))
            );
        }
    });
}

#[test]
fn update_from_an_expression_is_one_statement() {
    with_snapshots(|| {
        insta::assert_snapshot!(
            "expr__update_increment",
            per_dialect(|d| Review::objects()
                .filter(Review::likes().gt(Review::dislikes()))
                .update_sql(
                    d,
                    [
                        Review::likes().set(Review::likes() + 1),
                        Review::bonus().set(Review::bonus().coalesce(0) * 2),
                    ]
                )
                .unwrap())
        );
    });
}

#[test]
fn ordering_by_expressions_with_nulls_placement() {
    with_snapshots(|| {
        insta::assert_snapshot!(
            "expr__order_by_lower",
            per_dialect(|d| Review::objects()
                .order_by([Review::title().lower().asc(), Review::id().asc()])
                .sql(d))
        );
        insta::assert_snapshot!(
            "expr__order_by_nulls_last_and_first",
            per_dialect(|d| Review::objects()
                .order_by([
                    Review::bonus().asc().nulls_last(),
                    (Review::likes() - Review::dislikes()).desc().nulls_first(),
                    Review::id().asc(),
                ])
                .sql(d))
        );
    });
}
