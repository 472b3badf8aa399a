//! `ForeignKey<T>` and `OneToOne<T>` fields.

use crate::column_type::ColumnType;
use crate::db::{Executor, Row};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::types::{DecodeError, FieldType};
use crate::value::Value;
use std::any::Any;
use std::marker::PhantomData;

/// A column referring to a row of model `T` by its primary key, with a
/// real foreign-key constraint. Declare it as `author: ForeignKey<Author>`
/// (column `author_id`), or `Option<ForeignKey<Author>>` for a nullable
/// one, with `#[strata(on_delete = cascade)]` (or `set_null`,
/// `set_default`, `restrict`, `protect`, `do_nothing`).
///
/// The related row is never loaded behind your back: [`get`](Self::get)
/// returns it only if the query asked for it with `select_related`, and
/// [`fetch`](Self::fetch) runs one query, visibly, at the call site.
///
/// With the cargo feature `serde`, it serializes as an object that always
/// holds the key under the name of `T`'s key field, `{"id": 3}`, and is
/// the whole row when loaded, `{"id": 3, "name": "Ann"}` (a foreign key
/// left at its `Default` is `null`). It deserializes from a bare key
/// (`3`) or from such an object (its other members ignored: a row counts
/// as loaded only when it came from the database).
pub struct ForeignKey<T: Model> {
    key: T::Key,
    loaded: Loaded<T>,
    /// Made by `Default`: refers to nothing yet, and writing it is an error.
    unset: bool,
}

// SAFETY: a `ForeignKey<T>` owns a `T::Key` and maybe a `Box<T>`; the
// `Model` trait requires `T: Send + Sync` and `T::Key: Send + Sync`, so
// the auto impls would hold for every `T: Model`. Written out, they are
// proved from `T: Model` alone instead of by walking `T`'s fields, which
// for a chain of foreign keys (`A -> B -> C -> ...`, or a cycle) walks
// every model of the chain: a crate of 50 chained models overflowed the
// trait solver's recursion limit, and each model's proof cost grew with
// the chain's length.
unsafe impl<T: Model> Send for ForeignKey<T> {}
// SAFETY: as for `Send` above.
unsafe impl<T: Model> Sync for ForeignKey<T> {}

/// The row a foreign key loaded, in a box whose type the drop checker
/// does not look into: through a `Box<T>` it would check `T`'s fields, so
/// every model a chain of foreign keys reaches, and a crate of 200 models
/// in a cycle of foreign keys overflowed that walk (E0320). Only a `T` is
/// ever stored, so the typed reads always find one.
struct Loaded<T> {
    row: Option<Box<dyn Any + Send + Sync>>,
    _row: PhantomData<fn() -> T>,
}

impl<T: Model> Loaded<T> {
    const NONE: Loaded<T> = Loaded {
        row: None,
        _row: PhantomData,
    };

    #[inline]
    fn get(&self) -> Option<&T> {
        self.row.as_deref().and_then(|row| row.downcast_ref::<T>())
    }

    #[inline]
    fn get_mut(&mut self) -> Option<&mut T> {
        self.row
            .as_deref_mut()
            .and_then(|row| row.downcast_mut::<T>())
    }

    #[inline]
    fn set(&mut self, row: Option<Box<T>>) {
        self.row = row.map(|row| row as Box<dyn Any + Send + Sync>);
    }
}

impl<T: Model> ForeignKey<T> {
    /// A reference to the row with primary key `key`.
    pub fn new(key: T::Key) -> Self {
        ForeignKey {
            key,
            loaded: Loaded::NONE,
            unset: false,
        }
    }

    /// Whether this reference came from `Default` and was never set.
    /// `insert`, `save` and `bulk_create` refuse such a row.
    pub fn is_unset(&self) -> bool {
        self.unset
    }

    /// A reference to `target` (by its current primary key).
    pub fn to(target: &T) -> Self {
        ForeignKey::new(target.pk())
    }

    /// A reference to the row with primary key `key`, without loading it:
    /// `ForeignKey::<Author>::from_key(3)`. The same as
    /// [`new`](Self::new), named for symmetry with `ForeignKey::from(&ann)`.
    pub fn from_key(key: T::Key) -> Self {
        ForeignKey::new(key)
    }

    /// The referenced primary key.
    pub fn key(&self) -> &T::Key {
        &self.key
    }

    /// The related row, if the query loaded it (`select_related`).
    pub fn get(&self) -> Option<&T> {
        self.loaded.get()
    }

    /// The related row, or [`Error::NotLoaded`] naming the relation.
    pub fn loaded(&self) -> Result<&T> {
        self.get().ok_or(Error::NotLoaded {
            model: T::META.name,
            hint: "load it with select_related(...) or call fetch(&db)",
        })
    }

    /// Runs one query for the related row. Nothing is cached; see
    /// [`load`](Self::load) to keep it.
    pub async fn fetch(&self, ex: impl Executor) -> Result<T> {
        T::objects()
            .filter(crate::query::pk_eq::<T>(self.key.to_value()))
            .get(ex)
            .await
    }

    /// Fetches the related row (one query) and keeps it for `get`.
    pub async fn load(&mut self, ex: impl Executor) -> Result<&T> {
        let target = self.fetch(ex).await?;
        self.loaded.set(Some(Box::new(target)));
        self.loaded()
    }

