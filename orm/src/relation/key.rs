//! [`Key`]: a primary-key value usable in hash maps, for matching
//! prefetched rows to their parents and comparing many-to-many pairs.

use crate::value::Value;

/// A hash map from keys: foldhash, seeded per process (fast on the short
/// keys of a prefetch, and not predictable from outside).
pub(crate) type KeyMap<V> = std::collections::HashMap<Key, V, foldhash::fast::RandomState>;

/// A hash set of keys (see [`KeyMap`]).
pub(crate) type KeySet = std::collections::HashSet<Key, foldhash::fast::RandomState>;

/// A key value that can be hashed. Integer keys of any width compare as
/// one kind (a key column's values always decode to the same variant);
/// the rare key types without `Hash` (dates, decimals, floats) are kept in
/// their debug form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    Null,
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
    Uuid(uuid::Uuid),
    Other(String),
}

impl From<Value> for Key {
    fn from(value: Value) -> Key {
        match value {
            Value::I16(Some(v)) => Key::Int(v.into()),
            Value::I32(Some(v)) => Key::Int(v.into()),
            Value::I64(Some(v)) => Key::Int(v),
            Value::String(Some(v)) => Key::Text(v),
            Value::Bytes(Some(v)) => Key::Bytes(v),
            Value::Uuid(Some(v)) => Key::Uuid(v),
            v if v.is_null() => Key::Null,
            v => Key::Other(format!("{v:?}")),
        }
    }
}
