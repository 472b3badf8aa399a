//! Golden SQL of projections, per dialect: `values` of fields and
//! expressions across a foreign key, `values_list`, `distinct`, and
//! `values(..).annotate(..)` grouped by position.

use crate::{per_dialect, with_snapshots};
use strata::prelude::*;
use strata::query::aggregate::{Count, Sum};
use strata_tests::expressions::Review;

#[test]
fn values_have_golden_sql_per_dialect() {
    with_snapshots(|| {
        insta::assert_snapshot!(
            "values__fields_across_a_foreign_key",
            per_dialect(|d| Review::objects()
                .filter(Review::likes().gt(0))
                .values((Review::id(), Review::title(), Review::critic().name()))
                .order_by(Review::critic().name().desc())
                .limit(3)
                .sql(d))
        );
        insta::assert_snapshot!(
            "values__expression_and_own_fields",
            per_dialect(|d| Review::objects()
                .values((Review::title().lower(), Review::likes() + 1, Review::nick()))
                .sql(d))
        );
        insta::assert_snapshot!(
            "values__values_list_flat_distinct",
            per_dialect(|d| Review::objects()
                .values_list(Review::critic().name())
                .distinct()
                .order_by(Review::critic().name().asc())
                .sql(d))
        );
        insta::assert_snapshot!(
            "values__annotate_groups_by_the_values",
            per_dialect(|d| Review::objects()
                .filter(Review::dislikes().lt(9))
                .values((Review::critic().name(), Review::critic().id()))
                .annotate((
                    Count::all(),
                    Sum(Review::likes()),
                    Count(Review::bonus()).filter(Review::likes().gt(0))
                ))
                .order_by(Review::critic().name().asc())
                .sql(d))
        );
    });
}

#[test]
fn values_querysets_differing_only_in_values_share_cached_sql() {
    use strata::query::subquery::{OuterRef, Subquery};
    use strata_tests::expressions::Critic;
    let build = |min: i32, title: &'static str| {
        let best = Subquery::new(move |c: OuterRef<Critic>| {
            Review::objects()
                .filter(Review::critic().id().eq(c.field(Critic::id())))
                .filter(Review::title().ne(title))
                .values(Review::likes())
                .limit(1)
        });
        Critic::objects()
            .filter(Critic::karma().gt(min))
            .values((Critic::name(), best))
            .annotate(Count::all())
            .order_by(Critic::name().asc())
    };
    for dialect in Dialect::ALL {
        let first = build(1, "a").statement(dialect);
        let second = build(2, "b").statement(dialect);
        assert_eq!(first.sql(), second.sql());
        assert_eq!(second, build(2, "b").sql(dialect));
        assert_ne!(first.binds(), second.binds());
    }
}
