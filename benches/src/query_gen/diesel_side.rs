//! Diesel's cases: its DSL rendered the way a connection renders it, by
//! `QueryFragment::to_sql` into the backend's `QueryBuilder` plus
//! `collect_binds` into the backend's bind collector, and the warm path a
//! connection's statement cache allows.

use diesel::backend::Backend;
use diesel::mysql::{Mysql, MysqlQueryBuilder};
use diesel::pg::{Pg, PgMetadataLookup, PgQueryBuilder, PgTypeMetadata};
use diesel::query_builder::{AstPass, QueryBuilder, QueryFragment, QueryId};
use diesel::sqlite::{Sqlite, SqliteQueryBuilder};
use diesel::{QueryResult, Table};
use std::hint::black_box;
use std::marker::PhantomData;

/// Pushes the Diesel cold, warm and rebuilt cases of a query-building
/// expression for one backend (`$render` renders from scratch, `$warm`
/// does what a warm connection does, `$count` gives the SQL and bind count
/// untimed). The expression is evaluated once per cold and rebuilt
/// iteration; it may use the listed variables, which each closure gets a
/// clone of.
macro_rules! diesel_backend_cases {
    ($out:expr, $shape:expr, $dialect:expr, $render:path, $warm:path, $count:path,
     [$($var:ident),*], $build:expr) => {{
        use std::hint::black_box;
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
        let rebuilt: Box<dyn FnMut()> = {
            $(let $var = $var.clone();)*
            Box::new(move || {
                $(let $var = black_box(&$var);)*
                let q = $build;
                black_box($warm(&q));
            })
        };
        for (mode, run) in [("cold", cold), ("warm", warm), ("rebuilt", rebuilt)] {
            $out.push($crate::query_gen::Case {
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
pub(crate) use diesel_backend_cases;

/// [`diesel_backend_cases`] for whichever backend `$dialect` is.
macro_rules! diesel_cases {
    ($out:expr, $shape:expr, $dialect:expr, [$($var:ident),*], $build:expr) => {{
        use $crate::query_gen::diesel_side::*;
        match $dialect {
            strata::Dialect::Postgres => $crate::query_gen::diesel_side::diesel_backend_cases!(
                $out, $shape, $dialect, diesel_pg, diesel_pg_warm, diesel_pg, [$($var),*], $build
            ),
            strata::Dialect::MySql => $crate::query_gen::diesel_side::diesel_backend_cases!(
                $out, $shape, $dialect, diesel_mysql, diesel_mysql_warm, diesel_mysql,
                [$($var),*], $build
            ),
            strata::Dialect::Sqlite => $crate::query_gen::diesel_side::diesel_backend_cases!(
                $out, $shape, $dialect, diesel_sqlite, diesel_sqlite_warm, diesel_sqlite_counted,
                [$($var),*], $build
            ),
        }
    }};
}
pub(crate) use diesel_cases;

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
pub fn diesel_sqlite_counted<Q: QueryFragment<Sqlite>>(q: &Q) -> (String, usize) {
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

/// A multi-row `INSERT` on SQLite as `SqliteConnection` renders one:
/// Diesel's connection wraps the records of `insert_into(t).values(vec)`
/// in a (private) batch wrapper that writes the first row's values clause
/// (`(cols) VALUES (..)`) and then `, (..)` per further row, and marks the
/// statement uncacheable (a `Vec` of rows has no static query id). This
/// type writes the same SQL through the same public pieces: the table's
/// `FROM` clause and each row's `Insertable::values()`, so the per-row
/// work is Diesel's own (`debug_query`, the public alternative, would also
/// format every bind as text).
pub struct SqliteMultiInsert<C, R, V, F> {
    /// The table's `FROM` clause (`QuerySource::from_clause`).
    into: C,
    rows: Vec<R>,
    /// A row's values without the column list (`ValuesClause::values`).
    values_of: F,
    _values: PhantomData<fn() -> V>,
}

/// The insert of `rows` (each `Insertable::values()` of one row) into
/// `table`; `values_of` picks a row's values out of its clause.
pub fn sqlite_multi_insert<T: Table, R, V, F: Fn(&R) -> &V>(
    table: T,
    rows: Vec<R>,
    values_of: F,
) -> SqliteMultiInsert<T::FromClause, R, V, F> {
    SqliteMultiInsert {
        into: table.from_clause(),
        rows,
        values_of,
        _values: PhantomData,
    }
}

impl<C, R, V, F> QueryFragment<Sqlite> for SqliteMultiInsert<C, R, V, F>
where
    C: QueryFragment<Sqlite>,
    R: QueryFragment<Sqlite>,
    V: QueryFragment<Sqlite>,
    F: Fn(&R) -> &V,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        out.unsafe_to_cache_prepared();
        out.push_sql("INSERT INTO ");
        self.into.walk_ast(out.reborrow())?;
        out.push_sql(" ");
        let mut rows = self.rows.iter();
        if let Some(first) = rows.next() {
            first.walk_ast(out.reborrow())?;
        }
        for row in rows {
            out.push_sql(", (");
            (self.values_of)(row).walk_ast(out.reborrow())?;
            out.push_sql(")");
        }
        Ok(())
    }
}

/// Like Diesel's batch insert of a `Vec`: no static query id, so a
/// connection never caches its statement.
impl<C, R, V, F> QueryId for SqliteMultiInsert<C, R, V, F> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}
