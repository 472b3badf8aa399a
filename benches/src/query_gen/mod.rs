//! Query generation without a database: each side turns the same query
//! shape into SQL text plus bound values, for PostgreSQL, MySQL and SQLite.
//!
//! Sides:
//! - `static`: copying a prepared string and its binds (strata's own output
//!   for the shape), the physical limit of any query builder;
//! - `strata`: a queryset or model, rendered by `sql()` /
//!   `bulk_create_sql()`;
//! - `diesel`: Diesel's DSL rendered the way a connection does it, by
//!   `QueryFragment::to_sql` into the backend's `QueryBuilder` plus
//!   `collect_binds` into the backend's bind collector;
//! - `sea-query`: a statement rendered by `build(<Backend>QueryBuilder)`,
//!   which returns the SQL and its `Values`.
//!
//! Modes:
//! - `cold`: the query is built from scratch (the DSL value is constructed,
//!   then rendered) on every iteration;
//! - `warm`: the same shape repeated: the query value is built once, and
//!   only what runs each time the application executes it again runs per
//!   iteration. strata's terminal calls take the SQL text from its
//!   statement cache (keyed by the queryset's shape) and collect the binds
//!   afresh: `QuerySet::statement`. sea-query has no statement cache, so
//!   its warm run is a full render of the prebuilt value. Diesel's connection keeps a
//!   statement cache keyed by the query's type when the type has a static
//!   query id; for those shapes warm Diesel only collects the binds (the SQL
//!   text is never rebuilt), as on a connection; for the others it renders
//!   the SQL too. For inserts strata has nothing to prebuild (the rows are
//!   the query), so its warm and cold runs are the same work.

use crate::diesel_schema::{comments, posts, users};
use crate::models::{new_users, Comment, Post, User};
use crate::seaq::{Comments, Posts, Users, T1};
use diesel::backend::Backend;
use diesel::mysql::{Mysql, MysqlQueryBuilder};
use diesel::pg::{Pg, PgMetadataLookup, PgQueryBuilder, PgTypeMetadata};
use diesel::prelude::*;
use diesel::query_builder::{QueryBuilder, QueryFragment, QueryId};
use diesel::sqlite::{Sqlite, SqliteQueryBuilder};
use sea_query::ExprTrait as _;
use sea_query::{
    Expr, JoinType, LikeExpr, MysqlQueryBuilder as SqMysql, Order, PostgresQueryBuilder as SqPg,
    Query, SqliteQueryBuilder as SqSqlite,
};
use std::hint::black_box;
use strata::{Dialect, Model, Value};

/// One measured closure: a shape, a dialect, a side and a mode.
pub struct Case {
    /// `trivial`, `join_filter`, `posts_in_100`, `comments_in_1000`,
    /// `insert_N`, `seven_filters`.
    pub shape: String,
    pub dialect: Dialect,
    /// `static`, `strata`, `diesel` or `sea-query`.
    pub side: &'static str,
    /// `cold` or `warm`.
    pub mode: &'static str,
    /// Builds (cold) or renders (warm) the query once.
    pub run: Box<dyn FnMut()>,
    /// The SQL this side produces for the shape.
    pub sql: String,
    /// How many values it binds.
    pub binds: usize,
}

/// The row counts of the insert benchmarks.
pub const INSERT_SIZES: [usize; 5] = [1, 10, 25, 50, 100];

/// Every query-generation case, in report order.
pub fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for dialect in Dialect::ALL {
        trivial(&mut out, dialect);
        join_filter(&mut out, dialect);
        posts_in(&mut out, dialect);
        comments_in(&mut out, dialect);
        for n in INSERT_SIZES {
            insert(&mut out, dialect, n);
        }
        seven_filters(&mut out, dialect);
    }
    out
}

/// The physical limit: the finished SQL (a `&'static str`) copied into a
/// fresh `String`, and the binds cloned. Measured once per shape (mode
/// `cold`): the one baseline every table and ratio divides by, cold and
/// warm alike, so no ratio rests on a second measurement of the same work.
fn static_case(out: &mut Vec<Case>, shape: &str, dialect: Dialect, stmt: strata::Statement) {
    let sql: &'static str = Box::leak(stmt.sql.into_boxed_str());
    let binds: Vec<Value> = stmt.binds;
    let count = binds.len();
    out.push(Case {
        shape: shape.to_string(),
        dialect,
        side: "static",
        mode: "cold",
        run: Box::new(move || {
            black_box((String::from(black_box(sql)), black_box(&binds).clone()));
        }),
        sql: sql.to_string(),
        binds: count,
    });
}

