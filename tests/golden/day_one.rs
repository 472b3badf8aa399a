//! Golden SQL of the day-one calls: relation lookups by row or key
//! (no join), a reverse hop after a forward one, a foreign key set in
//! `update`, `last` / `reverse` / `none`, `union`, `explain`, and the
//! regex and JSON lookups.

use crate::{per_dialect, with_snapshots};
use serde_json::json;
use strata::prelude::*;
use strata::Statement;
use strata_tests::blog::Post;
use strata_tests::day_one::Doc;
use strata_tests::models::Article;
use strata_tests::relations::{Book, Writer};

fn no_join(build: impl Fn(Dialect) -> Statement) -> String {
    let out = per_dialect(&build);
    assert!(!out.contains("JOIN"), "{out}");
    out
}

fn writer(id: i64) -> Writer {
    Writer {
        id,
        name: "Ann".into(),
        publisher: None,
    }
}

#[test]
fn relation_lookups_compare_the_foreign_key_without_a_join() {
    with_snapshots(|| {
        insta::assert_snapshot!(
            "day_one__fk_eq_row",
            no_join(|d| Book::objects().filter(Book::writer().eq(&writer(3))).sql(d))
        );
        insta::assert_snapshot!(
            "day_one__fk_in_rows_and_keys",
            no_join(|d| Book::objects()
                .filter(Book::writer().is_in([&writer(1), &writer(2)]))
                .exclude(Book::writer().is_in([7, 8]))
                .sql(d))
        );
        let pair = [writer(4), writer(5)];
        // A slice of rows, as `is_in(&[&ann, &bob])` passes it.
        let rows: &[&Writer] = &[&pair[0], &pair[1]];
        insta::assert_snapshot!(
            "day_one__fk_in_slice_of_rows",
            no_join(|d| Book::objects().filter(Book::writer().is_in(rows)).sql(d))
        );
        insta::assert_snapshot!(
            "day_one__fk_is_null",
            no_join(|d| Writer::objects()
                .filter(Writer::publisher().is_null(true))
                .exclude(Writer::publisher().eq(5))
                .sql(d))
        );
        insta::assert_snapshot!(
            "day_one__fk_is_null_two_hops",
            per_dialect(|d| Book::objects()
                .filter(Book::writer().publisher().is_null(true))
                .sql(d))
        );
        insta::assert_snapshot!(
            "day_one__fk_set",
            no_join(|d| Book::objects()
                .filter(Book::writer().eq(1))
                .update_sql(d, [Book::writer().set(&writer(2))])
                .unwrap())
        );
        insta::assert_snapshot!(
            "day_one__fk_set_null",
            no_join(|d| Writer::objects()
                .update_sql(d, [Writer::publisher().set_null()])
                .unwrap())
        );
        insta::assert_snapshot!(
            "day_one__reverse_after_forward",
            per_dialect(|d| Post::objects()
                .filter(Post::author().posts().published().eq(false))
                .sql(d))
        );
    });
}

#[test]
fn shortcuts_union_and_explain_have_golden_sql() {
    with_snapshots(|| {
        insta::assert_snapshot!(
            "day_one__reverse",
            per_dialect(|d| Article::objects()
                .order_by([Article::score().asc(), Article::title().desc()])
                .reverse()
                .sql(d))
        );
        insta::assert_snapshot!(
            "day_one__reverse_unordered",
            per_dialect(|d| Article::objects().reverse().sql(d))
        );
        insta::assert_snapshot!(
            "day_one__none",
            per_dialect(|d| Article::objects().none().sql(d))
        );
        insta::assert_snapshot!(
            "day_one__union",
            per_dialect(|d| Article::objects()
                .filter(Article::author().eq("ann"))
                .union(Article::objects().filter(Article::rating().gte(4)))
                .order_by(Article::id().asc())
                .sql(d)
                .unwrap())
        );
        insta::assert_snapshot!(
            "day_one__union_all_sliced_parts",
            per_dialect(|d| Article::objects()
                .order_by(Article::rating().desc())
                .limit(2)
                .union_all(Article::objects().filter(Article::author().eq("cy")))
                .order_by([Article::score().desc(), Article::id().asc()])
                .limit(3)
                .offset(1)
                .sql(d)
                .unwrap())
        );
        insta::assert_snapshot!(
            "day_one__explain",
            per_dialect(|d| Article::objects()
                .filter(Article::author().eq("ann"))
                .explain_sql(d))
        );
    });
}

#[test]
fn regex_and_json_lookups_have_golden_sql() {
    with_snapshots(|| {
        insta::assert_snapshot!(
            "day_one__regex",
            per_dialect(|d| Doc::objects()
                .filter(Doc::name().regex("^r[a-z]+$"))
                .exclude(Doc::name().iregex("x"))
                .sql(d))
        );
        insta::assert_snapshot!(
            "day_one__regex_across_reverse_relation",
            per_dialect(|d| strata_tests::blog::Author::objects()
                .filter(strata_tests::blog::Author::posts().title().iregex("^rust"))
                .sql(d))
        );
        insta::assert_snapshot!(
            "day_one__json_key_eq",
            per_dialect(|d| Doc::objects()
                .filter(Doc::data().key("a").key("b").eq(json!(1)))
                .sql(d))
        );
        insta::assert_snapshot!(
            "day_one__json_contains",
            per_dialect(|d| Doc::objects()
                .filter(Doc::data().json_contains(json!({"status": "done"})))
                .sql(d))
        );
        insta::assert_snapshot!(
            "day_one__json_has_key",
            per_dialect(|d| Doc::objects()
                .filter(Doc::data().key("a").has_key("b"))
                .exclude(Doc::extra().has_key("k"))
                .sql(d))
        );
    });
}
