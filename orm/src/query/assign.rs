//! [`Assignment`]: `field = value` in an `UPDATE`.

use super::scalar::Node;
use crate::meta::ColumnMeta;
use crate::value::Value;
use std::marker::PhantomData;

/// Sets one field of model `M`; made by [`Field::set`](super::Field::set).
pub struct Assignment<M> {
    pub(crate) column: &'static ColumnMeta,
    pub(crate) value: Value,
    /// An expression computed by the database instead of `value`.
    pub(crate) expr: Option<Node>,
    /// Set when the field was reached through a relation, which an
    /// `UPDATE` of this model cannot write.
    pub(crate) joined: bool,
    _model: PhantomData<fn() -> M>,
}

impl<M> Assignment<M> {
    pub(crate) fn new(column: &'static ColumnMeta, value: Value, joined: bool) -> Self {
        Assignment {
            column,
            value,
            expr: None,
            joined,
            _model: PhantomData,
        }
    }

    pub(crate) fn expr(column: &'static ColumnMeta, expr: Node, joined: bool) -> Self {
        Assignment {
            column,
            value: crate::types::null_of(&column.ty),
            expr: Some(expr),
            joined,
            _model: PhantomData,
        }
    }
}

impl<M> std::fmt::Debug for Assignment<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.expr {
            Some(expr) => write!(f, "{} = {expr:?}", self.column.field),
            None => write!(f, "{} = {}", self.column.field, self.value),
        }
    }
}
