//! Join paths: the chain of relations a field reference walks through.

use crate::db::Row;
use crate::error::Result;
use crate::meta::ModelMeta;
use std::any::Any;

/// A related row decoded from a join, type-erased until it is attached to
/// the field that holds it; `None` when the join found no row.
pub type LoadedRelated = Option<Box<dyn Any + Send>>;

/// How a relation is walked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationKind {
    /// From the model holding a `ForeignKey` / `OneToOne` to its target:
    /// at most one row.
    Forward,
    /// From the target of a `ForeignKey` / `OneToOne` back to the rows
    /// that refer to it (`Author::posts()`): any number of rows.
    Reverse,
    /// Through a join table, in either direction (`Post::tags()`,
    /// `Tag::posts()`): any number of rows.
    ManyToMany,
}

impl RelationKind {
    /// Whether the relation may reach several rows per starting row.
    pub fn is_many(self) -> bool {
        !matches!(self, RelationKind::Forward)
    }
}

/// A relation as the query compiler needs it. Written by
/// `#[derive(Model)]`, one static per relation field.
pub struct RelationMeta {
    /// The field name on the declaring model (`author`).
    pub name: &'static str,
    pub kind: RelationKind,
    /// The model the path starts from.
    pub from: fn() -> &'static ModelMeta,
    /// The model the path arrives at.
    pub to: fn() -> &'static ModelMeta,
    /// The foreign-key column: on `from` for a forward relation
    /// (`author_id`), on `to` for a reverse one; empty for many-to-many.
    pub column: &'static str,
    /// Whether the foreign key may be `NULL` (the join is then optional).
    pub nullable: bool,
    /// Many-to-many only: the join table, its column referring to `from`,
    /// and its column referring to `to`.
    /// (empty when the relation goes `through` a model: the join table is
    /// then that model's table, see [`RelationMeta::join_table`]).
    pub join_table: &'static str,
    pub join_from: &'static str,
    pub join_to: &'static str,
    /// Many-to-many only: the explicit `through` model, if any.
    pub through: Option<fn() -> &'static ModelMeta>,
    /// Decodes the target from a joined row whose first target column is
    /// at the given offset; `None` when the join found no row.
    #[doc(hidden)]
    pub decode_target: fn(&Row, usize) -> Result<LoadedRelated>,
    /// Stores a decoded target into the declaring model's field.
    #[doc(hidden)]
    pub attach: fn(&mut (dyn Any + Send), LoadedRelated),
    /// Prefetching: the query of `to`'s rows when no custom one is given.
    #[doc(hidden)]
    pub query: fn() -> std::sync::Arc<dyn super::prefetch::PrefetchQuery>,
    /// Prefetching: the level of this relation for a batch of `from`
    /// rows, reading `to` rows with the given query (a queryset of `to`)
    /// into the `from` rows' holder field.
    #[doc(hidden)]
    pub prefetch: StartLevel,
}

/// Starts a prefetch level of a relation (see [`RelationMeta::prefetch`]).
#[doc(hidden)]
pub type StartLevel = for<'p, 'r> fn(
    &'p mut [&'r mut (dyn Any + Send)],
    std::sync::Arc<dyn super::prefetch::PrefetchQuery>,
) -> Result<Box<dyn super::level::PrefetchLevel<'p> + 'p>>;

impl RelationMeta {
    /// Many-to-many only: the join table's name.
    pub fn join_table(&self) -> &'static str {
        match self.through {
            Some(through) => through().table,
            None => self.join_table,
        }
    }

    /// Whether the relation may reach several rows per starting row.
    pub fn is_many(&self) -> bool {
        self.kind.is_many()
    }
}

impl std::fmt::Debug for RelationMeta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", (self.from)().name, self.name)
    }
}

/// The longest chain of relations one field reference may follow.
pub const MAX_HOPS: usize = 6;

/// The relations a field reference walks, from the queryset's model.
/// `Copy` and allocation-free; paths longer than [`MAX_HOPS`] are
/// reported as an error when the query is built.
#[derive(Clone, Copy, Default)]
pub struct JoinPath {
    hops: [Option<&'static RelationMeta>; MAX_HOPS],
    len: u8,
    overflow: bool,
}

impl JoinPath {
    /// The empty path: a column of the queryset's own model.
    pub const EMPTY: JoinPath = JoinPath {
        hops: [None; MAX_HOPS],
        len: 0,
        overflow: false,
    };

