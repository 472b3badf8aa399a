//! The statement cache: the SQL text of a query *shape*, rendered once per
//! thread and reused, while the bound values are collected fresh.
//!
//! A shape is everything the SQL text depends on, and nothing it does not:
//! the statement kind, the dialect, the model, the flags (`DISTINCT`,
//! whether there is a `LIMIT` / `OFFSET`), the select_related paths, and
//! for every condition its kind, columns, relation paths, operators, and
//! the length of an in-list (unless it is sent as one array or JSON
//! parameter, see [`in_list`](super::in_list)). Values are never part of a shape:
//! they are always bound parameters, so two querysets that differ only in
//! their values run the same SQL.
//!
//! The key is an exact encoding of the shape (a list of words: tags,
//! lengths, and the addresses of the `'static` column and relation
//! metadata the derive generates), compared in full on lookup, so two
//! shapes never share an entry. Debug builds also render every cache hit
//! afresh and check that it is identical, which the whole test suite
//! exercises.
//!
//! The cache is per thread (no locks) and bounded: when it holds
//! [`MAX_SHAPES`] shapes it starts over.

use super::expr::{ColRef, Expr};
use crate::dialect::Dialect;
use crate::meta::{ColumnMeta, ModelMeta};
use crate::relation::JoinPath;
use crate::value::Value;
use crate::writer::{SqlText, Statement};
use std::cell::RefCell;
use std::collections::HashMap;

mod memo;
pub(crate) use memo::{memoized_statement, memoized_with_args, Memo};
use std::sync::Arc;

/// How many shapes one thread keeps before it clears its cache.
pub(crate) const MAX_SHAPES: usize = 4096;

/// Which statement of a queryset a shape renders.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum StatementKind {
    Select = 1,
    First,
    Get,
    Count,
    Exists,
    /// A (multi-row) `INSERT` of a model.
    Insert,
    /// The `SELECT` of `aggregate()`.
    Aggregate,
    /// The `SELECT` of a values-queryset (`values()`, `values_list()`).
    Values,
    /// The `SELECT` of an annotated queryset (`annotate()`).
    Annotated,
    /// The `UPDATE` of `update()`.
    Update,
}

/// Builds the words of a shape key.
pub(crate) struct ShapeKey<'a> {
    words: &'a mut Vec<usize>,
    dialect: Dialect,
}

