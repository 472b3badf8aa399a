//! JSON lookups on `serde_json::Value` fields: a key path inside the
//! document ([`JsonPath`]), compared with a value (`eq`), tested for
//! containment (`contains`, PostgreSQL's `@>`) or for a key (`has_key`).
//!
//! Keys are bound, never written into the SQL: PostgreSQL follows them
//! with `->` one bound key at a time; MySQL/MariaDB and SQLite get one
//! bound path text, `$."a"."b"`.
//!
//! - `eq` compares a scalar (string, number, boolean), numbers by value
//!   (`1` equals `1.0`), a string never equals a number and a boolean
//!   never equals `1`. Arrays, objects and JSON `null` are refused with
//!   an error (use `contains`, or `has_key`).
//! - `contains` is PostgreSQL's `@>`: an object contains an object whose
//!   every key it has with a contained value; an array contains an array
//!   whose every element it contains. MySQL/MariaDB use `JSON_CONTAINS`,
//!   which means the same. SQLite has no containment function: there a
//!   `contains` takes an object whose values are scalars or `null` (the
//!   common `{"status": "done"}`), and anything else is an error naming
//!   SQLite.
//! - `has_key` is true where the object at the path has the key (its
//!   value may be JSON `null`); an array never has a key.
//!
//! A missing key, or a `NULL` column, makes every lookup false, so
//! `exclude(...)` keeps those rows.

use crate::dialect::Dialect;
use crate::query::expr::{Expr, Q};
use crate::query::field::Field;
use crate::query::lookups::Lookup;
use crate::value::Value;
use crate::writer::SqlWriter;

/// What a JSON lookup asks of the value at its path.
#[derive(Debug, Clone)]
pub(crate) enum JsonOp {
    Eq(serde_json::Value),
    Contains(serde_json::Value),
    HasKey(String),
}

impl JsonOp {
    pub(super) fn tag(&self) -> usize {
        match self {
            JsonOp::Eq(_) => 0,
            JsonOp::Contains(_) => 1,
            JsonOp::HasKey(_) => 2,
        }
    }
}

/// A key path inside a JSON field, from
/// [`Field::key`](crate::query::Field::key): `Doc::data().key("a").key("b")`.
///
/// ```
/// # use strata::prelude::*;
/// #[derive(Model, Debug)]
/// struct Doc {
///     id: i64,
///     data: serde_json::Value,
/// }
///
/// let qs = Doc::objects().filter(Doc::data().key("a").key("b").eq(serde_json::json!(1)));
/// let stmt = qs.sql(Dialect::Postgres);
/// assert_eq!(
///     stmt.sql(),
///     r#"SELECT "id", "data" FROM "doc" WHERE COALESCE("data" -> $1 -> $2 = $3, FALSE)"#
/// );
/// ```
pub struct JsonPath<M, T, C> {
    field: Field<M, T, C>,
    keys: Vec<String>,
}

impl<M, T, C> Clone for JsonPath<M, T, C> {
    fn clone(&self) -> Self {
        JsonPath {
            field: self.field,
            keys: self.keys.clone(),
        }
    }
}

impl<M, T, C> std::fmt::Debug for JsonPath<M, T, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}{:?}", self.field, self.keys)
    }
}

impl<M, T, C> JsonPath<M, T, C> {
    pub(crate) fn new(field: Field<M, T, C>, keys: Vec<String>) -> Self {
        JsonPath { field, keys }
    }

    /// The value under `key` of the object at this path.
    pub fn key(mut self, key: &str) -> Self {
        self.keys.push(key.to_owned());
        self
    }

    fn lookup(self, op: JsonOp) -> Q<M> {
        Q::new(Expr::Lookup {
            column: self.field.col_ref(),
            lookup: Box::new(Lookup::Json {
                keys: self.keys,
                op,
            }),
        })
    }

    /// The value at this path equals the scalar `value` (a string, number
    /// or boolean; other values are an error when the query runs).
    pub fn eq(self, value: impl Into<serde_json::Value>) -> Q<M> {
        self.lookup(JsonOp::Eq(value.into()))
    }

    /// The value at this path contains `value` (PostgreSQL's `@>`; see
    /// the [module docs](self) for SQLite's subset).
    pub fn contains(self, value: impl Into<serde_json::Value>) -> Q<M> {
        self.lookup(JsonOp::Contains(value.into()))
    }

    /// The object at this path has `key`.
    pub fn has_key(self, key: &str) -> Q<M> {
        self.lookup(JsonOp::HasKey(key.to_owned()))
    }
}

