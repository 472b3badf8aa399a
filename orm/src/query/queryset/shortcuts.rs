//! The day-one shortcuts of a queryset: `get_by_pk`, `last`, `latest` /
//! `earliest`, `reverse`, `none`, and `explain`.

use super::QuerySet;
use crate::db::Executor;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::query::expr::{ColRef, Expr, InList};
use crate::query::field::{Field, IntoBind};
use crate::query::order::OrderBy;
use crate::relation::{JoinPath, One};
use crate::types::FieldType;
use crate::writer::Statement;

impl<M: Model> QuerySet<M> {
    /// The row whose primary key is `key` among this queryset's rows, in
    /// one call: [`Error::DoesNotExist`] if there is none.
    ///
    /// `let post = Post::objects().get_by_pk(&db, 5).await?;`
    pub async fn get_by_pk(&self, ex: impl Executor, key: impl IntoBind<M::Key>) -> Result<M> {
        self.clone()
            .filter(crate::query::pk_eq::<M>(key.into_bind()))
            .get(ex)
            .await
    }

    /// The last row: the first of [`reverse`](QuerySet::reverse)d order
    /// (the primary key's, descending, when the queryset is not ordered);
    /// `None` if there is no row.
    pub async fn last(&self, ex: impl Executor) -> Result<Option<M>> {
        self.clone().reverse().first(ex).await
    }

    /// The row with the greatest `field` (Django's `latest`):
    /// [`Error::DoesNotExist`] if there is no row. Ties go to the greater
    /// primary key.
    pub async fn latest<T>(&self, ex: impl Executor, field: Field<M, T, One>) -> Result<M> {
        self.extreme(ex, field, true).await
    }

    /// The row with the least `field` (Django's `earliest`):
    /// [`Error::DoesNotExist`] if there is no row. Ties go to the lesser
    /// primary key.
    pub async fn earliest<T>(&self, ex: impl Executor, field: Field<M, T, One>) -> Result<M> {
        self.extreme(ex, field, false).await
    }

    async fn extreme<T>(
        &self,
        ex: impl Executor,
        field: Field<M, T, One>,
        descending: bool,
    ) -> Result<M> {
        let (column, path) = (field.meta(), field.path());
        let mut qs = self.clone();
        qs.order = vec![
            OrderBy::joined(column, path, descending),
            OrderBy::new(M::META.pk(), descending),
        ];
        qs.first(ex).await?.ok_or(Error::DoesNotExist {
            model: M::META.name,
        })
    }

    /// The same rows in the opposite order: every ordering term flips
    /// (`NULL`s placed first become last). A queryset with no ordering
    /// (neither `order_by` nor the model's default) is ordered by primary
    /// key, descending. The flip applies to the ordering as it is now; a
    /// later `order_by` replaces it.
    pub fn reverse(mut self) -> Self {
        if self.order.is_empty() {
            self.order = vec![OrderBy::new(M::META.pk(), true)];
        } else {
            for term in &mut self.order {
                term.descending = !term.descending;
                term.nulls_first = term.nulls_first.map(|first| !first);
            }
        }
        self
    }

    /// A queryset of no rows (Django's `none()`). Terminal calls still
    /// send their statement, whose `WHERE` holds `1 = 0`: the database
    /// answers at once, without reading the table, and the query counts
    /// and transactions behave as for any other queryset.
    pub fn none(mut self) -> Self {
        self.filters.push(Expr::In {
            column: ColRef {
                column: M::META.pk(),
                path: JoinPath::EMPTY,
            },
            values: InList::new(Vec::new()),
        });
        self
    }

    /// The `EXPLAIN` statement [`explain`](QuerySet::explain) runs on
    /// `dialect`: PostgreSQL `EXPLAIN`, MySQL/MariaDB
    /// `EXPLAIN FORMAT=JSON` (the one plan format both print), SQLite
    /// `EXPLAIN QUERY PLAN`, each before the statement `all()` runs.
    pub fn explain_sql(&self, dialect: Dialect) -> Statement {
        let stmt = self.statement(dialect);
        let prefix = match dialect {
            Dialect::Postgres => "EXPLAIN ",
            Dialect::MySql => "EXPLAIN FORMAT=JSON ",
            Dialect::Sqlite => "EXPLAIN QUERY PLAN ",
        };
        Statement {
            dialect,
            sql: crate::writer::SqlText::Written(format!("{prefix}{}", &*stmt.sql)),
            binds: stmt.binds,
        }
    }

    /// The database's plan for the query [`all`](QuerySet::all) runs, as
    /// text: PostgreSQL's lines (`Seq Scan on ...`), MySQL/MariaDB's JSON
    /// document, SQLite's `EXPLAIN QUERY PLAN` details, one per line
    /// (`SCAN post`, `SEARCH post USING INDEX ...`).
    pub async fn explain(&self, mut ex: impl Executor) -> Result<String> {
        let dialect = ex.dialect();
        self.check_values(dialect)?;
        let stmt = self.explain_sql(dialect);
        let column = if dialect == Dialect::Sqlite { 3 } else { 0 };
        let lines = ex
            .fetch(stmt, |row| {
                String::decode(row, column).map_err(|e| Error::Decode {
                    model: M::META.name,
                    column: "EXPLAIN",
                    dialect,
                    message: e.to_string(),
                })
            })
            .await?;
        Ok(lines.join("\n"))
    }
}
