//! What [`values`](crate::QuerySet::values) selects and what its rows
//! decode to: one field or expression ([`Selection`]), a tuple of them
//! ([`ValueList`]), and the typed row ([`ValueRow`]); and what
//! [`annotate`](super::ValuesQuerySet::annotate) adds ([`Annotations`]).

use crate::db::Row;
use crate::query::aggregate::{Agg, Aggregate, AggregateNode};
use crate::query::scalar::{Node, SqlType, F};
use crate::query::Field;
use crate::relation::SingleValuedField;
use crate::types::{DecodeError, FieldType};
use std::marker::PhantomData;

/// One column of a projection on model `M`: a field of `M` (also through
/// foreign keys, which join as filters do) or an expression of them
/// ([`F`], a scalar [`Subquery`](crate::query::subquery::Subquery)).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be selected from a queryset of `{M}`",
    label = "expected a field of `{M}` or an expression of its fields",
    note = "values() takes fields of the queryset's own model `{M}` (e.g. `{M}::field()`, or a field across a foreign key such as `{M}::relation().field()`), expressions of them, or a tuple of those; fields reached through a multi-valued relation cannot be selected"
)]
pub trait Selection<M> {
    /// The Rust type of the selected value.
    type Sql: SqlType;
    /// The untyped tree.
    #[doc(hidden)]
    fn into_selected(self) -> Selected;
}

/// A selected expression; opaque.
#[doc(hidden)]
pub struct Selected(pub(crate) Node);

impl<M, T: SqlType, C: SingleValuedField> Selection<M> for Field<M, T, C> {
    type Sql = T;
    fn into_selected(self) -> Selected {
        Selected(Node::Column(self.col_ref()))
    }
}

impl<M, T: SqlType> Selection<M> for F<M, T> {
    type Sql = T;
    fn into_selected(self) -> Selected {
        Selected(typed::<T>(self.node))
    }
}

/// A computed number cast to the width its Rust type decodes: databases
/// type some results otherwise (PostgreSQL's `char_length` is an
/// `integer` where strata's `length()` is an `i64`). Columns and
/// subqueries of columns already have their field's type.
pub(crate) fn typed<T: FieldType>(node: Node) -> Node {
    use crate::column_type::ColumnType;
    use crate::query::scalar::CastTarget;
    if matches!(node, Node::Column(_) | Node::Outer(_) | Node::Subquery(_)) {
        return node;
    }
    let target = match T::COLUMN {
        ColumnType::SmallInt => CastTarget::SmallInt,
        ColumnType::Integer => CastTarget::Integer,
        ColumnType::BigInt => CastTarget::BigInt,
        ColumnType::Float => CastTarget::Float,
        ColumnType::Double => CastTarget::Double,
        _ => return node,
    };
    Node::Cast {
        target,
        truncate: false,
        inner: Box::new(node),
    }
}

/// What [`values`](crate::QuerySet::values) takes: one [`Selection`] or
/// a tuple of one to eight; each row is a tuple of their types.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list of fields or expressions of `{M}`",
    label = "expected a field of `{M}`, an expression of its fields, or a tuple of those",
    note = "values() takes `{M}::field()` or a tuple like `({M}::a(), {M}::b())` of `{M}`'s own fields (also across foreign keys) and expressions of them"
)]
pub trait ValueList<M> {
    /// The row each result decodes to.
    type Row: ValueRow;
    /// The selected expressions, in order.
    #[doc(hidden)]
    fn into_nodes(self) -> Vec<Selected>;
}

impl<M, T: SqlType, C: SingleValuedField> ValueList<M> for Field<M, T, C> {
    type Row = (T,);
    fn into_nodes(self) -> Vec<Selected> {
        vec![Selection::<M>::into_selected(self)]
    }
}

impl<M, T: SqlType> ValueList<M> for F<M, T> {
    type Row = (T,);
    fn into_nodes(self) -> Vec<Selected> {
        vec![Selection::<M>::into_selected(self)]
    }
}

/// A decoded result row of a values-queryset: a tuple of field types, or
/// one value ([`Flat`]).
pub trait ValueRow: Send + 'static {
    /// What a row decodes to.
    type Output: Send + 'static;
    /// How many columns the row has.
    #[doc(hidden)]
    const LEN: usize;
    /// Decodes the row from its leading columns; on failure, the index.
    #[doc(hidden)]
    fn decode(row: &Row) -> Result<Self::Output, (usize, DecodeError)>;
}

/// The row of [`values_list`](crate::QuerySet::values_list): its one
/// value, not a tuple.
pub struct Flat<T>(PhantomData<fn() -> T>);

impl<T: FieldType + Send + 'static> ValueRow for Flat<T> {
    type Output = T;
    const LEN: usize = 1;
    fn decode(row: &Row) -> Result<T, (usize, DecodeError)> {
        T::decode(row, 0).map_err(|e| (0, e))
    }
}

/// A row of one column of type `Sql`: what an `IN` subquery and a scalar
/// subquery take.
#[diagnostic::on_unimplemented(
    message = "a values-queryset with rows `{Self}` does not select exactly one column",
    label = "expected a values-queryset of one field, e.g. `.values(Model::id())`",
    note = "`is_in(..)` and `Subquery::new(..)` take a queryset that selects one column: `values(Model::field())` or `values_list(Model::field())`"
)]
pub trait SingleColumn {
    /// The column's type.
    type Sql: SqlType;
}

impl<T: SqlType> SingleColumn for (T,) {
    type Sql = T;
}

impl<T: SqlType> SingleColumn for Flat<T> {
    type Sql = T;
}

