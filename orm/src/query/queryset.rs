//! [`QuerySet`]: a lazy, typed query on one model.

mod aggregate;
mod annotate;
mod checks;
mod keyset;
mod parts;
mod prefetch_select;
mod row_lock;
#[cfg(feature = "sea-query")]
pub(crate) mod sea_select;
mod shortcuts;
mod sql;
mod state;
mod stream;
mod terminals;
mod union;
mod update;
mod user_order;
mod view;
mod writes;

pub use annotate::Annotated;
pub use row_lock::ForUpdate;
use state::State;
pub use stream::{ModelStream, DEFAULT_CHUNK_SIZE};
pub use union::Union;

use super::assign::Assignment;
use super::compile::{write_order_by, write_where, JoinPlan};
use super::expr::{ColRef, Expr, IntoCondition};
use super::in_list::check_bind_count;
use super::order::{IntoOrderBy, OrderBy};
use super::shape::{self, Checks, Memo, ShapeKey, StatementKind};
use crate::db::{Executor, Row};
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::meta::ModelMeta;
use crate::model::Model;
use crate::relation::prefetch::{self, PrefetchQuery};
use crate::relation::{IntoPrefetch, JoinPath, PrefetchStart, RelationMeta, SelectRelated};
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
///     stmt.sql(),
///     r#"SELECT "id", "title", "pages" FROM "book" WHERE "title" LIKE $1 ESCAPE '!' AND "pages" > $2 ORDER BY "pages" DESC LIMIT $3"#
/// );
/// assert_eq!(stmt.binds().len(), 3);
/// ```
pub struct QuerySet<M: Model> {
    state: State<M>,
    /// The `SELECT` last rendered by [`statement`](QuerySet::statement);
    /// forgotten by every change (see [`state`]).
    memo: Memo,
}

impl<M: Model> Clone for QuerySet<M> {
    fn clone(&self) -> Self {
        QuerySet {
            state: self.state.clone(),
            memo: self.memo.clone(),
        }
    }
}

#[doc(hidden)]
impl<M: Model> std::ops::Deref for QuerySet<M> {
    type Target = State<M>;

    #[inline]
    fn deref(&self) -> &State<M> {
        &self.state
    }
}

