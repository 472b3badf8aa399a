//! Ordering terms.

use super::expr::ColRef;
use super::field::Field;
use super::scalar::{Node, F};
use super::shape::ShapeKey;
use crate::meta::ColumnMeta;
use crate::relation::JoinPath;
use crate::value::Value;
use std::marker::PhantomData;

/// One `ORDER BY` term on a field or expression of model `M`.
///
/// `repr(C)`, with `M` only in a zero-sized marker, so that a term of any
/// model has one layout and a list of them can be read untyped (see
/// [`erase_slice`](OrderBy::erase_slice)).
#[repr(C)]
pub struct OrderBy<M> {
    pub(crate) column: &'static ColumnMeta,
    pub(crate) path: JoinPath,
    /// An expression ordered instead of the column (which is then unused).
    pub(crate) expr: Option<Box<Node>>,
    pub(crate) descending: bool,
    /// `Some(true)`: `NULL`s first, `Some(false)`: last, whatever the
    /// direction; `None`: first ascending, last descending.
    pub(crate) nulls_first: Option<bool>,
    _model: PhantomData<fn() -> M>,
}

impl<M> OrderBy<M> {
    /// The terms without their model, borrowed: for the code that writes
    /// them, compiled once rather than once per model.
    #[inline]
    pub(crate) fn erase_slice(order: &[OrderBy<M>]) -> &[OrderBy<()>] {
        // SAFETY: `OrderBy` is `repr(C)` and `M` appears only in
        // `PhantomData<fn() -> M>`, which has size 0 and alignment 1 for
        // every `M`: `OrderBy<M>` and `OrderBy<()>` have the same fields
        // at the same offsets, and the same size and alignment.
        unsafe { &*(order as *const [OrderBy<M>] as *const [OrderBy<()>]) }
    }
}

impl<M> Clone for OrderBy<M> {
    fn clone(&self) -> Self {
        OrderBy {
            column: self.column,
            path: self.path,
            descending: self.descending,
            expr: self.expr.clone(),
            nulls_first: self.nulls_first,
            _model: PhantomData,
        }
    }
}

impl<M> std::fmt::Debug for OrderBy<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let dir = if self.descending { "desc" } else { "asc" };
        match &self.expr {
            Some(expr) => write!(f, "{expr:?} {dir}"),
            None => write!(f, "{} {dir}", self.column.field),
        }
    }
}

/// Stands for the column of an expression term.
static EXPRESSION: &ColumnMeta = &crate::query::expr::NO_COLUMN_META;

impl<M> OrderBy<M> {
    pub(crate) fn new(column: &'static ColumnMeta, descending: bool) -> Self {
        OrderBy::joined(column, JoinPath::EMPTY, descending)
    }

    pub(crate) fn joined(column: &'static ColumnMeta, path: JoinPath, descending: bool) -> Self {
        OrderBy {
            column,
            path,
            descending,
            expr: None,
            nulls_first: None,
            _model: PhantomData,
        }
    }

    pub(crate) fn expr(node: Node, descending: bool) -> Self {
        OrderBy {
            expr: Some(Box::new(node)),
            ..OrderBy::joined(EXPRESSION, JoinPath::EMPTY, descending)
        }
    }

    /// The same term without its model (a window's ordering, stored
    /// untyped).
    pub(crate) fn erase(self) -> OrderBy<()> {
        OrderBy {
            column: self.column,
            path: self.path,
            descending: self.descending,
            expr: self.expr,
            nulls_first: self.nulls_first,
            _model: PhantomData,
        }
    }

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

    /// Calls `f` with every column the term reads.
    pub(crate) fn for_each_column(&self, f: &mut dyn FnMut(ColRef)) {
        match &self.expr {
            Some(expr) => expr.for_each_column(f),
            None => f(ColRef {
                column: self.column,
                path: self.path,
            }),
        }
    }

    /// Calls `f` with every relation path the term follows.
    pub(crate) fn for_each_path(&self, f: &mut dyn FnMut(JoinPath)) {
        match &self.expr {
            Some(expr) => expr.for_each_path(f),
            None => f(self.path),
        }
    }

    /// Writes the term's shape.
    pub(crate) fn encode(&self, key: &mut ShapeKey<'_>) {
        match &self.expr {
            Some(expr) => {
                key.push(1);
                key.node(expr);
            }
            None => {
                key.column(self.column);
                key.path(&self.path);
            }
        }
        key.push(
            usize::from(self.descending) | self.nulls_first.map_or(0, |f| 2 + usize::from(f)) << 1,
        );
    }

    /// Appends the values the term binds on `dialect`, in order.
    pub(crate) fn collect_binds(&self, dialect: crate::Dialect, out: &mut Vec<Value>) {
        if let Some(expr) = &self.expr {
            if self.nulls_first.is_some() && dialect.imp().nulls_order_before_term() {
                expr.collect_binds(dialect, out);
            }
            expr.collect_binds(dialect, out);
        }
    }
}

/// What [`QuerySet::order_by`](super::QuerySet::order_by) accepts: one
/// term (`Post::created_at().desc()`, `Post::title().lower().asc()`), a
/// bare field (ascending), or an array or `Vec` of terms.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot order a queryset of `{M}`",
    label = "not an ordering on `{M}`'s fields",
    note = "order_by takes `{M}::field().asc()` / `.desc()`, a bare `{M}::field()`, an expression's `.asc()` / `.desc()`, or an array or Vec of those; every term must be on `{M}`"
)]
pub trait IntoOrderBy<M> {
    /// The terms, most significant first.
    fn into_order_by(self) -> Vec<OrderBy<M>>;
}

impl<M> IntoOrderBy<M> for OrderBy<M> {
    fn into_order_by(self) -> Vec<OrderBy<M>> {
        vec![self]
    }
}

impl<M, T, C: crate::relation::SingleValuedField> IntoOrderBy<M> for Field<M, T, C> {
    fn into_order_by(self) -> Vec<OrderBy<M>> {
        vec![self.asc()]
    }
}

impl<M, T: super::scalar::SqlType> IntoOrderBy<M> for F<M, T> {
    fn into_order_by(self) -> Vec<OrderBy<M>> {
        vec![self.asc()]
    }
}

impl<M, const N: usize> IntoOrderBy<M> for [OrderBy<M>; N] {
    fn into_order_by(self) -> Vec<OrderBy<M>> {
        self.into_iter().collect()
    }
}

impl<M> IntoOrderBy<M> for Vec<OrderBy<M>> {
    fn into_order_by(self) -> Vec<OrderBy<M>> {
        self
    }
}