impl ShapeKey<'_> {
    /// The dialect the shape is rendered for.
    #[inline]
    pub(crate) fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// A word of the key.
    #[inline]
    pub(crate) fn push(&mut self, word: usize) {
        self.words.push(word);
    }

    /// Several words of the key.
    #[inline]
    pub(crate) fn push_all(&mut self, words: &[usize]) {
        self.words.extend_from_slice(words);
    }

    /// A flag of the key.
    #[inline]
    pub(crate) fn flag(&mut self, flag: bool) {
        self.words.push(usize::from(flag));
    }

    /// Small facts of the shape (flags and counts below 2^20), packed
    /// into the key's first word beside the statement kind and dialect.
    #[inline]
    pub(crate) fn header(&mut self, bits: u32) {
        self.words[0] |= (bits as usize) << 8;
    }

    /// The identity of a model.
    #[inline]
    pub(crate) fn model(&mut self, meta: &'static ModelMeta) {
        self.words.push(meta as *const ModelMeta as usize);
    }

    /// The identity of a column. Distinct columns have distinct addresses;
    /// two columns the compiler stored at one address are identical, so
    /// they write the same SQL.
    #[inline]
    pub(crate) fn column(&mut self, column: &'static ColumnMeta) {
        self.words.push(column as *const ColumnMeta as usize);
    }

    /// A relation path: its length, then each hop's identity.
    #[inline]
    pub(crate) fn path(&mut self, path: &JoinPath) {
        if path.is_empty() && !path.overflowed() {
            self.words.push(0);
            return;
        }
        self.words
            .push(path.len() | usize::from(path.overflowed()) << 16);
        for hop in path.hops() {
            self.words.push(hop as *const _ as usize);
        }
    }

    #[inline]
    fn col_ref(&mut self, column: &ColRef) {
        self.column(column.column);
        self.path(&column.path);
    }

    /// A condition tree, prefix-encoded (a tag per node, a length per
    /// list), so that no two trees have the same words.
    pub(crate) fn expr(&mut self, expr: &Expr) {
        match expr {
            Expr::Compare { column, op, .. } => {
                self.push(1);
                self.col_ref(column);
                self.push(*op as usize);
            }
            Expr::IsNull { column, negated } => {
                self.push(2);
                self.col_ref(column);
                self.flag(*negated);
            }
            Expr::In { column, values } => {
                self.push(3);
                self.col_ref(column);
                // One array or JSON parameter writes the same text for
                // any length but the empty list, which writes `1 = 0`.
                self.push(values.form(self.dialect).shape_word(values.len()));
            }
            Expr::Between { column, .. } => {
                self.push(4);
                self.col_ref(column);
            }
            Expr::Text {
                column,
                lookup,
                case_insensitive,
                ..
            } => {
                self.push(5);
                self.col_ref(column);
                self.push(*lookup as usize);
                self.flag(*case_insensitive);
            }
            Expr::Lookup { column, lookup } => {
                self.push(13);
                self.col_ref(column);
                for word in lookup.shape_words() {
                    self.push(word);
                }
            }
            Expr::And(items) | Expr::Or(items) => {
                self.push(if matches!(expr, Expr::And(_)) { 6 } else { 7 });
                self.push(items.len());
                for item in items {
                    self.expr(item);
                }
            }
            Expr::Not(inner) => {
                self.push(8);
                self.expr(inner);
            }
            Expr::Exists { path, condition } => {
                self.push(9);
                self.path(path);
                self.expr(condition);
            }
            Expr::ReachedFrom { path, .. } => {
                self.push(10);
                self.path(path);
            }
            Expr::CompareNodes { left, op, right } => {
                self.push(11);
                self.node(left);
                self.push(*op as usize);
                self.node(right);
            }
            Expr::NodeIsNull { node, negated } => {
                self.push(12);
                self.node(node);
                self.flag(*negated);
            }
            // Tags far from the others', so that variants added elsewhere
            // in parallel do not reuse them.
            Expr::InSubquery { column, query } => {
                self.push(101);
                self.col_ref(column);
                query.encode(self);
            }
            Expr::ExistsSubquery(query) => {
                self.push(102);
                query.encode(self);
            }
            Expr::Raw(raw) => {
                self.push(13);
                raw.key(self);
            }
        }
    }

    /// A list of conditions.
    #[inline]
    pub(crate) fn exprs(&mut self, exprs: &[Expr]) {
        self.push(exprs.len());
        for expr in exprs {
            self.expr(expr);
        }
    }
}

/// Whether `a` and `b` are one expression on `dialect`: the same shape
/// (so the same SQL text) holding equal values.
pub(crate) fn same_node(
    dialect: Dialect,
    a: &super::scalar::Node,
    b: &super::scalar::Node,
) -> bool {
    let words = |node| {
        let mut words = Vec::new();
        ShapeKey {
            words: &mut words,
            dialect,
        }
        .node(node);
        words
    };
    let binds = |node: &super::scalar::Node| {
        let mut out = Vec::new();
        node.collect_binds(dialect, &mut out);
        out
    };
    words(a) == words(b) && binds(a) == binds(b)
}

