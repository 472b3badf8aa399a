//! `when(condition, value).when(..).otherwise(..)`: SQL's `CASE`, typed
//! by its first branch.

use super::{ExprNode, IntoExpr, Node, SqlType, F};
use crate::query::expr::IntoCondition;
use crate::query::field::Field;
use crate::relation::SingleValuedField;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use std::marker::PhantomData;
use uuid::Uuid;

/// A `CASE` being built: the branches so far, each a condition on `M` and
/// a value of type `T`. Finish it with [`otherwise`](Case::otherwise)
/// (the value where no condition holds) or [`end`](Case::end) (`NULL`
/// there).
pub struct Case<M, T> {
    whens: Vec<(crate::query::expr::Expr, Node)>,
    _marker: PhantomData<fn() -> (M, T)>,
}

/// The value of the first branch of a `CASE`, which gives the whole
/// expression its type: an expression or field of `M`, or a plain value.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the value of a `when` branch on `{M}`",
    label = "expected a value, a field of `{M}` or an expression on `{M}`",
    note = "the first branch's value gives the `CASE` its type; later branches and `otherwise` must have the same type"
)]
pub trait Branch<M> {
    /// The type of the value.
    type Sql: SqlType;
    /// The untyped tree.
    #[doc(hidden)]
    fn into_node(self) -> ExprNode;
}

impl<M, T: SqlType> Branch<M> for F<M, T> {
    type Sql = T;
    fn into_node(self) -> ExprNode {
        ExprNode(self.node)
    }
}

impl<M, T: SqlType, C: SingleValuedField> Branch<M> for Field<M, T, C> {
    type Sql = T;
    fn into_node(self) -> ExprNode {
        ExprNode(Node::Column(self.col_ref()))
    }
}

impl<M> Branch<M> for &str {
    type Sql = String;
    fn into_node(self) -> ExprNode {
        ExprNode(Node::Value(crate::value::Value::String(Some(
            self.to_owned(),
        ))))
    }
}

macro_rules! literal_branches {
    ($($ty:ty),* $(,)?) => {$(
        impl<M> Branch<M> for $ty {
            type Sql = $ty;
            fn into_node(self) -> ExprNode {
                ExprNode(Node::Value(crate::types::FieldType::to_value(&self)))
            }
        }
        impl<M> Branch<M> for Option<$ty> {
            type Sql = Option<$ty>;
            fn into_node(self) -> ExprNode {
                ExprNode(Node::Value(crate::types::FieldType::to_value(&self)))
            }
        }
    )*};
}

literal_branches!(
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

/// `CASE WHEN condition THEN then ...`: starts a [`Case`] whose type is
/// that of `then`.
///
/// `when(Post::likes().gt(100), "hot").when(Post::likes().gt(10), "warm").otherwise("cold")`
pub fn when<M, B: Branch<M>>(condition: impl IntoCondition<M>, then: B) -> Case<M, B::Sql> {
    Case {
        whens: vec![(condition.into_condition().expr, then.into_node().0)],
        _marker: PhantomData,
    }
}

impl<M, T: SqlType> Case<M, T> {
    /// Another branch, tried after the earlier ones.
    pub fn when(mut self, condition: impl IntoCondition<M>, then: impl IntoExpr<M, T>) -> Self {
        self.whens
            .push((condition.into_condition().expr, then.into_node().0));
        self
    }

    /// The value where no condition holds.
    pub fn otherwise(self, value: impl IntoExpr<M, T>) -> F<M, T> {
        F::new(Node::Case {
            whens: self.whens,
            otherwise: Some(Box::new(value.into_node().0)),
        })
    }

    /// `NULL` where no condition holds.
    pub fn end(self) -> F<M, T::Nullable> {
        F::new(Node::Case {
            whens: self.whens,
            otherwise: None,
        })
    }
}
