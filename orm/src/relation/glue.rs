//! The small generic functions `#[derive(Model)]` instantiates for each
//! relation's [`RelationMeta`](super::RelationMeta): attaching joined
//! rows, and the holder fields prefetched rows are stored in (the level
//! itself is in `level.rs`). Not public API.

use super::holders::Related;
use crate::error::{Error, Result};
use crate::model::Model;
use std::any::Any;

pub use super::level::{prefetch_level, HolderOf, PrefetchLevel, Slot};

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

/// The `Reverse<T>` holder field `name` of `model` (named after the
/// relation), or an error saying how to add it.
pub fn reverse_holder<'a, M: Model, T: Model>(model: &'a mut M, name: &str) -> Result<Slot<'a, T>> {
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
        .map(Slot::Many)
        .ok_or_else(missing)
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