    /// This path followed by `relation`.
    pub const fn then(mut self, relation: &'static RelationMeta) -> JoinPath {
        if (self.len as usize) < MAX_HOPS {
            self.hops[self.len as usize] = Some(relation);
            self.len += 1;
        } else {
            self.overflow = true;
        }
        self
    }

    /// The relations, first hop first.
    pub fn hops(&self) -> impl Iterator<Item = &'static RelationMeta> + '_ {
        self.hops[..self.len as usize].iter().flatten().copied()
    }

    /// The number of hops.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether this is the empty path.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether the path was longer than [`MAX_HOPS`].
    pub fn overflowed(&self) -> bool {
        self.overflow
    }

    /// The first `n` hops.
    pub fn prefix(&self, n: usize) -> JoinPath {
        let mut out = JoinPath::EMPTY;
        for hop in self.hops().take(n) {
            out = out.then(hop);
        }
        out
    }

    /// The last hop.
    pub fn last(&self) -> Option<&'static RelationMeta> {
        self.hops().last()
    }

    /// The hops after the first `n`.
    pub fn suffix(&self, n: usize) -> JoinPath {
        let mut out = JoinPath::EMPTY;
        for hop in self.hops().skip(n) {
            out = out.then(hop);
        }
        out.overflow = self.overflow;
        out
    }

    /// This path followed by every hop of `next`.
    pub fn join(&self, next: &JoinPath) -> JoinPath {
        let mut out = *self;
        for hop in next.hops() {
            out = out.then(hop);
        }
        out.overflow |= next.overflow;
        out
    }

    /// The index of the first hop that may reach several rows.
    pub fn first_many(&self) -> Option<usize> {
        self.hops().position(RelationMeta::is_many)
    }
}

impl PartialEq for JoinPath {
    fn eq(&self, other: &JoinPath) -> bool {
        self.len == other.len
            && self.overflow == other.overflow
            && self
                .hops()
                .zip(other.hops())
                .all(|(a, b)| std::ptr::eq(a, b))
    }
}

impl Eq for JoinPath {}

impl std::fmt::Debug for JoinPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.hops().map(|h| h.name).collect();
        write!(f, "{}", names.join("."))
    }
}

/// Marks a path that reaches exactly one row per starting row (every
/// hop a non-null `ForeignKey` / `OneToOne`), and the fields read
/// through a single-valued path.
#[derive(Debug, Clone, Copy)]
pub enum One {}

/// Marks a path that may reach several rows per starting row.
#[derive(Debug, Clone, Copy)]
pub enum Many {}

/// Marks a field read through single-valued relations
/// (`Post::author().name()`): compared, computed with and ordered by
/// like one of the model's own fields, but not `set` (an `UPDATE`
/// writes its own table only).
#[derive(Debug, Clone, Copy)]
pub enum Joined {}

/// Fields with one value per row: the model's own ([`One`]) and those
/// reached through single-valued relations ([`Joined`]).
#[diagnostic::on_unimplemented(
    message = "a field reached through a multi-valued relation has any number of values per row",
    label = "a field of a reverse or many-to-many relation",
    note = "to order by it, annotate each row with an aggregate of the related values (`Max`, `Min` or `Count` over the relation) and order by that annotation",
    note = "to filter on it, use a lookup (`eq`, `contains`, ...): it becomes an EXISTS subquery"
)]
pub trait SingleValuedField {}
impl SingleValuedField for One {}
impl SingleValuedField for Joined {}

/// The model's own fields: what `set` writes.
#[diagnostic::on_unimplemented(
    message = "`set` through a relation cannot work: an UPDATE writes the queryset model's own columns only",
    label = "this field belongs to a related model",
    note = "set the model's own fields (or its foreign key: `Post::author().set(&bob)`), or update the related rows with a queryset of their own model, e.g. `Author::objects().filter(..).update(..)`"
)]
pub trait OwnField {}
impl OwnField for One {}

/// Marks a single-valued path that may reach no row: a hop through a
/// nullable foreign key (`Post::editor()`, `Review::post().editor()`).
#[derive(Debug, Clone, Copy)]
pub enum MaybeOne {}

/// Marks the path of one of the queryset model's own non-null foreign
/// keys (`Post::author()`): single-valued, and its column can be `set`.
#[derive(Debug, Clone, Copy)]
pub enum OwnKey {}

/// Marks the path of one of the queryset model's own nullable foreign
/// keys (`Post::editor()`): it may reach no row, and can be `set`.
#[derive(Debug, Clone, Copy)]
pub enum OwnNullableKey {}

