//! The terminal calls of a queryset (`all`, `first`, `get`, `count`,
//! `exists`, `update`, `delete`) and the statements they run: each on any
//! [`Executor`].

use super::QuerySet;
use super::{limit_binds, MAX_GET_RESULTS};
use crate::db::Executor;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::query::assign::Assignment;
use crate::query::in_list::check_bind_count;
use crate::query::order::OrderBy;
use crate::query::shape::{self, StatementKind};
use crate::types::FieldType;
use crate::writer::SqlWriter;
use crate::writer::Statement;

impl<M: Model> QuerySet<M> {
    /// Runs the query and returns every matching row.
    pub async fn all(&self, mut ex: impl Executor) -> Result<Vec<M>> {
        let stmt = self.checked_statement(ex.dialect())?;
        self.fetch_models(&mut ex, stmt).await
    }

    /// The statement [`all`](QuerySet::all) runs: [`statement`](QuerySet::statement)
    /// with the queryset's checks (what the dialect can compute, how deep
    /// its relation paths go, the values it binds), of which only the
    /// values' run again for a shape checked before (see
    /// [`checked_statement`](crate::query::shape::checked_statement)).
    /// The value remembers the statement from its second run on, and then
    /// runs no check at all: they passed for its values, and any change
    /// of the queryset (a clone keeps the statement) forgets it.
    ///
    /// ```
    /// # use strata::prelude::*;
    /// #[derive(Model, Debug)]
    /// struct Reading {
    ///     id: i64,
    ///     celsius: f64,
    /// }
    ///
    /// let above = |t: f64| Reading::objects().filter(Reading::celsius().gt(t));
    /// assert!(above(20.5).checked_statement(Dialect::Postgres).is_ok());
    /// // No database stores NaN: refused, with the field named.
    /// let err = above(f64::NAN).checked_statement(Dialect::Postgres).unwrap_err();
    /// assert!(err.to_string().contains("Reading.celsius"), "{err}");
    /// ```
    pub fn checked_statement(&self, dialect: Dialect) -> Result<Statement> {
        self.checked(
            dialect,
            StatementKind::Select,
            || self.sql(dialect),
            |binds| self.select_binds(dialect, binds, self.limit),
        )
    }

    /// The statement of `kind` through the statement cache and this
    /// value's memo, with the queryset's checks (see
    /// [`checked_statement`](QuerySet::checked_statement)).
    fn checked(
        &self,
        dialect: Dialect,
        kind: StatementKind,
        render: impl FnOnce() -> Statement,
        binds: impl FnOnce(&mut Vec<crate::value::Value>),
    ) -> Result<Statement> {
        shape::memoized_statement(
            &self.memo,
            dialect,
            kind,
            |key| self.encode_shape(key),
            |checks| {
                self.check_filters(dialect, checks)?;
                if checks.shape() {
                    self.check_paths()?;
                }
                Ok(())
            },
            render,
            binds,
        )
    }

    /// [`first_sql`](QuerySet::first_sql) through the statement cache.
    pub(super) fn first_statement(&self, dialect: Dialect) -> Result<Statement> {
        self.checked(
            dialect,
            StatementKind::First,
            || self.first_sql(dialect),
            |binds| self.select_binds(dialect, binds, Some(1)),
        )
    }

    /// [`get_sql`](QuerySet::get_sql) through the statement cache.
    pub(super) fn get_statement(&self, dialect: Dialect) -> Result<Statement> {
        self.checked(
            dialect,
            StatementKind::Get,
            || self.get_sql(dialect),
            |binds| self.select_binds(dialect, binds, Some(self.get_limit())),
        )
    }

    /// [`count_sql`](QuerySet::count_sql) through the statement cache.
    pub(super) fn count_statement(&self, dialect: Dialect) -> Result<Statement> {
        self.checked(
            dialect,
            StatementKind::Count,
            || self.count_sql(dialect),
            |binds| {
                self.filter_binds(dialect, binds);
                if self.distinct || self.is_sliced() {
                    self.order_binds(dialect, binds);
                    limit_binds(binds, self.limit, self.offset);
                }
            },
        )
    }

