//! [`Union`]: the rows of several querysets of one model, `UNION` or
//! `UNION ALL`, with an ordering and a slice of its own.

use super::QuerySet;
use crate::db::Executor;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::query::compile::{write_order_by, JoinPlan};
use crate::query::order::{IntoOrderBy, OrderBy};
use crate::writer::{SqlWriter, Statement};

/// The rows of several querysets of `M` combined (Django's
/// `qs1.union(qs2)`), made by [`QuerySet::union`] and
/// [`QuerySet::union_all`].
///
/// The SQL is the same shape on every database:
/// `SELECT * FROM (<part> UNION <part>) AS "strata_union"` with the
/// union's `ORDER BY` / `LIMIT` outside, so that it may order by any of
/// the model's fields or expressions on them. A part keeps its own
/// ordering only when it is sliced (`limit` / `offset`), and is then
/// read from a derived table of its own, since SQLite refuses an
/// `ORDER BY` / `LIMIT` inside a compound select and MySQL/MariaDB and
/// PostgreSQL need parentheses there. Parts load the model's own columns:
/// `select_related`, `prefetch_related` and `select_for_update` on a part
/// are an error.
///
/// ```
/// # use strata::prelude::*;
/// #[derive(Model, Debug)]
/// struct Book {
///     id: i64,
///     pages: i32,
/// }
///
/// let short = Book::objects().filter(Book::pages().lt(100));
/// let long = Book::objects().filter(Book::pages().gt(900));
/// let both = short.union(long).order_by(Book::pages().desc()).limit(5);
/// assert_eq!(
///     both.sql(Dialect::Sqlite).unwrap().sql(),
///     r#"SELECT * FROM (SELECT "id", "pages" FROM "book" WHERE "pages" < ? UNION SELECT "id", "pages" FROM "book" WHERE "pages" > ?) AS "strata_union" ORDER BY "pages" DESC LIMIT ?"#
/// );
/// ```
pub struct Union<M: Model> {
    parts: Vec<QuerySet<M>>,
    /// Whether the operator before each part but the first is `UNION ALL`.
    all: Vec<bool>,
    order: Vec<OrderBy<M>>,
    limit: Option<u64>,
    offset: Option<u64>,
}

impl<M: Model> Clone for Union<M> {
    fn clone(&self) -> Self {
        Union {
            parts: self.parts.clone(),
            all: self.all.clone(),
            order: self.order.clone(),
            limit: self.limit,
            offset: self.offset,
        }
    }
}

impl<M: Model> std::fmt::Debug for Union<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Union")
            .field("parts", &self.parts)
            .field("all", &self.all)
            .field("order", &self.order)
            .field("limit", &self.limit)
            .field("offset", &self.offset)
            .finish()
    }
}

impl<M: Model> QuerySet<M> {
    /// The rows of this queryset or `other`, each once (`UNION`).
    pub fn union(self, other: QuerySet<M>) -> Union<M> {
        Union::of(self).union(other)
    }

    /// The rows of this queryset and of `other`, duplicates kept
    /// (`UNION ALL`).
    pub fn union_all(self, other: QuerySet<M>) -> Union<M> {
        Union::of(self).union_all(other)
    }
}

impl<M: Model> Union<M> {
    fn of(first: QuerySet<M>) -> Self {
        Union {
            parts: vec![first],
            all: Vec::new(),
            order: Vec::new(),
            limit: None,
            offset: None,
        }
    }

    /// Adds the rows of `other`, each once.
    pub fn union(mut self, other: QuerySet<M>) -> Self {
        self.parts.push(other);
        self.all.push(false);
        self
    }

    /// Adds the rows of `other`, duplicates kept.
    pub fn union_all(mut self, other: QuerySet<M>) -> Self {
        self.parts.push(other);
        self.all.push(true);
        self
    }

    /// Orders the combined rows (the model's own fields, or expressions
    /// on them); without it, the order is the database's.
    pub fn order_by(mut self, order: impl IntoOrderBy<M>) -> Self {
        self.order = order.into_order_by();
        self
    }

    /// Returns at most `n` of the combined rows.
    pub fn limit(mut self, n: u64) -> Self {
        self.limit = Some(n);
        self
    }

    /// Skips the first `n` combined rows.
    pub fn offset(mut self, n: u64) -> Self {
        self.offset = Some(n);
        self
    }

    fn invalid(reason: &str) -> Error {
        Error::InvalidQuery {
            model: M::META.name,
            reason: reason.into(),
        }
    }

    /// The statement [`all`](Union::all) runs on `dialect`, or why it
    /// cannot be written.
    pub fn sql(&self, dialect: Dialect) -> Result<Statement> {
        let mut across = false;
        for term in &self.order {
            term.for_each_column(&mut |c| across |= !c.path.is_empty());
        }
        if across {
            return Err(Self::invalid(
                "a union is ordered by the model's own fields, not fields across a relation",
            ));
        }
        let mut w = SqlWriter::new(dialect);
        w.push_sql("SELECT * FROM (");
        for (i, part) in self.parts.iter().enumerate() {
            if !part.related.is_empty() || !part.prefetch.is_empty() || part.lock.is_some() {
                return Err(Self::invalid(
                    "the querysets of a union cannot select_related, prefetch_related or select_for_update",
                ));
            }
            if i > 0 {
                w.push_sql(if self.all[i - 1] {
                    " UNION ALL "
                } else {
                    " UNION "
                });
            }
            if part.is_sliced() {
                w.push_sql("SELECT * FROM (");
                part.write_select_of(&mut w, part.limit, false);
                w.push_sql(") AS ");
                w.push_identifier(&format!("strata_part_{i}"));
            } else {
                let mut unordered = part.clone();
                unordered.order.clear();
                unordered.write_select_of(&mut w, None, false);
            }
        }
        w.push_sql(") AS ");
        w.push_identifier("strata_union");
        let plan = JoinPlan::new(M::META);
        write_order_by(&mut w, &plan, &self.order);
        dialect
            .imp()
            .write_limit_offset(&mut w, self.limit, self.offset);
        Ok(w.finish())
    }

    /// Runs the union and returns its rows.
    pub async fn all(&self, mut ex: impl Executor) -> Result<Vec<M>> {
        let dialect = ex.dialect();
        for part in &self.parts {
            part.check_values(dialect)?;
        }
        let stmt = self.sql(dialect)?;
        crate::query::in_list::check_bind_count(M::META.name, &stmt)?;
        ex.fetch(stmt, |row| M::from_row(row, 0)).await
    }
}