/// Pushes the strata cold and warm cases of a queryset-building closure.
fn strata_cases<M: Model>(
    out: &mut Vec<Case>,
    shape: &str,
    dialect: Dialect,
    build: impl Fn() -> strata::QuerySet<M> + 'static,
) {
    let stmt = build().sql(dialect);
    static_case(out, shape, dialect, stmt.clone());
    let warm = build();
    out.push(Case {
        shape: shape.to_string(),
        dialect,
        side: "strata",
        mode: "cold",
        run: Box::new(move || {
            black_box(build().sql(black_box(dialect)));
        }),
        sql: stmt.sql.clone(),
        binds: stmt.binds.len(),
    });
    out.push(Case {
        shape: shape.to_string(),
        dialect,
        side: "strata",
        mode: "warm",
        run: Box::new(move || {
            black_box(black_box(&warm).statement(black_box(dialect)));
        }),
        sql: stmt.sql,
        binds: stmt.binds.len(),
    });
}

/// Pushes the sea-query cold and warm cases of a statement-building closure
/// (a `SelectStatement` or an `InsertStatement`).
macro_rules! sea_query_cases {
    ($out:expr, $shape:expr, $dialect:expr, $build:expr) => {{
        let build = $build;
        let (sql, values) = match $dialect {
            Dialect::Postgres => build().build(SqPg),
            Dialect::MySql => build().build(SqMysql),
            Dialect::Sqlite => build().build(SqSqlite),
        };
        let warm = build();
        let dialect = $dialect;
        $out.push(Case {
            shape: $shape.to_string(),
            dialect,
            side: "sea-query",
            mode: "cold",
            run: Box::new(move || {
                black_box(match black_box(dialect) {
                    Dialect::Postgres => build().build(SqPg),
                    Dialect::MySql => build().build(SqMysql),
                    Dialect::Sqlite => build().build(SqSqlite),
                });
            }),
            sql: sql.clone(),
            binds: values.0.len(),
        });
        $out.push(Case {
            shape: $shape.to_string(),
            dialect,
            side: "sea-query",
            mode: "warm",
            run: Box::new(move || {
                let warm = black_box(&warm);
                black_box(match black_box(dialect) {
                    Dialect::Postgres => warm.build(SqPg),
                    Dialect::MySql => warm.build(SqMysql),
                    Dialect::Sqlite => warm.build(SqSqlite),
                });
            }),
            sql,
            binds: values.0.len(),
        });
    }};
}

