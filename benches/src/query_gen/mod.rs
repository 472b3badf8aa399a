//! Query generation without a database: each side turns the same query
//! shape into SQL text plus bound values, for PostgreSQL, MySQL and SQLite.
//!
//! Sides:
//! - `static`: copying a prepared string and its binds (strata's own output
//!   for the shape), the physical limit of any query builder;
//! - `strata`: a queryset or model, rendered by `sql()` /
//!   `bulk_create_sql()` and their cached counterparts;
//! - `diesel`: Diesel's DSL rendered the way a connection does it, by
//!   `QueryFragment::to_sql` into the backend's `QueryBuilder` plus
//!   `collect_binds` into the backend's bind collector;
//! - `sea-query`: a statement rendered by `build(<Backend>QueryBuilder)`,
//!   which returns the SQL and its `Values`.
//!
//! Modes:
//! - `cold`: the query is built from scratch and rendered without any
//!   cache on every iteration (strata: `sql()`, and for inserts the
//!   uncached `strata::bulk_create_sql_uncached`; Diesel: `to_sql` +
//!   `collect_binds`);
//! - `warm`: the same query value executed again: it is built once, and
//!   only what a terminal call runs per execution runs per iteration.
//!   strata takes the SQL text from its statement cache (keyed by the
//!   queryset's shape; the queryset value remembers it from its second
//!   render on) and checks and collects the binds afresh
//!   (`QuerySet::statement`, `Annotated::statement`,
//!   `ValuesQuerySet::checked_statement`, `update_statement`, the cached
//!   `bulk_create_sql`), as its terminal calls do. Diesel's connection keeps a statement cache keyed
//!   by the query's type when the type has a static query id; for those
//!   shapes warm Diesel only collects the binds (the SQL text is never
//!   rebuilt), as on a connection; for the others it renders the SQL too.
//!   sea-query has no statement cache, so its warm run is a full render of
//!   the prebuilt value;
//! - `rebuilt`: what an application does on every request: the DSL value
//!   is constructed afresh (`User::objects().filter(..)`, Diesel's
//!   `users::table.filter(..)`), then rendered through the side's cache,
//!   as `warm` does. sea-query has no cache, so its rebuilt run is its
//!   cold run (not measured twice). For strata's inserts the rows are the
//!   application's data, not a DSL value, so rebuilt is the cached call
//!   on them (the same work as warm).
//!
//! Each shape family has its file: [`selects`] (trivial, join_filter,
//! seven_filters), [`in_lists`], [`inserts`], [`annotations`]
//! (annotate_count, group_by_count), [`subqueries`] (in_subquery) and
//! [`updates`] (update_f); the sides' helpers are in [`strata_side`],
//! [`diesel_side`] and [`sea_query_side`].

use strata::Dialect;

pub mod annotations;
pub mod diesel_side;
pub mod in_lists;
pub mod inserts;
pub mod sea_query_side;
pub mod selects;
pub mod strata_side;
pub mod subqueries;
pub mod updates;

pub use inserts::INSERT_SIZES;

/// One measured closure: a shape, a dialect, a side and a mode.
pub struct Case {
    /// `trivial`, `join_filter`, `posts_in_100`, `comments_in_1000`,
    /// `insert_N`, `seven_filters`, `annotate_count`, `group_by_count`,
    /// `update_f`, `in_subquery`.
    pub shape: String,
    pub dialect: Dialect,
    /// `static`, `strata`, `diesel` or `sea-query`.
    pub side: &'static str,
    /// `cold`, `warm` or `rebuilt` (`static` has `cold` only).
    pub mode: &'static str,
    /// Builds and/or renders the query once, as the mode says.
    pub run: Box<dyn FnMut()>,
    /// The SQL this side produces for the shape.
    pub sql: String,
    /// How many values it binds.
    pub binds: usize,
}

impl Case {
    /// `shape/dialect/side/mode`, the name filters match.
    pub fn name(&self) -> String {
        format!(
            "{}/{}/{}/{}",
            self.shape,
            self.dialect.name(),
            self.side,
            self.mode
        )
    }
}

/// Every query-generation case, in report order.
pub fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for dialect in Dialect::ALL {
        selects::trivial(&mut out, dialect);
        selects::join_filter(&mut out, dialect);
        in_lists::posts_in(&mut out, dialect);
        in_lists::comments_in(&mut out, dialect);
        for n in INSERT_SIZES {
            inserts::insert(&mut out, dialect, n);
        }
        selects::seven_filters(&mut out, dialect);
        annotations::annotate_count(&mut out, dialect);
        annotations::group_by_count(&mut out, dialect);
        updates::update_f(&mut out, dialect);
        subqueries::in_subquery(&mut out, dialect);
    }
    out
}
