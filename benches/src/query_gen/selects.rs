//! Plain selects: `trivial` (every user), `join_filter` (posts of
//! black-haired users, with their user joined) and `seven_filters` (a
//! chain of seven filters, an ordering and a limit).

use super::diesel_side::diesel_cases;
use super::sea_query_side::sea_query_cases;
use super::strata_side::strata_cases;
use super::Case;
use crate::diesel_schema::{posts, users};
use crate::models::{Post, User};
use crate::seaq::{Posts, Users, T1};
use diesel::prelude::*;
use sea_query::ExprTrait as _;
use sea_query::{Expr, JoinType, LikeExpr, Order, Query};
use strata::{Dialect, Model};

pub fn trivial(out: &mut Vec<Case>, dialect: Dialect) {
    let shape = "trivial";
    strata_cases(out, shape, dialect, User::objects);
    diesel_cases!(
        out,
        shape,
        dialect,
        [],
        users::table.select(users::all_columns)
    );
    sea_query_cases!(out, shape, dialect, || {
        Query::select()
            .columns([Users::Id, Users::Name, Users::HairColor])
            .from(Users::Table)
            .to_owned()
    });
}

pub fn join_filter(out: &mut Vec<Case>, dialect: Dialect) {
    let shape = "join_filter";
    strata_cases(out, shape, dialect, || {
        Post::objects()
            .filter(Post::user().hair_color().eq("black"))
            .select_related(Post::user())
    });
    diesel_cases!(
        out,
        shape,
        dialect,
        [],
        posts::table
            .left_join(users::table)
            .filter(users::hair_color.eq("black"))
            .select((posts::all_columns, users::all_columns.nullable()))
    );
    sea_query_cases!(out, shape, dialect, || {
        Query::select()
            .columns([
                (Posts::Table, Posts::Id),
                (Posts::Table, Posts::UserId),
                (Posts::Table, Posts::Title),
                (Posts::Table, Posts::Body),
            ])
            .columns([(T1, Users::Id), (T1, Users::Name), (T1, Users::HairColor)])
            .from(Posts::Table)
            .join_as(
                JoinType::LeftJoin,
                Users::Table,
                T1,
                Expr::col((T1, Users::Id)).equals((Posts::Table, Posts::UserId)),
            )
            .and_where(Expr::col((T1, Users::HairColor)).eq("black"))
            .to_owned()
    });
}

pub fn seven_filters(out: &mut Vec<Case>, dialect: Dialect) {
    let shape = "seven_filters";
    strata_cases(out, shape, dialect, || {
        User::objects()
            .filter(User::name().eq("Sean"))
            .filter(User::hair_color().eq("black"))
            .filter(User::id().gt(1))
            .filter(User::id().lt(1000))
            .filter(User::name().contains("ea"))
            .filter(User::hair_color().is_null(false))
            .filter(User::id().ne(7))
            .order_by(User::id().desc())
            .limit(10)
    });
    diesel_cases!(
        out,
        shape,
        dialect,
        [],
        users::table
            .select(users::all_columns)
            .filter(users::name.eq("Sean"))
            .filter(users::hair_color.eq("black"))
            .filter(users::id.gt(1))
            .filter(users::id.lt(1000))
            .filter(users::name.like(crate::contains_pattern("ea")).escape('!'))
            .filter(users::hair_color.is_not_null())
            .filter(users::id.ne(7))
            .order(users::id.desc())
            .limit(10)
    );
    sea_query_cases!(out, shape, dialect, || {
        Query::select()
            .columns([Users::Id, Users::Name, Users::HairColor])
            .from(Users::Table)
            .and_where(Expr::col(Users::Name).eq("Sean"))
            .and_where(Expr::col(Users::HairColor).eq("black"))
            .and_where(Expr::col(Users::Id).gt(1))
            .and_where(Expr::col(Users::Id).lt(1000))
            .and_where(
                Expr::col(Users::Name)
                    .like(LikeExpr::new(crate::contains_pattern("ea")).escape('!')),
            )
            .and_where(Expr::col(Users::HairColor).is_not_null())
            .and_where(Expr::col(Users::Id).ne(7))
            .order_by(Users::Id, Order::Desc)
            .limit(10)
            .to_owned()
    });
}
