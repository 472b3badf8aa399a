//! Values between sea-query and strata, both ways, exactly or not at all.

use crate::error::{Error, Result};
use crate::value::{Array, Value};
use sea_query::{ArrayType, Value as SeaValue};

fn refused(what: &str, reason: impl Into<String>) -> Error {
    Error::SeaQuery {
        what: what.into(),
        reason: reason.into(),
    }
}

/// A sea-query value as the strata value bound in its place. Unsigned and
/// narrow integers widen to the next strata integer that holds every value;
/// a `u64` above `i64::MAX`, an enum, and the types strata has no value for
/// (e.g. `time`, `bigdecimal`, network addresses) are refused.
pub(crate) fn from_sea(value: SeaValue) -> Result<Value> {
    Ok(match value {
        SeaValue::Bool(v) => Value::Bool(v),
        SeaValue::TinyInt(v) => Value::I16(v.map(i16::from)),
        SeaValue::SmallInt(v) => Value::I16(v),
        SeaValue::Int(v) => Value::I32(v),
        SeaValue::BigInt(v) => Value::I64(v),
        SeaValue::TinyUnsigned(v) => Value::I16(v.map(i16::from)),
        SeaValue::SmallUnsigned(v) => Value::I32(v.map(i32::from)),
        SeaValue::Unsigned(v) => Value::I64(v.map(i64::from)),
        SeaValue::BigUnsigned(v) => Value::I64(v.map(i64::try_from).transpose().map_err(|_| {
            refused(
                "a u64 value",
                "it is above i64::MAX, which no column strata writes holds",
            )
        })?),
        SeaValue::Float(v) => Value::F32(v),
        SeaValue::Double(v) => Value::F64(v),
        SeaValue::String(v) => Value::String(v),
        SeaValue::Char(v) => Value::String(v.map(String::from)),
        SeaValue::Bytes(v) => Value::Bytes(v),
        SeaValue::Json(v) => Value::Json(v),
        SeaValue::ChronoDate(v) => Value::Date(v),
        SeaValue::ChronoTime(v) => Value::Time(v),
        SeaValue::ChronoDateTime(v) => Value::DateTime(v),
        SeaValue::ChronoDateTimeUtc(v) => Value::DateTimeUtc(v),
        // The same instant, in UTC: what strata stores for `DateTime<Utc>`.
        SeaValue::ChronoDateTimeLocal(v) => Value::DateTimeUtc(v.map(|t| t.to_utc())),
        SeaValue::ChronoDateTimeWithTimeZone(v) => Value::DateTimeUtc(v.map(|t| t.to_utc())),
        SeaValue::Uuid(v) => Value::Uuid(v),
        SeaValue::Decimal(v) => Value::Decimal(v),
        SeaValue::Array(ty, items) => Value::Array(array_from_sea(ty, items)?),
        // Enabled by another crate's sea-query features: no strata value.
        #[allow(unreachable_patterns)]
        other => {
            return Err(refused(
                "a sea-query value",
                format!("strata has no value of this kind to bind: {other:?}"),
            ))
        }
    })
}

// sea-query's own representation of an array value.
#[allow(clippy::box_collection)]
fn array_from_sea(ty: ArrayType, items: Option<Box<Vec<SeaValue>>>) -> Result<Array> {
    let Some(items) = items else {
        return Err(refused(
            "a NULL array",
            "strata binds arrays only as lists of values",
        ));
    };
    let values = items
        .into_iter()
        .map(from_sea)
        .collect::<Result<Vec<_>>>()?;
    let empty = || match ty {
        ArrayType::Bool => Some(Array::Bool(Vec::new())),
        ArrayType::SmallInt | ArrayType::TinyInt | ArrayType::TinyUnsigned => {
            Some(Array::I16(Vec::new()))
        }
        ArrayType::Int | ArrayType::SmallUnsigned => Some(Array::I32(Vec::new())),
        ArrayType::BigInt | ArrayType::Unsigned | ArrayType::BigUnsigned => {
            Some(Array::I64(Vec::new()))
        }
        ArrayType::Float => Some(Array::F32(Vec::new())),
        ArrayType::Double => Some(Array::F64(Vec::new())),
        ArrayType::String | ArrayType::Char => Some(Array::String(Vec::new())),
        ArrayType::Bytes => Some(Array::Bytes(Vec::new())),
        ArrayType::ChronoDate => Some(Array::Date(Vec::new())),
        ArrayType::ChronoTime => Some(Array::Time(Vec::new())),
        ArrayType::ChronoDateTime => Some(Array::DateTime(Vec::new())),
        ArrayType::ChronoDateTimeUtc
        | ArrayType::ChronoDateTimeLocal
        | ArrayType::ChronoDateTimeWithTimeZone => Some(Array::DateTimeUtc(Vec::new())),
        ArrayType::Uuid => Some(Array::Uuid(Vec::new())),
        ArrayType::Decimal => Some(Array::Decimal(Vec::new())),
        #[allow(unreachable_patterns)]
        _ => None,
    };
    let array = if values.is_empty() {
        empty()
    } else {
        Array::from_values(&values)
    };
    array.ok_or_else(|| {
        refused(
            "a sea-query array",
            format!("strata has no array of {ty:?} (or its items are of mixed kinds)"),
        )
    })
}