/// Pushes the Diesel cold and warm cases of a query-building expression
/// for one backend (`$render` renders cold, `$warm` warm, `$count` gives
/// the SQL and bind count untimed). The expression is evaluated once per
/// cold iteration; it may use the listed variables, which each closure gets
/// a clone of.
macro_rules! diesel_backend_cases {
    ($out:expr, $shape:expr, $dialect:expr, $render:path, $warm:path, $count:path,
     [$($var:ident),*], $build:expr) => {{
        let (sql, binds) = { $(let $var = $var.clone();)* let q = $build; $count(&q) };
        let cold: Box<dyn FnMut()> = {
            $(let $var = $var.clone();)*
            Box::new(move || {
                $(let $var = black_box(&$var);)*
                let q = $build;
                black_box($render(&q));
            })
        };
        let warm: Box<dyn FnMut()> = {
            // The prebuilt query may borrow its inputs for the whole run.
            $(let $var: &'static _ = Box::leak(Box::new($var.clone()));)*
            let q = $build;
            Box::new(move || {
                black_box($warm(black_box(&q)));
            })
        };
        for (mode, run) in [("cold", cold), ("warm", warm)] {
            $out.push(Case {
                shape: $shape.to_string(),
                dialect: $dialect,
                side: "diesel",
                mode,
                run,
                sql: sql.clone(),
                binds,
            });
        }
    }};
}

/// [`diesel_backend_cases`] for whichever backend `$dialect` is.
macro_rules! diesel_cases {
    ($out:expr, $shape:expr, $dialect:expr, [$($var:ident),*], $build:expr) => {{
        match $dialect {
            Dialect::Postgres => diesel_backend_cases!(
                $out, $shape, $dialect, diesel_pg, diesel_pg_warm, diesel_pg, [$($var),*], $build
            ),
            Dialect::MySql => diesel_backend_cases!(
                $out, $shape, $dialect, diesel_mysql, diesel_mysql_warm, diesel_mysql,
                [$($var),*], $build
            ),
            Dialect::Sqlite => diesel_backend_cases!(
                $out, $shape, $dialect, diesel_sqlite, diesel_sqlite_warm, diesel_sqlite_counted,
                [$($var),*], $build
            ),
        }
    }};
}

/// PostgreSQL types are all built in here, so no lookup ever happens; an
/// unknown type would get OID 0 (let the server infer it).
struct BuiltinTypesOnly;

impl PgMetadataLookup for BuiltinTypesOnly {
    fn lookup_type(&mut self, _type_name: &str, _schema: Option<&str>) -> PgTypeMetadata {
        PgTypeMetadata::new(0, 0)
    }
}

/// Diesel's rendering on PostgreSQL: SQL text and collected binds.
pub fn diesel_pg<Q: QueryFragment<Pg>>(q: &Q) -> (String, usize) {
    let backend = Pg;
    let mut builder = PgQueryBuilder::default();
    q.to_sql(&mut builder, &backend).expect("diesel renders");
    let binds = diesel_pg_binds(q, &backend);
    (builder.finish(), binds)
}

fn diesel_pg_binds<Q: QueryFragment<Pg>>(q: &Q, backend: &Pg) -> usize {
    let mut collector = <Pg as Backend>::BindCollector::<'_>::new();
    q.collect_binds(&mut collector, &mut BuiltinTypesOnly, backend)
        .expect("diesel collects binds");
    black_box(&collector);
    collector.binds.len()
}

/// What a warm Diesel PostgreSQL connection does per execution.
pub fn diesel_pg_warm<Q: QueryFragment<Pg> + QueryId>(q: &Q) -> (String, usize) {
    if Q::HAS_STATIC_QUERY_ID {
        (String::new(), diesel_pg_binds(q, &Pg))
    } else {
        diesel_pg(q)
    }
}

/// Diesel's rendering on MySQL: SQL text and collected binds.
pub fn diesel_mysql<Q: QueryFragment<Mysql>>(q: &Q) -> (String, usize) {
    let backend = Mysql;
    let mut builder = MysqlQueryBuilder::default();
    q.to_sql(&mut builder, &backend).expect("diesel renders");
    let binds = diesel_mysql_binds(q, &backend);
    (builder.finish(), binds)
}

fn diesel_mysql_binds<Q: QueryFragment<Mysql>>(q: &Q, backend: &Mysql) -> usize {
    let mut collector = <Mysql as Backend>::BindCollector::<'_>::new();
    q.collect_binds(&mut collector, &mut (), backend)
        .expect("diesel collects binds");
    black_box(&collector);
    collector.binds.len()
}

/// What a warm Diesel MySQL connection does per execution.
pub fn diesel_mysql_warm<Q: QueryFragment<Mysql> + QueryId>(q: &Q) -> (String, usize) {
    if Q::HAS_STATIC_QUERY_ID {
        (String::new(), diesel_mysql_binds(q, &Mysql))
    } else {
        diesel_mysql(q)
    }
}

/// Diesel's rendering on SQLite: SQL text, with the binds collected.
pub fn diesel_sqlite<Q: QueryFragment<Sqlite>>(q: &Q) -> String {
    let backend = Sqlite;
    let mut builder = SqliteQueryBuilder::default();
    q.to_sql(&mut builder, &backend).expect("diesel renders");
    diesel_sqlite_binds(q, &backend);
    builder.finish()
}

/// Collects the binds. The SQLite collector keeps them private, so the
/// count is not known here (see [`diesel_sqlite_counted`]).
fn diesel_sqlite_binds<Q: QueryFragment<Sqlite>>(q: &Q, backend: &Sqlite) {
    let mut collector = <Sqlite as Backend>::BindCollector::<'_>::default();
    q.collect_binds(&mut collector, &mut (), backend)
        .expect("diesel collects binds");
    black_box(&collector);
}

/// The SQL and the number of binds, counted as the `?` placeholders of the
/// SQL (the statements measured here have no `?` in literals). Not timed.
fn diesel_sqlite_counted<Q: QueryFragment<Sqlite>>(q: &Q) -> (String, usize) {
    let sql = diesel_sqlite(q);
    let count = sql.matches('?').count();
    (sql, count)
}

/// What a warm Diesel SQLite connection does per execution.
pub fn diesel_sqlite_warm<Q: QueryFragment<Sqlite> + QueryId>(q: &Q) -> String {
    if Q::HAS_STATIC_QUERY_ID {
        diesel_sqlite_binds(q, &Sqlite);
        String::new()
    } else {
        diesel_sqlite(q)
    }
}

/// Diesel's SQLite SQL through `debug_query` (with the binds formatted).
pub fn diesel_sqlite_debug<Q>(q: &Q) -> String
where
    for<'a> diesel::query_builder::DebugQuery<'a, Q, Sqlite>: std::fmt::Display,
{
    diesel::debug_query::<Sqlite, _>(q).to_string()
}

/// The SQL part of [`diesel_sqlite_debug`] and its bind count. Not timed.
fn diesel_sqlite_debug_counted<Q>(q: &Q) -> (String, usize)
where
    for<'a> diesel::query_builder::DebugQuery<'a, Q, Sqlite>: std::fmt::Display,
{
    let text = diesel_sqlite_debug(q);
    let sql = text
        .split(" -- binds:")
        .next()
        .unwrap_or_default()
        .to_string();
    let count = sql.matches('?').count();
    (sql, count)
}

fn trivial(out: &mut Vec<Case>, dialect: Dialect) {
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

fn join_filter(out: &mut Vec<Case>, dialect: Dialect) {
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

fn posts_in(out: &mut Vec<Case>, dialect: Dialect) {
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

fn comments_in(out: &mut Vec<Case>, dialect: Dialect) {
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

fn insert(out: &mut Vec<Case>, dialect: Dialect, n: usize) {
    let shape = format!("insert_{n}");
    let rows = new_users(n);
    let stmt = User::bulk_create_sql(&rows, dialect)
        .pop()
        .expect("one statement");
    static_case(out, &shape, dialect, stmt.clone());
    for mode in ["cold", "warm"] {
        let rows = rows.clone();
        out.push(Case {
            shape: shape.clone(),
            dialect,
            side: "strata",
            mode,
            run: Box::new(move || {
                black_box(User::bulk_create_sql(black_box(&rows), black_box(dialect)));
            }),
            sql: stmt.sql.clone(),
            binds: stmt.binds.len(),
        });
    }
    // The same rows as plain data, the way an application holding them
    // would hand them to Diesel.
    let data: Vec<(String, Option<String>)> = rows
        .iter()
        .map(|u| (u.name.clone(), u.hair_color.clone()))
        .collect();
    match dialect {
        Dialect::Postgres => diesel_backend_cases!(
            out,
            shape,
            dialect,
            diesel_pg,
            diesel_pg_warm,
            diesel_pg,
            [data],
            diesel::insert_into(users::table)
                .values(
                    data.iter()
                        .map(|(name, hair)| {
                            (
                                users::name.eq(name.as_str()),
                                users::hair_color.eq(hair.as_deref()),
                            )
                        })
                        .collect::<Vec<_>>()
                )
                .returning(users::id)
        ),
        Dialect::MySql => diesel_backend_cases!(
            out,
            shape,
            dialect,
            diesel_mysql,
            diesel_mysql,
            diesel_mysql,
            [data],
            diesel::insert_into(users::table).values(
                data.iter()
                    .map(|(name, hair)| {
                        (
                            users::name.eq(name.as_str()),
                            users::hair_color.eq(hair.as_deref()),
                        )
                    })
                    .collect::<Vec<_>>()
            )
        ),
        // Diesel renders a multi-row SQLite insert through a wrapper type
        // that is not public; `debug_query` is the public way to its SQL.
        // It also formats the binds as text, so this side does more work
        // than a connection would: an upper bound for Diesel here.
        Dialect::Sqlite => diesel_backend_cases!(
            out,
            shape,
            dialect,
            diesel_sqlite_debug,
            diesel_sqlite_debug,
            diesel_sqlite_debug_counted,
            [data],
            diesel::insert_into(users::table).values(
                data.iter()
                    .map(|(name, hair)| {
                        (
                            users::name.eq(name.as_str()),
                            users::hair_color.eq(hair.as_deref()),
                        )
                    })
                    .collect::<Vec<_>>()
            )
        ),
    }
    sea_query_cases!(out, shape, dialect, move || {
        let mut insert = Query::insert();
        insert
            .into_table(Users::Table)
            .columns([Users::Name, Users::HairColor]);
        for (name, hair) in &data {
            insert.values_panic([name.clone().into(), hair.clone().into()]);
        }
        if dialect == Dialect::Postgres {
            insert.returning_col(Users::Id);
        }
        insert
    });
}

fn seven_filters(out: &mut Vec<Case>, dialect: Dialect) {
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
