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
mod path;
pub(crate) mod prefetch;
mod related;
#[cfg(feature = "serde")]
mod serialize;

pub use foreign_key::{ForeignKey, OneToOne};
pub use holders::{ManyToMany, Related, Reverse};
pub use path::{
    Cardinality, JoinPath, Many, One, RelationKind, RelationMeta, RelationPath, SelectRelated,
    MAX_HOPS,
};
pub use prefetch::{IntoPrefetch, Prefetch};
pub use related::RelatedRows;
