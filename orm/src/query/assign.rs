//! [`Assignment`]: `field = value` in an `UPDATE`.

use crate::meta::ColumnMeta;
use crate::value::Value;
use std::marker::PhantomData;

/// Sets one field of model `M`; made by [`Field::set`](super::Field::set).
pub struct Assignment<M> {
    pub(crate) column: &'static ColumnMeta,
    pub(crate) value: Value,
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
            joined,
            _model: PhantomData,
        }
    }
}

impl<M> std::fmt::Debug for Assignment<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} = {}", self.column.field, self.value)
    }
}
