//! One level of a prefetch, typed: the parents (`M`) of a batch, the rows
//! of `T` the level's query returns decoded straight into per-parent
//! vectors as they arrive, and stored into each parent's holder field at
//! the end. One hash lookup per row (its parent key), no boxing per row.
//!
//! A parent that appears several times in the batch (a row reached through
//! a forward relation by several others, or a queryset that repeats rows)
//! gets its own copy of the children: the rows of such a key are kept and
//! decoded once more for each further occurrence (`T` need not be
//! `Clone`).

use super::holders::Related;
use super::key::{Key, KeyMap};
use super::prefetch::PrefetchQuery;
use crate::db::Row;
use crate::error::{Error, Result};
use crate::model::{decode_field, Model};
use crate::query::queryset::PrefetchDecoder;
use crate::query::QuerySet;
use crate::types::FieldType;
use crate::value::Value;
use std::any::Any;
use std::sync::Arc;

/// Where one parent keeps the rows of a relation: a `ForeignKey` /
/// `OneToOne` field (at most one row) or a [`Related`] holder.
pub enum Slot<'a, T> {
    /// A forward relation's field.
    One(&'a mut dyn super::glue::HoldsRelated<T>),
    /// A `ManyToMany<T>` / `Reverse<T>` field.
    Many(&'a mut Related<T>),
}

impl<'a, T> Slot<'a, T> {
    fn store(self, mut rows: Vec<T>) {
        match self {
            Slot::One(field) => {
                rows.truncate(1);
                field.set_loaded(rows.pop().map(Box::new));
            }
            Slot::Many(holder) => holder.set_loaded(rows),
        }
    }

    fn children(self, out: &mut Vec<&'a mut (dyn Any + Send)>)
    where
        T: Send + 'static,
    {
        match self {
            Slot::One(field) => out.extend(field.loaded_mut().map(|t| t as &mut (dyn Any + Send))),
            Slot::Many(holder) => out.extend(
                holder
                    .rows_mut()
                    .iter_mut()
                    .map(|t| t as &mut (dyn Any + Send)),
            ),
        }
    }
}

/// A parent's holder of one relation, as the derive writes it.
pub type HolderOf<M, T> = for<'m> fn(&'m mut M) -> Result<Slot<'m, T>>;

/// One level of a prefetch for a batch of parents, its types erased.
#[doc(hidden)]
pub trait PrefetchLevel<'p>: Send {
    /// The parents' distinct keys, in order, to bind (taken once).
    fn take_keys(&mut self) -> Vec<Value>;

    /// Decodes one row of the level's query (its parent key selected
    /// last) into the children of its parent (a copy for each parent of
    /// that key). The row is lent: on SQLite it is read in place.
    fn push(&mut self, row: &Row) -> Result<()>;

    /// Stores every parent's children into its holder (empty when the
    /// query found none); returns the stored rows when `children` is set,
    /// for the next level of a nested prefetch.
    fn finish(self: Box<Self>, children: bool) -> Result<Vec<&'p mut (dyn Any + Send)>>;
}

/// The parents' keys of one level, grouped (a group per distinct key).
/// Not generic, so it is compiled once rather than for every relation of
/// every model.
struct Groups {
    /// The group (distinct key) of each parent.
    group_of: Vec<u32>,
    /// The parent each group's decoded rows go to: its first occurrence.
    first: Vec<u32>,
    /// How many parents a group has besides its first.
    others: Vec<u32>,
    index: KeyMap<u32>,
    keys: Vec<Value>,
}

impl Groups {
    fn with_capacity(n: usize) -> Groups {
        Groups {
            group_of: Vec::with_capacity(n),
            first: Vec::with_capacity(n),
            others: Vec::with_capacity(n),
            index: KeyMap::with_capacity_and_hasher(n, Default::default()),
            keys: Vec::with_capacity(n),
        }
    }

    /// Adds parent number `parent` (in order) with primary key `value`.
    #[inline(never)]
    fn add(&mut self, parent: usize, value: Value) {
        let next = self.first.len() as u32;
        let group = *self.index.entry(Key::from(value.clone())).or_insert(next);
        if group == next {
            self.first.push(parent as u32);
            self.others.push(0);
            self.keys.push(value);
        } else {
            self.others[group as usize] += 1;
        }
        self.group_of.push(group);
    }

    /// The group of a row's parent key, if a parent has it.
    #[inline]
    fn of(&self, key: Value) -> Option<usize> {
        self.index.get(&Key::from(key)).map(|&g| g as usize)
    }
}

/// A relation's holder on the parents of a level, their model erased: a
/// level is then compiled once per target model, not once per relation.
trait Holder<T>: Send + Sync {
    /// The parent's holder of the relation; an error for a parent of
    /// another model (the level keeps only the relation's).
    fn slot<'m>(&self, parent: &'m mut (dyn Any + Send)) -> Result<Slot<'m, T>>;

    /// The parent key a row of the level's query selects at column `at`.
    fn parent_key(&self, row: &Row, at: usize) -> Result<Value>;
}

/// The [`Holder`] of parents of model `M`.
struct Typed<M: Model, T>(HolderOf<M, T>);

impl<M: Model, T: Model> Holder<T> for Typed<M, T> {
    fn slot<'m>(&self, parent: &'m mut (dyn Any + Send)) -> Result<Slot<'m, T>> {
        match parent.downcast_mut::<M>() {
            Some(parent) => (self.0)(parent),
            None => Err(not_the_relation(M::META.name)),
        }
    }

    fn parent_key(&self, row: &Row, at: usize) -> Result<Value> {
        decode_field::<M::Key>(row, at, M::META, M::META.primary_key).map(|k| k.to_value())
    }
}