/// What [`annotate`](super::ValuesQuerySet::annotate) takes: one
/// aggregate or a tuple of one to four, computed per group of equal
/// selected values.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an aggregate or a tuple of aggregates over `{M}`",
    label = "expected `Count(..)`, `Sum(..)`, `Avg(..)`, `Min(..)` or `Max(..)` of `{M}`'s fields, or a tuple of them",
    note = "values(..).annotate(..) groups by the selected values; write e.g. `.annotate(Count::all())` or `.annotate((Count::all(), Sum({M}::field())))`"
)]
pub trait Annotations<M> {
    /// The aggregates' results.
    type Row;
    /// The aggregates, in order.
    #[doc(hidden)]
    fn into_aggs(self) -> Vec<AggregateNode>;
}

impl<M, T: FieldType> Annotations<M> for Agg<M, T> {
    type Row = (T,);
    fn into_aggs(self) -> Vec<AggregateNode> {
        vec![AggregateNode(self.node)]
    }
}

impl<M> Annotations<M> for crate::query::aggregate::StringAggregate<M> {
    type Row = (Option<String>,);
    fn into_aggs(self) -> Vec<AggregateNode> {
        vec![AggregateNode(self.node)]
    }
}

/// The tuple `Self` followed by the tuple `Rhs`: a values row with its
/// annotations.
#[doc(hidden)]
pub trait Concat<Rhs> {
    /// The joined tuple.
    type Output: ValueRow;
}

macro_rules! value_tuples {
    ($(($($name:ident $index:tt),+))*) => {$(
        impl<M, $($name: Selection<M>),+> ValueList<M> for ($($name,)+) {
            type Row = ($($name::Sql,)+);
            fn into_nodes(self) -> Vec<Selected> {
                vec![$(self.$index.into_selected()),+]
            }
        }
    )*};
}

value_tuples! {
    (A 0)
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
    (A 0, B 1, C 2, D 3, E 4)
    (A 0, B 1, C 2, D 3, E 4, F5 5)
    (A 0, B 1, C 2, D 3, E 4, F5 5, G 6)
    (A 0, B 1, C 2, D 3, E 4, F5 5, G 6, H 7)
}

macro_rules! row_tuples {
    ($(($($name:ident $index:tt),+))*) => {$(
        impl<$($name: FieldType + Send + 'static),+> ValueRow for ($($name,)+) {
            type Output = ($($name,)+);
            const LEN: usize = [$($index),+].len();
            fn decode(row: &Row) -> Result<Self::Output, (usize, DecodeError)> {
                Ok(($($name::decode(row, $index).map_err(|e| ($index, e))?,)+))
            }
        }
    )*};
}

row_tuples! {
    (A 0)
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
    (A 0, B 1, C 2, D 3, E 4)
    (A 0, B 1, C 2, D 3, E 4, F5 5)
    (A 0, B 1, C 2, D 3, E 4, F5 5, G 6)
    (A 0, B 1, C 2, D 3, E 4, F5 5, G 6, H 7)
    (A 0, B 1, C 2, D 3, E 4, F5 5, G 6, H 7, I 8)
    (A 0, B 1, C 2, D 3, E 4, F5 5, G 6, H 7, I 8, J 9)
    (A 0, B 1, C 2, D 3, E 4, F5 5, G 6, H 7, I 8, J 9, K 10)
    (A 0, B 1, C 2, D 3, E 4, F5 5, G 6, H 7, I 8, J 9, K 10, L 11)
}

macro_rules! annotation_tuples {
    ($(($($name:ident $index:tt),+))*) => {$(
        impl<M, $($name: Aggregate<M>),+> Annotations<M> for ($($name,)+) {
            type Row = ($($name::Output,)+);
            fn into_aggs(self) -> Vec<AggregateNode> {
                vec![$(self.$index.into_agg()),+]
            }
        }
    )*};
}

annotation_tuples! {
    (A 0)
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
}

macro_rules! concat {
    ($([$($a:ident),+] + [$($b:ident),+])*) => {$(
        impl<$($a: FieldType + Send + 'static,)+ $($b: FieldType + Send + 'static),+> Concat<($($b,)+)> for ($($a,)+) {
            type Output = ($($a,)+ $($b,)+);
        }
    )*};
}

concat! {
    [A] + [W]
    [A] + [W, X]
    [A] + [W, X, Y]
    [A] + [W, X, Y, Z]
    [A, B] + [W]
    [A, B] + [W, X]
    [A, B] + [W, X, Y]
    [A, B] + [W, X, Y, Z]
    [A, B, C] + [W]
    [A, B, C] + [W, X]
    [A, B, C] + [W, X, Y]
    [A, B, C] + [W, X, Y, Z]
    [A, B, C, D] + [W]
    [A, B, C, D] + [W, X]
    [A, B, C, D] + [W, X, Y]
    [A, B, C, D] + [W, X, Y, Z]
    [A, B, C, D, E] + [W]
    [A, B, C, D, E] + [W, X]
    [A, B, C, D, E] + [W, X, Y]
    [A, B, C, D, E] + [W, X, Y, Z]
    [A, B, C, D, E, F5] + [W]
    [A, B, C, D, E, F5] + [W, X]
    [A, B, C, D, E, F5] + [W, X, Y]
    [A, B, C, D, E, F5] + [W, X, Y, Z]
    [A, B, C, D, E, F5, G] + [W]
    [A, B, C, D, E, F5, G] + [W, X]
    [A, B, C, D, E, F5, G] + [W, X, Y]
    [A, B, C, D, E, F5, G] + [W, X, Y, Z]
    [A, B, C, D, E, F5, G, H] + [W]
    [A, B, C, D, E, F5, G, H] + [W, X]
    [A, B, C, D, E, F5, G, H] + [W, X, Y]
    [A, B, C, D, E, F5, G, H] + [W, X, Y, Z]
}
