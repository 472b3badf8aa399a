//! `+ - * /` on expressions and fields, and plain numbers as operands.

use super::{ArithOp, Divisible, ExprNode, Node, Numeric, Operand, SqlType, F};
use crate::query::expr::ColRef;
use crate::query::field::Field;
use crate::relation::SingleValuedField;
use rust_decimal::Decimal;
use std::ops::{Add, Div, Mul, Sub};

fn arith<T: Numeric>(op: ArithOp, left: Node, right: Node) -> Node {
    Node::arith(op, T::KIND, left, right)
}

/// [`arith`] of a field and `right`, made straight into a
/// [`ColumnArith`](Node::ColumnArith) for a field of the model itself and
/// a value (`views + 1`), without a column node in between.
#[inline]
fn field_arith<T: Numeric>(op: ArithOp, column: ColRef, right: Node) -> Node {
    match right {
        Node::Value(value) if column.path.is_empty() && !column.path.overflowed() => {
            Node::ColumnArith {
                op,
                kind: T::KIND,
                column: column.column,
                value,
            }
        }
        right => arith::<T>(op, Node::Column(column), right),
    }
}

macro_rules! operator {
    ($trait:ident, $method:ident, $op:ident, $output:ty) => {
        operator!($trait, $method, $op, $output, Numeric);
    };
    ($trait:ident, $method:ident, $op:ident, $output:ty, $bound:ident) => {
        /// Arithmetic with the type the operands give (see
        /// [`ArithWith`](super::ArithWith)).
        impl<M, T: $bound, R: Operand<M, T>> $trait<R> for F<M, T> {
            type Output = F<M, $output>;
            fn $method(self, rhs: R) -> Self::Output {
                F::new(arith::<T>(ArithOp::$op, self.node, rhs.into_node().0))
            }
        }

        /// Arithmetic on a field makes an expression.
        impl<M, T: $bound, R: Operand<M, T>, C: SingleValuedField> $trait<R> for Field<M, T, C> {
            type Output = F<M, $output>;
            fn $method(self, rhs: R) -> Self::Output {
                F::new(field_arith::<T>(
                    ArithOp::$op,
                    self.col_ref(),
                    rhs.into_node().0,
                ))
            }
        }
    };
}

operator!(Add, add, Add, R::Output);
operator!(Sub, sub, Sub, R::Output);
operator!(Mul, mul, Mul, R::Output);
// Division by zero is `NULL` on every database (PostgreSQL would raise an
// error, MySQL and SQLite give `NULL`), so a quotient may be `NULL`.
operator!(Div, div, Div, <R::Output as SqlType>::Nullable, Divisible);

macro_rules! literal_operands {
    ($($ty:ty),*) => {$(
        impl<M> Operand<M, $ty> for $ty {
            type Output = $ty;
            fn into_node(self) -> ExprNode {
                ExprNode(Node::Value(crate::types::FieldType::to_value(&self)))
            }
        }
        impl<M> Operand<M, Option<$ty>> for $ty {
            type Output = Option<$ty>;
            fn into_node(self) -> ExprNode {
                ExprNode(Node::Value(crate::types::FieldType::to_value(&self)))
            }
        }
    )*};
}

literal_operands!(i16, i32, i64, f32, f64, Decimal);
