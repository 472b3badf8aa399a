//! Golden SQL of annotated querysets beyond `all()`, per dialect: chained
//! annotations, annotation filters read from a derived table (beside
//! `select_related`, orderings across a relation and slices), `count()`
//! and `exists()`, values of annotations, and `values(..).annotate(..)`
//! with `HAVING` and an ordering by its aggregates; and the statement
//! cache for annotated querysets.

use crate::{per_dialect, with_snapshots};
use strata::prelude::*;
use strata::query::aggregate::{Count, Sum};
use strata::query::window::{RowNumber, Window};
use strata::Dialect;
use strata_tests::annotated::{AnnAuthor, AnnBook, AnnPost};

#[test]
fn annotated_querysets_have_golden_sql_per_dialect() {
    with_snapshots(|| {
        insta::assert_snapshot!(
            "annotate_more__chained_with_named_filters",
            per_dialect(|d| AnnAuthor::objects()
                .annotate(AnnAuthor::posts().count())
                .filter(Ann0.gte(1))
                .annotate((
                    AnnAuthor::books().count(),
                    AnnAuthor::posts().sum(AnnPost::likes()),
                ))
                .filter(Ann1.lte(2))
                .filter(Ann2.ne(5))
                .order_by((Ann2.desc(), AnnAuthor::name().asc()))
                .sql(d)
                .unwrap())
        );
        insta::assert_snapshot!(
            "annotate_more__named_filter_select_related_order_slice",
            per_dialect(|d| AnnPost::objects()
                .select_related(AnnPost::author())
                .annotate((
                    AnnPost::likes() - AnnPost::dislikes(),
                    AnnPost::tags().count()
                ))
                .filter(Ann0.gte(0))
                .filter(AnnPost::title().ne("zzz"))
                .order_by((
                    AnnPost::author().name().desc(),
                    (AnnPost::likes() * 2).desc(),
                    AnnPost::bonus().asc(),
                ))
                .offset(1)
                .limit(4)
                .sql(d)
                .unwrap())
        );
        insta::assert_snapshot!(
            "annotate_more__filter_beside_a_window_stays_in_where",
            per_dialect(|d| AnnPost::objects()
                .annotate((
                    AnnPost::tags().count(),
                    Window::new(RowNumber).order_by(AnnPost::id().asc()),
                ))
                .filter(Ann0.gt(0))
                .sql(d)
                .unwrap())
        );
        insta::assert_snapshot!(
            "annotate_more__count_and_exists",
            Dialect::ALL
                .into_iter()
                .map(|d| {
                    let qs = AnnAuthor::objects()
                        .annotate(AnnAuthor::books().sum(AnnBook::pages()))
                        .filter(Ann0.ne(100))
                        .filter(AnnAuthor::name().ne("bob"));
                    let count = qs.count_sql(d).unwrap();
                    let exists = qs.offset(1).exists_sql(d).unwrap();
                    let binds: Vec<String> = count
                        .binds()
                        .iter()
                        .chain(exists.binds())
                        .map(|b| b.to_string())
                        .collect();
                    format!(
                        "-- {d}\n{}\n{}\n  -- binds: [{}]\n",
                        count.sql(),
                        exists.sql(),
                        binds.join(", ")
                    )
                })
                .collect::<String>()
        );
        insta::assert_snapshot!(
            "annotate_more__values_of_annotations",
            per_dialect(|d| AnnAuthor::objects()
                .annotate((AnnAuthor::posts().count(), AnnAuthor::name().upper(),))
                .filter(Ann0.gte(1))
                .order_by(Ann0.desc())
                .values((Ann1, Ann0))
                .sql(d))
        );
        insta::assert_snapshot!(
            "annotate_more__grouped_values_having_and_order",
            per_dialect(|d| AnnPost::objects()
                .values(AnnPost::author().id())
                .annotate((Count::all(), Sum(AnnPost::likes())))
                .filter(AnnPost::likes().gt(0))
                .filter(Ann0.gt(1))
                .filter(Ann1.ne(7))
                .order_by((Ann1.desc().nulls_last(), AnnPost::author().id().asc()))
                .sql(d))
        );
    });
}

