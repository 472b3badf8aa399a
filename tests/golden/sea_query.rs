//! The `sea-query` feature's statements: a sea-query expression inside a
//! strata filter, and a queryset built back by sea-query, per dialect.

use crate::{per_dialect, with_snapshots};
use sea_query::{Expr, ExprTrait};
use strata::prelude::*;
use strata_tests::models::Article;

fn odd_rating() -> Q<Article> {
    strata::sea_query::raw_expr(Expr::col("rating").modulo(2).eq(1)).unwrap()
}

#[test]
fn a_sea_query_expression_is_written_in_parentheses_with_its_values_bound() {
    with_snapshots(|| {
        insta::assert_snapshot!(
            "sea_raw_expr_filter",
            per_dialect(|d| Article::objects()
                .filter(Article::author().eq("ann").and(odd_rating()))
                .sql(d))
        );
        insta::assert_snapshot!(
            "sea_raw_expr_exclude",
            per_dialect(|d| Article::objects().exclude(odd_rating()).sql(d))
        );
    });
}

#[test]
fn a_queryset_built_by_sea_query_keeps_its_filters_order_and_slice() {
    with_snapshots(|| {
        insta::assert_snapshot!(
            "sea_select_of_queryset",
            per_dialect(|d| {
                let qs = Article::objects()
                    .filter(Article::title().icontains("rust"))
                    .filter(Article::rating().gte(3))
                    .order_by(Article::score().desc())
                    .offset(1);
                let select = strata::sea_query::select(&qs, d).unwrap();
                strata::sea_query::statement(&select, d).unwrap()
            })
        );
    });
}

#[test]
fn the_statement_cache_tells_sea_query_expressions_apart() {
    for d in Dialect::ALL {
        let odd = Article::objects().filter(odd_rating());
        let even = Article::objects()
            .filter(strata::sea_query::raw_expr(Expr::col("rating").modulo(2).eq(0)).unwrap());
        let other = Article::objects()
            .filter(strata::sea_query::raw_expr(Expr::col("score").modulo(2).eq(1)).unwrap());
        // Same text, other values: one shape.
        assert_eq!(odd.statement(d).sql(), even.statement(d).sql(), "on {d}");
        assert_ne!(
            odd.statement(d).binds(),
            even.statement(d).binds(),
            "on {d}"
        );
        // Other text: the cache renders it afresh.
        assert_ne!(odd.statement(d).sql(), other.statement(d).sql(), "on {d}");
        assert_eq!(other.statement(d).sql(), other.sql(d).sql(), "on {d}");
    }
}
