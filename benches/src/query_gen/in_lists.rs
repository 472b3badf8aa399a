//! `IN` lists: the posts of 100 users (`posts_in_100`) and the comments
//! of 1,000 posts (`comments_in_1000`). On PostgreSQL strata and Diesel
//! bind the list as one array (`= ANY($1)`), sea-query a placeholder per
//! value.

use super::diesel_side::diesel_cases;
use super::sea_query_side::sea_query_cases;
use super::strata_side::strata_cases;
use super::Case;
use crate::diesel_schema::{comments, posts};
use crate::models::{Comment, Post};
use crate::seaq::{Comments, Posts};
use diesel::prelude::*;
use sea_query::ExprTrait as _;
use sea_query::{Expr, Query};
use strata::{Dialect, Model};

pub fn posts_in(out: &mut Vec<Case>, dialect: Dialect) {
    let shape = "posts_in_100";
    let ids: Vec<i32> = (1..=100).collect();
    {
        let ids = ids.clone();
        strata_cases(out, shape, dialect, move || {
            Post::objects().filter(Post::user().id().is_in(ids.iter().copied()))
        });
    }
    diesel_cases!(
        out,
        shape,
        dialect,
        [ids],
        posts::table
            .select(posts::all_columns)
            .filter(posts::user_id.eq_any(ids.iter().copied()))
    );
    sea_query_cases!(out, shape, dialect, move || {
        Query::select()
            .columns([Posts::Id, Posts::UserId, Posts::Title, Posts::Body])
            .from(Posts::Table)
            .and_where(Expr::col(Posts::UserId).is_in(ids.iter().copied()))
            .to_owned()
    });
}

pub fn comments_in(out: &mut Vec<Case>, dialect: Dialect) {
    let shape = "comments_in_1000";
    let ids: Vec<i32> = (1..=1000).collect();
    {
        let ids = ids.clone();
        strata_cases(out, shape, dialect, move || {
            Comment::objects().filter(Comment::post().id().is_in(ids.iter().copied()))
        });
    }
    diesel_cases!(
        out,
        shape,
        dialect,
        [ids],
        comments::table
            .select(comments::all_columns)
            .filter(comments::post_id.eq_any(ids.iter().copied()))
    );
    sea_query_cases!(out, shape, dialect, move || {
        Query::select()
            .columns([Comments::Id, Comments::PostId, Comments::Text])
            .from(Comments::Table)
            .and_where(Expr::col(Comments::PostId).is_in(ids.iter().copied()))
            .to_owned()
    });
}
