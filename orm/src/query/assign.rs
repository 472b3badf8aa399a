//! [`Assignment`]: `field = value` in an `UPDATE`.

use super::scalar::Node;
use crate::meta::ColumnMeta;
use crate::value::Value;
use std::marker::PhantomData;

/// Sets one field of model `M`; made by [`Field::set`](super::Field::set).
pub struct Assignment<M> {
    pub(crate) column: &'static ColumnMeta,
    /// The new value: a [`Node::Value`] for a value (checked against the
    /// column's type and bound), any other node for an expression the
    /// database computes.
    pub(crate) node: Node,
    /// Set when the field was reached through a relation, which an
    /// `UPDATE` of this model cannot write.
    pub(crate) joined: bool,
    _model: PhantomData<fn() -> M>,
}

impl<M> Assignment<M> {
    pub(crate) fn new(column: &'static ColumnMeta, value: Value, joined: bool) -> Self {
        Assignment::expr(column, Node::Value(value), joined)
    }

    pub(crate) fn expr(column: &'static ColumnMeta, node: Node, joined: bool) -> Self {
        Assignment {
            column,
            node,
            joined,
            _model: PhantomData,
        }
    }
}

impl<M> std::fmt::Debug for Assignment<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.node {
            Node::Value(value) => write!(f, "{} = {value}", self.column.field),
            expr => write!(f, "{} = {expr:?}", self.column.field),
        }
    }
}
