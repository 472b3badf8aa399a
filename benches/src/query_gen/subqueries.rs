//! `in_subquery`: the posts whose user is in a filtered users subquery,
//! `WHERE "user_id" IN (SELECT "s1"."id" FROM "users" AS "s1" WHERE ..)`.
//! Diesel does not alias the subquery's table (`FROM "users"`).

use super::diesel_side::diesel_cases;
use super::sea_query_side::sea_query_cases;
use super::strata_side::strata_cases;
use super::Case;
use crate::diesel_schema::{posts, users};
use crate::models::{Post, User};
use crate::seaq::{Posts, Users};
use diesel::prelude::*;
use sea_query::ExprTrait as _;
use sea_query::{Expr, Iden, Query};
use strata::{Dialect, Model};

/// The alias strata gives the subquery's table.
#[derive(Iden, Clone, Copy)]
struct S1;

pub fn in_subquery(out: &mut Vec<Case>, dialect: Dialect) {
    let shape = "in_subquery";
    strata_cases(out, shape, dialect, || {
        Post::objects().filter(
            Post::user().is_in(
                User::objects()
                    .filter(User::hair_color().eq("black"))
                    .values(User::id()),
            ),
        )
    });
    diesel_cases!(
        out,
        shape,
        dialect,
        [],
        posts::table.select(posts::all_columns).filter(
            posts::user_id.eq_any(
                users::table
                    .filter(users::hair_color.eq("black"))
                    .select(users::id)
            )
        )
    );
    sea_query_cases!(out, shape, dialect, || {
        Query::select()
            .columns([Posts::Id, Posts::UserId, Posts::Title, Posts::Body])
            .from(Posts::Table)
            .and_where(
                Expr::col(Posts::UserId).in_subquery(
                    Query::select()
                        .column((S1, Users::Id))
                        .from_as(Users::Table, S1)
                        .and_where(Expr::col((S1, Users::HairColor)).eq("black"))
                        .to_owned(),
                ),
            )
            .to_owned()
    });
}