/// Every change of a queryset goes through here, and forgets the
/// statement it remembered.
#[doc(hidden)]
impl<M: Model> std::ops::DerefMut for QuerySet<M> {
    #[inline]
    fn deref_mut(&mut self) -> &mut State<M> {
        self.memo.forget();
        &mut self.state
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
        let state = State {
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
        };
        QuerySet {
            state,
            memo: Memo::default(),
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
    pub fn prefetch_related<S: PrefetchStart<M>>(mut self, prefetch: impl IntoPrefetch<S>) -> Self {
        self.prefetch
            .push(S::into_start(prefetch.into_prefetch()).spec);
        self
    }

    /// The joins this queryset needs, select_related paths first.
    #[inline]
    fn plan(&self, with_related: bool) -> JoinPlan {
        self.view().plan(with_related)
    }

    /// The select_related paths (with their prefixes), in column order.
    #[inline]
    fn selected_paths(&self, plan: &JoinPlan) -> Vec<JoinPath> {
        selected_paths(plan, &self.related)
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
        attach_selected(row, offset, selected, attach_order, loaded, &mut root)?;
        Ok(root)
    }

    /// Runs `stmt`, a `SELECT` of this queryset whose checks passed, and
    /// decodes every row.
    async fn fetch_models<E: Executor>(&self, ex: &mut E, stmt: Statement) -> Result<Vec<M>> {
        self.check_lock(ex)?;
        check_bind_count(M::META.name, &stmt)?;
        let plan = self.plan(true);
        let selected = self.selected_paths(&plan);
        let attach_order = attach_order(&selected);
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
        self.view().write_prefetch_select(&mut w, hop, keys);
        w.finish()
    }

    #[inline]
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

    /// The `SELECT` [`all`](QuerySet::all) runs: the same as
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
    /// assert_eq!(short.sql(), long.sql());
    /// assert_eq!(long.binds(), vec![strata::Value::I32(Some(1000))]);
    /// ```
    ///
    /// It shows the text without the queryset's checks, so it is not
    /// remembered by the value (what the value remembers passed them):
    /// [`checked_statement`](QuerySet::checked_statement) is what `all()`
    /// runs.
    pub fn statement(&self, dialect: Dialect) -> Statement {
        shape::statement(
            dialect,
            StatementKind::Select,
            |key| self.encode_shape(key),
            || self.sql(dialect),
            |binds| self.select_binds(dialect, binds, self.limit),
        )
    }

    /// The values a `SELECT` of this queryset binds, its `LIMIT` `limit`.
    pub(super) fn select_binds(
        &self,
        dialect: Dialect,
        binds: &mut Vec<Value>,
        limit: Option<u64>,
    ) {
        self.filter_binds(dialect, binds);
        self.order_binds(dialect, binds);
        limit_binds(binds, limit, self.offset);
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

/// The joins of `meta`'s rows for the `related` paths and the `filters`
/// (not generic: compiled once, not once per model).
#[inline(never)]
fn plan_of(meta: &'static ModelMeta, related: &[JoinPath], filters: &[Expr]) -> JoinPlan {
    let mut plan = JoinPlan::new(meta);
    for path in related {
        plan.add(*path);
    }
    for filter in filters {
        plan.add_condition(filter);
    }
    plan
}

/// The joins of `plan` that `related` paths select (a path with its
/// prefixes), in column order.
#[inline(never)]
fn selected_paths(plan: &JoinPlan, related: &[JoinPath]) -> Vec<JoinPath> {
    plan.joins()
        .iter()
        .filter(|p| {
            related
                .iter()
                .any(|r| r.len() >= p.len() && r.prefix(p.len()) == **p)
        })
        .copied()
        .collect()
}

/// Decodes the models `select_related` loads (from column `offset` on)
/// and attaches each to its parent, the root model `root` or another
/// loaded model. Not generic, so it is compiled once rather than once per
/// model.
#[inline(never)]
fn attach_selected(
    row: &Row,
    mut offset: usize,
    selected: &[JoinPath],
    attach_order: &[usize],
    loaded: &mut Vec<Option<Box<dyn Any + Send>>>,
    root: &mut (dyn Any + Send),
) -> Result<()> {
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
            (hop.attach)(&mut *root, value);
            continue;
        }
        let parent = path.prefix(path.len() - 1);
        if let Some(p) = selected.iter().position(|s| *s == parent) {
            if let Some(parent_value) = loaded[p].as_mut() {
                (hop.attach)(parent_value.as_mut(), value);
            }
        }
    }
    Ok(())
}

/// The order in which the models `select_related` loads attach to their
/// parents: the longest paths first, so that children attach before their
/// parents attach to theirs (the same order for every row). Not generic,
/// so the sort is compiled once rather than once per model.
#[inline(never)]
pub(crate) fn attach_order(selected: &[JoinPath]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..selected.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(selected[i].len()));
    order
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

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn extra_binds(&self, dialect: Dialect) -> usize {
        self.view().prefetch_extra_binds(dialect)
    }
}

/// What a prefetch level decodes its rows with: the queryset's
/// select_related paths and their attach order, worked out once for all
/// the rows, and scratch space reused from row to row.
pub(crate) struct PrefetchDecoder {
    selected: Vec<JoinPath>,
    attach_order: Vec<usize>,
    scratch: Vec<Option<Box<dyn Any + Send>>>,
}

impl<M: Model> QuerySet<M> {
    /// The decoder of this queryset's prefetched rows.
    pub(crate) fn prefetch_decoder(&self) -> PrefetchDecoder {
        let plan = self.plan(true);
        let selected = self.selected_paths(&plan);
        let attach_order = attach_order(&selected);
        PrefetchDecoder {
            scratch: Vec::with_capacity(selected.len()),
            selected,
            attach_order,
        }
    }

    /// Decodes one prefetched row into a model, with its select_related
    /// targets.
    #[inline]
    pub(crate) fn decode_prefetched(&self, decoder: &mut PrefetchDecoder, row: &Row) -> Result<M> {
        self.decode(
            row,
            &decoder.selected,
            &decoder.attach_order,
            &mut decoder.scratch,
        )
    }
}
