//! `prefetch_related`: each relation level loaded with one query (more
//! only when parent keys that cannot be sent as one value exceed the
//! database's bind limit), matched to
//! its parents in memory, and stored in the parents' holder fields.

use super::level::PrefetchLevel;
use super::path::{JoinPath, RelationMeta, RelationPath};
use crate::db::Executor;
use crate::dialect::Dialect;
use crate::error::Result;
use crate::model::Model;
use crate::query::in_list::{check_bind_count, in_form, InForm};
use crate::query::QuerySet;
use crate::value::Value;
use crate::writer::Statement;
use std::any::Any;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;

/// A boxed future that may cross threads.
pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The query of one prefetch level, with its model's type erased: the
/// default `T::objects()`, or the queryset of a custom [`Prefetch`].
#[doc(hidden)]
pub trait PrefetchQuery: Send + Sync {
    /// The `SELECT` of the rows `hop` reaches from the parents with
    /// primary keys `keys`, the parent key selected last.
    fn statement(&self, dialect: Dialect, hop: &'static RelationMeta, keys: &[Value]) -> Statement;

    /// The queryset itself, for the level that decodes its rows into
    /// its model.
    fn as_any(&self) -> &dyn Any;

    /// How many binds the query needs besides the keys.
    fn extra_binds(&self, dialect: Dialect) -> usize;
}

/// The default query of a relation's target: every row. Used by
/// generated [`RelationMeta`]s.
#[doc(hidden)]
pub fn default_query<T: Model>() -> Arc<dyn PrefetchQuery> {
    Arc::new(QuerySet::<T>::new())
}

/// One path to prefetch, optionally with its own queryset for the last
/// level (filtered, ordered, with its own `select_related`).
///
/// ```
/// # use strata::prelude::*;
/// # use strata::relation::{Prefetch, Reverse};
/// #[derive(Model, Debug)]
/// struct Author {
///     id: i64,
///     name: String,
///     posts: Reverse<Post>,
/// }
///
/// #[derive(Model, Debug)]
/// struct Post {
///     id: i64,
///     #[strata(on_delete = cascade, related_name = "posts")]
///     author: ForeignKey<Author>,
///     published: bool,
///     title: String,
/// }
///
/// // Each author's published posts, newest first: two queries in all.
/// let authors = Author::objects().prefetch_related(Prefetch::with_queryset(
///     Author::posts(),
///     Post::objects()
///         .filter(Post::published().eq(true))
///         .order_by(Post::id().desc()),
/// ));
/// ```
pub struct Prefetch<M> {
    pub(crate) spec: PrefetchSpec,
    _model: PhantomData<fn() -> M>,
}

impl<M> Prefetch<M> {
    /// Prefetches `path` with every related row.
    pub fn new<P: RelationPath<M>>(path: P) -> Self {
        Prefetch {
            spec: PrefetchSpec {
                path: path.join_path(),
                query: None,
            },
            _model: PhantomData,
        }
    }

    /// Prefetches `path`, loading its last level with `queryset`: only the
    /// rows it matches, in its order. Its `limit` / `offset` apply to
    /// each parent's rows (`limit(3)`: at most three posts per author),
    /// through a window function numbering each parent's rows in the
    /// queryset's order, then by primary key.
    pub fn with_queryset<P: RelationPath<M>>(path: P, queryset: QuerySet<P::Target>) -> Self {
        Prefetch {
            spec: PrefetchSpec {
                path: path.join_path(),
                query: Some(Arc::new(queryset)),
            },
            _model: PhantomData,
        }
    }
}

impl<M> Clone for Prefetch<M> {
    fn clone(&self) -> Self {
        Prefetch {
            spec: self.spec.clone(),
            _model: PhantomData,
        }
    }
}

impl<M> std::fmt::Debug for Prefetch<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.spec.fmt(f)
    }
}

/// What [`QuerySet::prefetch_related`] accepts: a relation path from the
/// queryset's model (`Author::posts()`, `Author::posts().then(Post::tags())`)
/// or a [`Prefetch`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a relation path or a `Prefetch`",
    label = "expected a relation path such as `Model::<relation>()`",
    note = "prefetch_related takes a relation of the queryset's model, e.g. `Author::posts()`, a nested path made with `.then(...)`, or a `Prefetch`"
)]
pub trait IntoPrefetch<M> {
    /// The prefetch.
    fn into_prefetch(self) -> Prefetch<M>;
}

/// A prefetch that starts at `Self` can load the relations of a
/// queryset of `M`: only when `Self` is `M`. `prefetch_related` checks
/// it of the model a path starts at, so that a path of another model is
/// an error naming the two models.
#[diagnostic::on_unimplemented(
    message = "a relation path starting at `{Self}` cannot prefetch for a queryset of `{M}`",
    label = "this path starts at `{Self}`, not at `{M}`",
    note = "prefetch_related on a `QuerySet<{M}>` follows `{M}`'s own relations: `{M}::<relation>()`, a nested path made with `.then(...)`, or a `Prefetch` of one"
)]
pub trait PrefetchStart<M>: Sized {
    /// The prefetch, as one of `M`'s.
    fn into_start(prefetch: Prefetch<Self>) -> Prefetch<M>;
}

