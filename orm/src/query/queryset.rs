//! [`QuerySet`]: a lazy, typed query on one model.

mod aggregate;
mod prefetch_select;
mod row_lock;
mod writes;

pub use row_lock::ForUpdate;
use row_lock::RowLock;

use super::assign::Assignment;
use super::compile::{normalize, write_order_by, write_where, JoinPlan};
use super::expr::{ColRef, Expr, IntoCondition};
use super::in_list::check_bind_count;
use super::order::{IntoOrderBy, OrderBy};
use super::shape::{self, ShapeKey, StatementKind};
use crate::db::{Executor, Row};
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::relation::prefetch::{self, PrefetchQuery, PrefetchSpec, RowDecoder};
use crate::relation::{IntoPrefetch, JoinPath, RelationMeta, SelectRelated};
use crate::types::FieldType;
use crate::value::Value;
use crate::writer::{SqlWriter, Statement};
use std::any::Any;
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
    /// Paths loaded in the same query by `select_related`.
    related: Vec<JoinPath>,
    /// Paths loaded by one more query each, by `prefetch_related`.
    prefetch: Vec<PrefetchSpec>,
    /// `FOR UPDATE`, by `select_for_update`.
    lock: Option<RowLock>,
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
            related: self.related.clone(),
            prefetch: self.prefetch.clone(),
            lock: self.lock.clone(),
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
            .field("select_related", &self.related)
            .field("prefetch_related", &self.prefetch)
            .field("select_for_update", &self.lock)
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
            // The model's default ordering until `order_by` replaces it.
            order: M::META
                .ordering
                .iter()
                .map(|term| OrderBy::new(&M::META.columns[term.column], term.descending))
                .collect(),
            limit: None,
            offset: None,
            distinct: false,
            related: Vec::new(),
            prefetch: Vec::new(),
            lock: None,
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

    /// Orders the results, replacing any earlier ordering and the model's
    /// default one (`#[strata(ordering(...))]`); `order_by([])` removes
    /// every ordering.
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

    /// Removes duplicate rows (`SELECT DISTINCT`). An ordering across a
    /// relation puts the ordered column in the select list (which
    /// PostgreSQL requires); orderings follow single-valued relations
    /// only, so that never makes two rows of the model distinct.
    pub fn distinct(mut self) -> Self {
        self.distinct = true;
        self
    }

    /// Loads the related rows along `path` in the same query, with a
    /// `LEFT JOIN` per relation: `Post::objects().select_related(Post::author())`
    /// fills `post.author.get()`. Only forward `ForeignKey` / `OneToOne`
    /// paths are accepted (anything else does not compile); a `NULL`
    /// foreign key leaves the relation empty.
    pub fn select_related(mut self, path: impl SelectRelated<M>) -> Self {
        let path = path.join_path();
        if !self.related.contains(&path) {
            self.related.push(path);
        }
        self
    }

    /// Loads the rows of a relation for every result with one more query
    /// per relation level, and stores them in the results: reverse
    /// foreign keys into a [`Reverse`](crate::relation::Reverse) field
    /// named after the `related_name`, many-to-many relations into their
    /// [`ManyToMany`](crate::relation::ManyToMany) field, forward foreign
    /// keys into their `ForeignKey` field. Nested paths
    /// (`Author::posts().then(Post::tags())`) load level by level; a
    /// [`Prefetch`](crate::relation::Prefetch) gives the last level its own
    /// queryset, whose `limit` / `offset` apply to each parent's rows.
    /// Parent keys go as one array (PostgreSQL) or one JSON array (many
    /// integer, string or UUID keys elsewhere); other keys beyond the
    /// database's bind limit are sent in several chunks.
    ///
    /// A reverse relation needs its holder field on the parent model;
    /// without one, the query fails with [`Error::InvalidQuery`] naming the
    /// field to add.
    pub fn prefetch_related(mut self, prefetch: impl IntoPrefetch<M>) -> Self {
        self.prefetch.push(prefetch.into_prefetch().spec);
        self
    }

    /// The joins this queryset needs, select_related paths first.
    fn plan(&self, with_related: bool) -> JoinPlan {
        let mut plan = JoinPlan::new(M::META);
        if with_related {
            for path in &self.related {
                plan.add(*path);
            }
        }
        for filter in &self.filters {
            plan.add_condition(filter);
        }
        for term in &self.order {
            term.for_each_column(&mut |c| plan.add_column(c));
        }
        plan
    }

    /// The select_related paths (with their prefixes), in column order.
    fn selected_paths(&self, plan: &JoinPlan) -> Vec<JoinPath> {
        plan.joins()
            .iter()
            .filter(|p| {
                self.related
                    .iter()
                    .any(|r| r.len() >= p.len() && r.prefix(p.len()) == **p)
            })
            .copied()
            .collect()
    }

    /// An error for a filter value strata refuses to send (a year outside
    /// 1..=9999, a leap second, a non-finite float), naming its field.
    fn check_values(&self, dialect: Dialect) -> Result<()> {
        let decimal = self.filters.iter().any(Expr::has_decimal_arithmetic)
            || self
                .order
                .iter()
                .any(|o| o.expr.as_ref().is_some_and(|e| e.has_decimal_arithmetic()));
        if decimal && dialect == Dialect::Sqlite {
            return Err(sqlite_decimal_error(M::META.name));
        }
        if self.distinct && self.order.iter().any(|o| o.expr.is_some()) {
            return Err(Error::InvalidQuery {
                model: M::META.name,
                reason: "distinct() cannot be ordered by an expression; order by fields".into(),
            });
        }
        for filter in &self.filters {
            filter.check_values(dialect).map_err(|(column, refused)| {
                let name = if column.path.is_empty() {
                    format!("{}.{}", M::META.name, column.column.field)
                } else {
                    format!("`{}` of a related model", column.column.field)
                };
                refused.into_error(name)
            })?;
        }
        for term in &self.order {
            if let Some(expr) = &term.expr {
                expr.check_values(dialect).map_err(|(_, refused)| {
                    refused.into_error(format!("an ordering of {}", M::META.name))
                })?;
            }
        }
        Ok(())
    }

    /// An error for paths deeper than a query can follow.
    fn check_paths(&self) -> Result<()> {
        let mut deep = self.related.iter().any(JoinPath::overflowed);
        for filter in &self.filters {
            filter.for_each_path(&mut |p| deep |= p.overflowed());
        }
        for term in &self.order {
            term.for_each_path(&mut |p| deep |= p.overflowed());
        }
        if deep {
            return Err(Error::InvalidQuery {
                model: M::META.name,
                reason: format!(
                    "a relation path is longer than {} hops",
                    crate::relation::MAX_HOPS
                ),
            });
        }
        Ok(())
    }

    /// Decodes one row: the model, then every select_related target,
    /// attached in `attach_order` (deepest first).
    /// `loaded` is scratch space, reused from row to row.
    fn decode(
        &self,
        row: &Row,
        selected: &[JoinPath],
        attach_order: &[usize],
        loaded: &mut Vec<Option<Box<dyn Any + Send>>>,
    ) -> Result<M> {
        let mut root = M::from_row(row, 0)?;
        let offset = M::META.columns.len();
        match selected {
            [] => return Ok(root),
            [path] if path.len() == 1 => {
                // One relation of the model itself: attached directly.
                let hop = path.last().expect("joined paths are not empty");
                (hop.attach)(&mut root, (hop.decode_target)(row, offset)?);
                return Ok(root);
            }
            _ => {}
        }
        let mut offset = offset;
        loaded.clear();
        for path in selected {
            let hop = path.last().expect("joined paths are not empty");
            loaded.push((hop.decode_target)(row, offset)?);
            offset += (hop.to)().columns.len();
        }
        for &i in attach_order {
            let path = selected[i];
            let hop = path.last().expect("joined paths are not empty");
            let value = loaded[i].take();
            if path.len() == 1 {
                (hop.attach)(&mut root, value);
                continue;
            }
            let parent = path.prefix(path.len() - 1);
            if let Some(p) = selected.iter().position(|s| *s == parent) {
                if let Some(parent_value) = loaded[p].as_mut() {
                    (hop.attach)(parent_value.as_mut(), value);
                }
            }
        }
        Ok(root)
    }

    /// Runs a `SELECT` of this queryset and decodes every row.
    async fn fetch_models<E: Executor>(&self, ex: &mut E, stmt: Statement) -> Result<Vec<M>> {
        self.check_lock(ex)?;
        self.check_values(ex.dialect())?;
        self.check_paths()?;
        check_bind_count(M::META.name, &stmt)?;
        let plan = self.plan(true);
        let selected = self.selected_paths(&plan);
        // Children attach to their parents before the parents attach to
        // theirs; the order is the same for every row.
        let mut attach_order: Vec<usize> = (0..selected.len()).collect();
        attach_order.sort_by_key(|&i| std::cmp::Reverse(selected[i].len()));
        let mut scratch = Vec::with_capacity(selected.len());
        let mut rows = ex
            .fetch(stmt, |row| {
                self.decode(row, &selected, &attach_order, &mut scratch)
            })
            .await?;
        self.check_prefetch()?;
        prefetch::prefetch(ex, &mut rows, &self.prefetch).await?;
        Ok(rows)
    }

    /// An error for prefetch paths too deep to follow.
    fn check_prefetch(&self) -> Result<()> {
        if self.prefetch.iter().any(|p| p.path.overflowed()) {
            return Err(Error::InvalidQuery {
                model: M::META.name,
                reason: format!(
                    "a prefetch path is longer than {} hops",
                    crate::relation::MAX_HOPS
                ),
            });
        }
        Ok(())
    }

    /// The statement one prefetch level runs: the rows `hop` reaches from
    /// the parents with primary keys `keys`. Shows what
    /// `prefetch_related` sends, without a database.
    pub fn prefetch_sql(
        &self,
        dialect: Dialect,
        hop: &'static RelationMeta,
        keys: &[Value],
    ) -> Statement {
        let mut w = SqlWriter::new(dialect);
        self.write_prefetch_select(&mut w, hop, keys);
        w.finish()
    }

    fn is_sliced(&self) -> bool {
        self.limit.is_some() || self.offset.is_some()
    }

    /// The `SELECT` this queryset runs on `dialect`, with its binds, without
    /// a database: the equivalent of printing Django's `qs.query`. Always
    /// rendered afresh; [`statement`](QuerySet::statement) is the same
    /// statement through the statement cache.
    pub fn sql(&self, dialect: Dialect) -> Statement {
        let mut w = SqlWriter::new(dialect);
        self.write_select(&mut w, self.limit);
        w.finish()
    }

    /// The statement [`all`](QuerySet::all) runs: the same as
    /// [`sql`](QuerySet::sql), with the SQL text taken from this thread's
    /// statement cache when a queryset of the same *shape* (the same
    /// model, fields, lookups, relations, ordering and slicing, whatever
    /// the values) was rendered before, and only the bound values
    /// collected afresh. Every terminal call (`all`, `first`, `get`,
    /// `count`, `exists`) goes through the cache.
    ///
    /// ```
    /// # use strata::prelude::*;
    /// #[derive(Model, Debug)]
    /// struct Book {
    ///     id: i64,
    ///     pages: i32,
    /// }
    ///
    /// let short = Book::objects().filter(Book::pages().lt(100)).statement(Dialect::Sqlite);
    /// // Same shape, other value: the SQL comes from the cache.
    /// let long = Book::objects().filter(Book::pages().lt(1000)).statement(Dialect::Sqlite);
    /// assert_eq!(short.sql, long.sql);
    /// assert_eq!(long.binds, vec![strata::Value::I32(Some(1000))]);
    /// ```
    pub fn statement(&self, dialect: Dialect) -> Statement {
        shape::statement(
            dialect,
            StatementKind::Select,
            |key| self.encode_shape(key),
            || self.sql(dialect),
            |binds| {
                self.filter_binds(dialect, binds);
                self.order_binds(dialect, binds);
                limit_binds(binds, self.limit, self.offset);
            },
        )
    }

    /// Writes the shape of this queryset's `SELECT`: everything its SQL
    /// text depends on (see [`shape`]).
    fn encode_shape(&self, key: &mut ShapeKey<'_>) {
        let related = u32::try_from(self.related.len()).unwrap_or(u32::MAX);
        if related < 1 << 20 {
            key.header(
                u32::from(self.distinct)
                    | u32::from(self.limit.is_some()) << 1
                    | u32::from(self.offset.is_some()) << 2
                    | related << 3,
            );
        } else {
            key.header(u32::MAX >> 8);
            key.flag(self.distinct);
            key.flag(self.limit.is_some());
            key.flag(self.offset.is_some());
            key.push(self.related.len());
        }
        key.model(M::META);
        for path in &self.related {
            key.path(path);
        }
        key.exprs(&self.filters);
        key.push(self.order.len());
        for term in &self.order {
            term.encode(key);
        }
        self.encode_lock(key);
    }

    /// The values the ordering binds (those of expressions), in order.
    fn order_binds(&self, dialect: Dialect, out: &mut Vec<Value>) {
        for term in &self.order {
            term.collect_binds(dialect, out);
        }
    }

    /// The values the filters bind, in order.
    fn filter_binds(&self, dialect: Dialect, out: &mut Vec<Value>) {
        for filter in &self.filters {
            shape::collect_binds(dialect, filter, out);
        }
    }

    fn write_select(&self, w: &mut SqlWriter, limit: Option<u64>) {
        self.write_select_of(w, limit, true);
    }

    /// Writes this queryset's `SELECT`; without `with_related`, only the
    /// model's own columns (and the ordering columns `DISTINCT` needs):
    /// the form `count()` and `exists()` wrap in a subquery, where the
    /// select_related columns would repeat column names (MySQL refuses a
    /// derived table with two `id`s) and add nothing to distinctness,
    /// since they follow single-valued relations.
    fn write_select_of(&self, w: &mut SqlWriter, limit: Option<u64>, with_related: bool) {
        w.push_sql(if self.distinct {
            "SELECT DISTINCT "
        } else {
            "SELECT "
        });
        let plan = self.plan(with_related);
        let selected = if with_related {
            self.selected_paths(&plan)
        } else {
            Vec::new()
        };
        if plan.has_joins() {
            plan.write_all_columns(w, M::META, &JoinPath::EMPTY);
            for path in &selected {
                let target = (path.last().expect("not empty").to)();
                w.push_sql(", ");
                plan.write_all_columns(w, target, path);
            }
            self.write_distinct_order_columns(w, &plan, &selected);
        } else {
            w.push_sql(M::META.select_list.get(w.dialect()));
        }
        plan.write_from(w);
        write_where(w, &plan, &self.filters);
        write_order_by(w, &plan, &self.order);
        w.dialect().imp().write_limit_offset(w, limit, self.offset);
        if with_related {
            self.write_lock(w, &plan);
        }
    }

    /// With `DISTINCT`, appends each ordering column of a joined relation
    /// that the select list lacks, as `, "t1"."name" AS "strata_order_0"`:
    /// PostgreSQL (and MySQL 8) refuse to order a `SELECT DISTINCT` by
    /// anything else. Decoding reads the leading columns and skips these.
    /// Ordering follows only single-valued relations (a multi-valued path
    /// does not compile), so the added columns never add rows.
    fn write_distinct_order_columns(
        &self,
        w: &mut SqlWriter,
        plan: &JoinPlan,
        selected: &[JoinPath],
    ) {
        if !self.distinct {
            return;
        }
        for (i, column) in self.distinct_order_columns(selected) {
            w.push_sql(", ");
            plan.write_column(w, column);
            w.push_sql(" AS ");
            w.push_identifier(&format!("strata_order_{i}"));
        }
    }

    /// The ordering columns (with their term's index) that a `DISTINCT`
    /// select list must add: those of joined relations not selected.
    fn distinct_order_columns(&self, selected: &[JoinPath]) -> Vec<(usize, ColRef)> {
        self.order
            .iter()
            .enumerate()
            .filter(|(_, term)| term.expr.is_none())
            .map(|(i, term)| {
                let column = normalize(ColRef {
                    column: term.column,
                    path: term.path,
                });
                (i, column)
            })
            .filter(|(_, c)| !c.path.is_empty() && !selected.contains(&c.path))
            .collect()
    }

    /// Writes `SELECT <primary key> FROM ... WHERE <filters>`.
    fn write_keys(&self, w: &mut SqlWriter) {
        let plan = self.plan(false);
        w.push_sql("SELECT ");
        plan.write_column(
            w,
            ColRef {
                column: M::META.pk(),
                path: JoinPath::EMPTY,
            },
        );
        plan.write_from(w);
        write_where(w, &plan, &self.filters);
    }

    /// Appends ` WHERE ...` for an `UPDATE` / `DELETE`, whose statement
    /// cannot join: with joins the filter becomes a key subquery (wrapped
    /// once more, which MySQL requires to read the table it changes).
    fn write_mutation_where(&self, w: &mut SqlWriter) {
        let plan = self.plan(false);
        if !plan.has_joins() && !self.filters.iter().any(Expr::has_subquery) {
            write_where(w, &plan, &self.filters);
            return;
        }
        let pk = ColRef {
            column: M::META.pk(),
            path: JoinPath::EMPTY,
        };
        w.push_sql(" WHERE ");
        w.push_identifier(M::META.pk().column);
        w.push_sql(" IN (SELECT ");
        w.push_identifier(M::META.pk().column);
        w.push_sql(" FROM (SELECT ");
        plan.write_column(w, pk);
        plan.write_from(w);
        write_where(w, &plan, &self.filters);
        w.push_sql(") ");
        w.push_identifier("subquery");
        w.push_sql(")");
    }

    /// The `SELECT COUNT(*)` of [`count`](QuerySet::count).
    pub fn count_sql(&self, dialect: Dialect) -> Statement {
        let mut w = SqlWriter::new(dialect);
        if self.distinct || self.is_sliced() {
            w.push_sql("SELECT COUNT(*) FROM (");
            self.write_select_of(&mut w, self.limit, false);
            w.push_sql(") ");
            w.push_identifier("subquery");
        } else {
            let plan = self.plan(false);
            w.push_sql("SELECT COUNT(*)");
            plan.write_from(&mut w);
            write_where(&mut w, &plan, &self.filters);
        }
        w.finish()
    }

    /// The query of [`exists`](QuerySet::exists).
    pub fn exists_sql(&self, dialect: Dialect) -> Statement {
        let mut w = SqlWriter::new(dialect);
        if self.is_sliced() {
            w.push_sql("SELECT 1 FROM (");
            self.write_select_of(&mut w, self.limit, false);
            w.push_sql(") ");
            w.push_identifier("subquery");
            dialect.imp().write_limit_offset(&mut w, Some(1), None);
        } else {
            let plan = self.plan(false);
            w.push_sql("SELECT 1");
            plan.write_from(&mut w);
            write_where(&mut w, &plan, &self.filters);
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
        self.check_values(dialect)?;
        let mut w = SqlWriter::new(dialect);
        w.push_sql("UPDATE ");
        w.push_identifier(M::META.table);
        w.push_sql(" SET ");
        let mut any = false;
        let assignments: Vec<Assignment<M>> = assignments.into_iter().collect();
        // `auto_now` columns the caller did not set get the current time
        // (only alongside a field the caller sets: see the check below).
        let assigned: Vec<&'static str> = assignments.iter().map(|a| a.column.column).collect();
        let stamp = !assignments.is_empty();
        let stamps = crate::types::update_stamps(M::META, &assigned)
            .into_iter()
            .filter(move |_| stamp)
            .map(|(column, value)| Assignment::new(column, value, false));
        for (i, assignment) in assignments.into_iter().chain(stamps).enumerate() {
            if assignment.joined {
                return Err(Error::InvalidQuery {
                    model: M::META.name,
                    reason: format!(
                        "update() can only set fields of {} itself, not `{}` of a related model",
                        M::META.name,
                        assignment.column.field
                    ),
                });
            }
            let name = || format!("{}.{}", M::META.name, assignment.column.field);
            if i > 0 {
                w.push_sql(", ");
            }
            w.push_identifier(assignment.column.column);
            w.push_sql(" = ");
            match &assignment.expr {
                Some(expr) => super::scalar::write_update_value(&mut w, M::META, expr)
                    .map_err(|e| e.into_error(M::META.name, name()))?,
                None => {
                    crate::value::check::for_column(
                        &assignment.value,
                        &assignment.column.ty,
                        dialect,
                    )
                    .map_err(|refused| refused.into_error(name()))?;
                    w.push_bind(assignment.value);
                }
            }
            any = true;
        }
        if !any {
            return Err(Error::InvalidQuery {
                model: M::META.name,
                reason: "update() needs at least one field to set".into(),
            });
        }
        self.write_mutation_where(&mut w);
        Ok(w.finish())
    }

    /// The `DELETE` of [`delete`](QuerySet::delete).
    pub fn delete_sql(&self, dialect: Dialect) -> Result<Statement> {
        self.check_not_sliced("delete()")?;
        self.check_values(dialect)?;
        let mut w = SqlWriter::new(dialect);
        w.push_sql("DELETE FROM ");
        w.push_identifier(M::META.table);
        self.write_mutation_where(&mut w);
        Ok(w.finish())
    }

    /// Runs the query and returns every matching row.
    pub async fn all(&self, mut ex: impl Executor) -> Result<Vec<M>> {
        let stmt = self.statement(ex.dialect());
        self.fetch_models(&mut ex, stmt).await
    }

    /// [`first_sql`](QuerySet::first_sql) through the statement cache.
    fn first_statement(&self, dialect: Dialect) -> Statement {
        shape::statement(
            dialect,
            StatementKind::First,
            |key| self.encode_shape(key),
            || self.first_sql(dialect),
            |binds| {
                self.filter_binds(dialect, binds);
                self.order_binds(dialect, binds);
                limit_binds(binds, Some(1), self.offset);
            },
        )
    }

    /// [`get_sql`](QuerySet::get_sql) through the statement cache.
    fn get_statement(&self, dialect: Dialect) -> Statement {
        shape::statement(
            dialect,
            StatementKind::Get,
            |key| self.encode_shape(key),
            || self.get_sql(dialect),
            |binds| {
                self.filter_binds(dialect, binds);
                self.order_binds(dialect, binds);
                limit_binds(binds, Some(self.get_limit()), self.offset);
            },
        )
    }

    /// [`count_sql`](QuerySet::count_sql) through the statement cache.
    fn count_statement(&self, dialect: Dialect) -> Statement {
        shape::statement(
            dialect,
            StatementKind::Count,
            |key| self.encode_shape(key),
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
    fn exists_statement(&self, dialect: Dialect) -> Statement {
        shape::statement(
            dialect,
            StatementKind::Exists,
            |key| self.encode_shape(key),
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
    fn get_limit(&self) -> u64 {
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
        let stmt = self.first_statement(ex.dialect());
        let rows = self.fetch_models(&mut ex, stmt).await?;
        Ok(rows.into_iter().next())
    }

    /// The one matching row: [`Error::DoesNotExist`] if there is none,
    /// [`Error::MultipleObjectsReturned`] if there are several.
    pub async fn get(&self, mut ex: impl Executor) -> Result<M> {
        let stmt = self.get_statement(ex.dialect());
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
        self.check_values(dialect)?;
        let stmt = self.count_statement(dialect);
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
        self.check_values(ex.dialect())?;
        let stmt = self.exists_statement(ex.dialect());
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
        let stmt = self.update_sql(ex.dialect(), assignments)?;
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

/// The error of decimal arithmetic on SQLite, which would compute it in
/// floating point.
pub(crate) fn sqlite_decimal_error(model: &'static str) -> Error {
    Error::InvalidQuery {
        model,
        reason: "SQLite computes decimal arithmetic in floating point, so `+ - *` on Decimal \
                 expressions would not be exact there; compute it in Rust, or store the amount \
                 as an integer of its smallest unit"
            .into(),
    }
}

/// Appends the values of `LIMIT` / `OFFSET` as the dialects bind them
/// (MySQL and SQLite write a literal `LIMIT` for an offset alone).
#[inline]
fn limit_binds(out: &mut Vec<Value>, limit: Option<u64>, offset: Option<u64>) {
    if let Some(limit) = limit {
        out.push(Value::I64(Some(crate::dialect::clamp_i64(limit))));
    }
    if let Some(offset) = offset {
        out.push(Value::I64(Some(crate::dialect::clamp_i64(offset))));
    }
}

impl<M: Model> PrefetchQuery for QuerySet<M> {
    fn statement(&self, dialect: Dialect, hop: &'static RelationMeta, keys: &[Value]) -> Statement {
        self.prefetch_sql(dialect, hop, keys)
    }

    fn decoder(&self) -> Box<RowDecoder<'_>> {
        let plan = self.plan(true);
        let selected = self.selected_paths(&plan);
        let mut attach_order: Vec<usize> = (0..selected.len()).collect();
        attach_order.sort_by_key(|&i| std::cmp::Reverse(selected[i].len()));
        Box::new(move |row| {
            let model = self.decode(row, &selected, &attach_order, &mut Vec::new())?;
            Ok(Box::new(model) as Box<dyn Any + Send>)
        })
    }

    fn extra_binds(&self, dialect: Dialect) -> usize {
        self.prefetch_extra_binds(dialect)
    }
}
