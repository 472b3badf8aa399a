//! Keyset pagination: [`QuerySet::after`], the rows that come after one
//! already seen in the queryset's ordering, found by comparing the
//! ordering's values rather than by counting rows past an `OFFSET`.
//!
//! The ordering is made total first: the primary key is appended
//! (ascending) unless a term already orders by it, so that rows with equal
//! ordering values still come in one order and none is skipped or repeated
//! from page to page. For terms `a ASC, b DESC, pk ASC` and the last row
//! seen `(x, y, k)` the filter is
//! `a >= x AND (a > x OR (a = x AND b < y) OR (a = x AND b = y AND pk > k))`:
//! the leading `a >= x` lets the database's index on `a` bound the scan.

use super::QuerySet;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::query::expr::{ColRef, CompareOp, Expr};
use crate::query::order::OrderBy;
use crate::relation::JoinPath;
use crate::value::Value;

impl<M: Model> QuerySet<M> {
    /// The rows after `last_seen` in this queryset's ordering: the next
    /// page of a keyset (a.k.a. seek) pagination, whose cost does not grow
    /// with the page number as an `OFFSET`'s does.
    ///
    /// The ordering in force when `after` is called is used (call
    /// `order_by` first), with the primary key appended as a tiebreaker
    /// unless it is already a term; an unordered queryset (with no
    /// default ordering) is ordered by primary key. Read the first page
    /// in that same order, with
    /// [`with_pk_tiebreak`](QuerySet::with_pk_tiebreak). Each term may be
    /// ascending or descending. Only non-null fields of the model itself
    /// can order a keyset: an expression, a field of a related model or a
    /// nullable field ([`Option`]) is refused with
    /// [`Error::InvalidQuery`] naming it, since the value to compare with
    /// would be missing or `NULL`, which compares with nothing (and the
    /// databases put `NULL`s at different ends). Use
    /// [`Paginator`](crate::Paginator) for those orderings.
    ///
    /// ```
    /// # use strata::prelude::*;
    /// #[derive(Model, Debug, Clone)]
    /// struct Event {
    ///     id: i64,
    ///     day: i32,
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> strata::Result<()> {
    /// let db = Db::connect("sqlite::memory:").await?;
    /// db.create_tables(&[Event::META]).await?;
    /// for day in [3, 1, 2, 2, 1] {
    ///     Event { id: 0, day }.insert(&db).await?;
    /// }
    /// let newest_first = Event::objects().order_by(Event::day().desc()).with_pk_tiebreak();
    /// let first = newest_first.clone().limit(2).all(&db).await?;
    /// let next = newest_first.after(first.last().unwrap())?.limit(2).all(&db).await?;
    /// // Days 3, 2 | 2, 1 | 1; the two rows of day 2 in primary key order.
    /// assert_eq!(first.iter().map(|e| (e.day, e.id)).collect::<Vec<_>>(), [(3, 1), (2, 3)]);
    /// assert_eq!(next.iter().map(|e| (e.day, e.id)).collect::<Vec<_>>(), [(2, 4), (1, 2)]);
    /// # Ok(()) }
    /// ```
    pub fn after(mut self, last_seen: &M) -> Result<Self> {
        self.order = self.total_order();
        let keys = self.keyset_values(last_seen)?;
        let condition = keyset_condition(&self.order, keys);
        self.filters.push(condition);
        Ok(self)
    }

    /// The ordering with the primary key appended (ascending) unless a
    /// term orders by it already; the primary key alone when unordered.
    pub(crate) fn total_order(&self) -> Vec<OrderBy<M>> {
        let pk = M::META.pk();
        let mut order = self.order.clone();
        let has_pk = order
            .iter()
            .any(|t| t.expr.is_none() && t.path.is_empty() && t.column.column == pk.column);
        if !has_pk {
            order.push(OrderBy::new(pk, false));
        }
        order
    }

    /// Appends the primary key (ascending) to the ordering as a
    /// tiebreaker, unless a term orders by it already; orders an
    /// unordered queryset by primary key. The order [`after`](Self::after)
    /// and [`Paginator`](crate::Paginator) use: read the first page of a
    /// keyset pagination with it, so that rows with equal ordering values
    /// come in the order the following pages assume.
    ///
    /// ```
    /// # use strata::prelude::*;
    /// #[derive(Model, Debug)]
    /// struct Event {
    ///     id: i64,
    ///     day: i32,
    /// }
    ///
    /// let qs = Event::objects().order_by(Event::day().desc()).with_pk_tiebreak();
    /// assert!(qs.sql(Dialect::Sqlite).sql().ends_with(r#"ORDER BY "day" DESC, "id" ASC"#));
    /// ```
    pub fn with_pk_tiebreak(self) -> Self {
        self.totally_ordered()
    }

    /// This queryset ordered by [`total_order`](Self::total_order).
    pub(crate) fn totally_ordered(mut self) -> Self {
        self.order = self.total_order();
        self
    }

    /// Whether `limit` or `offset` was set.
    pub(crate) fn has_slice(&self) -> bool {
        self.is_sliced()
    }

    /// The values of `row` for each term of the (total) ordering, or the
    /// error for a term a keyset cannot compare.
    pub(crate) fn keyset_values(&self, row: &M) -> Result<Vec<Value>> {
        let columns = self.keyset_columns()?;
        Ok(values_at(row, &columns))
    }

    /// The index in the model's columns of each term of the (total)
    /// ordering, or the error for a term a keyset cannot compare.
    pub(crate) fn keyset_columns(&self) -> Result<Vec<usize>> {
        let refuse = |reason: String| Error::InvalidQuery {
            model: M::META.name,
            reason,
        };
        let order = self.total_order();
        let mut out = Vec::with_capacity(order.len());
        for term in &order {
            if term.expr.is_some() {
                return Err(refuse(
                    "keyset pagination (after(), or stream() with prefetch_related) cannot \
                     follow an ordering on an expression; order by fields of the model, or \
                     use a Paginator"
                        .into(),
                ));
            }
            if !term.path.is_empty() {
                return Err(refuse(format!(
                    "keyset pagination (after(), or stream() with prefetch_related) cannot \
                     follow an ordering on `{}` of a related model; order by fields of {} \
                     itself, or use a Paginator",
                    term.column.field,
                    M::META.name
                )));
            }
            if term.column.nullable {
                return Err(refuse(format!(
                    "keyset pagination (after(), or stream() with prefetch_related) cannot \
                     follow an ordering on the nullable field {}.{}: NULL compares with no \
                     value and the databases sort it at different ends; order by non-null \
                     fields, or use a Paginator",
                    M::META.name,
                    term.column.field
                )));
            }
            let index = M::META
                .columns
                .iter()
                .position(|c| c.column == term.column.column)
                .ok_or_else(|| {
                    refuse(format!(
                        "the ordering names `{}`, which is not a column of {}",
                        term.column.field,
                        M::META.name
                    ))
                })?;
            out.push(index);
        }
        Ok(out)
    }

    /// This queryset (already totally ordered) restricted to the rows
    /// after those with ordering values `keys`.
    pub(crate) fn after_keys(mut self, keys: Vec<Value>) -> Self {
        let condition = keyset_condition(&self.order, keys);
        self.filters.push(condition);
        self
    }
}

/// `first >= v0 AND (first > v0 OR (first = v0 AND second > v1) OR ...)`,
/// each `>` a `<` for a descending term.
fn keyset_condition<M>(order: &[OrderBy<M>], keys: Vec<Value>) -> Expr {
    let column = |term: &OrderBy<M>| ColRef {
        column: term.column,
        path: JoinPath::EMPTY,
    };
    let past = |term: &OrderBy<M>| {
        if term.descending {
            CompareOp::Lt
        } else {
            CompareOp::Gt
        }
    };
    let mut branches = Vec::with_capacity(order.len());
    for (i, (term, key)) in order.iter().zip(&keys).enumerate() {
        let mut all = Vec::with_capacity(i + 1);
        for (earlier, key) in order.iter().zip(&keys).take(i) {
            all.push(Expr::Compare {
                column: column(earlier),
                op: CompareOp::Eq,
                value: key.clone(),
            });
        }
        all.push(Expr::Compare {
            column: column(term),
            op: past(term),
            value: key.clone(),
        });
        branches.push(if all.len() == 1 {
            all.remove(0)
        } else {
            Expr::And(all)
        });
    }
    let (Some(first), Some(first_key), 2..) = (order.first(), keys.first(), branches.len()) else {
        return branches.pop().unwrap_or(Expr::And(Vec::new()));
    };
    let bound = Expr::Compare {
        column: column(first),
        op: if first.descending {
            CompareOp::Lte
        } else {
            CompareOp::Gte
        },
        value: first_key.clone(),
    };
    Expr::And(vec![bound, Expr::Or(branches)])
}

/// The values of `row`'s columns at `columns` (indexes into the model's
/// columns).
pub(crate) fn values_at<M: Model>(row: &M, columns: &[usize]) -> Vec<Value> {
    let mut inserted = Vec::with_capacity(M::META.columns.len());
    row.write_insert_values(&mut inserted);
    let mut inserted = inserted.into_iter();
    // Insert values skip generated columns: the key goes back in place.
    let all: Vec<Value> = M::META
        .columns
        .iter()
        .map(|c| match c.auto_increment {
            true => row.pk_value(),
            false => inserted.next().unwrap_or_else(|| row.pk_value()),
        })
        .collect();
    columns
        .iter()
        .filter_map(|&i| all.get(i).cloned())
        .collect()
}