/// Appends the values the compiler binds for `expr` on `dialect`, in the
/// order it binds them.
#[inline]
pub(crate) fn collect_binds(dialect: Dialect, expr: &Expr, out: &mut Vec<Value>) {
    match expr {
        Expr::Compare { value, .. } => out.push(value.clone()),
        Expr::IsNull { .. } => {}
        Expr::In { values, .. } => values.collect_binds(dialect, out),
        Expr::Between { low, high, .. } => {
            out.push(low.clone());
            out.push(high.clone());
        }
        Expr::Text {
            lookup,
            case_insensitive,
            text,
            ..
        } => dialect
            .imp()
            .text_binds(*lookup, *case_insensitive, text, out),
        Expr::Lookup { lookup, .. } => out.extend(lookup.binds(dialect)),
        Expr::And(items) | Expr::Or(items) => {
            for item in items {
                collect_binds(dialect, item, out);
            }
        }
        Expr::Not(inner) => collect_binds(dialect, inner, out),
        Expr::Exists { condition, .. } => collect_binds(dialect, condition, out),
        Expr::ReachedFrom { key, .. } => out.push(key.clone()),
        Expr::CompareNodes { left, right, .. } => {
            left.collect_binds(dialect, out);
            right.collect_binds(dialect, out);
        }
        Expr::NodeIsNull { node, .. } => node.collect_binds(dialect, out),
        Expr::InSubquery { query, .. } | Expr::ExistsSubquery(query) => {
            query.collect_binds(dialect, out)
        }
        Expr::Raw(raw) => raw.collect_binds(dialect, out),
    }
}

/// What the cache keeps of a shape.
struct Entry {
    sql: Arc<String>,
    /// How many values the statement binds.
    binds: usize,
    /// Whether the checks of the shape passed (see [`checked_statement`]);
    /// a statement rendered without them, by a caller that only wants its
    /// text, leaves them to the first caller that runs it.
    checked: bool,
}

/// One thread's shapes, with their SQL and how many values they bind.
#[derive(Default)]
struct Cache {
    /// The key being built (kept to reuse its allocation).
    key: Vec<usize>,
    sql: HashMap<Box<[usize]>, Entry, rustc_hash::FxBuildHasher>,
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

/// What the cache knows of a shape.
pub(crate) enum Lookup {
    /// The SQL text (shared with the cache), how many values it binds,
    /// and whether the shape's checks passed.
    Hit(Arc<String>, usize, bool),
    /// Not cached: render the statement, then [`remember`] it under this
    /// key (`None` when the cache was busy and the key not kept).
    Miss(Option<Box<[usize]>>),
}

/// Looks up the shape that `encode` writes, for `kind` on `dialect`.
pub(crate) fn lookup(
    dialect: Dialect,
    kind: StatementKind,
    encode: impl FnOnce(&mut ShapeKey<'_>),
) -> Lookup {
    CACHE.with(|cache| {
        let Ok(mut cache) = cache.try_borrow_mut() else {
            return Lookup::Miss(None);
        };
        let Cache { key, sql } = &mut *cache;
        key.clear();
        key.push(kind as usize | (dialect as usize) << 4);
        encode(&mut ShapeKey {
            words: key,
            dialect,
        });
        match sql.get(key.as_slice()) {
            Some(entry) => Lookup::Hit(Arc::clone(&entry.sql), entry.binds, entry.checked),
            None => Lookup::Miss(Some(key.clone().into_boxed_slice())),
        }
    })
}

/// Caches `stmt`'s SQL under `key` (from a [`Lookup::Miss`]), and returns
/// the statement holding the text it now shares with the cache.
pub(crate) fn remember(key: Option<Box<[usize]>>, stmt: Statement) -> Statement {
    remember_checked(key, stmt, false)
}

/// [`remember`], noting whether the shape's checks passed.
fn remember_checked(key: Option<Box<[usize]>>, stmt: Statement, checked: bool) -> Statement {
    let Some(key) = key else { return stmt };
    CACHE.with(|cache| {
        let Ok(mut cache) = cache.try_borrow_mut() else {
            return stmt;
        };
        if cache.sql.len() >= MAX_SHAPES {
            cache.sql.clear();
        }
        let Statement {
            dialect,
            sql,
            binds,
        } = stmt;
        let sql = sql.into_shared();
        cache.sql.insert(
            key,
            Entry {
                sql: Arc::clone(&sql),
                binds: binds.len(),
                checked,
            },
        );
        Statement {
            dialect,
            sql: SqlText::Shared(sql),
            binds,
        }
    })
}

/// In debug builds, checks a statement served from the cache against a
/// fresh render. A difference is a bug in strata's shape keys.
#[cfg(debug_assertions)]
pub(crate) fn verify(cached: &Statement, render: impl FnOnce() -> Statement) {
    let fresh = render();
    assert!(
        same_statement(&fresh, cached),
        "strata's statement cache served a statement that differs from a fresh render \
         (a bug in strata; please report it):\ncached: {cached}\nfresh:  {fresh}"
    );
}

/// Whether two statements are the same SQL with the same binds, floats
/// compared bit for bit: `==` would call two statements binding NaN
/// different (NaN is not equal to itself) and two binding `0.0` and
/// `-0.0` the same.
#[cfg(debug_assertions)]
fn same_statement(a: &Statement, b: &Statement) -> bool {
    use crate::value::Array;
    fn same_floats<T: Copy>(a: &[Option<T>], b: &[Option<T>], bits: impl Fn(T) -> u64) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.map(&bits) == y.map(&bits))
    }
    fn same_value(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::F32(x), Value::F32(y)) => x.map(f32::to_bits) == y.map(f32::to_bits),
            (Value::F64(x), Value::F64(y)) => x.map(f64::to_bits) == y.map(f64::to_bits),
            (Value::Array(Array::F32(x)), Value::Array(Array::F32(y))) => {
                same_floats(x, y, |f| u64::from(f.to_bits()))
            }
            (Value::Array(Array::F64(x)), Value::Array(Array::F64(y))) => {
                same_floats(x, y, f64::to_bits)
            }
            _ => a == b,
        }
    }
    a.dialect == b.dialect
        && a.sql == b.sql
        && a.binds.len() == b.binds.len()
        && a.binds.iter().zip(&b.binds).all(|(x, y)| same_value(x, y))
}

