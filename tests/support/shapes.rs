//! The catalogue of queryset shapes. Each shape is pinned as golden SQL per
//! dialect (`tests/golden`) and executed on every database (`tests/db`),
//! where its rows are compared with the same question answered in plain
//! Rust over the fixture data.

use crate::models::Article;
use strata::prelude::*;

/// The fixture rows, before insertion (ids are filled by the database).
/// Titles hold `%`, `_`, GLOB metacharacters, quotes, mixed case and
/// non-ASCII text; some optional fields are `NULL`.
pub fn fixture() -> Vec<Article> {
    let row =
        |title: &str, author: &str, rating, score, subtitle: Option<&str>, published| Article {
            id: 0,
            title: title.into(),
            author: author.into(),
            rating,
            score,
            subtitle: subtitle.map(str::to_string),
            published,
        };
    vec![
        row(
            "Rust in Action",
            "ann",
            5,
            Some(4.5),
            Some("Ownership"),
            true,
        ),
        row("rust for beginners", "bob", 3, None, None, false),
        row("100% Rust", "ann", 4, Some(3.0), Some("50% off"), true),
        row(
            "snake_case names",
            "cy",
            2,
            Some(1.5),
            Some("under_score"),
            false,
        ),
        row("Ünïcödé Straße", "dé", 5, None, Some("ß"), true),
        row("O'Reilly \"quotes\"", "bob", 1, Some(2.0), None, false),
        row("RUST UPPER", "Ann", 3, Some(5.0), Some(""), true),
        row("a*b?c[d]", "cy", 0, None, Some("glob"), false),
    ]
}

/// What a shape should return, from the inserted fixture rows.
pub enum Expected {
    /// These rows, in any order.
    Set(fn(&Article) -> bool),
    /// Exactly these rows in this order.
    Ordered(fn(&[Article]) -> Vec<Article>),
}

/// One queryset shape.
pub struct Shape {
    pub name: &'static str,
    pub query: QuerySet<Article>,
    pub expected: Expected,
}

fn set(name: &'static str, query: QuerySet<Article>, keep: fn(&Article) -> bool) -> Shape {
    Shape {
        name,
        query,
        expected: Expected::Set(keep),
    }
}

fn ordered(
    name: &'static str,
    query: QuerySet<Article>,
    expect: fn(&[Article]) -> Vec<Article>,
) -> Shape {
    Shape {
        name,
        query,
        expected: Expected::Ordered(expect),
    }
}

fn sorted_by<K: Ord>(rows: &[Article], key: impl Fn(&Article) -> K) -> Vec<Article> {
    let mut rows = rows.to_vec();
    rows.sort_by_key(key);
    rows
}

/// `score` ordered with NULLs first, as strata orders on every database.
fn score_key(a: &Article) -> (bool, i64) {
    match a.score {
        None => (false, 0),
        Some(s) => (true, (s * 1000.0) as i64),
    }
}

