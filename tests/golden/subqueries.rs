//! Golden SQL of subqueries, per dialect: `EXISTS` on its own and
//! correlated, `IN` a values-queryset (sliced: a derived table on MySQL),
//! a scalar subquery with an outer reference in a filter, an ordering and
//! a select list, and an `UPDATE` filtered by a subquery of its own table.

use crate::{per_dialect, with_snapshots};
use strata::prelude::*;
use strata::query::subquery::{Exists, OuterRef, Subquery};
use strata_tests::expressions::{Critic, Review};

fn latest_title() -> strata::query::F<Critic, Option<String>> {
    Subquery::new(|critic: OuterRef<Critic>| {
        Review::objects()
            .filter(Review::critic().id().eq(critic.field(Critic::id())))
            .order_by(Review::likes().desc())
            .values(Review::title())
            .limit(1)
    })
}

#[test]
fn subqueries_have_golden_sql_per_dialect() {
    with_snapshots(|| {
        insta::assert_snapshot!(
            "subquery__exists_plain_and_negated",
            per_dialect(|d| Critic::objects()
                .filter(Exists(Review::objects().filter(Review::likes().gt(10))))
                .exclude(
                    Review::objects()
                        .filter(Review::nick().eq("x"))
                        .exists_expr()
                )
                .sql(d))
        );
        insta::assert_snapshot!(
            "subquery__exists_correlated",
            per_dialect(|d| Critic::objects()
                .filter(Exists(|critic: OuterRef<Critic>| Review::objects()
                    .filter(Review::critic().id().eq(critic.field(Critic::id())))
                    .filter(Review::likes().gt(critic.field(Critic::karma())))))
                .sql(d))
        );
        insta::assert_snapshot!(
            "subquery__in_values",
            per_dialect(|d| Review::objects()
                .filter(
                    Review::critic().is_in(
                        Critic::objects()
                            .filter(Critic::karma().gt(0))
                            .values(Critic::id())
                    )
                )
                .exclude(Review::bonus().is_in(Review::objects().values_list(Review::bonus())))
                .sql(d))
        );
        insta::assert_snapshot!(
            "subquery__in_sliced_values",
            per_dialect(|d| Review::objects()
                .filter(
                    Review::likes().is_in(
                        Review::objects()
                            .order_by(Review::likes().desc())
                            .values(Review::likes())
                            .limit(2)
                    )
                )
                .sql(d))
        );
        insta::assert_snapshot!(
            "subquery__scalar_with_outer_ref",
            per_dialect(|d| Critic::objects()
                .filter(latest_title().ne("zero"))
                .order_by(latest_title().desc())
                .values((Critic::name(), latest_title()))
                .sql(d))
        );
        insta::assert_snapshot!(
            "subquery__under_a_multi_valued_relation",
            per_dialect(|d| Critic::objects()
                .filter(
                    Critic::reviews().likes().is_in(
                        Review::objects()
                            .filter(Review::bonus().gt(5))
                            .values(Review::likes())
                    )
                )
                .filter(Critic::reviews().any(Exists(|r: OuterRef<Review>| {
                    Review::objects()
                        .filter(Review::likes().lt(r.field(Review::likes())))
                        .filter(Review::critic().id().ne(r.field(Review::critic().id())))
                })))
                .sql(d))
        );
        insta::assert_snapshot!(
            "subquery__update_set_from_a_scalar_subquery",
            per_dialect(|d| Critic::objects()
                .update_sql(
                    d,
                    [Critic::karma().set(
                        Subquery::new(|c: OuterRef<Critic>| Review::objects()
                            .filter(Review::critic().id().eq(c.field(Critic::id())))
                            .values_list(Review::likes())
                            .order_by(Review::likes().desc())
                            .limit(1))
                        .coalesce(-1)
                    )]
                )
                .unwrap())
        );
        insta::assert_snapshot!(
            "subquery__update_filtered_by_its_own_table",
            per_dialect(|d| Review::objects()
                .filter(
                    Review::id().is_in(
                        Review::objects()
                            .filter(Review::likes().gt(5))
                            .values(Review::id())
                    )
                )
                .update_sql(d, [Review::bonus().set(100)])
                .unwrap())
        );
    });
}
