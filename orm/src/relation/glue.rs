//! The small generic functions `#[derive(Model)]` instantiates for each
//! relation's [`RelationMeta`](super::RelationMeta): matching keys,
//! storing prefetched rows into holder fields and handing the loaded rows
//! to the next prefetch level. Not public API.

use super::holders::Related;
use crate::db::Row;
use crate::error::{Error, Result};
use crate::model::{decode_field, Model};
use crate::types::FieldType;
use crate::value::Value;
use std::any::Any;

/// A field that can hold one loaded related row: `ForeignKey<T>`,
/// `OneToOne<T>`, or an `Option` of either.
pub trait HoldsRelated<T> {
    /// Stores the loaded row (`None`: the relation is empty).
    fn set_loaded(&mut self, target: Option<Box<T>>);
    /// The loaded row, mutably.
    fn loaded_mut(&mut self) -> Option<&mut T>;
}

impl<T: Model> HoldsRelated<T> for crate::ForeignKey<T> {
    fn set_loaded(&mut self, target: Option<Box<T>>) {
        crate::ForeignKey::set_loaded(self, target)
    }
    fn loaded_mut(&mut self) -> Option<&mut T> {
        crate::ForeignKey::loaded_mut(self)
    }
}

impl<T: Model> HoldsRelated<T> for crate::OneToOne<T> {
    fn set_loaded(&mut self, target: Option<Box<T>>) {
        crate::ForeignKey::set_loaded(self, target)
    }
    fn loaded_mut(&mut self) -> Option<&mut T> {
        crate::ForeignKey::loaded_mut(self)
    }
}

impl<T, H: HoldsRelated<T>> HoldsRelated<T> for Option<H> {
    fn set_loaded(&mut self, target: Option<Box<T>>) {
        if let Some(holder) = self {
            holder.set_loaded(target)
        }
    }
    fn loaded_mut(&mut self) -> Option<&mut T> {
        self.as_mut().and_then(|h| h.loaded_mut())
    }
}

/// Stores a decoded related row into `field` of the model in `obj`.
pub fn attach<M: Model, T: Model>(
    obj: &mut (dyn Any + Send),
    value: Option<Box<dyn Any + Send>>,
    field: impl FnOnce(&mut M) -> &mut dyn HoldsRelated<T>,
) {
    if let Some(model) = obj.downcast_mut::<M>() {
        let target = value.and_then(|v| v.downcast::<T>().ok());
        field(model).set_loaded(target);
    }
}

/// The primary key of the model in `obj`.
pub fn pk_of<M: Model>(obj: &(dyn Any + Send)) -> Option<Value> {
    obj.downcast_ref::<M>().map(Model::pk_value)
}

/// Decodes a value of `M`'s primary-key type at `index`.
pub fn decode_pk<M: Model>(row: &Row, index: usize) -> Result<Value> {
    decode_field::<M, M::Key>(row, index, M::META.primary_key).map(|k| k.to_value())
}

fn rows_of<T: Model>(items: Vec<Box<dyn Any + Send>>) -> Vec<T> {
    items
        .into_iter()
        .filter_map(|b| b.downcast::<T>().ok().map(|b| *b))
        .collect()
}

/// Stores a prefetched forward relation (at most one row).
pub fn store_one<M: Model, T: Model>(
    obj: &mut (dyn Any + Send),
    items: Vec<Box<dyn Any + Send>>,
    field: fn(&mut M) -> &mut dyn HoldsRelated<T>,
) -> Result<()> {
    if let Some(model) = obj.downcast_mut::<M>() {
        field(model).set_loaded(rows_of::<T>(items).into_iter().next().map(Box::new));
    }
    Ok(())
}

/// Stores prefetched rows into a `ManyToMany<T>` field.
pub fn store_many<M: Model, T: Model>(
    obj: &mut (dyn Any + Send),
    items: Vec<Box<dyn Any + Send>>,
    field: fn(&mut M) -> &mut Related<T>,
) -> Result<()> {
    if let Some(model) = obj.downcast_mut::<M>() {
        field(model).set_loaded(rows_of::<T>(items));
    }
    Ok(())
}

/// The holder field `name` of `model`, or an error saying how to add it.
fn holder<'a, M: Model, T: Model>(model: &'a mut M, name: &str) -> Result<&'a mut Related<T>> {
    let missing = || {
        Error::InvalidQuery {
        model: M::META.name,
        reason: format!(
            "prefetching `{name}` needs a field to hold the rows: add `{name}: strata::relation::Reverse<{}>` to `{}`",
            T::META.name,
            M::META.name
        ),
    }
    };
    model
        .__holder(name)
        .ok_or_else(missing)?
        .downcast_mut::<Related<T>>()
        .ok_or_else(missing)
}

/// Stores prefetched rows of a reverse relation into the parent's
/// `Reverse<T>` field named after the relation.
pub fn store_reverse<M: Model, T: Model>(
    obj: &mut (dyn Any + Send),
    items: Vec<Box<dyn Any + Send>>,
    name: &str,
) -> Result<()> {
    if let Some(model) = obj.downcast_mut::<M>() {
        holder::<M, T>(model, name)?.set_loaded(rows_of::<T>(items));
    }
    Ok(())
}

/// The loaded row of a forward relation, for the next prefetch level.
pub fn children_one<M: Model, T: Model>(
    obj: &mut (dyn Any + Send),
    field: fn(&mut M) -> &mut dyn HoldsRelated<T>,
) -> Vec<&mut (dyn Any + Send)> {
    obj.downcast_mut::<M>()
        .and_then(|m| field(m).loaded_mut())
        .map(|t| vec![t as &mut (dyn Any + Send)])
        .unwrap_or_default()
}

/// The loaded rows of a `ManyToMany<T>` field.
pub fn children_many<M: Model, T: Model>(
    obj: &mut (dyn Any + Send),
    field: fn(&mut M) -> &mut Related<T>,
) -> Vec<&mut (dyn Any + Send)> {
    match obj.downcast_mut::<M>() {
        Some(m) => field(m)
            .rows_mut()
            .iter_mut()
            .map(|t| t as &mut (dyn Any + Send))
            .collect(),
        None => Vec::new(),
    }
}

/// The loaded rows of a reverse relation's holder.
pub fn children_reverse<'a, M: Model, T: Model>(
    obj: &'a mut (dyn Any + Send),
    name: &str,
) -> Vec<&'a mut (dyn Any + Send)> {
    match obj.downcast_mut::<M>() {
        Some(m) => match holder::<M, T>(m, name) {
            Ok(h) => h
                .rows_mut()
                .iter_mut()
                .map(|t| t as &mut (dyn Any + Send))
                .collect(),
            Err(_) => Vec::new(),
        },
        None => Vec::new(),
    }
}

/// A `ForeignKey<T>` / `OneToOne<T>` field, seen by the generated check
/// that refuses to write a relation left unset by `Default`.
pub trait HoldsKey {
    /// Whether the reference came from `Default` and was never set.
    fn is_unset(&self) -> bool;
}

impl<T: Model> HoldsKey for crate::ForeignKey<T> {
    fn is_unset(&self) -> bool {
        crate::ForeignKey::is_unset(self)
    }
}

impl<T: Model> HoldsKey for crate::OneToOne<T> {
    fn is_unset(&self) -> bool {
        crate::ForeignKey::is_unset(self)
    }
}