    /// [`exists_sql`](QuerySet::exists_sql) through the statement cache.
    pub(super) fn exists_statement(&self, dialect: Dialect) -> Result<Statement> {
        self.checked(
            dialect,
            StatementKind::Exists,
            || self.exists_sql(dialect),
            |binds| {
                self.filter_binds(dialect, binds);
                if self.is_sliced() {
                    self.order_binds(dialect, binds);
                    limit_binds(binds, self.limit, self.offset);
                }
                limit_binds(binds, Some(1), None);
            },
        )
    }

    /// The `LIMIT` of [`get`](QuerySet::get).
    pub(super) fn get_limit(&self) -> u64 {
        self.limit
            .map_or(MAX_GET_RESULTS, |l| l.min(MAX_GET_RESULTS))
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
        let mut w = SqlWriter::new(dialect);
        self.write_select(&mut w, Some(self.get_limit()));
        w.finish()
    }

    /// The first row, ordered by primary key unless the queryset is ordered.
    pub async fn first(&self, mut ex: impl Executor) -> Result<Option<M>> {
        let stmt = self.first_statement(ex.dialect())?;
        let rows = self.fetch_models(&mut ex, stmt).await?;
        Ok(rows.into_iter().next())
    }

    /// The one matching row: [`Error::DoesNotExist`] if there is none,
    /// [`Error::MultipleObjectsReturned`] if there are several.
    pub async fn get(&self, mut ex: impl Executor) -> Result<M> {
        let stmt = self.get_statement(ex.dialect())?;
        let mut rows = self.fetch_models(&mut ex, stmt).await?;
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
    pub async fn count(&self, mut ex: impl Executor) -> Result<u64> {
        let dialect = ex.dialect();
        let stmt = self.count_statement(dialect)?;
        check_bind_count(M::META.name, &stmt)?;
        let counts = ex
            .fetch(stmt, |row| {
                i64::decode(row, 0).map_err(|e| Error::Decode {
                    model: M::META.name,
                    column: "COUNT(*)",
                    dialect,
                    message: e.to_string(),
                })
            })
            .await?;
        Ok(counts.first().copied().unwrap_or(0).max(0) as u64)
    }

    /// Whether any row matches.
    pub async fn exists(&self, mut ex: impl Executor) -> Result<bool> {
        let stmt = self.exists_statement(ex.dialect())?;
        check_bind_count(M::META.name, &stmt)?;
        let rows = ex.fetch(stmt, |_| Ok(())).await?;
        Ok(!rows.is_empty())
    }

    /// Sets fields on every matching row; returns how many rows matched.
    ///
    /// `qs.update(&db, [Post::published().set(true)])`
    pub async fn update(
        &self,
        mut ex: impl Executor,
        assignments: impl IntoIterator<Item = Assignment<M>>,
    ) -> Result<u64> {
        let stmt = self.update_statement(ex.dialect(), assignments)?;
        check_bind_count(M::META.name, &stmt)?;
        Ok(ex.execute(stmt).await?.rows_affected)
    }

    /// Deletes every matching row; returns how many were deleted. Rows
    /// that refer to them follow their `on_delete`; a `protect` reference
    /// refuses the whole delete with [`Error::Protected`]. The checks run
    /// on `ex` too: inside a transaction, they see its rows and hold its
    /// locks.
    pub async fn delete(&self, mut ex: impl Executor) -> Result<u64> {
        let stmt = self.delete_sql(ex.dialect())?;
        check_bind_count(M::META.name, &stmt)?;
        crate::relation::deletion::delete(&mut ex, M::META, &|w| self.write_keys(w), stmt).await
    }
}
