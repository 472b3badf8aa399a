//! Text functions, `coalesce` and `cast`, as methods of [`F`] and of
//! fields, and plain values as expressions.

use super::sql_type::{CastTo, Numeric, SqlType, Text};
use super::{ExprNode, Func, IntoExpr, Node, F};
use crate::query::field::Field;
use crate::relation::SingleValuedField;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

fn func<M, T>(func: Func, args: Vec<Node>) -> F<M, T> {
    F::new(Node::Func { func, args })
}

/// A bound `i32` (PostgreSQL's `substr` takes `integer`s); a position or
/// length past `i32::MAX` characters is past the end of any text, so the
/// clamp changes no result.
fn position(n: u64) -> Node {
    Node::Value(crate::value::Value::I32(Some(
        i32::try_from(n).unwrap_or(i32::MAX),
    )))
}

impl<M, T: SqlType> F<M, T> {
    /// The text in lower case. PostgreSQL and MySQL fold every letter;
    /// SQLite folds ASCII letters only (its built-in `lower`).
    pub fn lower(self) -> F<M, T>
    where
        T: Text,
    {
        func(Func::Lower, vec![self.node])
    }

    /// The text in upper case (SQLite: ASCII letters only).
    pub fn upper(self) -> F<M, T>
    where
        T: Text,
    {
        func(Func::Upper, vec![self.node])
    }

    /// The length of the text in characters (not bytes) on every database.
    pub fn length(self) -> F<M, T::Like<i64>>
    where
        T: Text,
    {
        func(Func::Length, vec![self.node])
    }

    /// This text followed by `other`; `NULL` if either is `NULL`.
    pub fn concat(self, other: impl IntoExpr<M, T>) -> F<M, T>
    where
        T: Text,
    {
        func(Func::Concat, vec![self.node, other.into_node().0])
    }

    /// `length` characters of the text from character `start`, counted
    /// from 0 as Rust's `chars().skip(start).take(length)`; fewer when
    /// the text ends first.
    pub fn substr(self, start: u32, length: u32) -> F<M, T>
    where
        T: Text,
    {
        let args = vec![
            self.node,
            position(u64::from(start) + 1),
            position(u64::from(length)),
        ];
        func(Func::Substr, args)
    }

    /// This value, or `fallback` where it is `NULL`: never `NULL`.
    pub fn coalesce(self, fallback: impl IntoExpr<M, T::NotNull>) -> F<M, T::NotNull> {
        func(Func::Coalesce, vec![self.node, fallback.into_node().0])
    }

    /// This value, or `other` where it is `NULL` (which may be `NULL` too).
    pub fn coalesce_nullable(self, other: impl IntoExpr<M, T::Nullable>) -> F<M, T::Nullable> {
        func(Func::Coalesce, vec![self.node, other.into_node().0])
    }

    /// The number converted to `U`: to a wider integer, to a float, or
    /// from a float to an integer by dropping the fraction (toward zero,
    /// as Rust's `as`), the same on every database.
    pub fn cast<U>(self) -> F<M, <T as CastTo<U>>::Output>
    where
        T: Numeric + CastTo<U>,
    {
        F::new(Node::Cast {
            target: <T as CastTo<U>>::TARGET,
            truncate: <T as CastTo<U>>::TRUNCATE,
            inner: Box::new(self.node),
        })
    }
}

impl<M, T: SqlType, C: SingleValuedField> Field<M, T, C> {
    /// This field as an expression (see [`F`]).
    pub fn expr(self) -> F<M, T> {
        F::new(Node::Column(self.col_ref()))
    }

    /// [`F::lower`] of this field.
    pub fn lower(self) -> F<M, T>
    where
        T: Text,
    {
        self.expr().lower()
    }

    /// [`F::upper`] of this field.
    pub fn upper(self) -> F<M, T>
    where
        T: Text,
    {
        self.expr().upper()
    }

    /// [`F::length`] of this field.
    pub fn length(self) -> F<M, T::Like<i64>>
    where
        T: Text,
    {
        self.expr().length()
    }

    /// [`F::concat`] of this field.
    pub fn concat(self, other: impl IntoExpr<M, T>) -> F<M, T>
    where
        T: Text,
    {
        self.expr().concat(other)
    }

    /// [`F::substr`] of this field.
    pub fn substr(self, start: u32, length: u32) -> F<M, T>
    where
        T: Text,
    {
        self.expr().substr(start, length)
    }

    /// [`F::coalesce`] of this field.
    pub fn coalesce(self, fallback: impl IntoExpr<M, T::NotNull>) -> F<M, T::NotNull> {
        self.expr().coalesce(fallback)
    }

    /// [`F::coalesce_nullable`] of this field.
    pub fn coalesce_nullable(self, other: impl IntoExpr<M, T::Nullable>) -> F<M, T::Nullable> {
        self.expr().coalesce_nullable(other)
    }

    /// [`F::cast`] of this field.
    pub fn cast<U>(self) -> F<M, <T as CastTo<U>>::Output>
    where
        T: Numeric + CastTo<U>,
    {
        self.expr().cast::<U>()
    }
}

macro_rules! literals {
    ($($ty:ty),* $(,)?) => {$(
        impl<M> IntoExpr<M, $ty> for $ty {
            fn into_node(self) -> ExprNode {
                ExprNode(Node::Value(crate::types::FieldType::to_value(&self)))
            }
        }
        impl<M> IntoExpr<M, Option<$ty>> for $ty {
            fn into_node(self) -> ExprNode {
                ExprNode(Node::Value(crate::types::FieldType::to_value(&self)))
            }
        }
        impl<M> IntoExpr<M, Option<$ty>> for Option<$ty> {
            fn into_node(self) -> ExprNode {
                ExprNode(Node::Value(crate::types::FieldType::to_value(&self)))
            }
        }
    )*};
}

literals!(
    i16,
    i32,
    i64,
    f32,
    f64,
    bool,
    String,
    Vec<u8>,
    NaiveDate,
    NaiveTime,
    NaiveDateTime,
    DateTime<Utc>,
    Uuid,
    Decimal,
    serde_json::Value,
);

impl<M> IntoExpr<M, String> for &str {
    fn into_node(self) -> ExprNode {
        ExprNode(Node::Value(crate::value::Value::String(Some(
            self.to_owned(),
        ))))
    }
}

impl<M> IntoExpr<M, Option<String>> for &str {
    fn into_node(self) -> ExprNode {
        ExprNode(Node::Value(crate::value::Value::String(Some(
            self.to_owned(),
        ))))
    }
}
