//! What [`QuerySet::annotate`](crate::QuerySet::annotate) takes: one
//! annotation or a tuple of up to six, and the typed values it decodes.

use super::{Annotation, AnnotationExpr};
use crate::db::Row;
use crate::types::{DecodeError, FieldType};

/// Marks the types that are one annotation (not a tuple of them), so that
/// `annotate(x)` and `annotate((x, y))` are both accepted. Implemented for
/// fields, [`F`](crate::query::scalar::F) expressions, relation
/// aggregates and windows.
#[doc(hidden)]
pub trait SingleAnnotation {}

/// One [`Annotation`] or a tuple of one to six of them, on model `M`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an annotation or a tuple of annotations on `{M}`",
    label = "expected an annotation like `{M}::<relation>().count()`, or a tuple of them",
    note = "annotate takes one annotation (a field or expression of `{M}`, an aggregate over a relation of `{M}`, a `Window`) or a tuple of up to six"
)]
pub trait Annotations<M> {
    /// The values: one value, or a tuple of them.
    type Output: Send;
    /// The annotations, in order.
    #[doc(hidden)]
    fn into_annotations(self) -> Vec<AnnotationExpr>;
    /// Decodes the values from the row's columns from `offset` on; on an
    /// error, the position of the annotation that failed.
    #[doc(hidden)]
    fn decode(row: &Row, offset: usize) -> Result<Self::Output, (usize, DecodeError)>;
}

impl<M, X: Annotation<M> + SingleAnnotation> Annotations<M> for X {
    type Output = X::Output;
    fn into_annotations(self) -> Vec<AnnotationExpr> {
        vec![self.into_annotation()]
    }
    fn decode(row: &Row, offset: usize) -> Result<Self::Output, (usize, DecodeError)> {
        <X::Output as FieldType>::decode(row, offset).map_err(|e| (0, e))
    }
}

macro_rules! tuples {
    ($(($($name:ident $index:tt),+))*) => {$(
        impl<M, $($name: Annotation<M>),+> Annotations<M> for ($($name,)+) {
            type Output = ($($name::Output,)+);
            fn into_annotations(self) -> Vec<AnnotationExpr> {
                vec![$(self.$index.into_annotation()),+]
            }
            fn decode(row: &Row, offset: usize) -> Result<Self::Output, (usize, DecodeError)> {
                Ok(($(
                    <$name::Output as FieldType>::decode(row, offset + $index)
                        .map_err(|e| ($index, e))?,
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
    (A 0, B 1, C 2, D 3, E 4, G 5)
}

/// The annotations `Self` followed by the annotations `B` (one or a
/// tuple): what [`Annotated::annotate`](crate::query::Annotated::annotate)
/// makes of an annotated queryset, up to six annotations in all.
#[diagnostic::on_unimplemented(
    message = "cannot add `{B}` to the annotations `{Self}` of this queryset of `{M}`",
    label = "an annotated queryset has at most six annotations",
    note = "`annotate(..)` on an annotated queryset appends its annotations after the ones it has (positions continue: `Ann1` after `Ann0`), up to six in all"
)]
pub trait ChainAnnotations<M, B> {
    /// The annotations, in order: a tuple.
    type Chained: Annotations<M>;
}

/// One annotation or a tuple of them, as a tuple.
#[doc(hidden)]
pub trait AsTuple<M> {
    /// `(X,)` for one annotation `X`, the tuple itself for a tuple.
    type Tuple;
}

impl<M, X: Annotation<M> + SingleAnnotation> AsTuple<M> for X {
    type Tuple = (X,);
}

/// The tuple `Self` followed by the tuple `B`.
#[doc(hidden)]
pub trait TupleAppend<B> {
    /// The joined tuple.
    type Joined;
}

#[diagnostic::do_not_recommend]
impl<M, A: AsTuple<M>, B: AsTuple<M>> ChainAnnotations<M, B> for A
where
    A::Tuple: TupleAppend<B::Tuple>,
    <A::Tuple as TupleAppend<B::Tuple>>::Joined: Annotations<M>,
{
    type Chained = <A::Tuple as TupleAppend<B::Tuple>>::Joined;
}

macro_rules! as_tuples {
    ($(($($name:ident),+))*) => {$(
        impl<M, $($name: Annotation<M>),+> AsTuple<M> for ($($name,)+) {
            type Tuple = ($($name,)+);
        }
    )*};
}

as_tuples! {
    (A)
    (A, B)
    (A, B, C)
    (A, B, C, D)
    (A, B, C, D, E)
    (A, B, C, D, E, G)
}

macro_rules! appends {
    ($([$($a:ident),+] + [$($b:ident),+])*) => {$(
        impl<$($a,)+ $($b),+> TupleAppend<($($b,)+)> for ($($a,)+) {
            type Joined = ($($a,)+ $($b,)+);
        }
    )*};
}

macro_rules! appends_to_unit {
    ($(($($b:ident),+))*) => {$(
        impl<$($b),+> TupleAppend<($($b,)+)> for () {
            type Joined = ($($b,)+);
        }
    )*};
}

appends_to_unit! {
    (P)
    (P, R)
    (P, R, S)
    (P, R, S, T)
    (P, R, S, T, U)
    (P, R, S, T, U, V)
}

appends! {
    [A] + [P]
    [A] + [P, R]
    [A] + [P, R, S]
    [A] + [P, R, S, T]
    [A] + [P, R, S, T, U]
    [A, B] + [P]
    [A, B] + [P, R]
    [A, B] + [P, R, S]
    [A, B] + [P, R, S, T]
    [A, B, C] + [P]
    [A, B, C] + [P, R]
    [A, B, C] + [P, R, S]
    [A, B, C, D] + [P]
    [A, B, C, D] + [P, R]
    [A, B, C, D, E] + [P]
}
