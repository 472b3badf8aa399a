//! The positions that name a queryset's annotations ([`Ann0`] ..
//! [`Ann5`]), the conditions and orderings written with them, and the
//! traits that check, at compile time, that the queryset has the
//! annotation and that a compared value has its type.

use super::{Annotation, Filterable, SingleAnnotation};
use crate::query::expr::{CompareOp, Expr, IntoCondition, Q};
use crate::query::field::{Field, IntoBind};
use crate::query::order::OrderBy;
use crate::query::shape::ShapeKey;
use crate::relation::SingleValuedField;
use crate::types::FieldType;
use crate::value::Value;
use std::marker::PhantomData;

/// The position of an annotation: [`Ann0`] for the first.
pub trait AnnotationIndex: Copy {
    /// The 0-based position.
    const INDEX: usize;
}

/// A tuple of annotations `Self` (on `M`) that has one at position `I`.
#[diagnostic::on_unimplemented(
    message = "this queryset has no annotation `{I}`",
    label = "`{I}` names an annotation this queryset does not have",
    note = "`annotate(x)` gives one annotation, `Ann0`; `annotate((x, y))` gives `Ann0` and `Ann1`, and so on; the annotations here are `{Self}`"
)]
pub trait HasAnnotation<M, I> {
    /// The Rust type of its value.
    type Output: FieldType;
    /// Whether it can be filtered on.
    type Kind;
}

impl<M, X: Annotation<M> + SingleAnnotation> HasAnnotation<M, Ann0> for X {
    type Output = X::Output;
    type Kind = X::Kind;
}

macro_rules! has {
    ($($index:ident $name:ident: ($($all:ident),+);)*) => {$(
        impl<M, $($all: Annotation<M>),+> HasAnnotation<M, $index> for ($($all,)+) {
            type Output = $name::Output;
            type Kind = $name::Kind;
        }
    )*};
}

has! {
    Ann0 A: (A);
    Ann0 A: (A, B);
    Ann1 B: (A, B);
    Ann0 A: (A, B, C);
    Ann1 B: (A, B, C);
    Ann2 C: (A, B, C);
    Ann0 A: (A, B, C, D);
    Ann1 B: (A, B, C, D);
    Ann2 C: (A, B, C, D);
    Ann3 D: (A, B, C, D);
    Ann0 A: (A, B, C, D, E);
    Ann1 B: (A, B, C, D, E);
    Ann2 C: (A, B, C, D, E);
    Ann3 D: (A, B, C, D, E);
    Ann4 E: (A, B, C, D, E);
    Ann0 A: (A, B, C, D, E, G);
    Ann1 B: (A, B, C, D, E, G);
    Ann2 C: (A, B, C, D, E, G);
    Ann3 D: (A, B, C, D, E, G);
    Ann4 E: (A, B, C, D, E, G);
    Ann5 G: (A, B, C, D, E, G);
}

/// The aggregates of a grouped values-queryset
/// (`values(..).annotate(..)`), whose values have the types of the tuple
/// `G`: what its `filter(Ann0..)` and `order_by(Ann0..)` are checked
/// against.
pub struct Grouped<G>(PhantomData<fn() -> G>);

macro_rules! grouped_has {
    ($($index:ident $name:ident: ($($all:ident),+);)*) => {$(
        impl<M, $($all: FieldType),+> HasAnnotation<M, $index> for Grouped<($($all,)+)> {
            type Output = $name;
            type Kind = super::Scalar;
        }
    )*};
}

grouped_has! {
    Ann0 A: (A);
    Ann0 A: (A, B);
    Ann1 B: (A, B);
    Ann0 A: (A, B, C);
    Ann1 B: (A, B, C);
    Ann2 C: (A, B, C);
    Ann0 A: (A, B, C, D);
    Ann1 B: (A, B, C, D);
    Ann2 C: (A, B, C, D);
    Ann3 D: (A, B, C, D);
    Ann0 A: (A, B, C, D, E);
    Ann1 B: (A, B, C, D, E);
    Ann2 C: (A, B, C, D, E);
    Ann3 D: (A, B, C, D, E);
    Ann4 E: (A, B, C, D, E);
    Ann0 A: (A, B, C, D, E, G);
    Ann1 B: (A, B, C, D, E, G);
    Ann2 C: (A, B, C, D, E, G);
    Ann3 D: (A, B, C, D, E, G);
    Ann4 E: (A, B, C, D, E, G);
    Ann5 G: (A, B, C, D, E, G);
}