#[test]
fn annotated_querysets_differing_only_in_values_share_cached_sql() {
    let build = |min: i64, name: &'static str, limit: u64| {
        AnnAuthor::objects()
            .filter(AnnAuthor::name().ne(name))
            .annotate((
                AnnAuthor::posts().count(),
                AnnAuthor::posts()
                    .sum(AnnPost::likes())
                    .filter(AnnPost::likes().gt(min as i32)),
            ))
            .filter(Ann0.gt(min))
            .order_by(Ann1.desc())
            .limit(limit)
    };
    for dialect in Dialect::ALL {
        let first = build(1, "a", 5).statement(dialect).unwrap();
        let second = build(2, "b", 9).statement(dialect).unwrap();
        assert_eq!(first.sql(), second.sql(), "on {dialect}");
        // The cached text has no value baked in: the binds are the second
        // queryset's, exactly as a fresh render has them.
        assert_eq!(
            second,
            build(2, "b", 9).sql(dialect).unwrap(),
            "on {dialect}"
        );
        assert_ne!(first.binds(), second.binds(), "on {dialect}");
        assert!(
            !second.sql().contains("'b'") && !second.sql().contains(" 9"),
            "{second}"
        );
    }
}

#[test]
fn different_annotations_never_share_a_cached_statement() {
    type Build = Box<dyn Fn(Dialect) -> (strata::Statement, strata::Statement)>;
    fn pair<A: strata::query::annotate::Annotations<AnnAuthor> + 'static>(
        qs: strata::query::Annotated<AnnAuthor, A>,
    ) -> Build {
        Box::new(move |d| (qs.statement(d).unwrap(), qs.sql(d).unwrap()))
    }
    let posts = || AnnAuthor::objects().annotate(AnnAuthor::posts().count());
    let shapes: Vec<Build> = vec![
        pair(posts()),
        pair(AnnAuthor::objects().annotate(AnnAuthor::books().count())),
        pair(AnnAuthor::objects().annotate(AnnAuthor::posts().count().distinct())),
        pair(AnnAuthor::objects().annotate(AnnAuthor::posts().sum(AnnPost::likes()))),
        pair(AnnAuthor::objects().annotate(AnnAuthor::posts().max(AnnPost::likes()))),
        pair(
            AnnAuthor::objects()
                .annotate(AnnAuthor::posts().count().filter(AnnPost::likes().gt(1))),
        ),
        pair(AnnAuthor::objects().annotate(AnnAuthor::posts().then(AnnPost::tags()).count())),
        pair(AnnAuthor::objects().annotate(AnnAuthor::name().upper())),
        pair(AnnAuthor::objects().annotate(AnnAuthor::name().lower())),
        pair(AnnAuthor::objects().annotate(Window::new(RowNumber).order_by(AnnAuthor::id().asc()))),
        pair(
            AnnAuthor::objects().annotate(Window::new(RowNumber).order_by(AnnAuthor::id().desc())),
        ),
        pair(posts().filter(Ann0.gt(1))),
        pair(posts().filter(Ann0.gte(1))),
        pair(posts().filter(Ann0.ne(1))),
        pair(posts().filter(Ann0.is_null(false))),
        pair(posts().order_by(Ann0.desc())),
        pair(posts().order_by(Ann0.asc())),
        pair(posts().order_by(Ann0.asc().nulls_first())),
        pair(posts().annotate(AnnAuthor::books().count())),
        pair(
            posts()
                .annotate(AnnAuthor::books().count())
                .order_by(Ann1.desc()),
        ),
    ];
    for dialect in Dialect::ALL {
        // Render every shape once, then again from the cache: each gets
        // its own text, never another's.
        let first: Vec<String> = shapes.iter().map(|s| s(dialect).0.into_sql()).collect();
        for (i, shape) in shapes.iter().enumerate() {
            let (cached, fresh) = shape(dialect);
            assert_eq!(cached, fresh, "shape {i} on {dialect}");
            assert_eq!(cached.sql(), first[i], "shape {i} on {dialect}");
        }
        let mut distinct = first.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(
            distinct.len(),
            first.len(),
            "two shapes wrote the same SQL on {dialect}"
        );
    }
}