/// The typed level behind [`PrefetchLevel`]: the parents (rows of the
/// relation's model) and the children of `T` decoded for them.
struct Level<'p, T: Model> {
    parents: Vec<&'p mut (dyn Any + Send)>,
    groups: Groups,
    children: Vec<Vec<T>>,
    /// The further copies of each group's rows, one list per other
    /// parent of the group (the lists are alike, so any goes to any);
    /// empty when no two parents share a key.
    copies: Vec<Vec<Vec<T>>>,
    query: Arc<dyn PrefetchQuery>,
    decoder: PrefetchDecoder,
    holder: Box<dyn Holder<T>>,
}

/// The error of a prefetch queryset of another model (never built by
/// strata's own prefetches).
#[cold]
fn not_the_relation(model: &'static str) -> Error {
    Error::InvalidQuery {
        model,
        reason: "the prefetch queryset is not a queryset of the relation's model".into(),
    }
}

/// Starts the level of a relation from `M` to `T` for `parents` (rows of
/// `M`; others are skipped), reading rows of `T` with `query`.
pub fn prefetch_level<'p, M: Model, T: Model>(
    parents: &'p mut [&mut (dyn Any + Send)],
    query: Arc<dyn PrefetchQuery>,
    holder: HolderOf<M, T>,
) -> Result<Box<dyn PrefetchLevel<'p> + 'p>> {
    let (parents, groups) = group_parents(parents, &|p| p.downcast_ref::<M>().map(Model::pk_value));
    level(parents, groups, query, Box::new(Typed(holder)))
}

/// The parents whose primary key `key` gives (the rows of the
/// relation's model), and their groups.
#[inline(never)]
fn group_parents<'p>(
    parents: &'p mut [&mut (dyn Any + Send)],
    key: &dyn Fn(&(dyn Any + Send)) -> Option<Value>,
) -> (Vec<&'p mut (dyn Any + Send)>, Groups) {
    let mut groups = Groups::with_capacity(parents.len());
    let mut kept: Vec<&'p mut (dyn Any + Send)> = Vec::with_capacity(parents.len());
    for parent in parents.iter_mut() {
        let Some(value) = key(&**parent) else {
            continue;
        };
        groups.add(kept.len(), value);
        kept.push(&mut **parent);
    }
    (kept, groups)
}

/// The level of [`prefetch_level`], its parents' model erased.
fn level<'p, T: Model>(
    parents: Vec<&'p mut (dyn Any + Send)>,
    groups: Groups,
    query: Arc<dyn PrefetchQuery>,
    holder: Box<dyn Holder<T>>,
) -> Result<Box<dyn PrefetchLevel<'p> + 'p>> {
    let Some(typed) = query.as_any().downcast_ref::<QuerySet<T>>() else {
        return Err(not_the_relation(T::META.name));
    };
    let decoder = typed.prefetch_decoder();
    let mut children = Vec::with_capacity(groups.first.len());
    children.resize_with(groups.first.len(), Vec::new);
    let copies = if groups.others.iter().any(|&n| n > 0) {
        let lists = |&others: &u32| (0..others).map(|_| Vec::new()).collect();
        groups.others.iter().map(lists).collect()
    } else {
        Vec::new()
    };
    Ok(Box::new(Level {
        parents,
        groups,
        children,
        copies,
        query,
        decoder,
        holder,
    }))
}

impl<T: Model> Level<'_, T> {
    fn decode(&mut self, row: &Row) -> Result<T> {
        // Checked when the level was made.
        match self.query.as_any().downcast_ref::<QuerySet<T>>() {
            Some(qs) => qs.decode_prefetched(&mut self.decoder, row),
            None => Err(not_the_relation(T::META.name)),
        }
    }
}

impl<'p, T: Model> PrefetchLevel<'p> for Level<'p, T> {
    fn take_keys(&mut self) -> Vec<Value> {
        std::mem::take(&mut self.groups.keys)
    }

    fn push(&mut self, row: &Row) -> Result<()> {
        let at = row.len().saturating_sub(1);
        let key = self.holder.parent_key(row, at)?;
        let Some(group) = self.groups.of(key) else {
            return Ok(());
        };
        let child = self.decode(row)?;
        self.children[group].push(child);
        if let Some(mut lists) = self.copies.get_mut(group).map(std::mem::take) {
            let decoded = lists.iter_mut().try_for_each(|list| {
                list.push(self.decode(row)?);
                Ok(())
            });
            self.copies[group] = lists;
            decoded?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>, children: bool) -> Result<Vec<&'p mut (dyn Any + Send)>> {
        let mut copies = std::mem::take(&mut self.copies);
        let parents = std::mem::take(&mut self.parents);
        let mut out = Vec::new();
        for (i, parent) in parents.into_iter().enumerate() {
            let group = self.groups.group_of[i] as usize;
            let rows = if self.groups.first[group] as usize == i {
                std::mem::take(&mut self.children[group])
            } else {
                copies.get_mut(group).and_then(Vec::pop).unwrap_or_default()
            };
            self.holder.slot(&mut *parent)?.store(rows);
            if children {
                self.holder.slot(parent)?.children(&mut out);
            }
        }
        Ok(out)
    }
}