/// How an annotation is compared.
#[derive(Debug, Clone, Copy)]
pub(crate) enum AnnotationOp {
    Compare(CompareOp),
    NotEqual,
    IsNull(bool),
}

impl AnnotationOp {
    /// The shape of a test of annotation `index` (see
    /// [`crate::query::shape`]); `bound` says whether it binds a value.
    pub(crate) fn encode_test(self, index: usize, bound: bool, key: &mut ShapeKey<'_>) {
        key.push(index);
        key.push(match self {
            AnnotationOp::Compare(op) => 16 + op as usize,
            AnnotationOp::NotEqual => 1,
            AnnotationOp::IsNull(is_null) => 2 + usize::from(is_null),
        });
        key.flag(bound);
    }
}

/// A comparison of the annotation at position `I` with a value of type
/// `V`: made by `Ann0.gt(2)` and friends, checked against the queryset's
/// annotations by [`Annotated::filter`](crate::query::Annotated::filter).
#[derive(Debug, Clone)]
pub struct AnnotationCompare<I, V> {
    op: AnnotationOp,
    value: Option<V>,
    _index: PhantomData<fn() -> I>,
}

/// An ordering on the annotation at position `I`.
#[derive(Debug, Clone, Copy)]
pub struct AnnotationOrder<I> {
    descending: bool,
    nulls_first: Option<bool>,
    _index: PhantomData<fn() -> I>,
}

impl<I> AnnotationOrder<I> {
    /// Puts `NULL`s before every value, in either direction.
    pub fn nulls_first(mut self) -> Self {
        self.nulls_first = Some(true);
        self
    }

    /// Puts `NULL`s after every value, in either direction.
    pub fn nulls_last(mut self) -> Self {
        self.nulls_first = Some(false);
        self
    }
}

macro_rules! markers {
    ($($name:ident $index:literal $ordinal:literal;)*) => {$(
        #[doc = concat!("The ", $ordinal, " annotation of a queryset: `", stringify!($name), ".gt(2)` in `filter`, `", stringify!($name), ".desc()` in `order_by`.")]
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        impl AnnotationIndex for $name {
            const INDEX: usize = $index;
        }

        impl $name {
            fn compare<V>(self, op: AnnotationOp, value: Option<V>) -> AnnotationCompare<$name, V> {
                AnnotationCompare { op, value, _index: PhantomData }
            }

            /// The annotation equals `value` (`None`: is `NULL`).
            pub fn eq<V>(self, value: V) -> AnnotationCompare<$name, V> {
                self.compare(AnnotationOp::Compare(CompareOp::Eq), Some(value))
            }

            /// The annotation differs from `value`, or is `NULL`.
            pub fn ne<V>(self, value: V) -> AnnotationCompare<$name, V> {
                self.compare(AnnotationOp::NotEqual, Some(value))
            }

            /// The annotation is greater than `value`.
            pub fn gt<V>(self, value: V) -> AnnotationCompare<$name, V> {
                self.compare(AnnotationOp::Compare(CompareOp::Gt), Some(value))
            }

            /// The annotation is at least `value`.
            pub fn gte<V>(self, value: V) -> AnnotationCompare<$name, V> {
                self.compare(AnnotationOp::Compare(CompareOp::Gte), Some(value))
            }

            /// The annotation is less than `value`.
            pub fn lt<V>(self, value: V) -> AnnotationCompare<$name, V> {
                self.compare(AnnotationOp::Compare(CompareOp::Lt), Some(value))
            }

            /// The annotation is at most `value`.
            pub fn lte<V>(self, value: V) -> AnnotationCompare<$name, V> {
                self.compare(AnnotationOp::Compare(CompareOp::Lte), Some(value))
            }

            /// The annotation is `NULL` (`true`) or is not (`false`).
            pub fn is_null(self, is_null: bool) -> AnnotationCompare<$name, NoValue> {
                self.compare(AnnotationOp::IsNull(is_null), None)
            }

            /// Ascending order on the annotation (`NULL`s first).
            pub fn asc(self) -> AnnotationOrder<$name> {
                AnnotationOrder { descending: false, nulls_first: None, _index: PhantomData }
            }

            /// Descending order on the annotation (`NULL`s last).
            pub fn desc(self) -> AnnotationOrder<$name> {
                AnnotationOrder { descending: true, nulls_first: None, _index: PhantomData }
            }
        }
    )*};
}

