//! Large results: the keyset filter of `after` (one term, a descending
//! term with the key as tiebreaker, three terms), the chunk queries of a
//! stream with `prefetch_related`, and the `Paginator`'s page and count
//! statements.

use crate::{per_dialect, with_snapshots};
use strata::prelude::*;
use strata::Paginator;
use strata_tests::streaming::{Shelf, Volume};

fn last_seen() -> Volume {
    Volume {
        id: 17,
        shelf: ForeignKey::from_key(3),
        title: "t09".into(),
        rank: 2,
        note: None,
    }
}

fn after(qs: QuerySet<Volume>) -> QuerySet<Volume> {
    qs.after(&last_seen()).expect("a keyset ordering")
}

#[test]
fn keyset_pages_compare_the_ordering_values_with_the_key_as_tiebreaker() {
    with_snapshots(|| {
        insta::assert_snapshot!(
            "keyset__by_key",
            per_dialect(|d| after(Volume::objects()).limit(20).sql(d))
        );
        insta::assert_snapshot!(
            "keyset__descending_with_ties",
            per_dialect(|d| after(Volume::objects().order_by(Volume::rank().desc()))
                .limit(20)
                .sql(d))
        );
        insta::assert_snapshot!(
            "keyset__three_terms_filtered",
            per_dialect(|d| after(
                Volume::objects()
                    .filter(Volume::note().is_null(false))
                    .order_by([Volume::rank().desc(), Volume::title().asc()])
            )
            .limit(20)
            .sql(d))
        );
        insta::assert_snapshot!(
            "keyset__first_page",
            per_dialect(|d| Volume::objects()
                .order_by(Volume::rank().desc())
                .with_pk_tiebreak()
                .limit(20)
                .sql(d))
        );
    });
}

#[test]
fn a_prefetching_stream_reads_chunks_by_keyset() {
    // The chunks a stream with prefetch_related runs: the first in the
    // total order, the next after the last row of the one before.
    let shelf = Shelf {
        id: 4,
        name: "shelf 4".into(),
        volumes: Default::default(),
    };
    let qs = Shelf::objects().order_by(Shelf::name().desc());
    with_snapshots(|| {
        insta::assert_snapshot!(
            "stream__first_chunk",
            per_dialect(|d| qs.clone().with_pk_tiebreak().limit(1000).sql(d))
        );
        insta::assert_snapshot!(
            "stream__next_chunk",
            per_dialect(|d| qs.clone().after(&shelf).unwrap().limit(1000).sql(d))
        );
    });
}

#[test]
fn a_paginator_counts_then_reads_an_offset_slice_in_total_order() {
    let pages = Paginator::new(Volume::objects().order_by(Volume::title().desc()), 25).unwrap();
    with_snapshots(|| {
        insta::assert_snapshot!("paginator__count", per_dialect(|d| pages.count_sql(d)));
        insta::assert_snapshot!(
            "paginator__first_page",
            per_dialect(|d| pages.page_queryset(1).sql(d))
        );
        insta::assert_snapshot!(
            "paginator__third_page",
            per_dialect(|d| pages.page_queryset(3).sql(d))
        );
    });
}
