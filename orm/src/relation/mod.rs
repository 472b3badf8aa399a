//! Relations between models: [`ForeignKey`] and [`OneToOne`] fields, the
//! typed paths that follow them in queries (`Post::author().name()`), and
//! the static [`RelationMeta`] the compiler joins through.

pub(crate) mod deletion;
mod foreign_key;
mod path;

pub use foreign_key::{ForeignKey, OneToOne};
pub use path::{
    Cardinality, JoinPath, Many, One, RelationKind, RelationMeta, SelectRelated, MAX_HOPS,
};
