//! One snapshot per queryset shape of the catalogue, plus the SQL of every
//! terminal (`count`, `exists`, `first`, `get`, `update`, `delete`).

use crate::{per_dialect, with_snapshots};
use strata::prelude::*;
use strata_tests::models::Article;
use strata_tests::shapes::shapes;

#[test]
fn every_queryset_shape_has_golden_sql_per_dialect() {
    with_snapshots(|| {
        for shape in shapes() {
            insta::assert_snapshot!(
                format!("select__{}", shape.name),
                per_dialect(|d| shape.query.sql(d))
            );
        }
    });
}

fn filtered() -> QuerySet<Article> {
    Article::objects().filter(Article::author().eq("ann"))
}

#[test]
fn count_is_a_plain_count_or_a_count_over_a_subquery_when_sliced() {
    with_snapshots(|| {
        insta::assert_snapshot!("count", per_dialect(|d| filtered().count_sql(d)));
        insta::assert_snapshot!(
            "count_sliced",
            per_dialect(|d| filtered()
                .order_by(Article::id())
                .limit(5)
                .offset(1)
                .count_sql(d))
        );
        insta::assert_snapshot!(
            "count_distinct",
            per_dialect(|d| filtered().distinct().count_sql(d))
        );
    });
}

#[test]
fn exists_reads_one_row() {
    with_snapshots(|| {
        insta::assert_snapshot!("exists", per_dialect(|d| filtered().exists_sql(d)));
        insta::assert_snapshot!(
            "exists_sliced",
            per_dialect(|d| filtered().offset(3).exists_sql(d))
        );
    });
}

#[test]
fn first_orders_by_primary_key_unless_ordered_and_get_reads_21_rows() {
    with_snapshots(|| {
        insta::assert_snapshot!("first_unordered", per_dialect(|d| filtered().first_sql(d)));
        insta::assert_snapshot!(
            "first_ordered",
            per_dialect(|d| filtered().order_by(Article::rating().desc()).first_sql(d))
        );
        insta::assert_snapshot!("get", per_dialect(|d| filtered().get_sql(d)));
    });
}

#[test]
fn update_and_delete_apply_the_filters() {
    with_snapshots(|| {
        insta::assert_snapshot!(
            "update",
            per_dialect(|d| filtered()
                .update_sql(
                    d,
                    [
                        Article::rating().set(9),
                        Article::subtitle().set(None::<String>)
                    ]
                )
                .unwrap())
        );
        insta::assert_snapshot!(
            "update_all_rows",
            per_dialect(|d| Article::objects()
                .update_sql(d, [Article::published().set(true)])
                .unwrap())
        );
        insta::assert_snapshot!("delete", per_dialect(|d| filtered().delete_sql(d).unwrap()));
    });
}

#[test]
fn update_and_delete_refuse_sliced_querysets() {
    for d in Dialect::ALL {
        let err = filtered()
            .limit(1)
            .update_sql(d, [Article::rating().set(1)])
            .unwrap_err();
        assert!(err.to_string().contains("cannot follow limit()"), "{err}");
        let err = filtered().distinct().delete_sql(d).unwrap_err();
        assert!(err.to_string().contains("delete()"), "{err}");
        let err = filtered().update_sql(d, []).unwrap_err();
        assert!(err.to_string().contains("at least one field"), "{err}");
    }
}

/// A statement's SQL with its binds counted rather than listed (long
/// lists would fill the snapshot).
fn sql_and_bind_count(stmt: strata::Statement) -> strata::Statement {
    let count = stmt.binds().len();
    strata::Statement::raw(
        stmt.dialect(),
        strata::AssertSqlSafe(format!("{}\n  -- {count} binds", stmt.sql())),
    )
}

#[test]
fn in_lists_past_the_placeholder_limit_are_one_json_value() {
    use strata_tests::models::ListedItem;
    let max = strata::query::MAX_PLACEHOLDER_LIST as i64;
    with_snapshots(|| {
        // The longest list with a placeholder per value: as before.
        let short = ListedItem::objects().filter(ListedItem::id().is_in(1..=max));
        for d in [Dialect::MySql, Dialect::Sqlite] {
            assert_eq!(short.sql(d).binds().len(), max as usize, "{d}");
        }
        insta::assert_snapshot!(
            "in_list_long_integers",
            per_dialect(|d| sql_and_bind_count(
                ListedItem::objects()
                    .filter(ListedItem::id().is_in(1..=max + 1))
                    .sql(d)
            ))
        );
        let codes: Vec<String> = (0..=max).map(|i| format!("c{i}")).collect();
        insta::assert_snapshot!(
            "in_list_long_strings_excluded",
            per_dialect(|d| sql_and_bind_count(
                ListedItem::objects()
                    .exclude(ListedItem::code().is_in(codes.clone()))
                    .sql(d)
            ))
        );
    });
}
