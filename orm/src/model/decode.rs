//! Decoding a model's fields from a row, and its generated key, for the
//! code `#[derive(Model)]` writes.

use super::Model;
use crate::db::Row;
use crate::error::{Error, Result};
use crate::types::FieldType;

/// Decodes field `T` at `index`, naming the model (`meta`) and column on
/// failure. Used by `#[derive(Model)]`. Generic over the field's type
/// only, so a crate compiles one copy per field type, not one per model
/// and type.
#[doc(hidden)]
#[inline]
pub fn decode_field<T: FieldType>(
    row: &Row,
    index: usize,
    meta: &'static crate::meta::ModelMeta,
    column: usize,
) -> Result<T> {
    match T::decode(row, index) {
        Ok(value) => Ok(value),
        Err(e) => Err(decode_error(meta, column, row, &e)),
    }
}

/// The error of a column that failed to decode (off the hot path).
#[cold]
#[inline(never)]
fn decode_error(
    meta: &'static crate::meta::ModelMeta,
    column: usize,
    row: &Row,
    error: &crate::types::DecodeError,
) -> Error {
    Error::Decode {
        model: meta.name,
        column: meta.columns[column].column,
        dialect: row.dialect(),
        message: error.to_string(),
    }
}

/// Decodes a related model joined at `offset`, or `None` when the join
/// found no row (its primary key is `NULL`). Used by generated code.
#[doc(hidden)]
pub fn decode_related<T: Model>(
    row: &Row,
    offset: usize,
) -> Result<Option<Box<dyn std::any::Any + Send>>> {
    let pk_index = offset + T::META.primary_key;
    let missing = row.is_null(pk_index).map_err(|e| Error::Decode {
        model: T::META.name,
        column: T::META.pk().column,
        dialect: row.dialect(),
        message: e.to_string(),
    })?;
    if missing {
        return Ok(None);
    }
    Ok(Some(Box::new(T::from_row(row, offset)?)))
}

/// Converts a generated key to the key field's integer type.
#[doc(hidden)]
pub fn generated_pk<M: Model, K: TryFrom<i64>>(id: i64) -> Result<K> {
    K::try_from(id).map_err(|_| Error::InvalidQuery {
        model: M::META.name,
        reason: format!(
            "generated key {id} does not fit the type of `{}`",
            M::META.pk().field
        ),
    })
}
