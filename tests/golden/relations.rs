//! Golden SQL of relation queries: select_related joins, filters and
//! ordering across relations, mutations with joined filters, and the
//! foreign-key DDL of every on_delete behaviour.

use crate::{per_dialect, with_snapshots};
use strata::prelude::*;
use strata::schema::{create_table_sql, foreign_keys_sql};
use strata_tests::relations::*;

#[test]
fn select_related_joins_each_level_once() {
    with_snapshots(|| {
        insta::assert_snapshot!(
            "select_related_one_level",
            per_dialect(|d| Book::objects().select_related(Book::writer()).sql(d))
        );
        insta::assert_snapshot!(
            "select_related_three_levels",
            per_dialect(|d| Review::objects()
                .select_related(Review::book().writer().publisher())
                .select_related(Review::book())
                .sql(d))
        );
    });
}

#[test]
fn filters_and_ordering_across_relations_join_once_per_path() {
    with_snapshots(|| {
        insta::assert_snapshot!(
            "filter_across_two_hops",
            per_dialect(|d| Review::objects()
                .filter(Review::book().writer().publisher().name().eq("Orbit"))
                .filter(Review::book().writer().name().startswith("A"))
                .order_by(Review::book().title().desc())
                .sql(d))
        );
        insta::assert_snapshot!(
            "exclude_across_nullable_relation",
            per_dialect(|d| Writer::objects()
                .exclude(Writer::publisher().name().eq("Orbit"))
                .sql(d))
        );
        insta::assert_snapshot!(
            "filter_on_related_key_needs_no_join",
            per_dialect(|d| Book::objects().filter(Book::writer().id().eq(7)).sql(d))
        );
        insta::assert_snapshot!(
            "count_across_relation",
            per_dialect(|d| Book::objects()
                .filter(Book::writer().name().eq("Bob"))
                .count_sql(d))
        );
    });
}

#[test]
fn update_and_delete_across_relations_use_a_key_subquery() {
    with_snapshots(|| {
        insta::assert_snapshot!(
            "update_across_relation",
            per_dialect(|d| Book::objects()
                .filter(Book::writer().name().eq("Bob"))
                .update_sql(d, [Book::pages().set(1)])
                .unwrap())
        );
        insta::assert_snapshot!(
            "delete_across_relation",
            per_dialect(|d| Review::objects()
                .filter(Review::book().writer().name().eq("Bob"))
                .delete_sql(d)
                .unwrap())
        );
    });
}

fn ddl(models: &[&strata::ModelMeta]) -> String {
    let mut out = String::new();
    for dialect in Dialect::ALL {
        out.push_str(&format!("-- {dialect}\n"));
        for model in models {
            for sql in create_table_sql(model, dialect).unwrap() {
                out.push_str(&format!("{sql};\n"));
            }
        }
        for model in models {
            for sql in foreign_keys_sql(model, dialect) {
                out.push_str(&format!("{sql};\n"));
            }
        }
    }
    out
}

#[test]
fn foreign_keys_are_constraints_with_their_on_delete_action() {
    with_snapshots(|| {
        insta::assert_snapshot!("ddl_library", ddl(&library()));
        insta::assert_snapshot!("ddl_on_delete", ddl(&on_delete_models()));
    });
}

#[test]
fn distinct_selects_the_joined_columns_it_orders_by() {
    with_snapshots(|| {
        let ordered = Book::objects()
            .distinct()
            .order_by([Book::writer().name().desc(), Book::id().asc()]);
        insta::assert_snapshot!(
            "distinct_ordered_by_joined_field",
            per_dialect(|d| ordered.sql(d))
        );
        insta::assert_snapshot!(
            "distinct_ordered_by_joined_field_first",
            per_dialect(|d| ordered.first_sql(d))
        );
        // A selected relation's columns are in the list already.
        insta::assert_snapshot!(
            "distinct_ordered_by_selected_relation",
            per_dialect(|d| ordered.clone().select_related(Book::writer()).sql(d))
        );
    });
}

#[test]
fn count_and_exists_of_select_related_leave_the_related_columns_out() {
    with_snapshots(|| {
        let qs = Book::objects()
            .distinct()
            .select_related(Book::writer().publisher())
            .order_by(Book::writer().name());
        insta::assert_snapshot!(
            "count_distinct_select_related",
            per_dialect(|d| qs.count_sql(d))
        );
        insta::assert_snapshot!(
            "exists_sliced_select_related",
            per_dialect(|d| qs.clone().limit(2).exists_sql(d))
        );
    });
}
