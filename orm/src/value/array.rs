//! [`Array`]: a list of values of one kind, bound as a single parameter.
//!
//! PostgreSQL compares a column with a whole list through one array
//! parameter (`"id" = ANY($1)`), so the SQL text is the same for every
//! list length and one statement carries any number of keys. strata writes
//! in-lists that way on PostgreSQL whenever the values are of one kind.

use super::Value;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use std::fmt;
use uuid::Uuid;

/// A typed list of values (each possibly `NULL`), bound as one array
/// parameter. Made from a list of [`Value`]s of one kind by
/// [`Array::from_values`].
///
/// ```
/// use strata::{Array, Value};
///
/// let ids = Array::from_values(&[Value::I64(Some(1)), Value::I64(Some(2))]).unwrap();
/// assert_eq!(ids.len(), 2);
/// assert_eq!(ids.get(1), Some(Value::I64(Some(2))));
/// // Mixed kinds have no array type.
/// assert!(Array::from_values(&[Value::I64(Some(1)), Value::Bool(Some(true))]).is_none());
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Array {
    Bool(Vec<Option<bool>>),
    I16(Vec<Option<i16>>),
    I32(Vec<Option<i32>>),
    I64(Vec<Option<i64>>),
    F32(Vec<Option<f32>>),
    F64(Vec<Option<f64>>),
    String(Vec<Option<String>>),
    Bytes(Vec<Option<Vec<u8>>>),
    Date(Vec<Option<NaiveDate>>),
    Time(Vec<Option<NaiveTime>>),
    DateTime(Vec<Option<NaiveDateTime>>),
    DateTimeUtc(Vec<Option<DateTime<Utc>>>),
    Uuid(Vec<Option<Uuid>>),
    Decimal(Vec<Option<Decimal>>),
}

/// Calls `$body` with the vector of whichever variant `$array` is.
macro_rules! each_variant {
    ($array:expr, $v:ident => $body:expr) => {
        match $array {
            Array::Bool($v) => $body,
            Array::I16($v) => $body,
            Array::I32($v) => $body,
            Array::I64($v) => $body,
            Array::F32($v) => $body,
            Array::F64($v) => $body,
            Array::String($v) => $body,
            Array::Bytes($v) => $body,
            Array::Date($v) => $body,
            Array::Time($v) => $body,
            Array::DateTime($v) => $body,
            Array::DateTimeUtc($v) => $body,
            Array::Uuid($v) => $body,
            Array::Decimal($v) => $body,
        }
    };
}

impl Array {
    /// The array of `values` if they are all of one kind that has an array
    /// type (JSON has none here), and there is at least one.
    pub fn from_values(values: &[Value]) -> Option<Array> {
        macro_rules! collect {
            ($variant:ident) => {{
                let mut out = Vec::with_capacity(values.len());
                for value in values {
                    match value {
                        Value::$variant(v) => out.push(v.clone()),
                        _ => return None,
                    }
                }
                Some(Array::$variant(out))
            }};
        }
        match values.first()? {
            Value::Bool(_) => collect!(Bool),
            Value::I16(_) => collect!(I16),
            Value::I32(_) => collect!(I32),
            Value::I64(_) => collect!(I64),
            Value::F32(_) => collect!(F32),
            Value::F64(_) => collect!(F64),
            Value::String(_) => collect!(String),
            Value::Bytes(_) => collect!(Bytes),
            Value::Date(_) => collect!(Date),
            Value::Time(_) => collect!(Time),
            Value::DateTime(_) => collect!(DateTime),
            Value::DateTimeUtc(_) => collect!(DateTimeUtc),
            Value::Uuid(_) => collect!(Uuid),
            Value::Decimal(_) => collect!(Decimal),
            Value::Json(_) | Value::Array(_) => None,
        }
    }

    /// How many elements the array has.
    pub fn len(&self) -> usize {
        each_variant!(self, v => v.len())
    }

    /// Whether the array has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Element `index` as a [`Value`].
    pub fn get(&self, index: usize) -> Option<Value> {
        macro_rules! element {
            ($($variant:ident),*) => {
                match self {
                    $(Array::$variant(v) => v.get(index).cloned().map(Value::$variant),)*
                }
            };
        }
        element!(
            Bool,
            I16,
            I32,
            I64,
            F32,
            F64,
            String,
            Bytes,
            Date,
            Time,
            DateTime,
            DateTimeUtc,
            Uuid,
            Decimal
        )
    }

    /// Every element as a [`Value`], in order.
    pub fn values(&self) -> impl Iterator<Item = Value> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Calls `f` with every element as a [`Value`], in order: the fast
    /// way to spread the array into one parameter per element.
    pub fn for_each_value(&self, mut f: impl FnMut(Value)) {
        macro_rules! spread {
            ($($variant:ident),*) => {
                match self {
                    $(Array::$variant(v) => {
                        for x in v {
                            f(Value::$variant(x.clone()));
                        }
                    })*
                }
            };
        }
        spread!(
            Bool,
            I16,
            I32,
            I64,
            F32,
            F64,
            String,
            Bytes,
            Date,
            Time,
            DateTime,
            DateTimeUtc,
            Uuid,
            Decimal
        )
    }

    /// An empty array of the same kind.
    pub fn emptied(&self) -> Array {
        macro_rules! empty {
            ($($variant:ident),*) => {
                match self {
                    $(Array::$variant(_) => Array::$variant(Vec::new()),)*
                }
            };
        }
        empty!(
            Bool,
            I16,
            I32,
            I64,
            F32,
            F64,
            String,
            Bytes,
            Date,
            Time,
            DateTime,
            DateTimeUtc,
            Uuid,
            Decimal
        )
    }
}

/// Shows the array as PostgreSQL's `ARRAY[...]` constructor would read.
impl fmt::Display for Array {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ARRAY[")?;
        for (i, value) in self.values().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{value}")?;
        }
        f.write_str("]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_kind_of_values_makes_an_array_with_nulls_kept() {
        let array = Array::from_values(&[Value::String(Some("a".into())), Value::String(None)])
            .expect("one kind");
        assert_eq!(array, Array::String(vec![Some("a".into()), None]));
        assert_eq!(array.values().collect::<Vec<_>>().len(), 2);
        assert_eq!(array.to_string(), "ARRAY['a', NULL]");
    }

    #[test]
    fn empty_mixed_and_json_lists_have_no_array() {
        assert!(Array::from_values(&[]).is_none());
        assert!(Array::from_values(&[Value::I32(Some(1)), Value::I64(Some(1))]).is_none());
        assert!(Array::from_values(&[Value::Json(None)]).is_none());
    }
}
