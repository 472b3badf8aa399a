//! [`QuerySet`]: a lazy, typed query on one model.

use super::assign::Assignment;
use super::compile::{write_order_by, write_where};
use super::expr::{Expr, IntoCondition};
use super::order::{IntoOrderBy, OrderBy};
use crate::db::Db;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::types::FieldType;
use crate::writer::{SqlWriter, Statement};
use std::marker::PhantomData;

/// How many rows `get()` reads at most to tell "one" from "several".
const MAX_GET_RESULTS: u64 = 21;

/// A query on model `M`. Nothing runs until a terminal call (`all`,
/// `first`, `get`, `count`, `exists`, `update`, `delete`); building and
/// cloning a queryset is free of I/O.
///
/// ```
/// # use strata::prelude::*;
/// #[derive(Model, Debug)]
/// struct Book {
///     id: i64,
///     #[strata(max_length = 200)]
///     title: String,
///     pages: i32,
/// }
///
/// let qs = Book::objects()
///     .filter(Book::title().contains("rust").and(Book::pages().gt(100)))
///     .order_by(Book::pages().desc())
///     .limit(10);
/// let stmt = qs.sql(Dialect::Postgres);
/// assert_eq!(
///     stmt.sql,
///     r#"SELECT "id", "title", "pages" FROM "book" WHERE "title" LIKE $1 ESCAPE '!' AND "pages" > $2 ORDER BY "pages" DESC LIMIT $3"#
/// );
/// assert_eq!(stmt.binds.len(), 3);
/// ```
pub struct QuerySet<M: Model> {
    filters: Vec<Expr>,
    order: Vec<OrderBy<M>>,
    limit: Option<u64>,
    offset: Option<u64>,
    distinct: bool,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model> Clone for QuerySet<M> {
    fn clone(&self) -> Self {
        QuerySet {
            filters: self.filters.clone(),
            order: self.order.clone(),
            limit: self.limit,
            offset: self.offset,
            distinct: self.distinct,
            _model: PhantomData,
        }
    }
}

impl<M: Model> std::fmt::Debug for QuerySet<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QuerySet")
            .field("model", &M::META.name)
            .field("filters", &self.filters)
            .field("order", &self.order)
            .field("limit", &self.limit)
            .field("offset", &self.offset)
            .field("distinct", &self.distinct)
            .finish()
    }
}

impl<M: Model> Default for QuerySet<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M: Model> QuerySet<M> {
    /// Every row of `M`; usually spelled `M::objects()`.
    pub fn new() -> Self {
        QuerySet {
            filters: Vec::new(),
            order: Vec::new(),
            limit: None,
            offset: None,
            distinct: false,
            _model: PhantomData,
        }
    }

    /// Keeps the rows matching `condition` (and every earlier filter).
    pub fn filter(mut self, condition: impl IntoCondition<M>) -> Self {
        self.filters.push(condition.into_condition().expr);
        self
    }

    /// Drops the rows matching `condition`. Rows where a compared nullable
    /// field is `NULL` are kept, as in Django.
    pub fn exclude(mut self, condition: impl IntoCondition<M>) -> Self {
        self.filters.push(condition.into_condition().not().expr);
        self
    }

    /// Orders the results, replacing any earlier ordering.
    pub fn order_by(mut self, order: impl IntoOrderBy<M>) -> Self {
        self.order = order.into_order_by();
        self
    }

    /// Returns at most `n` rows.
    pub fn limit(mut self, n: u64) -> Self {
        self.limit = Some(n);
        self
    }

    /// Skips the first `n` rows.
    pub fn offset(mut self, n: u64) -> Self {
        self.offset = Some(n);
        self
    }

    /// Removes duplicate rows (`SELECT DISTINCT`).
    pub fn distinct(mut self) -> Self {
        self.distinct = true;
        self
    }

    fn is_sliced(&self) -> bool {
        self.limit.is_some() || self.offset.is_some()
    }

    /// The `SELECT` this queryset runs on `dialect`, with its binds, without
    /// a database: the equivalent of printing Django's `qs.query`.
    pub fn sql(&self, dialect: Dialect) -> Statement {
        let mut w = SqlWriter::new(dialect);
        self.write_select(&mut w, self.limit);
        w.finish()
    }

    fn write_select(&self, w: &mut SqlWriter, limit: Option<u64>) {
        w.push_sql(if self.distinct {
            "SELECT DISTINCT "
        } else {
            "SELECT "
        });
        w.push_sql(M::META.select_list.get(w.dialect()));
        w.push_sql(" FROM ");
        w.push_identifier(M::META.table);
        write_where(w, &self.filters);
        write_order_by(w, &self.order);
        w.dialect().imp().write_limit_offset(w, limit, self.offset);
    }

    /// The `SELECT COUNT(*)` of [`count`](QuerySet::count).
    pub fn count_sql(&self, dialect: Dialect) -> Statement {
        let mut w = SqlWriter::new(dialect);
        if self.distinct || self.is_sliced() {
            w.push_sql("SELECT COUNT(*) FROM (");
            self.write_select(&mut w, self.limit);
            w.push_sql(") ");
            w.push_identifier("subquery");
        } else {
            w.push_sql("SELECT COUNT(*) FROM ");
            w.push_identifier(M::META.table);
            write_where(&mut w, &self.filters);
        }
        w.finish()
    }

    /// The query of [`exists`](QuerySet::exists).
    pub fn exists_sql(&self, dialect: Dialect) -> Statement {
        let mut w = SqlWriter::new(dialect);
        if self.is_sliced() {
            w.push_sql("SELECT 1 FROM (");
            self.write_select(&mut w, self.limit);
            w.push_sql(") ");
            w.push_identifier("subquery");
            dialect.imp().write_limit_offset(&mut w, Some(1), None);
        } else {
            w.push_sql("SELECT 1 FROM ");
            w.push_identifier(M::META.table);
            write_where(&mut w, &self.filters);
            dialect.imp().write_limit_offset(&mut w, Some(1), None);
        }
        w.finish()
    }

