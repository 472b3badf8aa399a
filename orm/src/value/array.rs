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

/// Calls `$m!` with every variant of [`Array`] (each is also a variant of
/// [`Value`] with the same element type), so that the list is written once.
macro_rules! with_variants {
    ($m:ident) => {
        $m!(
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
    };
}

impl Array {
    /// The array of `values` if they are all of one kind that has an array
    /// type (JSON has none here), and there is at least one.
    pub fn from_values(values: &[Value]) -> Option<Array> {
        macro_rules! collect {
            ($($variant:ident),*) => {
                match values.first()? {
                    $(Value::$variant(_) => {
                        let mut out = Vec::with_capacity(values.len());
                        for value in values {
                            match value {
                                Value::$variant(v) => out.push(v.clone()),
                                _ => return None,
                            }
                        }
                        Some(Array::$variant(out))
                    })*
                    Value::Json(_) | Value::Array(_) => None,
                }
            };
        }
        with_variants!(collect)
    }

    /// How many elements the array has.
    pub fn len(&self) -> usize {
        macro_rules! len {
            ($($variant:ident),*) => {
                match self {
                    $(Array::$variant(v) => v.len(),)*
                }
            };
        }
        with_variants!(len)
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
        with_variants!(element)
    }

    /// Every element as a [`Value`], in order.
    pub fn values(&self) -> impl Iterator<Item = Value> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
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
        with_variants!(empty)
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