/// `$."a"."b"`: the path text MySQL and SQLite read.
fn path_text<'a>(keys: impl IntoIterator<Item = &'a String>) -> String {
    let mut out = String::from("$");
    for key in keys {
        out.push_str(".\"");
        out.push_str(key);
        out.push('"');
    }
    out
}

fn json_text(value: &serde_json::Value) -> Value {
    Value::String(Some(value.to_string()))
}

/// `value` as the SQL value SQLite's `json_extract` gives for it.
fn sqlite_scalar(value: &serde_json::Value) -> Value {
    match value {
        serde_json::Value::Bool(b) => Value::I64(Some(*b as i64)),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::I64(Some(i)),
            None => Value::F64(n.as_f64()),
        },
        serde_json::Value::String(s) => Value::String(Some(s.clone())),
        other => json_text(other),
    }
}

/// The two `json_type` names a scalar of `value`'s kind may have.
fn sqlite_types(value: &serde_json::Value) -> [&'static str; 2] {
    match value {
        serde_json::Value::Bool(true) => ["true", "true"],
        serde_json::Value::Bool(false) => ["false", "false"],
        serde_json::Value::Number(_) => ["integer", "real"],
        _ => ["text", "text"],
    }
}

pub(super) fn binds(dialect: Dialect, keys: &[String], op: &JsonOp) -> Vec<Value> {
    let key = |k: &String| Value::String(Some(k.clone()));
    let path = || Value::String(Some(path_text(keys)));
    match (dialect, op) {
        (Dialect::Postgres, JsonOp::Eq(v) | JsonOp::Contains(v)) => {
            let mut out: Vec<Value> = keys.iter().map(key).collect();
            out.push(Value::Json(Some(Box::new(v.clone()))));
            out
        }
        (Dialect::Postgres, JsonOp::HasKey(k)) => keys.iter().chain([k]).map(key).collect(),
        (Dialect::MySql, JsonOp::Eq(v)) => vec![json_text(v), path(), json_text(v), path()],
        (Dialect::MySql, JsonOp::Contains(v)) => {
            vec![json_text(v), path(), json_text(v), path()]
        }
        (Dialect::MySql | Dialect::Sqlite, JsonOp::HasKey(k)) => {
            vec![Value::String(Some(path_text(keys.iter().chain([k]))))]
        }
        (Dialect::Sqlite, JsonOp::Eq(v)) => {
            let [a, b] = sqlite_types(v);
            vec![
                path(),
                Value::String(Some(a.into())),
                Value::String(Some(b.into())),
                path(),
                sqlite_scalar(v),
            ]
        }
        (Dialect::Sqlite, JsonOp::Contains(v)) => vec![path(), json_text(v), path()],
    }
}

pub(super) fn write(
    w: &mut SqlWriter,
    column: &dyn Fn(&mut SqlWriter),
    key_count: usize,
    op: &JsonOp,
    bind: &mut dyn FnMut(&mut SqlWriter),
) {
    w.push_sql("COALESCE(");
    match w.dialect() {
        Dialect::Postgres => {
            column(w);
            for _ in 0..key_count {
                w.push_sql(" -> ");
                bind(w);
            }
            match op {
                JsonOp::Eq(_) => w.push_sql(" = "),
                JsonOp::Contains(_) => w.push_sql(" @> "),
                JsonOp::HasKey(_) => w.push_sql(" -> "),
            }
            bind(w);
            if let JsonOp::HasKey(_) = op {
                w.push_sql(" IS NOT NULL");
            }
        }
        Dialect::MySql => match op {
            JsonOp::Eq(_) => {
                w.push_sql("JSON_CONTAINS(");
                column(w);
                w.push_sql(", ");
                bind(w);
                w.push_sql(", ");
                bind(w);
                w.push_sql(") AND JSON_CONTAINS(");
                bind(w);
                w.push_sql(", JSON_EXTRACT(");
                column(w);
                w.push_sql(", ");
                bind(w);
                w.push_sql("))");
            }
            JsonOp::Contains(_) => {
                // `JSON_CONTAINS` finds an object inside an array's
                // elements too; PostgreSQL's `@>` wants an object there.
                w.push_sql("JSON_CONTAINS(");
                column(w);
                w.push_sql(", ");
                bind(w);
                w.push_sql(", ");
                bind(w);
                w.push_sql(") AND (JSON_TYPE(");
                bind(w);
                w.push_sql(") <> 'OBJECT' OR JSON_TYPE(JSON_EXTRACT(");
                column(w);
                w.push_sql(", ");
                bind(w);
                w.push_sql(")) = 'OBJECT')");
            }
            JsonOp::HasKey(_) => {
                w.push_sql("JSON_CONTAINS_PATH(");
                column(w);
                w.push_sql(", 'one', ");
                bind(w);
                w.push_sql(")");
            }
        },
        Dialect::Sqlite => match op {
            JsonOp::Eq(_) => {
                w.push_sql("json_type(");
                column(w);
                w.push_sql(", ");
                bind(w);
                w.push_sql(") IN (");
                bind(w);
                w.push_sql(", ");
                bind(w);
                w.push_sql(") AND json_extract(");
                column(w);
                w.push_sql(", ");
                bind(w);
                w.push_sql(") = ");
                bind(w);
            }
            JsonOp::Contains(_) => {
                // Every key of the candidate object is in the object at
                // the path, with a value of the same kind and value.
                w.push_sql("json_type(");
                column(w);
                w.push_sql(", ");
                bind(w);
                w.push_sql(") = 'object' AND NOT EXISTS (SELECT 1 FROM json_each(");
                bind(w);
                w.push_sql(") AS strata_jc WHERE NOT EXISTS (SELECT 1 FROM json_each(");
                column(w);
                w.push_sql(", ");
                bind(w);
                w.push_sql(
                    ") AS strata_jt WHERE strata_jt.key = strata_jc.key \
                     AND (strata_jt.type = strata_jc.type OR (strata_jt.type IN ('integer', 'real') \
                     AND strata_jc.type IN ('integer', 'real'))) \
                     AND (strata_jt.atom = strata_jc.atom OR strata_jc.type = 'null')))",
                );
            }
            JsonOp::HasKey(_) => {
                w.push_sql("json_type(");
                column(w);
                w.push_sql(", ");
                bind(w);
                w.push_sql(") IS NOT NULL");
            }
        },
    }
    w.push_sql(", FALSE)");
}

