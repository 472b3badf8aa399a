//! Lookups that each database spells its own way: regular expressions
//! ([`regex`]) and JSON paths ([`json`]). Each is one [`Lookup`] on a
//! column; it writes its SQL and lists its binds from the same data, so
//! that a cached statement binds exactly what a fresh render would.

pub(crate) mod json;
pub(crate) mod regex;

pub use json::{JsonField, JsonPath};

use crate::dialect::Dialect;
use crate::value::Value;
use crate::writer::SqlWriter;

/// One dialect-specific lookup on a column.
#[derive(Debug, Clone)]
pub(crate) enum Lookup {
    /// The column matches a regular expression.
    Regex {
        pattern: String,
        case_insensitive: bool,
    },
    /// A JSON lookup at a key path (possibly empty) inside the column.
    Json { keys: Vec<String>, op: json::JsonOp },
}

impl Lookup {
    /// The words of the statement-cache key: what changes the SQL text.
    pub(crate) fn shape_words(&self) -> [usize; 3] {
        match self {
            Lookup::Regex {
                case_insensitive, ..
            } => [1, *case_insensitive as usize, 0],
            Lookup::Json { keys, op } => [2 + op.tag(), keys.len(), 0],
        }
    }

    /// Writes the lookup on the column `column` writes, binding what
    /// [`binds`](Lookup::binds) lists, in that order.
    pub(crate) fn write(&self, w: &mut SqlWriter, column: &dyn Fn(&mut SqlWriter)) {
        let dialect = w.dialect();
        let mut binds = self.binds(dialect).into_iter();
        let mut bind = |w: &mut SqlWriter| {
            if let Some(v) = binds.next() {
                w.push_bind(v);
            }
        };
        match self {
            Lookup::Regex {
                case_insensitive, ..
            } => regex::write(w, column, *case_insensitive, &mut bind),
            Lookup::Json { keys, op } => json::write(w, column, keys.len(), op, &mut bind),
        }
    }

    /// The values [`write`](Lookup::write) binds on `dialect`, in order.
    pub(crate) fn binds(&self, dialect: Dialect) -> Vec<Value> {
        match self {
            Lookup::Regex {
                pattern,
                case_insensitive,
            } => regex::binds(dialect, pattern, *case_insensitive),
            Lookup::Json { keys, op } => json::binds(dialect, keys, op),
        }
    }

    /// Why the lookup cannot run on `dialect`, if it cannot.
    pub(crate) fn refusal(&self, dialect: Dialect) -> Option<String> {
        match self {
            Lookup::Regex { .. } => None,
            Lookup::Json { keys, op } => json::refusal(dialect, keys, op),
        }
    }
}
