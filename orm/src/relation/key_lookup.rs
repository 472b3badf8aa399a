//! Lookups and assignments on a relation path itself, by the related row
//! or its key: `Post::author().eq(&ann)`, `.is_in([&ann, &bob])`,
//! `Post::editor().is_null(true)`, `Post::author().set(&bob)`. Each
//! compares the foreign-key column directly (a forward hop's target key
//! is its foreign-key column), so a one-hop path needs no join. The
//! derive's path methods call these.

use crate::model::Model;
use crate::query::scalar::{ComparableWith, SqlType};
use crate::query::subquery::{InArg, InValues, ListKind, QueryKind};
use crate::query::values::{SingleColumn, ValuesQuerySet};
use crate::query::{Assignment, ColRef, CompareOp, Expr, InList, Q};
use crate::relation::JoinPath;
use crate::value::Value;

/// The related row, or its primary key, that a relation lookup or
/// assignment takes: `&ann`, or `ann.id`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is neither a row of `{T}` nor the key of one",
    label = "expected `&{T}` or its primary key",
    note = "a relation path is compared with a related row (`Post::author().eq(&ann)`) or its key (`Post::author().eq(ann.id)`); to compare one of its fields, name the field: `Post::author().name().eq(\"Ann\")`"
)]
pub trait IntoKey<T: Model> {
    /// The key value.
    fn into_key(self) -> Value;
}

impl<T: Model> IntoKey<T> for &T {
    fn into_key(self) -> Value {
        self.pk_value()
    }
}

/// `is_in(&[&ann, &bob])` iterates over `&&Author`.
impl<T: Model> IntoKey<T> for &&T {
    fn into_key(self) -> Value {
        self.pk_value()
    }
}

macro_rules! key_types {
    ($($ty:ty),*) => {$(
        impl<T: Model<Key = $ty>> IntoKey<T> for $ty {
            fn into_key(self) -> Value {
                crate::types::FieldType::to_value(&self)
            }
        }

        impl<T: Model<Key = $ty>> IntoKey<T> for &$ty {
            fn into_key(self) -> Value {
                crate::types::FieldType::to_value(self)
            }
        }
    )*};
}

key_types!(i16, i32, i64, String, uuid::Uuid);

impl<T: Model<Key = String>> IntoKey<T> for &str {
    fn into_key(self) -> Value {
        Value::String(Some(self.to_owned()))
    }
}

fn target_key<T: Model>(path: JoinPath) -> ColRef {
    ColRef {
        column: T::META.pk(),
        path,
    }
}

/// The row reached through `path` (a path to `T`) is the one keyed `key`.
pub fn path_eq<T: Model, R>(path: JoinPath, key: Value) -> Q<R> {
    Q::new(Expr::Compare {
        column: target_key::<T>(path),
        op: CompareOp::Eq,
        value: key,
    })
}

/// What a relation path's `is_in` takes: rows of `T` or their keys (any
/// iterable of them), or a one-column values-queryset of keys
/// (`IN (SELECT ...)`). `K` tells the impls apart and is inferred.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is neither rows of `{T}`, their keys, nor a one-column subquery of keys",
    label = "expected rows of `{T}`, their keys, or a values-queryset of one key column",
    note = "a relation path's `is_in` takes `[&ann, &bob]`, `[ann.id, bob.id]`, or `Author::objects().filter(..).values(Author::id())`"
)]
pub trait InTargets<T: Model, K> {
    /// The keys or the subquery.
    #[doc(hidden)]
    fn into_in(self) -> InArg;
}

impl<T: Model, V: IntoKey<T>, I: IntoIterator<Item = V>> InTargets<T, ListKind> for I {
    fn into_in(self) -> InArg {
        InArg::List(self.into_iter().map(IntoKey::into_key).collect())
    }
}

impl<T: Model, N: Model, R: SingleColumn> InTargets<T, QueryKind> for ValuesQuerySet<N, R>
where
    T::Key: ComparableWith<R::Sql>,
    R::Sql: SqlType,
{
    fn into_in(self) -> InArg {
        <Self as InValues<T::Key, QueryKind>>::into_in(self)
    }
}

/// The row reached through `path` is one of `targets`: keys, or the keys
/// a subquery selects.
pub fn path_in<T: Model, R>(path: JoinPath, targets: InArg) -> Q<R> {
    let column = target_key::<T>(path);
    Q::new(match targets {
        InArg::List(keys) => Expr::In {
            column,
            values: InList::new(keys),
        },
        InArg::Query(query) => Expr::InSubquery {
            column,
            query: query.0,
        },
    })
}

/// `path` reaches no row (`true`) or a row (`false`).
pub fn path_is_null<T: Model, R>(path: JoinPath, is_null: bool) -> Q<R> {
    Q::new(Expr::IsNull {
        column: target_key::<T>(path),
        negated: !is_null,
    })
}

/// Sets the foreign key `path` follows (one of `R`'s own) to `key`.
pub fn path_set<R>(path: JoinPath, key: Value) -> Assignment<R> {
    let own = path.len() == 1;
    let column = path
        .last()
        .and_then(|hop| (hop.from)().columns.iter().find(|c| c.column == hop.column));
    match column {
        Some(column) => Assignment::new(column, key, !own),
        // Never for a path of an own foreign key (the derive's statics
        // name a column of the model); refused by the update like any
        // assignment through a relation.
        None => Assignment::new(&crate::query::NO_COLUMN_META, key, true),
    }
}