/// The statement of a shape: `encode` writes the shape's key, `render`
/// renders the whole statement (on a miss), `binds` collects the bound
/// values in the order `render` binds them (on a hit).
pub(crate) fn statement(
    dialect: Dialect,
    kind: StatementKind,
    encode: impl FnOnce(&mut ShapeKey<'_>),
    render: impl FnOnce() -> Statement,
    binds: impl FnOnce(&mut Vec<Value>),
) -> Statement {
    match lookup(dialect, kind, encode) {
        Lookup::Hit(sql, count, _) => hit(dialect, sql, count, render, binds),
        Lookup::Miss(key) => remember(key, render()),
    }
}

/// The statement of a cached shape: its text, and the values collected.
#[inline]
fn hit(
    dialect: Dialect,
    sql: Arc<String>,
    count: usize,
    render: impl FnOnce() -> Statement,
    binds: impl FnOnce(&mut Vec<Value>),
) -> Statement {
    let mut out = Vec::with_capacity(count);
    binds(&mut out);
    let stmt = Statement {
        dialect,
        sql: SqlText::Shared(sql),
        binds: out,
    };
    #[cfg(debug_assertions)]
    verify(&stmt, render);
    #[cfg(not(debug_assertions))]
    let _ = render;
    stmt
}

/// Which checks of a statement run before it is built.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Checks {
    /// Every check: the shape's (what the SQL text depends on: paths,
    /// functions, what the dialect can compute) and the values'.
    All,
    /// Only the checks of the bound values, which differ between calls of
    /// one shape: the shape's passed when it was first rendered on this
    /// thread, and the key determines their outcome.
    Values,
    /// Only the checks of the values a call passes (an `update()`'s
    /// assignments), for a value whose own statement is remembered by its
    /// [`Memo`]: its shape and its own values passed when it was kept, and
    /// every change of the value forgets the memo.
    Args,
}

