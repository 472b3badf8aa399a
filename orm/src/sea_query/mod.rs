//! Interop with [sea-query](https://docs.rs/sea-query) 1.0 (cargo feature
//! `sea-query`), for teams moving from SeaORM / sea-query to strata one
//! query at a time.
//!
//! Both ways, every value stays a bound parameter:
//!
//! - strata to sea-query: [`condition`] turns a strata condition into a
//!   [`sea_query::Condition`], [`select`] a queryset into a
//!   [`sea_query::SelectStatement`] that can be extended with sea-query's
//!   builder;
//! - sea-query to strata: [`raw_expr`] makes a sea-query expression a
//!   strata condition, the named escape hatch for what strata has no typed
//!   spelling for yet, and [`statement`] turns any sea-query statement into
//!   a strata [`Statement`] that `Db`, `Conn` and `Transaction` run.
//!
//! What strata writes for a dialect is that dialect's SQL (text lookups,
//! `NULL` ordering and in-lists differ), so the strata-to-sea-query
//! functions take the [`Dialect`] the statement will run on; build it with
//! [`statement`] for that dialect (or sea-query's builder of the same
//! backend).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> strata::Result<()> {
//! use sea_query::{Expr, ExprTrait};
//! use strata::prelude::*;
//!
//! #[derive(Model, Debug, Clone)]
//! pub struct Book {
//!     pub id: i64,
//!     #[strata(max_length = 100)]
//!     pub title: String,
//!     pub pages: i32,
//! }
//!
//! let db = strata::Db::connect("sqlite::memory:").await?;
//! db.create_tables(&[Book::META]).await?;
//! for (title, pages) in [("Short", 90), ("Long", 900), ("Odd", 301)] {
//!     Book { id: 0, title: title.into(), pages }.insert(&db).await?;
//! }
//!
//! // A sea-query expression inside a strata filter: `pages % 2 = 1`.
//! let odd = strata::sea_query::raw_expr(Expr::col("pages").modulo(2).eq(1))?;
//! let books = Book::objects()
//!     .filter(odd.and(Book::pages().gt(100)))
//!     .all(&db)
//!     .await?;
//! assert_eq!(books.iter().map(|b| b.title.as_str()).collect::<Vec<_>>(), ["Odd"]);
//!
//! // A strata queryset as a sea-query statement, extended there and run
//! // through strata again.
//! let dialect = db.dialect();
//! let mut select = strata::sea_query::select(
//!     &Book::objects().filter(Book::pages().lt(500)),
//!     dialect,
//! )?;
//! select.and_where(Expr::col(("book", "title")).like("S%"));
//! let stmt = strata::sea_query::statement(&select, dialect)?;
//! let titles = db.fetch(stmt, |row| Book::from_row(row, 0)).await?;
//! assert_eq!(titles.len(), 1);
//! assert_eq!(titles[0].title, "Short");
//! # Ok(()) }
//! ```

mod template;
mod value;

pub(crate) use value::to_sea;

use crate::dialect::Dialect;
use crate::error::Result;
use crate::model::Model;
use crate::query::queryset::sea_select::sea_conditions;
use crate::query::raw_condition::{RawCondition, Template};
use crate::query::{IntoCondition, Q};
use crate::writer::{SqlWriter, Statement};

/// A sea-query expression as a strata condition on `M`: the explicit
/// escape hatch for conditions strata has no typed spelling for yet.
///
/// sea-query writes the SQL for each dialect (its identifiers quoted by
/// sea-query's backend), and each of its values is bound as a parameter
/// in strata's statement; nothing becomes SQL text. The condition is
/// parenthesised, and under `exclude` / `not` a `NULL` result counts as
/// not matching, as it does for strata's own lookups.
///
/// Columns are written as the expression names them: with joins or
/// subqueries in the statement, qualify them (`Expr::col(("book",
/// "pages"))`). The model's columns are not checked against the
/// expression; that is the price of the escape hatch.
///
/// Fails if a value has no strata counterpart (a `u64` above `i64::MAX`,
/// a PostgreSQL enum, sea-query types strata does not bind, such as
/// `time` or `bigdecimal` values).
pub fn raw_expr<M>(expr: impl Into<sea_query::Expr>) -> Result<Q<M>> {
    let expr = expr.into();
    let mut failed = None;
    let raw = RawCondition::new(|dialect| {
        template::render(dialect, |b, w| b.expr(&expr, w)).unwrap_or_else(|e| {
            failed.get_or_insert(e);
            Template::default()
        })
    });
    match failed {
        Some(e) => Err(e),
        None => Ok(raw.into_condition()),
    }
}