markers! {
    Ann0 0 "first";
    Ann1 1 "second";
    Ann2 2 "third";
    Ann3 3 "fourth";
    Ann4 4 "fifth";
    Ann5 5 "sixth";
}

/// The value of an `is_null` test, which has none.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub enum NoValue {}

/// A condition of a filter on an annotated queryset.
#[derive(Debug, Clone)]
pub(crate) enum ConditionNode {
    /// A condition on the model's fields (`WHERE`).
    Fields(Expr),
    /// A test of the annotation at `index`.
    Annotation {
        index: usize,
        op: AnnotationOp,
        /// `None` for `is_null`.
        value: Option<Value>,
    },
}

/// The condition an [`AnnotatedCondition`] stands for; opaque.
#[doc(hidden)]
pub struct ConditionExpr(pub(crate) ConditionNode);

/// What [`Annotated::filter`](crate::query::Annotated::filter)
/// takes: a condition on `M`'s fields, or a test of one of the
/// annotations `A` (`Ann0.gt(2)`) with a value of its type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a condition on `{M}` or on this queryset's annotations",
    label = "expected a condition like `{M}::field().eq(..)` or `Ann0.gt(..)`",
    note = "filter takes lookups on `{M}`'s fields, or a comparison of an annotation (`Ann0`, `Ann1`, ...) with a value of the annotation's type"
)]
pub trait AnnotatedCondition<M, A> {
    /// The condition.
    #[doc(hidden)]
    fn into_annotated_condition(self) -> ConditionExpr;
}

impl<M, A> AnnotatedCondition<M, A> for Q<M> {
    fn into_annotated_condition(self) -> ConditionExpr {
        ConditionExpr(ConditionNode::Fields(self.into_condition().expr))
    }
}

impl<M, A, I, V> AnnotatedCondition<M, A> for AnnotationCompare<I, V>
where
    I: AnnotationIndex,
    A: HasAnnotation<M, I>,
    <A as HasAnnotation<M, I>>::Kind: Filterable,
    V: IntoBind<<A as HasAnnotation<M, I>>::Output>,
{
    fn into_annotated_condition(self) -> ConditionExpr {
        let value = self.value.map(IntoBind::into_bind);
        let null = value.as_ref().is_some_and(Value::is_null);
        let op = match self.op {
            AnnotationOp::Compare(CompareOp::Eq) if null => AnnotationOp::IsNull(true),
            AnnotationOp::NotEqual if null => AnnotationOp::IsNull(false),
            op => op,
        };
        ConditionExpr(ConditionNode::Annotation {
            index: I::INDEX,
            op,
            value,
        })
    }
}

/// `IS NULL` tests carry no value.
impl<T> IntoBind<T> for NoValue {
    fn into_bind(self) -> Value {
        match self {}
    }
}

/// One term of an annotated queryset's ordering.
pub(crate) enum OrderTerm<M> {
    Fields(OrderBy<M>),
    Annotation {
        index: usize,
        descending: bool,
        nulls_first: Option<bool>,
    },
}

impl<M> OrderTerm<M> {
    /// The shape of an ordering (`None`: the queryset's own), the same
    /// for annotated and grouped values querysets.
    pub(crate) fn encode_all(order: Option<&[OrderTerm<M>]>, key: &mut ShapeKey<'_>) {
        let Some(order) = order else {
            key.push(0);
            return;
        };
        key.push(1 + order.len());
        for term in order {
            match term {
                OrderTerm::Fields(order) => {
                    key.push(1);
                    order.encode(key);
                }
                OrderTerm::Annotation {
                    index,
                    descending,
                    nulls_first,
                } => {
                    key.push(2);
                    key.push(*index);
                    key.flag(*descending);
                    key.push(nulls_first.map_or(0, |f| 1 + usize::from(f)));
                }
            }
        }
    }
}

impl<M> std::fmt::Debug for OrderTerm<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OrderTerm::Fields(o) => o.fmt(f),
            OrderTerm::Annotation {
                index, descending, ..
            } => write!(
                f,
                "annotation {index} {}",
                if *descending { "desc" } else { "asc" }
            ),
        }
    }
}

impl<M> Clone for OrderTerm<M> {
    fn clone(&self) -> Self {
        match self {
            OrderTerm::Fields(o) => OrderTerm::Fields(o.clone()),
            OrderTerm::Annotation {
                index,
                descending,
                nulls_first,
            } => OrderTerm::Annotation {
                index: *index,
                descending: *descending,
                nulls_first: *nulls_first,
            },
        }
    }
}

