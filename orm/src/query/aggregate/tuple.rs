//! Tuples of aggregates: what [`QuerySet::aggregate`](crate::QuerySet::aggregate)
//! takes, and the typed tuple it returns.

use super::Aggregate;
use crate::db::Row;
use crate::types::{DecodeError, FieldType};

/// A tuple of one to eight [`Aggregate`]s over `M`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a tuple of aggregates over `{M}`",
    label = "expected a tuple like `(Count::all(), Sum({M}::field()))`",
    note = "aggregate takes a tuple of one to eight aggregates of `{M}`'s fields (a single one is written `(Count::all(),)`)"
)]
pub trait Aggregates<M> {
    /// The tuple of results.
    type Output: Send;
    /// The aggregates, in order.
    #[doc(hidden)]
    fn into_nodes(self) -> Vec<super::AggregateNode>;
    /// Decodes the results from the row's leading columns.
    #[doc(hidden)]
    fn decode(row: &Row) -> Result<Self::Output, (usize, DecodeError)>;
}

macro_rules! tuples {
    ($(($($name:ident $index:tt),+))*) => {$(
        impl<M, $($name: Aggregate<M>),+> Aggregates<M> for ($($name,)+) {
            type Output = ($($name::Output,)+);
            fn into_nodes(self) -> Vec<super::AggregateNode> {
                vec![$(self.$index.into_agg()),+]
            }
            fn decode(row: &Row) -> Result<Self::Output, (usize, DecodeError)> {
                Ok(($(
                    <$name::Output as FieldType>::decode(row, $index).map_err(|e| ($index, e))?,
                )+))
            }
        }
    )*};
}

tuples! {
    (A 0)
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
    (A 0, B 1, C 2, D 3, E 4)
    (A 0, B 1, C 2, D 3, E 4, F 5)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7)
}