/// A strata value as sea-query's. Every strata value has one.
pub(crate) fn to_sea(value: Value) -> SeaValue {
    match value {
        Value::Bool(v) => SeaValue::Bool(v),
        Value::I16(v) => SeaValue::SmallInt(v),
        Value::I32(v) => SeaValue::Int(v),
        Value::I64(v) => SeaValue::BigInt(v),
        Value::F32(v) => SeaValue::Float(v),
        Value::F64(v) => SeaValue::Double(v),
        Value::String(v) => SeaValue::String(v),
        Value::Bytes(v) => SeaValue::Bytes(v),
        Value::Date(v) => SeaValue::ChronoDate(v),
        Value::Time(v) => SeaValue::ChronoTime(v),
        Value::DateTime(v) => SeaValue::ChronoDateTime(v),
        Value::DateTimeUtc(v) => SeaValue::ChronoDateTimeUtc(v),
        Value::Uuid(v) => SeaValue::Uuid(v),
        Value::Decimal(v) => SeaValue::Decimal(v),
        Value::Json(v) => SeaValue::Json(v),
        Value::Array(a) => array_to_sea(a),
    }
}

fn array_to_sea(array: Array) -> SeaValue {
    #[allow(clippy::box_collection)]
    fn items<T>(
        v: Vec<Option<T>>,
        f: impl Fn(Option<T>) -> SeaValue,
    ) -> Option<Box<Vec<SeaValue>>> {
        Some(Box::new(v.into_iter().map(f).collect()))
    }
    match array {
        Array::Bool(v) => SeaValue::Array(ArrayType::Bool, items(v, SeaValue::Bool)),
        Array::I16(v) => SeaValue::Array(ArrayType::SmallInt, items(v, SeaValue::SmallInt)),
        Array::I32(v) => SeaValue::Array(ArrayType::Int, items(v, SeaValue::Int)),
        Array::I64(v) => SeaValue::Array(ArrayType::BigInt, items(v, SeaValue::BigInt)),
        Array::F32(v) => SeaValue::Array(ArrayType::Float, items(v, SeaValue::Float)),
        Array::F64(v) => SeaValue::Array(ArrayType::Double, items(v, SeaValue::Double)),
        Array::String(v) => SeaValue::Array(ArrayType::String, items(v, SeaValue::String)),
        Array::Bytes(v) => SeaValue::Array(ArrayType::Bytes, items(v, SeaValue::Bytes)),
        Array::Date(v) => SeaValue::Array(ArrayType::ChronoDate, items(v, SeaValue::ChronoDate)),
        Array::Time(v) => SeaValue::Array(ArrayType::ChronoTime, items(v, SeaValue::ChronoTime)),
        Array::DateTime(v) => SeaValue::Array(
            ArrayType::ChronoDateTime,
            items(v, SeaValue::ChronoDateTime),
        ),
        Array::DateTimeUtc(v) => SeaValue::Array(
            ArrayType::ChronoDateTimeUtc,
            items(v, SeaValue::ChronoDateTimeUtc),
        ),
        Array::Uuid(v) => SeaValue::Array(ArrayType::Uuid, items(v, SeaValue::Uuid)),
        Array::Decimal(v) => SeaValue::Array(ArrayType::Decimal, items(v, SeaValue::Decimal)),
    }
}