pub(super) fn refusal(dialect: Dialect, keys: &[String], op: &JsonOp) -> Option<String> {
    let extra_key = match op {
        JsonOp::HasKey(k) => Some(k),
        _ => None,
    };
    if let Some(bad) = keys
        .iter()
        .chain(extra_key)
        .find(|k| k.contains('"') || k.contains('\\'))
    {
        return Some(format!(
            "the JSON key {bad:?} contains `\"` or `\\`, which MySQL and SQLite paths cannot quote; strata refuses it on every database"
        ));
    }
    match op {
        JsonOp::Eq(v) if !(v.is_string() || v.is_number() || v.is_boolean()) => Some(format!(
            "a JSON key path `eq` compares a string, number or boolean, not `{v}`; use `contains` for arrays and objects, `has_key` for a key holding null"
        )),
        JsonOp::Contains(v) if dialect == Dialect::Sqlite => {
            let simple = v
                .as_object()
                .is_some_and(|o| o.values().all(|x| !x.is_array() && !x.is_object()));
            (!simple).then(|| format!(
                "SQLite has no JSON containment: `contains` there takes an object whose values are scalars or null, not `{v}`"
            ))
        }
        _ => None,
    }
}

/// Field types the JSON lookups (`key`, `has_key`, `json_contains`)
/// apply to.
#[diagnostic::on_unimplemented(
    message = "JSON lookups need a `serde_json::Value` field, not a field of type `{Self}`",
    label = "this lookup needs a `serde_json::Value` or `Option<serde_json::Value>` field",
    note = "`key`, `has_key` and `json_contains` look inside JSON documents; compare other fields with `eq`, `contains`, ..."
)]
pub trait JsonField: crate::types::FieldType {}

impl JsonField for serde_json::Value {}
impl JsonField for Option<serde_json::Value> {}

impl<M, T, C> Field<M, T, C> {
    /// The value under `key` of the JSON object in this field, for
    /// [`eq`](JsonPath::eq), [`contains`](JsonPath::contains),
    /// [`has_key`](JsonPath::has_key) or a further [`key`](JsonPath::key).
    pub fn key(self, key: &str) -> JsonPath<M, T, C>
    where
        T: JsonField,
    {
        JsonPath::new(self, vec![key.to_owned()])
    }

    /// The JSON object in this field has `key` (Django's `has_key`).
    pub fn has_key(self, key: &str) -> Q<M>
    where
        T: JsonField,
    {
        JsonPath::new(self, Vec::new()).has_key(key)
    }

    /// The JSON document in this field contains `value` (PostgreSQL's
    /// `@>`, Django's `contains`; see the [module docs](self)).
    pub fn json_contains(self, value: impl Into<serde_json::Value>) -> Q<M>
    where
        T: JsonField,
    {
        JsonPath::new(self, Vec::new()).contains(value)
    }
}
