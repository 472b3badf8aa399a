//! Upserts and `bulk_update`: the statement of each shape per dialect.

use crate::{per_dialect, with_snapshots};
use strata::prelude::*;
use strata::OnConflict;
use strata_tests::models::Article;

fn rows() -> Vec<Article> {
    let mut a = Article::new("a", "ann", 1);
    a.id = 7;
    let mut b = Article::new("b", "bob", 2);
    b.id = 8;
    b.score = Some(1.5);
    vec![a, b]
}

fn only(statements: Vec<strata::Statement>) -> strata::Statement {
    assert_eq!(statements.len(), 1);
    statements.into_iter().next().unwrap()
}

#[test]
fn upserts_have_golden_sql() {
    with_snapshots(|| {
        insta::assert_snapshot!(
            "upsert_ignore",
            per_dialect(|d| only(
                Article::bulk_create_on_conflict_sql(&rows(), d, &OnConflict::ignore()).unwrap()
            ))
        );
        insta::assert_snapshot!(
            "upsert_ignore_with_target",
            per_dialect(|d| only(
                Article::bulk_create_on_conflict_sql(
                    &rows(),
                    d,
                    &OnConflict::ignore().unique_fields((Article::title(), Article::author()))
                )
                .unwrap()
            ))
        );
        insta::assert_snapshot!(
            "upsert_update",
            per_dialect(|d| only(
                Article::bulk_create_on_conflict_sql(
                    &rows(),
                    d,
                    &OnConflict::update((Article::rating(), Article::score()))
                        .unique_fields((Article::title(), Article::author()))
                )
                .unwrap()
            ))
        );
    });
}

#[test]
fn bulk_update_has_golden_sql() {
    with_snapshots(|| {
        insta::assert_snapshot!(
            "bulk_update",
            per_dialect(|d| only(
                Article::bulk_update_sql(&rows(), d, (Article::rating(), Article::score()))
                    .unwrap()
            ))
        );
        insta::assert_snapshot!(
            "in_bulk",
            per_dialect(|d| Article::objects()
                .filter(Article::id().is_in([7_i64, 8]))
                .sql(d))
        );
    });
}
