//! The statement cache: every queryset, run through the cache after every
//! other shape has been cached, gets exactly the statement a fresh render
//! gives; querysets that differ only in their values share one SQL text.

use strata::prelude::*;
use strata::query::scalar::when;
use strata::{Dialect, Statement};
use strata_tests::blog::*;
use strata_tests::expressions::Review;
use strata_tests::models::Article;
use strata_tests::shapes::shapes;

/// A queryset's statement through the cache, and rendered afresh.
type Pair = Box<dyn Fn(Dialect) -> (Statement, Statement)>;

/// Querysets over several models whose shapes differ in one detail each.
fn near_misses() -> Vec<(&'static str, Pair)> {
    fn pair<M: Model>(qs: QuerySet<M>) -> Pair {
        Box::new(move |d| (qs.statement(d), qs.sql(d)))
    }
    let art = Article::objects;
    let rev = Review::objects;
    vec![
        ("asc", pair(art().order_by(Article::id().asc()))),
        ("desc", pair(art().order_by(Article::id().desc()))),
        ("limit", pair(art().limit(3))),
        ("offset", pair(art().offset(3))),
        ("limit_offset", pair(art().limit(3).offset(1))),
        ("distinct", pair(art().distinct())),
        ("in_1", pair(art().filter(Article::rating().is_in([1])))),
        ("in_2", pair(art().filter(Article::rating().is_in([1, 2])))),
        (
            "in_0",
            pair(art().filter(Article::rating().is_in(Vec::<i32>::new()))),
        ),
        (
            "in_1000",
            pair(art().filter(Article::rating().is_in(0..1000))),
        ),
        (
            "in_1001",
            pair(art().filter(Article::rating().is_in(0..1001))),
        ),
        (
            "in_5000",
            pair(art().filter(Article::rating().is_in(0..5000))),
        ),
        (
            "in_1001_strings",
            pair(art().filter(Article::author().is_in((0..1001).map(|i| i.to_string())))),
        ),
        ("gt", pair(art().filter(Article::rating().gt(1)))),
        ("gte", pair(art().filter(Article::rating().gte(1)))),
        ("not_gt", pair(art().exclude(Article::rating().gt(1)))),
        ("score_gt", pair(art().filter(Article::score().gt(1.0)))),
        (
            "contains",
            pair(art().filter(Article::title().contains("a"))),
        ),
        (
            "icontains",
            pair(art().filter(Article::title().icontains("a"))),
        ),
        (
            "startswith",
            pair(art().filter(Article::title().startswith("a"))),
        ),
        (
            "and",
            pair(art().filter(Article::rating().gt(1) & Article::rating().lt(5))),
        ),
        (
            "or",
            pair(art().filter(Article::rating().gt(1) | Article::rating().lt(5))),
        ),
        (
            "two_filters",
            pair(
                art()
                    .filter(Article::rating().gt(1))
                    .filter(Article::rating().lt(5)),
            ),
        ),
        (
            "post_author",
            pair(Post::objects().filter(Post::author().name().eq("a"))),
        ),
        (
            "post_author_related",
            pair(Post::objects().select_related(Post::author())),
        ),
        (
            "author_posts",
            pair(Author::objects().filter(Author::posts().title().eq("a"))),
        ),
        (
            "author_posts_any",
            pair(Author::objects().filter(Author::posts().any(Post::title().eq("a")))),
        ),
        (
            "post_tags",
            pair(Post::objects().filter(Post::tags().name().eq("a"))),
        ),
        (
            "person_followers",
            pair(Person::objects().filter(Person::followers().name().eq("a"))),
        ),
        // Expressions: operators, functions, nulls in values and
        // orderings are shapes of their own.
        ("expr_add", pair(rev().filter((Review::likes() + 1).gt(2)))),
        ("expr_sub", pair(rev().filter((Review::likes() - 1).gt(2)))),
        ("expr_div", pair(rev().filter((Review::likes() / 1).gt(2)))),
        (
            "expr_field",
            pair(rev().filter(Review::likes().gt(Review::dislikes()))),
        ),
        ("expr_value", pair(rev().filter(Review::likes().gt(2)))),
        (
            "expr_lower",
            pair(rev().filter(Review::title().lower().eq("a"))),
        ),
        (
            "expr_upper",
            pair(rev().filter(Review::title().upper().eq("a"))),
        ),
        (
            "expr_null_eq",
            pair(rev().filter((Review::bonus() + 1).eq(None::<i32>))),
        ),
        (
            "expr_not_null_eq",
            pair(rev().filter((Review::bonus() + 1).eq(2))),
        ),
        ("expr_not", pair(rev().exclude((Review::bonus() + 1).eq(2)))),
        (
            "expr_cast_i64",
            pair(rev().filter(Review::likes().cast::<i64>().eq(2))),
        ),
        (
            "expr_cast_f64",
            pair(rev().filter(Review::likes().cast::<f64>().eq(2.0))),
        ),
        (
            "expr_case_else",
            pair(rev().filter(when(Review::likes().gt(1), 1).otherwise(2).eq(1))),
        ),
        (
            "expr_case_end",
            pair(rev().filter(when(Review::likes().gt(1), 1).end().eq(1))),
        ),
        (
            "expr_order_asc",
            pair(rev().order_by(Review::title().lower().asc())),
        ),
        (
            "expr_order_desc",
            pair(rev().order_by(Review::title().lower().desc())),
        ),
        (
            "expr_order_nulls_first",
            pair(rev().order_by(Review::bonus().asc().nulls_first())),
        ),
        (
            "expr_order_nulls_last",
            pair(rev().order_by(Review::bonus().asc().nulls_last())),
        ),
        (
            "expr_order_mysql_binds",
            pair(
                rev()
                    .order_by((Review::likes() + 3).asc().nulls_last())
                    .limit(2),
            ),
        ),
    ]
}