    fn check_not_sliced(&self, what: &str) -> Result<()> {
        if self.is_sliced() || self.distinct {
            return Err(Error::InvalidQuery {
                model: M::META.name,
                reason: format!(
                    "{what} cannot follow limit(), offset() or distinct(); filter on the \
                     primary keys instead"
                ),
            });
        }
        Ok(())
    }

    /// The `UPDATE` of [`update`](QuerySet::update).
    pub fn update_sql(
        &self,
        dialect: Dialect,
        assignments: impl IntoIterator<Item = Assignment<M>>,
    ) -> Result<Statement> {
        self.check_not_sliced("update()")?;
        let mut w = SqlWriter::new(dialect);
        w.push_sql("UPDATE ");
        w.push_identifier(M::META.table);
        w.push_sql(" SET ");
        let mut any = false;
        for (i, assignment) in assignments.into_iter().enumerate() {
            if i > 0 {
                w.push_sql(", ");
            }
            w.push_identifier(assignment.column.column);
            w.push_sql(" = ");
            w.push_bind(assignment.value);
            any = true;
        }
        if !any {
            return Err(Error::InvalidQuery {
                model: M::META.name,
                reason: "update() needs at least one field to set".into(),
            });
        }
        write_where(&mut w, &self.filters);
        Ok(w.finish())
    }

    /// The `DELETE` of [`delete`](QuerySet::delete).
    pub fn delete_sql(&self, dialect: Dialect) -> Result<Statement> {
        self.check_not_sliced("delete()")?;
        let mut w = SqlWriter::new(dialect);
        w.push_sql("DELETE FROM ");
        w.push_identifier(M::META.table);
        write_where(&mut w, &self.filters);
        Ok(w.finish())
    }

    /// Runs the query and returns every matching row.
    pub async fn all(&self, db: &Db) -> Result<Vec<M>> {
        db.fetch(self.sql(db.dialect()), |row| M::from_row(row, 0))
            .await
    }

    /// The query of [`first`](QuerySet::first): ordered by primary key
    /// unless the queryset is ordered, one row.
    pub fn first_sql(&self, dialect: Dialect) -> Statement {
        let mut w = SqlWriter::new(dialect);
        if self.order.is_empty() {
            let mut qs = self.clone();
            qs.order = vec![OrderBy::new(M::META.pk(), false)];
            qs.write_select(&mut w, Some(1));
        } else {
            self.write_select(&mut w, Some(1));
        }
        w.finish()
    }

    /// The query of [`get`](QuerySet::get): enough rows to tell one from
    /// several.
    pub fn get_sql(&self, dialect: Dialect) -> Statement {
        let limit = self
            .limit
            .map_or(MAX_GET_RESULTS, |l| l.min(MAX_GET_RESULTS));
        let mut w = SqlWriter::new(dialect);
        self.write_select(&mut w, Some(limit));
        w.finish()
    }

    /// The first row, ordered by primary key unless the queryset is ordered.
    pub async fn first(&self, db: &Db) -> Result<Option<M>> {
        let rows = db
            .fetch(self.first_sql(db.dialect()), |row| M::from_row(row, 0))
            .await?;
        Ok(rows.into_iter().next())
    }

    /// The one matching row: [`Error::DoesNotExist`] if there is none,
    /// [`Error::MultipleObjectsReturned`] if there are several.
    pub async fn get(&self, db: &Db) -> Result<M> {
        let mut rows = db
            .fetch(self.get_sql(db.dialect()), |row| M::from_row(row, 0))
            .await?;
        match rows.len() {
            0 => Err(Error::DoesNotExist {
                model: M::META.name,
            }),
            1 => Ok(rows.remove(0)),
            n => Err(Error::MultipleObjectsReturned {
                model: M::META.name,
                count_text: if n as u64 >= MAX_GET_RESULTS {
                    format!("more than {} rows", MAX_GET_RESULTS - 1)
                } else {
                    format!("{n} rows")
                },
            }),
        }
    }

    /// The number of matching rows.
    pub async fn count(&self, db: &Db) -> Result<u64> {
        let counts = db
            .fetch(self.count_sql(db.dialect()), |row| {
                i64::decode(row, 0).map_err(|e| Error::Decode {
                    model: M::META.name,
                    column: "COUNT(*)",
                    dialect: db.dialect(),
                    message: e.to_string(),
                })
            })
            .await?;
        Ok(counts.first().copied().unwrap_or(0).max(0) as u64)
    }

    /// Whether any row matches.
    pub async fn exists(&self, db: &Db) -> Result<bool> {
        let rows = db.fetch(self.exists_sql(db.dialect()), |_| Ok(())).await?;
        Ok(!rows.is_empty())
    }

    /// Sets fields on every matching row; returns how many rows matched.
    ///
    /// `qs.update(&db, [Post::published().set(true)])`
    pub async fn update(
        &self,
        db: &Db,
        assignments: impl IntoIterator<Item = Assignment<M>>,
    ) -> Result<u64> {
        let stmt = self.update_sql(db.dialect(), assignments)?;
        Ok(db.execute(stmt).await?.rows_affected)
    }

    /// Deletes every matching row; returns how many were deleted.
    pub async fn delete(&self, db: &Db) -> Result<u64> {
        let stmt = self.delete_sql(db.dialect())?;
        Ok(db.execute(stmt).await?.rows_affected)
    }
}