impl Checks {
    /// Whether the checks of the shape run.
    #[inline]
    pub(crate) fn shape(self) -> bool {
        self == Checks::All
    }

    /// Whether the checks of the value's own values (its filters',
    /// orderings', annotations') run: not for [`Checks::Args`].
    #[inline]
    pub(crate) fn own_values(self) -> bool {
        self != Checks::Args
    }
}

/// [`statement`], for a statement whose checks are split by [`Checks`]:
/// `check(Checks::All)` runs on a shape not checked before (and the
/// statement is only rendered and cached when it passes), and only
/// `check(Checks::Values)` on a shape whose checks passed, which is what
/// makes a repeated shape cheap. An error is the same either way: the
/// checks are one function, the shape's parts skipped.
///
/// Debug builds also run every check on a hit and assert that it passes
/// (a failure is a shape check that reads something the key leaves out).
pub(crate) fn checked_statement<E>(
    dialect: Dialect,
    kind: StatementKind,
    encode: impl FnOnce(&mut ShapeKey<'_>),
    check: impl Fn(Checks) -> Result<(), E>,
    render: impl FnOnce() -> Statement,
    binds: impl FnOnce(&mut Vec<Value>),
) -> Result<Statement, E>
where
    E: std::fmt::Debug,
{
    match lookup(dialect, kind, encode) {
        Lookup::Hit(sql, count, true) => checked_hit(
            dialect,
            sql,
            count,
            &check,
            Some(Checks::Values),
            render,
            binds,
        ),
        Lookup::Hit(sql, count, false) => {
            check(Checks::All)?;
            mark_checked(&sql);
            Ok(hit(dialect, sql, count, render, binds))
        }
        Lookup::Miss(key) => {
            check(Checks::All)?;
            Ok(remember_checked(key, render(), true))
        }
    }
}

/// The statement of a shape whose checks passed before: `check(checks)`
/// (the checks of what is new: [`Checks::Values`] on a cache hit,
/// [`Checks::Args`] for a call's own values on a memo hit, `None` for a
/// value whose [`Memo`] keeps the statement, whose checks passed for these
/// same values, and any change of which forgets it), then its text and
/// the values collected (see [`hit`]).
#[inline]
fn checked_hit<E: std::fmt::Debug>(
    dialect: Dialect,
    sql: Arc<String>,
    count: usize,
    check: &impl Fn(Checks) -> Result<(), E>,
    checks: Option<Checks>,
    render: impl FnOnce() -> Statement,
    binds: impl FnOnce(&mut Vec<Value>),
) -> Result<Statement, E> {
    if let Some(checks) = checks {
        check(checks)?;
    }
    #[cfg(debug_assertions)]
    recheck(check);
    Ok(hit(dialect, sql, count, render, binds))
}

/// In debug builds, runs every check of a statement served after its
/// values' checks only, and panics if one fails: a shape check that reads
/// something the key leaves out (a bug in strata).
#[cfg(debug_assertions)]
fn recheck<E: std::fmt::Debug>(check: &impl Fn(Checks) -> Result<(), E>) {
    if let Err(e) = check(Checks::All) {
        panic!(
            "a statement whose shape passed its checks fails them now \
             (a bug in strata's shape keys; please report it): {e:?}"
        );
    }
}

/// Notes that the checks of the shape just looked up (its key still in
/// the cache's key buffer; the entry's text tells that it is the same
/// entry) passed.
fn mark_checked(sql: &Arc<String>) {
    CACHE.with(|cache| {
        let Ok(mut cache) = cache.try_borrow_mut() else {
            return;
        };
        let Cache { key, sql: entries } = &mut *cache;
        if let Some(entry) = entries.get_mut(key.as_slice()) {
            if Arc::ptr_eq(&entry.sql, sql) {
                entry.checked = true;
            }
        }
    });
}
