//! Aggregates: `annotate_count` (every user with the count of their
//! posts, a correlated subquery per row) and `group_by_count` (the number
//! of posts per `user_id`, `values(..).annotate(..)`).
//!
//! strata's annotated and values querysets go through the statement
//! cache as `all()` does, checks included; warm reuses one queryset
//! value, which remembers its statement after the first render, and
//! rebuilt builds the queryset per call (a cache lookup).
//!
//! The peers write the same statements as closely as their DSLs allow:
//! Diesel's only scalar subquery is `single_value()`, which adds
//! `LIMIT 1` (one more bind), and it cannot name a selected expression
//! (no `AS "strata_a0"`) nor group by position (it groups by the column,
//! as sea-query does here, where strata writes `GROUP BY 1`).

use super::diesel_side::diesel_cases;
use super::sea_query_side::sea_query_cases;
use super::strata_side::strata_cases;
use super::Case;
use crate::diesel_schema::{posts, users};
use crate::models::{Post, User};
use crate::seaq::{Posts, Users};
use diesel::prelude::*;
use sea_query::ExprTrait as _;
use sea_query::{Asterisk, Expr, Func, Iden, Query};
use strata::prelude::RelatedAggregates as _;
use strata::query::aggregate::Count;
use strata::{Dialect, Model};

/// The alias strata gives a relation aggregate's subquery table.
#[derive(Iden, Clone, Copy)]
struct S1;

/// The name strata selects the first annotation as.
#[derive(Iden, Clone, Copy)]
#[iden = "strata_a0"]
struct StrataA0;

pub fn annotate_count(out: &mut Vec<Case>, dialect: Dialect) {
    let shape = "annotate_count";
    strata_cases(out, shape, dialect, || {
        User::objects().annotate(User::posts().count())
    });
    diesel_cases!(
        out,
        shape,
        dialect,
        [],
        users::table.select((
            users::all_columns,
            posts::table
                .filter(posts::user_id.eq(users::id))
                .count()
                .single_value()
        ))
    );
    sea_query_cases!(out, shape, dialect, || {
        Query::select()
            .columns([Users::Id, Users::Name, Users::HairColor])
            .expr_as(
                Query::select()
                    .expr(Func::count(Expr::col(Asterisk)))
                    .from_as(Posts::Table, S1)
                    .and_where(Expr::col((S1, Posts::UserId)).equals((Users::Table, Users::Id)))
                    .to_owned(),
                StrataA0,
            )
            .from(Users::Table)
            .to_owned()
    });
}

pub fn group_by_count(out: &mut Vec<Case>, dialect: Dialect) {
    let shape = "group_by_count";
    strata_cases(out, shape, dialect, || {
        Post::objects()
            .values(Post::user().id())
            .annotate(Count::all())
    });
    diesel_cases!(
        out,
        shape,
        dialect,
        [],
        posts::table
            .group_by(posts::user_id)
            .select((posts::user_id, diesel::dsl::count_star()))
    );
    sea_query_cases!(out, shape, dialect, || {
        Query::select()
            .column((Posts::Table, Posts::UserId))
            .expr(Func::count(Expr::col(Asterisk)))
            .from(Posts::Table)
            .group_by_col((Posts::Table, Posts::UserId))
            .to_owned()
    });
}
