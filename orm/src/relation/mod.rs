//! Relations between models: [`ForeignKey`], [`OneToOne`] and
//! [`ManyToMany`] fields, [`Reverse`] holders, `prefetch_related`, the
//! typed paths that follow them in queries (`Post::author().name()`), and
//! the static [`RelationMeta`] the compiler joins through.

pub(crate) mod deletion;
mod deletion_cycles;
mod foreign_key;
#[doc(hidden)]
pub mod glue;
mod holders;
mod key;
#[doc(hidden)]
pub mod key_lookup;
mod level;
mod path;
pub(crate) mod prefetch;
mod related;
#[cfg(feature = "serde")]
mod serialize;

pub use foreign_key::{ForeignKey, OneToOne};
pub use holders::{ManyToMany, Related, Reverse};
pub use key_lookup::{InTargets, IntoKey};
pub use path::{
    Cardinality, JoinPath, Joined, Many, MaybeOne, NullablePath, One, OwnField, OwnKey,
    OwnNullableKey, OwnRelation, RelationKind, RelationMeta, RelationPath, SelectRelated,
    SingleValued, SingleValuedField, MAX_HOPS,
};
pub use prefetch::{IntoPrefetch, Prefetch, PrefetchStart};
pub use related::RelatedRows;