/// How many rows a path reaches; following a hop combines them.
pub trait Cardinality: 'static {
    /// The cardinality after a hop of cardinality `H`.
    type Then<H: Cardinality>: Cardinality;
    /// The cardinality of a field read through the path: [`Joined`] or
    /// [`Many`].
    type Field;
    /// This cardinality as a later hop of a longer path (an own key
    /// reached from another model is no longer the queryset's own).
    type Joined: Cardinality;
    /// This cardinality behind a hop that may reach no row.
    type OrNull: Cardinality;
}

impl Cardinality for One {
    type Then<H: Cardinality> = H::Joined;
    type Field = Joined;
    type Joined = One;
    type OrNull = MaybeOne;
}

impl Cardinality for MaybeOne {
    type Then<H: Cardinality> = <H::Joined as Cardinality>::OrNull;
    type Field = Joined;
    type Joined = MaybeOne;
    type OrNull = MaybeOne;
}

impl Cardinality for Many {
    type Then<H: Cardinality> = Many;
    type Field = Many;
    type Joined = Many;
    type OrNull = Many;
}

impl Cardinality for OwnKey {
    type Then<H: Cardinality> = H::Joined;
    type Field = Joined;
    type Joined = One;
    type OrNull = MaybeOne;
}

impl Cardinality for OwnNullableKey {
    type Then<H: Cardinality> = <H::Joined as Cardinality>::OrNull;
    type Field = Joined;
    type Joined = MaybeOne;
    type OrNull = MaybeOne;
}

/// Paths that reach at most one row: what `select_related` follows.
#[diagnostic::on_unimplemented(
    message = "this relation path may reach several rows",
    label = "a reverse or many-to-many relation",
    note = "select_related follows ForeignKey and OneToOne fields only; load reverse and many-to-many relations with prefetch_related"
)]
pub trait SingleValued: Cardinality {}
impl SingleValued for One {}
impl SingleValued for MaybeOne {}
impl SingleValued for OwnKey {}
impl SingleValued for OwnNullableKey {}

/// Paths that may reach no row, which `is_null` tests.
#[diagnostic::on_unimplemented(
    message = "`is_null` needs a relation that may be missing: this path always reaches a row",
    label = "every foreign key on this path is non-null",
    note = "`is_null` applies to a path through an `Option<ForeignKey<T>>` (or `Option<OneToOne<T>>`) field; declare the field as an `Option` to make the relation optional"
)]
pub trait NullablePath: Cardinality {}
impl NullablePath for MaybeOne {}
impl NullablePath for OwnNullableKey {}

/// The paths of the queryset model's own foreign keys, the only ones an
/// `UPDATE` of its table can `set`.
#[diagnostic::on_unimplemented(
    message = "`set` through a relation cannot work: an UPDATE writes the queryset model's own columns only",
    label = "this foreign key belongs to a related model",
    note = "set the queryset model's own foreign key (`Post::author().set(&bob)`), or update the related model with a queryset of its own"
)]
pub trait OwnRelation: Cardinality {}
impl OwnRelation for OwnKey {}
impl OwnRelation for OwnNullableKey {}

/// A path [`QuerySet::select_related`](crate::QuerySet::select_related)
/// can load in the same query: forward `ForeignKey` / `OneToOne` hops only.
#[diagnostic::on_unimplemented(
    message = "select_related on a `QuerySet<{M}>` takes a single-valued relation path starting at `{M}`",
    label = "not a single-valued relation path starting at `{M}`",
    note = "select_related follows ForeignKey and OneToOne fields from the queryset's model, e.g. `Post::author()` or `Post::author().country()`"
)]
pub trait SelectRelated<M> {
    /// The relations to join.
    fn join_path(&self) -> JoinPath;
}

/// Any relation path starting at model `M`, whatever its cardinality:
/// what [`QuerySet::prefetch_related`](crate::QuerySet::prefetch_related),
/// [`Model::related`](crate::Model::related) and `then` accept.
#[diagnostic::on_unimplemented(
    message = "expected a relation path starting at `{M}`",
    label = "expected a relation of `{M}`, e.g. `{M}::<relation>()`",
    note = "relation paths are written from the model's own relation accessors, e.g. `Author::posts()` or `Post::tags()`"
)]
pub trait RelationPath<M> {
    /// The model the path arrives at.
    type Target: crate::Model;
    /// One or Many.
    type Card: Cardinality;
    /// The relations walked.
    fn join_path(&self) -> JoinPath;
}
