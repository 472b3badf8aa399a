//! Aggregates into a struct you name: `#[derive(Aggregates)]` and
//! [`QuerySet::aggregate_into`](crate::QuerySet::aggregate_into), which
//! fills the struct's fields, in order, from a tuple of aggregates whose
//! result types match them (a mismatch does not compile).

use super::{Aggregate, Aggregates};

/// A struct [`QuerySet::aggregate_into`](crate::QuerySet::aggregate_into)
/// fills: derive it with `#[derive(strata::Aggregates)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a struct of aggregate results",
    label = "`{Self}` does not derive `Aggregates`",
    note = "add `#[derive(strata::Aggregates)]` to a struct whose fields have the types of the aggregates, in order"
)]
pub trait FromAggregates: Sized {
    /// The fields' types, in order, as a tuple.
    type Row;
    /// The struct of the fields.
    #[doc(hidden)]
    fn from_row(row: Self::Row) -> Self;
}

/// An aggregate result of type `Self` fills a struct field of type
/// `Field`: only when they are the same type.
#[diagnostic::on_unimplemented(
    message = "an aggregate giving `{Self}` cannot fill a field of type `{Field}`",
    label = "the aggregate at this position gives `{Self}`",
    note = "each field must have its aggregate's type: `Count` an `i64`, `Sum` of integers an `Option<i64>`, `Avg` an `Option<f64>` (of decimals an `Option<Decimal>`), `Min` / `Max` / `StringAgg` an `Option` of the value"
)]
pub trait FillsField<Field> {
    /// The field's value.
    #[doc(hidden)]
    fn fill(self) -> Field;
}

impl<T> FillsField<T> for T {
    fn fill(self) -> T {
        self
    }
}

/// A tuple of aggregates over `M` whose results fill the fields of `S`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not fill the fields of `{S}`",
    label = "expected a tuple of aggregates, one per field of `{S}`, each of the field's type",
    note = "aggregate_into takes a tuple of as many aggregates as `{S}` has fields (one to eight), in the fields' order"
)]
pub trait AggregatesInto<M, S>: Aggregates<M> {
    /// The struct of the results.
    #[doc(hidden)]
    fn fill(output: Self::Output) -> S;
}

macro_rules! into_tuples {
    ($(($($agg:ident $field:ident $value:ident),+))*) => {$(
        impl<M, S, $($agg, $field),+> AggregatesInto<M, S> for ($($agg,)+)
        where
            S: FromAggregates<Row = ($($field,)+)>,
            $($agg: Aggregate<M>, $agg::Output: FillsField<$field>,)+
        {
            fn fill(output: Self::Output) -> S {
                let ($($value,)+) = output;
                S::from_row(($($value.fill(),)+))
            }
        }
    )*};
}

into_tuples! {
    (A FA a)
    (A FA a, B FB b)
    (A FA a, B FB b, C FC c)
    (A FA a, B FB b, C FC c, D FD d)
    (A FA a, B FB b, C FC c, D FD d, E FE e)
    (A FA a, B FB b, C FC c, D FD d, E FE e, F FF f)
    (A FA a, B FB b, C FC c, D FD d, E FE e, F FF f, G FG g)
    (A FA a, B FB b, C FC c, D FD d, E FE e, F FF f, G FG g, H FH h)
}