/// The term an [`AnnotatedOrderTerm`] stands for; opaque.
#[doc(hidden)]
pub struct OrderExpr<M>(pub(crate) OrderTerm<M>);

/// One term of [`Annotated::order_by`](crate::query::Annotated::order_by):
/// an ordering on `M`'s fields, or `AnnN.asc()` / `.desc()` on one of the
/// annotations `A`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot order this annotated queryset of `{M}`",
    label = "expected `{M}::field().asc()` / `.desc()` or `Ann0.asc()` / `.desc()`",
    note = "an annotated queryset is ordered by `{M}`'s fields and by its own annotations (`Ann0`, `Ann1`, ...), one term or a tuple of up to four"
)]
pub trait AnnotatedOrderTerm<M, A> {
    /// The term.
    #[doc(hidden)]
    fn into_term(self) -> OrderExpr<M>;
}

impl<M, A> AnnotatedOrderTerm<M, A> for OrderBy<M> {
    fn into_term(self) -> OrderExpr<M> {
        OrderExpr(OrderTerm::Fields(self))
    }
}

impl<M, A, T, C: SingleValuedField> AnnotatedOrderTerm<M, A> for Field<M, T, C> {
    fn into_term(self) -> OrderExpr<M> {
        OrderExpr(OrderTerm::Fields(self.asc()))
    }
}

impl<M, A: HasAnnotation<M, I>, I: AnnotationIndex> AnnotatedOrderTerm<M, A>
    for AnnotationOrder<I>
{
    fn into_term(self) -> OrderExpr<M> {
        OrderExpr(OrderTerm::Annotation {
            index: I::INDEX,
            descending: self.descending,
            nulls_first: self.nulls_first,
        })
    }
}

/// What [`Annotated::order_by`](crate::query::Annotated::order_by)
/// takes: one [`AnnotatedOrderTerm`] or a tuple of up to four.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot order this annotated queryset of `{M}`",
    label = "expected `{M}::field().asc()`, `Ann0.desc()`, or a tuple of those",
    note = "an annotated queryset is ordered by `{M}`'s fields and by its own annotations (`Ann0`, `Ann1`, ...), one term or a tuple of up to four"
)]
pub trait AnnotatedOrdering<M, A> {
    /// The terms, most significant first.
    #[doc(hidden)]
    fn into_terms(self) -> Vec<OrderExpr<M>>;
}

impl<M, A> AnnotatedOrdering<M, A> for OrderBy<M> {
    fn into_terms(self) -> Vec<OrderExpr<M>> {
        vec![AnnotatedOrderTerm::<M, A>::into_term(self)]
    }
}

impl<M, A, T, C: SingleValuedField> AnnotatedOrdering<M, A> for Field<M, T, C> {
    fn into_terms(self) -> Vec<OrderExpr<M>> {
        vec![AnnotatedOrderTerm::<M, A>::into_term(self)]
    }
}

impl<M, A: HasAnnotation<M, I>, I: AnnotationIndex> AnnotatedOrdering<M, A> for AnnotationOrder<I> {
    fn into_terms(self) -> Vec<OrderExpr<M>> {
        vec![AnnotatedOrderTerm::<M, A>::into_term(self)]
    }
}

impl<M, A, const N: usize> AnnotatedOrdering<M, A> for [OrderBy<M>; N] {
    fn into_terms(self) -> Vec<OrderExpr<M>> {
        self.into_iter()
            .map(|o| OrderExpr(OrderTerm::Fields(o)))
            .collect()
    }
}

impl<M, A> AnnotatedOrdering<M, A> for Vec<OrderBy<M>> {
    fn into_terms(self) -> Vec<OrderExpr<M>> {
        self.into_iter()
            .map(|o| OrderExpr(OrderTerm::Fields(o)))
            .collect()
    }
}

macro_rules! order_tuples {
    ($(($($name:ident $index:tt),+))*) => {$(
        impl<M, A, $($name: AnnotatedOrderTerm<M, A>),+> AnnotatedOrdering<M, A> for ($($name,)+) {
            fn into_terms(self) -> Vec<OrderExpr<M>> {
                vec![$(self.$index.into_term()),+]
            }
        }
    )*};
}

order_tuples! {
    (P 0)
    (P 0, R 1)
    (P 0, R 1, S 2)
    (P 0, R 1, S 2, U 3)
}