    /// The loaded row, mutably. Used by nested prefetches.
    #[doc(hidden)]
    pub fn loaded_mut(&mut self) -> Option<&mut T> {
        self.loaded.get_mut()
    }

    /// Stores a row loaded by a join. Used by generated code.
    #[doc(hidden)]
    pub fn set_loaded(&mut self, target: Option<Box<T>>) {
        self.loaded.set(target);
    }
}

impl<T: Model> Clone for ForeignKey<T>
where
    T: Clone,
{
    fn clone(&self) -> Self {
        ForeignKey {
            key: self.key.clone(),
            loaded: {
                let mut loaded = Loaded::NONE;
                loaded.set(self.loaded.get().map(|row| Box::new(row.clone())));
                loaded
            },
            unset: self.unset,
        }
    }
}

/// A reference to nothing yet, so that a model deriving `Default` can be
/// written `Post { author: ForeignKey::from(&ann), ..Default::default() }`.
/// Writing a row whose required foreign key is still unset is an
/// [`Error::InvalidQuery`] naming the field, before anything runs.
impl<T: Model> Default for ForeignKey<T>
where
    T::Key: Default,
{
    fn default() -> Self {
        ForeignKey {
            key: T::Key::default(),
            loaded: Loaded::NONE,
            unset: true,
        }
    }
}

/// `ForeignKey::from(&ann)` (or `(&ann).into()`): a reference to a saved
/// row by its primary key. The row itself is not kept; see
/// [`ForeignKey::load`] for that.
impl<T: Model> From<&T> for ForeignKey<T> {
    fn from(target: &T) -> Self {
        ForeignKey::to(target)
    }
}

impl<T: Model> std::fmt::Debug for ForeignKey<T>
where
    T: std::fmt::Debug,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut s = f.debug_struct("ForeignKey");
        s.field("key", &self.key.to_value());
        match self.loaded.get() {
            Some(t) => s.field("loaded", t),
            None => s.field("loaded", &"<not loaded>"),
        };
        s.finish()
    }
}

/// Two references are equal when they point at the same key, whether or
/// not the target was loaded.
impl<T: Model> PartialEq for ForeignKey<T> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl<T: Model> FieldType for ForeignKey<T> {
    /// The same type as `T`'s primary key (an auto-increment key is
    /// referenced by a plain integer), read from [`Model::KEY_COLUMN`] so
    /// that foreign keys may form cycles.
    const COLUMN: ColumnType = T::KEY_COLUMN;

    fn to_value(&self) -> Value {
        self.key.to_value()
    }

    fn from_value(value: Value) -> std::result::Result<Self, DecodeError> {
        T::Key::from_value(value).map(ForeignKey::new)
    }

    fn decode(row: &Row, index: usize) -> std::result::Result<Self, DecodeError> {
        T::Key::decode(row, index).map(ForeignKey::new)
    }
}

/// A unique foreign key: each `T` is referred to by at most one row.
/// Same API as [`ForeignKey`].
pub struct OneToOne<T: Model>(ForeignKey<T>);

impl<T: Model> OneToOne<T> {
    /// A reference to the row with primary key `key`.
    pub fn new(key: T::Key) -> Self {
        OneToOne(ForeignKey::new(key))
    }

    /// A reference to `target`.
    pub fn to(target: &T) -> Self {
        OneToOne(ForeignKey::to(target))
    }

    /// A reference to the row with primary key `key`.
    pub fn from_key(key: T::Key) -> Self {
        OneToOne::new(key)
    }
}

/// `OneToOne::from(&profile_owner)`: a reference by primary key.
impl<T: Model> From<&T> for OneToOne<T> {
    fn from(target: &T) -> Self {
        OneToOne::to(target)
    }
}

impl<T: Model> std::ops::Deref for OneToOne<T> {
    type Target = ForeignKey<T>;
    fn deref(&self) -> &ForeignKey<T> {
        &self.0
    }
}

impl<T: Model> std::ops::DerefMut for OneToOne<T> {
    fn deref_mut(&mut self) -> &mut ForeignKey<T> {
        &mut self.0
    }
}

/// Unset, as [`ForeignKey`]'s `Default`.
impl<T: Model> Default for OneToOne<T>
where
    T::Key: Default,
{
    fn default() -> Self {
        OneToOne(ForeignKey::default())
    }
}

impl<T: Model + Clone> Clone for OneToOne<T> {
    fn clone(&self) -> Self {
        OneToOne(self.0.clone())
    }
}

impl<T: Model + std::fmt::Debug> std::fmt::Debug for OneToOne<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<T: Model> PartialEq for OneToOne<T> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<T: Model> FieldType for OneToOne<T> {
    const COLUMN: ColumnType = T::KEY_COLUMN;

    fn to_value(&self) -> Value {
        self.0.to_value()
    }

    fn from_value(value: Value) -> std::result::Result<Self, DecodeError> {
        ForeignKey::from_value(value).map(OneToOne)
    }

    fn decode(row: &Row, index: usize) -> std::result::Result<Self, DecodeError> {
        ForeignKey::decode(row, index).map(OneToOne)
    }
}
