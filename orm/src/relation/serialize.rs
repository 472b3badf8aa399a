//! `Serialize` and `Deserialize` for the relation fields (cargo feature
//! `serde`), so that a model derives them beside `Model`. The JSON shape
//! does not depend on what a query happened to load in a way a client
//! cannot see:
//!
//! | field | not loaded | loaded |
//! |---|---|---|
//! | `ForeignKey<T>`, `OneToOne<T>` | `{"id": 3}`: an object holding the key under the name of `T`'s key field | the row, as `T` serializes it: `{"id": 3, "name": "Ann"}` |
//! | `Reverse<T>`, `ManyToMany<T>` | `null` | an array of the rows |
//!
//! So `post.author.id` is always there, whether or not the query used
//! `select_related`; a client that wants more reads the other members
//! where the endpoint loads them. A foreign key left at its `Default`
//! (refers to nothing yet) serializes as `null`, as an absent
//! `Option<ForeignKey<T>>` does. A holder that is not loaded can be left
//! out of the output instead of `null` with
//! `#[serde(skip_serializing_if = "Reverse::is_not_loaded")]` (or
//! `ManyToMany::is_not_loaded`).
//!
//! Deserializing reads what a client sends: a foreign key from a bare key
//! (`"author": 3`) or from an object holding it (`"author": {"id": 3,
//! ...}`, the other members ignored: a row counts as loaded only when it
//! came from the database); a holder from an array (loaded), `null` or a
//! missing member (not loaded). Rows in a holder are never written by
//! `insert` or `save`: change many-to-many pairs with `related(...)`.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use strata::prelude::*;
//!
//! #[derive(Model, Debug, Clone, Serialize)]
//! pub struct Author {
//!     pub id: i64,
//!     pub name: String,
//!     #[serde(skip_serializing_if = "Reverse::is_not_loaded")]
//!     pub books: Reverse<Book>,
//! }
//!
//! #[derive(Model, Debug, Clone, Serialize, Deserialize)]
//! pub struct Book {
//!     pub id: i64,
//!     pub title: String,
//!     #[strata(on_delete = cascade, related_name = "books")]
//!     pub author: ForeignKey<Author>,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let db = Db::connect("sqlite::memory:").await?;
//! db.create_tables(&[Author::META, Book::META]).await?;
//! let mut ann = Author { id: 0, name: "Ann".into(), books: Reverse::new() };
//! ann.insert(&db).await?;
//! let mut dune = Book { id: 0, title: "Dune".into(), author: ForeignKey::to(&ann) };
//! dune.insert(&db).await?;
//!
//! let plain = Book::objects().get(&db).await?;
//! assert_eq!(
//!     serde_json::to_string(&plain)?,
//!     r#"{"id":1,"title":"Dune","author":{"id":1}}"#
//! );
//! let joined = Book::objects().select_related(Book::author()).get(&db).await?;
//! assert_eq!(
//!     serde_json::to_string(&joined)?,
//!     r#"{"id":1,"title":"Dune","author":{"id":1,"name":"Ann"}}"#
//! );
//! let with_books = Author::objects().prefetch_related(Author::books()).get(&db).await?;
//! assert_eq!(
//!     serde_json::to_string(&with_books)?,
//!     r#"{"id":1,"name":"Ann","books":[{"id":1,"title":"Dune","author":{"id":1}}]}"#
//! );
//!
//! // A client sends the key alone, or the object it was given.
//! let sent: Book = serde_json::from_str(r#"{"id":0,"title":"Emma","author":1}"#)?;
//! assert_eq!(*sent.author.key(), 1);
//! assert!(sent.author.get().is_none());
//! # Ok(()) }
//! ```

use super::foreign_key::{ForeignKey, OneToOne};
use super::holders::Related;
use crate::model::Model;
use serde::de::{
    self, Deserialize, Deserializer, IgnoredAny, IntoDeserializer, MapAccess, Visitor,
};
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::fmt;
use std::marker::PhantomData;

impl<T> Serialize for ForeignKey<T>
where
    T: Model + Serialize,
    T::Key: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if let Some(row) = self.get() {
            return row.serialize(serializer);
        }
        if self.is_unset() {
            return serializer.serialize_none();
        }
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry(T::META.pk().field, self.key())?;
        map.end()
    }
}

impl<T> Serialize for OneToOne<T>
where
    T: Model + Serialize,
    T::Key: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        <ForeignKey<T> as Serialize>::serialize(self, serializer)
    }
}

impl<'de, T> Deserialize<'de> for ForeignKey<T>
where
    T: Model,
    T::Key: Deserialize<'de>,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KeyVisitor::<T>(PhantomData))
    }
}

impl<'de, T> Deserialize<'de> for OneToOne<T>
where
    T: Model,
    T::Key: Deserialize<'de>,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let fk = ForeignKey::<T>::deserialize(deserializer)?;
        Ok(OneToOne::new(fk.key().clone()))
    }
}

/// Reads a foreign key from a bare key or from an object holding it.
struct KeyVisitor<T>(PhantomData<T>);

impl<T: Model> KeyVisitor<T> {
    fn key<'de, D>(value: D) -> Result<ForeignKey<T>, D::Error>
    where
        D: Deserializer<'de>,
        T::Key: Deserialize<'de>,
    {
        T::Key::deserialize(value).map(ForeignKey::new)
    }
}

/// One `visit_*` per scalar a key can arrive as, each handing the value on
/// to the key type's own `Deserialize`.
macro_rules! forward_scalars {
    ($($visit:ident($ty:ty)),* $(,)?) => {$(
        fn $visit<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            Self::key(IntoDeserializer::<E>::into_deserializer(v))
        }
    )*};
}

impl<'de, T> Visitor<'de> for KeyVisitor<T>
where
    T: Model,
    T::Key: Deserialize<'de>,
{
    type Value = ForeignKey<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the primary key of a {} (or an object with its `{}`)",
            T::META.name,
            T::META.pk().field
        )
    }

    forward_scalars!(
        visit_i8(i8),
        visit_i16(i16),
        visit_i32(i32),
        visit_i64(i64),
        visit_u8(u8),
        visit_u16(u16),
        visit_u32(u32),
        visit_u64(u64),
        visit_f32(f32),
        visit_f64(f64),
        visit_string(String),
    );

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Self::key(IntoDeserializer::<E>::into_deserializer(v))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Self::key(de::value::BorrowedStrDeserializer::<E>::new(v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
        Self::key(IntoDeserializer::<E>::into_deserializer(v))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let field = T::META.pk().field;
        let mut key = None;
        while let Some(name) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if name == field {
                if key.is_some() {
                    return Err(de::Error::duplicate_field(field));
                }
                key = Some(map.next_value::<T::Key>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        key.map(ForeignKey::new)
            .ok_or_else(|| de::Error::missing_field(field))
    }
}

impl<T: Serialize> Serialize for Related<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.get().serialize(serializer)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Related<T> {
    /// Through `Option`, so that a missing member reads as not loaded
    /// (serde hands an absent field to `deserialize_option` as none).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut related = Related::new();
        if let Some(rows) = Option::<Vec<T>>::deserialize(deserializer)? {
            related.set_loaded(rows);
        }
        Ok(related)
    }
}