/// A strata condition on `M` as a sea-query [`Condition`](sea_query::Condition)
/// for a statement on `M`'s table that runs on `dialect`.
///
/// Columns are qualified with the table name, so the condition also reads
/// right in a statement that joins other tables. Lookups across
/// multi-valued relations become `EXISTS` subqueries as in strata;
/// lookups through a foreign key need a join, which a condition cannot
/// carry: convert the queryset with [`select`] instead, or filter on the
/// key column.
///
/// ```
/// use strata::prelude::*;
/// use sea_query::{PostgresQueryBuilder, Query};
///
/// #[derive(Model, Debug, Clone)]
/// pub struct Book {
///     pub id: i64,
///     #[strata(max_length = 100)]
///     pub title: String,
/// }
///
/// let cond = strata::sea_query::condition(
///     Book::title().eq("Dune").or(Book::id().gt(10)),
///     strata::Dialect::Postgres,
/// )?;
/// let (sql, values) = Query::select()
///     .column("id")
///     .from("book")
///     .cond_where(cond)
///     .build(PostgresQueryBuilder);
/// assert_eq!(
///     sql,
///     r#"SELECT "id" FROM "book" WHERE "book"."title" = $1 OR "book"."id" > $2"#
/// );
/// assert_eq!(values.0.len(), 2);
/// # Ok::<(), strata::Error>(())
/// ```
pub fn condition<M: Model>(
    q: impl IntoCondition<M>,
    dialect: Dialect,
) -> Result<sea_query::Condition> {
    let expr = q.into_condition().expr;
    Ok(sea_query::Condition::all().add(sea_conditions::<M>(std::slice::from_ref(&expr), dialect)?))
}

/// A queryset as a sea-query [`SelectStatement`](sea_query::SelectStatement)
/// for `dialect`: the model's columns (in the order
/// [`Model::from_row`] reads them) from its table, with the queryset's
/// filters, `DISTINCT`, ordering, `LIMIT` and `OFFSET`, ready to be
/// extended with sea-query's builder (see the [module docs](self)).
///
/// Fails for what a plain `SELECT` of the model cannot carry:
/// `select_related`, `prefetch_related`, `select_for_update`, and
/// filters or orderings through a foreign key (which need joins).
pub fn select<M: Model>(
    queryset: &crate::QuerySet<M>,
    dialect: Dialect,
) -> Result<sea_query::SelectStatement> {
    queryset.to_sea_select(dialect)
}

/// A sea-query statement as a strata [`Statement`] for `dialect`: built
/// by sea-query's backend for that dialect, its values bound by strata.
/// Run it with `fetch` / `execute` on `Db`, `Conn` or `Transaction`.
pub fn statement(stmt: &impl SeaStatement, dialect: Dialect) -> Result<Statement> {
    let template = template::render(dialect, |b, w| stmt.write(b, w))?;
    let mut w = SqlWriter::new(dialect);
    template.write(&mut w);
    Ok(w.finish())
}

/// A sea-query statement [`statement`] can convert: `SELECT`, `INSERT`,
/// `UPDATE` or `DELETE`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a sea-query statement strata can run",
    label = "expected a sea-query SelectStatement, InsertStatement, UpdateStatement or DeleteStatement",
    note = "build one with `sea_query::Query::select()` (or `insert()`, `update()`, `delete()`)"
)]
pub trait SeaStatement: private::Sealed {
    #[doc(hidden)]
    fn write(&self, backend: &dyn template::Backend, w: &mut template::TemplateWriter);
}

mod private {
    pub trait Sealed {}
}

macro_rules! sea_statement {
    ($($ty:ident => $method:ident),*) => {$(
        impl private::Sealed for sea_query::$ty {}
        impl SeaStatement for sea_query::$ty {
            fn write(&self, backend: &dyn template::Backend, w: &mut template::TemplateWriter) {
                backend.$method(self, w);
            }
        }
    )*};
}

sea_statement!(
    SelectStatement => select,
    InsertStatement => insert,
    UpdateStatement => update,
    DeleteStatement => delete
);
