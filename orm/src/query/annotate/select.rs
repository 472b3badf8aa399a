//! What [`Annotated::values`](crate::query::Annotated::values) selects:
//! fields and expressions of the model, and the queryset's own
//! annotations by position (`Ann0`), each typed by its annotation.

use super::markers::{Ann0, Ann1, Ann2, Ann3, Ann4, Ann5, HasAnnotation};
use super::{AnnotationIndex, AnnotationNode, Scalar};
use crate::query::scalar::{Node, SqlType, F};
use crate::query::values::{typed, Selected, Selection, ValueRow};
use crate::query::Field;
use crate::relation::SingleValuedField;
use crate::types::FieldType;
use crate::value::Value;

/// The annotations a selection reads; opaque.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct AnnotationsOf<'a>(pub(crate) &'a [AnnotationNode]);

/// The kinds of annotation a values-queryset can select.
#[diagnostic::on_unimplemented(
    message = "a window annotation cannot be selected by values()",
    label = "this annotation is a `Window`",
    note = "values() reads an annotation as an expression of the row, which a window function is not; load the rows with `all()`, or select the fields the window reads"
)]
pub trait Selectable {}

impl Selectable for Scalar {}

/// One column of [`Annotated::values`](crate::query::Annotated::values):
/// a field or expression of `M`, or one of the annotations `A`
/// (`Ann0`, `Ann1`, ...).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be selected from this annotated queryset of `{M}`",
    label = "expected a field of `{M}`, an expression of its fields, or `Ann0`, `Ann1`, ...",
    note = "values() on an annotated queryset takes `{M}`'s fields and expressions, and the queryset's own annotations by position; the annotations here are `{A}`"
)]
pub trait AnnotatedSelection<M, A> {
    /// The Rust type of the selected value.
    type Value: FieldType + Send + 'static;
    /// The selected expression, reading the annotations `annotations`.
    #[doc(hidden)]
    fn into_selected(self, annotations: AnnotationsOf<'_>) -> Selected;
}

impl<M, A, T: SqlType + Send + 'static, C: SingleValuedField> AnnotatedSelection<M, A>
    for Field<M, T, C>
{
    type Value = T;
    fn into_selected(self, _: AnnotationsOf<'_>) -> Selected {
        Selection::<M>::into_selected(self)
    }
}

impl<M, A, T: SqlType + Send + 'static> AnnotatedSelection<M, A> for F<M, T> {
    type Value = T;
    fn into_selected(self, _: AnnotationsOf<'_>) -> Selected {
        Selection::<M>::into_selected(self)
    }
}

/// The annotation at `index` as an expression of the row, cast like a
/// selected expression of type `T`.
fn annotation<T: FieldType>(annotations: AnnotationsOf<'_>, index: usize) -> Selected {
    // The types guarantee a scalar annotation at `index`.
    let node = annotations
        .0
        .get(index)
        .and_then(AnnotationNode::to_node)
        .unwrap_or(Node::Value(Value::I64(None)));
    Selected(typed::<T>(node))
}

macro_rules! selections {
    ($($name:ident)*) => {$(
        impl<M, A> AnnotatedSelection<M, A> for $name
        where
            A: HasAnnotation<M, $name>,
            <A as HasAnnotation<M, $name>>::Kind: Selectable,
            <A as HasAnnotation<M, $name>>::Output: Send + 'static,
        {
            type Value = <A as HasAnnotation<M, $name>>::Output;
            fn into_selected(self, annotations: AnnotationsOf<'_>) -> Selected {
                annotation::<Self::Value>(annotations, <$name as AnnotationIndex>::INDEX)
            }
        }
    )*};
}

selections!(Ann0 Ann1 Ann2 Ann3 Ann4 Ann5);

/// What [`Annotated::values`](crate::query::Annotated::values) takes: one
/// [`AnnotatedSelection`] or a tuple of one to eight; each row is a tuple
/// of their types.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list of fields, expressions or annotations of this queryset of `{M}`",
    label = "expected a field of `{M}`, `Ann0`, or a tuple of those",
    note = "values() on an annotated queryset takes `{M}`'s fields and expressions and its annotations (`Ann0`, `Ann1`, ...), or a tuple of up to eight of them"
)]
pub trait AnnotatedValueList<M, A> {
    /// The row each result decodes to.
    type Row: ValueRow;
    /// The selected expressions, in order.
    #[doc(hidden)]
    fn into_nodes(self, annotations: AnnotationsOf<'_>) -> Vec<Selected>;
}

macro_rules! single_lists {
    ($($ty:ty => [$($g:tt)*];)*) => {$(
        impl<M, A, $($g)*> AnnotatedValueList<M, A> for $ty
        where
            $ty: AnnotatedSelection<M, A>,
        {
            type Row = (<$ty as AnnotatedSelection<M, A>>::Value,);
            fn into_nodes(self, annotations: AnnotationsOf<'_>) -> Vec<Selected> {
                vec![self.into_selected(annotations)]
            }
        }
    )*};
}

single_lists! {
    Field<M, T, C> => [T, C];
    F<M, T> => [T];
    Ann0 => [];
    Ann1 => [];
    Ann2 => [];
    Ann3 => [];
    Ann4 => [];
    Ann5 => [];
}

macro_rules! list_tuples {
    ($(($($name:ident $index:tt),+))*) => {$(
        impl<M, A, $($name: AnnotatedSelection<M, A>),+> AnnotatedValueList<M, A> for ($($name,)+) {
            type Row = ($($name::Value,)+);
            fn into_nodes(self, annotations: AnnotationsOf<'_>) -> Vec<Selected> {
                vec![$(self.$index.into_selected(annotations)),+]
            }
        }
    )*};
}

list_tuples! {
    (S0 0)
    (S0 0, S1 1)
    (S0 0, S1 1, S2 2)
    (S0 0, S1 1, S2 2, S3 3)
    (S0 0, S1 1, S2 2, S3 3, S4 4)
    (S0 0, S1 1, S2 2, S3 3, S4 4, S5 5)
    (S0 0, S1 1, S2 2, S3 3, S4 4, S5 5, S6 6)
    (S0 0, S1 1, S2 2, S3 3, S4 4, S5 5, S6 6, S7 7)
}
