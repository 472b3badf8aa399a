//! The model and fixture of the day-one lookups: regular expressions on
//! text and JSON lookups on a document, with each row's expected matches
//! computable in plain Rust.

use serde_json::json;
use strata::prelude::*;

/// A named JSON document.
#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "doc")]
pub struct Doc {
    pub id: i64,
    #[strata(max_length = 40)]
    pub name: String,
    pub data: serde_json::Value,
    pub extra: Option<serde_json::Value>,
}

/// Unsaved documents: nested keys holding numbers, strings and booleans
/// of the same "1", a JSON `null`, an array document, and a `NULL`
/// column; names in mixed case, with non-ASCII letters.
pub fn docs() -> Vec<Doc> {
    let doc = |name: &str, data: serde_json::Value, extra: Option<serde_json::Value>| Doc {
        id: 0,
        name: name.into(),
        data,
        extra,
    };
    vec![
        doc(
            "Rust",
            json!({"a": {"b": 1}, "tags": ["x", "y"], "status": "done", "n": 2}),
            Some(json!({"k": 1})),
        ),
        doc(
            "rusty nail",
            json!({"a": {"b": 2}, "tags": ["y"], "status": "open", "flag": true}),
            None,
        ),
        doc(
            "Trust 42",
            json!({"a": {"b": "1"}, "status": "done", "flag": false, "n": 2.5}),
            Some(json!({"k": 2})),
        ),
        doc("crab", json!({"a": 1, "note": null}), None),
        doc("Émile", json!([1, 2, {"status": "done"}]), Some(json!([1]))),
        doc("émile.x", json!({"a": {"b": true}}), None),
    ]
}