#[test]
fn cached_statements_equal_fresh_renders_for_every_shape_and_dialect() {
    let catalogue = shapes();
    let misses = near_misses();
    // Twice: the first round fills the cache, the second reads it.
    for round in 0..2 {
        for dialect in Dialect::ALL {
            for shape in &catalogue {
                assert_eq!(
                    shape.query.statement(dialect),
                    shape.query.sql(dialect),
                    "{} on {dialect}, round {round}",
                    shape.name
                );
            }
            for (name, pair) in &misses {
                let (cached, fresh) = pair(dialect);
                assert_eq!(cached, fresh, "{name} on {dialect}, round {round}");
            }
        }
    }
}

#[test]
fn querysets_differing_only_in_values_share_sql_and_bind_their_own_values() {
    for dialect in Dialect::ALL {
        let qs = |author: &str, rating: i32, ids: Vec<i64>| {
            Article::objects()
                .filter(Article::author().eq(author))
                .filter(Article::title().contains(author))
                .exclude(Article::rating().gt(rating))
                .filter(Article::id().is_in(ids))
                .order_by(Article::title())
                .limit(10)
        };
        let first = qs("ann", 1, vec![1, 2]).statement(dialect);
        let second = qs("bob's 100%", 2, vec![3, 4]).statement(dialect);
        assert_eq!(first.sql(), second.sql(), "on {dialect}");
        assert_eq!(second, qs("bob's 100%", 2, vec![3, 4]).sql(dialect));
        assert_ne!(first.binds(), second.binds());
        // On PostgreSQL a list of any length is one array parameter: the
        // same SQL again.
        let longer = qs("cy", 3, vec![5, 6, 7]).statement(dialect);
        assert_eq!(
            longer.sql() == first.sql(),
            dialect.binds_arrays(),
            "on {dialect}"
        );
    }
}

#[test]
fn uncached_bulk_create_renders_the_statements_the_cache_serves() {
    let article = |i: usize| Article {
        id: 0,
        title: format!("title {i}"),
        author: "ann".into(),
        rating: i as i32,
        score: i.is_multiple_of(2).then_some(0.5),
        subtitle: None,
        published: i.is_multiple_of(3),
    };
    // Enough rows for several batches under SQLite's bind limit.
    let rows: Vec<Article> = (0..5_000).map(article).collect();
    for dialect in Dialect::ALL {
        for count in [1, 2, rows.len()] {
            let rows = &rows[..count];
            // Twice: the first round fills the cache, the second reads it.
            for round in 0..2 {
                let cached = Article::bulk_create_sql(rows, dialect);
                let fresh = strata::bulk_create_sql_uncached(rows, dialect);
                assert_eq!(cached, fresh, "{count} rows on {dialect}, round {round}");
            }
        }
        let batches = strata::bulk_create_sql_uncached(&rows, dialect);
        assert_eq!(
            batches.iter().map(|s| s.binds().len()).sum::<usize>(),
            rows.len() * Article::META.insert_columns().count(),
            "every value of every row is bound once on {dialect}"
        );
    }
}
