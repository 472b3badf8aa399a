//! Golden SQL of `annotate`, per dialect: relation aggregates as
//! correlated subqueries (two relations side by side, conditional,
//! through a many-to-many), filters on annotations written out in
//! `WHERE`, orderings by their aliases with the shared NULL placement,
//! `select_related` and slices, and window functions.

use crate::{per_dialect, with_snapshots};
use strata::prelude::*;
use strata::query::aggregate::{Count, Sum};
use strata::query::window::{DenseRank, Lag, Lead, Rank, RowNumber, Window};
use strata_tests::annotated::{AnnAuthor, AnnBook, AnnPost};

#[test]
fn annotations_have_golden_sql_per_dialect() {
    with_snapshots(|| {
        insta::assert_snapshot!(
            "annotate__two_relations",
            per_dialect(|d| AnnAuthor::objects()
                .annotate((
                    AnnAuthor::posts().count(),
                    AnnAuthor::books().count(),
                    AnnAuthor::posts().sum(AnnPost::likes()),
                    AnnAuthor::posts().avg(AnnPost::likes()),
                    AnnAuthor::books().max(AnnBook::pages()),
                ))
                .sql(d)
                .unwrap())
        );
        insta::assert_snapshot!(
            "annotate__conditional_and_through_many_to_many",
            per_dialect(|d| AnnAuthor::objects()
                .annotate((
                    AnnAuthor::posts()
                        .count()
                        .filter(AnnPost::likes().gt(AnnPost::dislikes())),
                    AnnAuthor::posts().then(AnnPost::tags()).count().distinct(),
                ))
                .sql(d)
                .unwrap())
        );
        insta::assert_snapshot!(
            "annotate__filter_order_select_related_slice",
            per_dialect(|d| AnnAuthor::objects()
                .filter(AnnAuthor::name().ne("dee"))
                .select_related(AnnAuthor::press())
                .annotate((
                    AnnAuthor::posts().count(),
                    AnnAuthor::posts().sum(AnnPost::likes()),
                ))
                .filter(Ann0.gt(1))
                .filter(Ann1.ne(5))
                .order_by((
                    Ann1.desc(),
                    Ann0.asc().nulls_last(),
                    AnnAuthor::name().asc()
                ))
                .limit(10)
                .offset(2)
                .sql(d)
                .unwrap())
        );
        insta::assert_snapshot!(
            "annotate__after_a_forward_hop",
            per_dialect(|d| AnnPost::objects()
                .annotate(AnnPost::author().then(AnnAuthor::books()).count())
                .order_by(Ann0.desc())
                .sql(d)
                .unwrap())
        );
        insta::assert_snapshot!(
            "annotate__expressions",
            per_dialect(|d| AnnPost::objects()
                .annotate((
                    AnnPost::likes() + AnnPost::dislikes(),
                    AnnPost::author().name(),
                ))
                .filter(Ann0.gte(5))
                .order_by(Ann0.desc())
                .sql(d)
                .unwrap())
        );
        insta::assert_snapshot!(
            "annotate__windows",
            per_dialect(|d| AnnPost::objects()
                .annotate((
                    Window::new(RowNumber)
                        .partition_by(AnnPost::author().id())
                        .order_by([AnnPost::likes().desc(), AnnPost::id().asc()]),
                    Window::new(Rank).order_by(AnnPost::likes().desc()),
                    Window::new(DenseRank).order_by(AnnPost::bonus().asc()),
                    Window::new(Lag(AnnPost::likes(), 1).default(0)).order_by(AnnPost::id().asc()),
                    Window::new(Lead(AnnPost::bonus(), 2).default(-1))
                        .order_by(AnnPost::id().asc()),
                    Window::new(Sum(AnnPost::likes()).filter(AnnPost::bonus().is_null(false)))
                        .partition_by(AnnPost::author().id())
                        .order_by(AnnPost::id().asc()),
                ))
                .filter(AnnPost::likes().gt(0))
                .order_by(Ann0.asc())
                .sql(d)
                .unwrap())
        );
        insta::assert_snapshot!(
            "annotate__window_count",
            per_dialect(|d| AnnPost::objects()
                .annotate(Window::new(Count::all()).partition_by(AnnPost::author().id()))
                .sql(d)
                .unwrap())
        );
    });
}
