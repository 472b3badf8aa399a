//! `update_f`: a counter bumped in the database, Django's `F`:
//! `UPDATE "posts" SET "views" = ("views" + $1) WHERE "id" = $2`.
//!
//! diesel_bench's schema has no numeric column besides its keys, so this
//! shape declares `posts` with a `views` counter for itself (to each
//! library: the strata model [`PostViews`], Diesel's `post_views` table
//! named `posts`, sea-query's [`PostsViews`]); query generation needs no
//! database, and the shared schema of the other benchmarks is unchanged.
//!
//! strata's cold case renders the `UPDATE` afresh (`update_sql`); warm
//! and rebuilt go through the statement cache as `update()` does
//! (`update_statement`), from the prebuilt queryset and from one built
//! per call. The assignments are the call's arguments, built per call in
//! every mode.

use super::diesel_side::diesel_cases;
use super::sea_query_side::sea_query_cases;
use super::strata_side::static_case;
use super::Case;
use diesel::prelude::*;
use sea_query::ExprTrait as _;
use sea_query::{Expr, Iden, Query};
use std::hint::black_box;
use strata::prelude::*;

/// `posts` with a `views` counter (the columns the update names).
#[derive(Model, Debug, Clone)]
#[strata(table = "posts")]
pub struct PostViews {
    pub id: i32,
    pub views: i32,
}

diesel::table! {
    #[sql_name = "posts"]
    post_views (id) {
        id -> Integer,
        views -> Integer,
    }
}

/// sea-query identifiers of [`PostViews`].
#[derive(Iden, Clone, Copy)]
#[iden = "posts"]
pub enum PostsViews {
    Table,
    Id,
    Views,
}

/// The post whose counter is bumped.
const POST_ID: i32 = 42;

/// `views = views + 1` on the post [`POST_ID`], from `qs`, rendered.
fn bump(qs: &QuerySet<PostViews>, dialect: Dialect) -> strata::Statement {
    qs.update_sql(dialect, [PostViews::views().set(PostViews::views() + 1)])
        .expect("the update renders")
}

/// [`bump`] through the statement cache, as `update()` runs it.
fn bump_cached(qs: &QuerySet<PostViews>, dialect: Dialect) -> strata::Statement {
    qs.update_statement(dialect, [PostViews::views().set(PostViews::views() + 1)])
        .expect("the update renders")
}

fn one_post() -> QuerySet<PostViews> {
    PostViews::objects().filter(PostViews::id().eq(POST_ID))
}

pub fn update_f(out: &mut Vec<Case>, dialect: Dialect) {
    let shape = "update_f";
    let stmt = bump(&one_post(), dialect);
    static_case(out, shape, dialect, stmt.clone());
    let cold = || -> Box<dyn FnMut()> {
        Box::new(move || {
            black_box(bump(&one_post(), black_box(dialect)));
        })
    };
    assert_eq!(
        stmt.sql(),
        bump_cached(&one_post(), dialect).sql(),
        "{shape}: the cached statement is the rendered one"
    );
    let warm: Box<dyn FnMut()> = {
        let qs = one_post();
        Box::new(move || {
            black_box(bump_cached(black_box(&qs), black_box(dialect)));
        })
    };
    let rebuilt: Box<dyn FnMut()> = Box::new(move || {
        black_box(bump_cached(&one_post(), black_box(dialect)));
    });
    for (mode, run) in [("cold", cold()), ("warm", warm), ("rebuilt", rebuilt)] {
        out.push(Case {
            shape: shape.to_string(),
            dialect,
            side: "strata",
            mode,
            run,
            sql: stmt.sql().to_string(),
            binds: stmt.binds().len(),
        });
    }
    diesel_cases!(
        out,
        shape,
        dialect,
        [],
        diesel::update(post_views::table.filter(post_views::id.eq(POST_ID)))
            .set(post_views::views.eq(post_views::views + 1))
    );
    sea_query_cases!(out, shape, dialect, || {
        Query::update()
            .table(PostsViews::Table)
            .value(PostsViews::Views, Expr::col(PostsViews::Views).add(1))
            .and_where(Expr::col(PostsViews::Id).eq(POST_ID))
            .to_owned()
    });
}
