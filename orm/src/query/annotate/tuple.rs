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