/// Every shape, in a stable order.
pub fn shapes() -> Vec<Shape> {
    let all = Article::objects;
    vec![
        ordered("select_all", all().order_by(Article::id()), |rows| {
            rows.to_vec()
        }),
        set(
            "filter_eq",
            all().filter(Article::author().eq("ann")),
            |a| a.author == "ann",
        ),
        set(
            "filter_eq_bool",
            all().filter(Article::published().eq(true)),
            |a| a.published,
        ),
        set(
            "filter_eq_none_is_null",
            all().filter(Article::subtitle().eq(None::<String>)),
            |a| a.subtitle.is_none(),
        ),
        set(
            "filter_ne_keeps_nulls",
            all().filter(Article::subtitle().ne("glob")),
            |a| a.subtitle.as_deref() != Some("glob"),
        ),
        set("filter_gt", all().filter(Article::rating().gt(3)), |a| {
            a.rating > 3
        }),
        set("filter_gte", all().filter(Article::rating().gte(3)), |a| {
            a.rating >= 3
        }),
        set("filter_lt", all().filter(Article::rating().lt(2)), |a| {
            a.rating < 2
        }),
        set("filter_lte", all().filter(Article::rating().lte(2)), |a| {
            a.rating <= 2
        }),
        set(
            "filter_float_gte",
            all().filter(Article::score().gte(3.0)),
            |a| a.score.is_some_and(|s| s >= 3.0),
        ),
        set(
            "filter_in",
            all().filter(Article::rating().is_in([1, 3, 5])),
            |a| [1, 3, 5].contains(&a.rating),
        ),
        set(
            "filter_in_empty_matches_nothing",
            all().filter(Article::rating().is_in(Vec::<i32>::new())),
            |_| false,
        ),
        set(
            "exclude_in_empty_keeps_all",
            all().exclude(Article::rating().is_in(Vec::<i32>::new())),
            |_| true,
        ),
        set(
            "filter_between",
            all().filter(Article::rating().between(2, 4)),
            |a| (2..=4).contains(&a.rating),
        ),
        set(
            "filter_is_null",
            all().filter(Article::score().is_null(true)),
            |a| a.score.is_none(),
        ),
        set(
            "filter_is_not_null",
            all().filter(Article::score().is_null(false)),
            |a| a.score.is_some(),
        ),
        set(
            "filter_contains_is_case_sensitive",
            all().filter(Article::title().contains("Rust")),
            |a| a.title.contains("Rust"),
        ),
        set(
            "filter_icontains",
            all().filter(Article::title().icontains("rUsT")),
            |a| a.title.to_lowercase().contains("rust"),
        ),
        set(
            "filter_contains_percent_is_literal",
            all().filter(Article::title().contains("%")),
            |a| a.title.contains('%'),
        ),
        set(
            "filter_contains_underscore_is_literal",
            all().filter(Article::title().contains("_")),
            |a| a.title.contains('_'),
        ),
        set(
            "filter_contains_glob_chars_is_literal",
            all().filter(Article::title().contains("*b?c[")),
            |a| a.title.contains("*b?c["),
        ),
        set(
            "filter_contains_quotes",
            all().filter(Article::title().contains("'Reilly \"q")),
            |a| a.title.contains("'Reilly \"q"),
        ),
        set(
            "filter_contains_unicode",
            all().filter(Article::title().contains("Straße")),
            |a| a.title.contains("Straße"),
        ),
        set(
            "filter_nullable_contains",
            all().filter(Article::subtitle().contains("_")),
            |a| a.subtitle.as_deref().is_some_and(|s| s.contains('_')),
        ),
        set(
            "filter_startswith",
            all().filter(Article::title().startswith("rust")),
            |a| a.title.starts_with("rust"),
        ),
        set(
            "filter_istartswith",
            all().filter(Article::title().istartswith("RUST")),
            |a| a.title.to_lowercase().starts_with("rust"),
        ),
        set(
            "filter_endswith",
            all().filter(Article::title().endswith("Rust")),
            |a| a.title.ends_with("Rust"),
        ),
        set(
            "filter_iendswith",
            all().filter(Article::title().iendswith("rust")),
            |a| a.title.to_lowercase().ends_with("rust"),
        ),
        set(
            "filter_iexact",
            all().filter(Article::author().iexact("ANN")),
            |a| a.author.to_lowercase() == "ann",
        ),
        set(
            "filter_and_or",
            all().filter(
                Article::rating()
                    .gte(3)
                    .and(Article::published().eq(true))
                    .or(Article::author().eq("cy")),
            ),
            |a| (a.rating >= 3 && a.published) || a.author == "cy",
        ),
        set("filter_not", all().filter(!Article::rating().gt(2)), |a| {
            a.rating <= 2
        }),
        set(
            "filter_chained_filters_and",
            all()
                .filter(Article::author().eq("bob"))
                .filter(Article::rating().lt(2)),
            |a| a.author == "bob" && a.rating < 2,
        ),
        set(
            "exclude_keeps_nulls",
            all().exclude(Article::score().gt(2.0)),
            |a| !a.score.is_some_and(|s| s > 2.0),
        ),
        set(
            "exclude_and",
            all().exclude(Article::author().eq("bob").and(Article::rating().lt(2))),
            |a| !(a.author == "bob" && a.rating < 2),
        ),
        set(
            "exclude_or_of_nullable",
            all().exclude(
                Article::subtitle()
                    .startswith("50")
                    .or(Article::score().lt(2.0)),
            ),
            |a| {
                !(a.subtitle.as_deref().is_some_and(|s| s.starts_with("50"))
                    || a.score.is_some_and(|s| s < 2.0))
            },
        ),
        ordered(
            "order_by_two_keys",
            all().order_by([Article::author().asc(), Article::rating().desc()]),
            |rows| sorted_by(rows, |a| (a.author.clone(), std::cmp::Reverse(a.rating))),
        ),
        ordered(
            "order_by_nullable_asc_nulls_first",
            all().order_by([Article::score().asc(), Article::id().asc()]),
            |rows| sorted_by(rows, |a| (score_key(a), a.id)),
        ),
        ordered(
            "order_by_nullable_desc_nulls_last",
            all().order_by([Article::score().desc(), Article::id().asc()]),
            |rows| sorted_by(rows, |a| (std::cmp::Reverse(score_key(a)), a.id)),
        ),
        ordered(
            "order_by_text_is_binary",
            all().order_by([Article::title().asc()]),
            |rows| sorted_by(rows, |a| a.title.clone()),
        ),
        ordered("limit", all().order_by(Article::id()).limit(3), |rows| {
            rows[..3].to_vec()
        }),
        ordered(
            "limit_offset",
            all().order_by(Article::id()).limit(3).offset(2),
            |rows| rows[2..5].to_vec(),
        ),
        ordered(
            "offset_only",
            all().order_by(Article::id()).offset(6),
            |rows| rows[6..].to_vec(),
        ),
        ordered(
            "distinct_filtered_ordered",
            all()
                .distinct()
                .filter(Article::published().eq(false))
                .order_by(Article::id().desc()),
            |rows| {
                let mut out: Vec<Article> = rows.iter().filter(|a| !a.published).cloned().collect();
                out.reverse();
                out
            },
        ),
    ]
}
