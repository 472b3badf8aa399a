//! The `sea-query` feature, on every database: sea-query expressions
//! inside strata filters, and strata querysets and conditions turned into
//! sea-query statements, each run and compared with the same question
//! answered in Rust over the fixture rows.

use sea_query::{Expr, ExprTrait, Query};
use strata::prelude::*;
use strata_tests::each_db;
use strata_tests::models::Article;
use strata_tests::shapes::{fixture, shapes, Expected};

async fn seeded(db: &Db) -> Vec<Article> {
    db.create_tables(&[Article::META]).await.unwrap();
    let mut rows = fixture();
    for row in &mut rows {
        row.insert(db).await.unwrap();
    }
    rows
}

fn ids<'a>(rows: impl IntoIterator<Item = &'a Article>) -> Vec<i64> {
    let mut ids: Vec<i64> = rows.into_iter().map(|a| a.id).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn a_sea_query_expression_filters_with_its_values_bound() {
    each_db("sea_raw_expr", |db| async move {
        let rows = seeded(&db).await;
        let odd_rating =
            || strata::sea_query::raw_expr::<Article>(Expr::col("rating").modulo(2).eq(1)).unwrap();
        // Twice: the second statement comes from the statement cache.
        for _ in 0..2 {
            let got = Article::objects()
                .filter(odd_rating().and(Article::published().eq(true)))
                .all(&db)
                .await
                .unwrap();
            let want = rows.iter().filter(|a| a.rating % 2 == 1 && a.published);
            assert_eq!(ids(&got), ids(want), "on {}", db.dialect());
        }
        // A hostile string stays a value.
        let hostile = "x' OR '1'='1";
        let got = Article::objects()
            .filter(strata::sea_query::raw_expr(Expr::col("title").eq(hostile)).unwrap())
            .all(&db)
            .await
            .unwrap();
        assert!(got.is_empty(), "on {}", db.dialect());
    })
    .await;
}

#[tokio::test]
async fn excluding_a_sea_query_expression_keeps_rows_where_it_is_null() {
    each_db("sea_raw_exclude", |db| async move {
        let rows = seeded(&db).await;
        let high = strata::sea_query::raw_expr::<Article>(Expr::col("score").gt(2.5)).unwrap();
        let got = Article::objects().exclude(high).all(&db).await.unwrap();
        // Django's exclude: rows with no score are kept.
        let want = rows.iter().filter(|a| !a.score.is_some_and(|s| s > 2.5));
        assert_eq!(ids(&got), ids(want), "on {}", db.dialect());
    })
    .await;
}

#[tokio::test]
async fn a_strata_condition_runs_inside_a_sea_query_statement() {
    each_db("sea_condition", |db| async move {
        let rows = seeded(&db).await;
        let d = db.dialect();
        let cond = strata::sea_query::condition(
            Article::title()
                .icontains("rust")
                .or(Article::rating().gte(5)),
            d,
        )
        .unwrap();
        let select = Query::select()
            .column(("article", "id"))
            .from("article")
            .cond_where(cond)
            .and_where(Expr::col(("article", "author")).ne("bob"))
            .to_owned();
        let stmt = strata::sea_query::statement(&select, d).unwrap();
        let mut got = db
            .fetch(stmt, |row| Ok(i64::decode(row, 0).expect("an id")))
            .await
            .unwrap();
        got.sort();
        let want = rows.iter().filter(|a| {
            (a.title.to_lowercase().contains("rust") || a.rating >= 5) && a.author != "bob"
        });
        assert_eq!(got, ids(want), "on {d}");
    })
    .await;
}

#[tokio::test]
async fn every_queryset_shape_sea_query_can_hold_returns_the_same_rows() {
    each_db("sea_select_shapes", |db| async move {
        let rows = seeded(&db).await;
        let d = db.dialect();
        let mut converted = 0;
        let total = shapes().len();
        for shape in shapes() {
            let select = match strata::sea_query::select(&shape.query, d) {
                Ok(select) => select,
                Err(strata::Error::SeaQuery { .. }) => continue,
                Err(e) => panic!("{}: {e}", shape.name),
            };
            converted += 1;
            let stmt = strata::sea_query::statement(&select, d).unwrap();
            let got = db
                .fetch(stmt, |row| Article::from_row(row, 0))
                .await
                .unwrap_or_else(|e| panic!("{} on {d}: {e}", shape.name));
            match shape.expected {
                Expected::Set(keep) => {
                    let want = rows.iter().filter(|a| keep(a));
                    assert_eq!(ids(&got), ids(want), "shape {} on {d}", shape.name);
                }
                Expected::Ordered(expect) => {
                    assert_eq!(got, expect(&rows), "shape {} on {d}", shape.name);
                }
            }
        }
        // The catalogue's shapes are all on the model's own columns.
        assert_eq!(converted, total, "shapes converted on {d}");
    })
    .await;
}

#[tokio::test]
async fn a_sea_query_insert_and_update_run_through_strata() {
    each_db("sea_statements", |db| async move {
        db.create_tables(&[Article::META]).await.unwrap();
        let d = db.dialect();
        let insert = Query::insert()
            .into_table("article")
            .columns(["title", "author", "rating", "published"])
            .values_panic(["Dune".into(), "frank".into(), 4.into(), true.into()])
            .values_panic(["Emma".into(), "jane".into(), 5.into(), false.into()])
            .to_owned();
        let done = db
            .execute(strata::sea_query::statement(&insert, d).unwrap())
            .await
            .unwrap();
        assert_eq!(done.rows_affected, 2, "on {d}");
        let update = Query::update()
            .table("article")
            .value("rating", Expr::col("rating").add(1))
            .and_where(Expr::col("author").eq("jane"))
            .to_owned();
        db.execute(strata::sea_query::statement(&update, d).unwrap())
            .await
            .unwrap();
        let emma = Article::objects()
            .filter(Article::title().eq("Emma"))
            .get(&db)
            .await
            .unwrap();
        assert_eq!(emma.rating, 6, "on {d}");
    })
    .await;
}

#[test]
fn what_sea_query_cannot_carry_is_a_clear_error() {
    let related = Article::objects().select_for_update();
    let err = strata::sea_query::select(&related, Dialect::Postgres).unwrap_err();
    assert!(
        matches!(&err, strata::Error::SeaQuery { what, .. } if what.contains("select_for_update")),
        "{err}"
    );
    let too_big = strata::sea_query::raw_expr::<Article>(Expr::col("rating").eq(u64::MAX));
    let err = too_big.unwrap_err();
    assert!(err.to_string().contains("above i64::MAX"), "{err}");
}