impl<M> PrefetchStart<M> for M {
    fn into_start(prefetch: Prefetch<M>) -> Prefetch<M> {
        prefetch
    }
}

impl<M> IntoPrefetch<M> for Prefetch<M> {
    fn into_prefetch(self) -> Prefetch<M> {
        self
    }
}

/// A prefetch with its model erased.
#[derive(Clone)]
pub(crate) struct PrefetchSpec {
    pub path: JoinPath,
    pub query: Option<Arc<dyn PrefetchQuery>>,
}

impl std::fmt::Debug for PrefetchSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.path)?;
        if self.query.is_some() {
            f.write_str(" (custom queryset)")?;
        }
        Ok(())
    }
}

/// Loads every prefetch of `specs` into `rows`.
pub(crate) async fn prefetch<M: Model, E: Executor>(
    ex: &mut E,
    rows: &mut [M],
    specs: &[PrefetchSpec],
) -> Result<()> {
    if specs.is_empty() || rows.is_empty() {
        return Ok(());
    }
    let parents: Vec<&mut (dyn Any + Send)> = rows
        .iter_mut()
        .map(|m| m as &mut (dyn Any + Send))
        .collect();
    load_level(ex, parents, specs.to_vec()).await
}

/// Loads the first hop of every spec (one query per distinct hop, per
/// chunk of keys), then recurses into the loaded rows for longer paths.
/// The first level runs inline in the caller's future; only a deeper one
/// is boxed (see [`load_deeper`]), so a one-level prefetch allocates and
/// copies no future.
async fn load_level<'a, E: Executor>(
    ex: &'a mut E,
    mut parents: Vec<&'a mut (dyn Any + Send)>,
    specs: Vec<PrefetchSpec>,
) -> Result<()> {
    let mut groups: Vec<(&'static RelationMeta, Vec<PrefetchSpec>)> = Vec::new();
    for spec in specs {
        let Some(hop) = spec.path.hops().next() else {
            continue;
        };
        match groups.iter_mut().find(|(h, _)| std::ptr::eq(*h, hop)) {
            Some((_, group)) => group.push(spec),
            None => groups.push((hop, vec![spec])),
        }
    }
    for (hop, group) in groups {
        let query = group
            .iter()
            .filter(|s| s.path.len() == 1)
            .find_map(|s| s.query.clone())
            .unwrap_or_else(|| (hop.query)());
        let deeper: Vec<PrefetchSpec> = group
            .iter()
            .filter(|s| s.path.len() > 1)
            .map(|s| PrefetchSpec {
                path: s.path.suffix(1),
                query: s.query.clone(),
            })
            .collect();
        let mut level = (hop.prefetch)(&mut parents, Arc::clone(&query))?;
        fetch_level(&mut *ex, level.as_mut(), hop, query.as_ref()).await?;
        let children = level.finish(!deeper.is_empty())?;
        if !deeper.is_empty() {
            load_deeper(&mut *ex, children, deeper).await?;
        }
    }
    Ok(())
}

/// [`load_level`] of a nested level, boxed: the future of a recursive
/// call cannot be held inline.
fn load_deeper<'a, E: Executor>(
    ex: &'a mut E,
    parents: Vec<&'a mut (dyn Any + Send)>,
    specs: Vec<PrefetchSpec>,
) -> BoxFuture<'a, Result<()>> {
    Box::pin(load_level(ex, parents, specs))
}

/// Runs the query of one level for the parents' distinct keys, in chunks
/// that fit the bind limit, each row decoded into its parent's children
/// as the driver reads it.
async fn fetch_level<E: Executor>(
    ex: &mut E,
    level: &mut (dyn PrefetchLevel<'_> + '_),
    hop: &'static RelationMeta,
    query: &dyn PrefetchQuery,
) -> Result<()> {
    let keys = level.take_keys();
    if keys.is_empty() {
        return Ok(());
    }
    let dialect = ex.dialect();
    // Keys are all of the parent's key type: one array parameter where
    // the dialect binds arrays, one JSON parameter for many integer or
    // text keys elsewhere, else a placeholder each.
    let one_value = matches!(in_form(dialect, &keys, None), InForm::Json(_));
    let chunk = if dialect.binds_arrays() || one_value {
        keys.len()
    } else {
        dialect
            .max_bind_params()
            .saturating_sub(query.extra_binds(dialect))
            .max(1)
    };
    for keys in keys.chunks(chunk) {
        let stmt = query.statement(dialect, hop, keys);
        check_bind_count((hop.to)().name, &stmt)?;
        ex.fetch(stmt, |row| level.push(row)).await?;
    }
    Ok(())
}
