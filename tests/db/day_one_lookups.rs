//! Regular-expression and JSON lookups on every database, each compared
//! with the same question answered in Rust over the fixture.

use serde_json::json;
use strata::prelude::*;
use strata_tests::day_one::{docs, Doc};
use strata_tests::each_db;

async fn seeded(db: &Db) -> Vec<Doc> {
    db.create_tables(&[Doc::META]).await.unwrap();
    let mut rows = docs();
    for row in &mut rows {
        row.insert(db).await.unwrap();
    }
    rows
}

async fn names(db: &Db, q: Q<Doc>) -> Vec<String> {
    let mut got: Vec<String> = Doc::objects()
        .filter(q)
        .all(db)
        .await
        .unwrap_or_else(|e| panic!("on {}: {e}", db.dialect()))
        .into_iter()
        .map(|d| d.name)
        .collect();
    got.sort();
    got
}

fn want(rows: &[Doc], keep: impl Fn(&Doc) -> bool) -> Vec<String> {
    let mut out: Vec<String> = rows
        .iter()
        .filter(|d| keep(d))
        .map(|d| d.name.clone())
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn regex_lookups_give_the_same_rows_on_every_database() {
    each_db("regex_lookups", |db| async move {
        let rows = seeded(&db).await;
        type Case = (&'static str, bool, fn(&str) -> bool);
        let cases: [Case; 9] = [
            ("^r", false, |s| s.starts_with('r')),
            ("^r", true, |s| s.to_lowercase().starts_with('r')),
            ("ust$", false, |s| s.ends_with("ust")),
            ("[0-9]+", false, |s| s.chars().any(|c| c.is_ascii_digit())),
            ("^(cr|tr)", true, |s| {
                let l = s.to_lowercase();
                l.starts_with("cr") || l.starts_with("tr")
            }),
            ("s{1}t", false, |s| s.contains("st")),
            ("\\.x$", false, |s| s.ends_with(".x")),
            ("^émile", true, |s| s.to_lowercase().starts_with("émile")),
            ("ru?st", false, |s| s.contains("rust") || s.contains("rst")),
        ];
        for (pattern, insensitive, keep) in cases {
            let q = if insensitive {
                Doc::name().iregex(pattern)
            } else {
                Doc::name().regex(pattern)
            };
            let expected = want(&rows, |d| keep(&d.name));
            assert_eq!(
                names(&db, q.clone()).await,
                expected,
                "{pattern} (insensitive: {insensitive}) on {}",
                db.dialect()
            );
            // The exclusion is the complement.
            let excluded: Vec<String> = {
                let mut v: Vec<String> = Doc::objects()
                    .exclude(q)
                    .all(&db)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|d| d.name)
                    .collect();
                v.sort();
                v
            };
            assert_eq!(excluded, want(&rows, |d| !keep(&d.name)), "not {pattern}");
        }
    })
    .await;
}

#[tokio::test]
async fn json_key_paths_compare_scalars_by_kind_on_every_database() {
    each_db("json_key_eq", |db| async move {
        let rows = seeded(&db).await;
        let at = |d: &Doc, keys: &[&str]| -> Option<serde_json::Value> {
            let mut v = &d.data;
            for k in keys {
                v = v.as_object()?.get(*k)?;
            }
            Some(v.clone())
        };
        let cases: Vec<(Vec<&str>, serde_json::Value)> = vec![
            (vec!["a", "b"], json!(1)),
            (vec!["a", "b"], json!("1")),
            (vec!["a", "b"], json!(true)),
            (vec!["status"], json!("done")),
            (vec!["n"], json!(2)),
            (vec!["n"], json!(2.5)),
            (vec!["flag"], json!(false)),
            (vec!["a"], json!(1)),
        ];
        for (keys, value) in cases {
            let mut path = Doc::data().key(keys[0]);
            for k in &keys[1..] {
                path = path.key(k);
            }
            let expected = want(&rows, |d| at(d, &keys).as_ref() == Some(&value));
            assert_eq!(
                names(&db, path.clone().eq(value.clone())).await,
                expected,
                "{keys:?} = {value} on {}",
                db.dialect()
            );
            // exclude() keeps the rows where the key is missing.
            let kept: Vec<String> = {
                let mut v: Vec<String> = Doc::objects()
                    .exclude(path.eq(value.clone()))
                    .all(&db)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|d| d.name)
                    .collect();
                v.sort();
                v
            };
            assert_eq!(
                kept,
                want(&rows, |d| at(d, &keys).as_ref() != Some(&value)),
                "not {keys:?} = {value}"
            );
        }
        let refused = Doc::objects()
            .filter(Doc::data().key("a").eq(json!({"b": 1})))
            .all(&db)
            .await;
        assert!(
            matches!(&refused, Err(strata::Error::InvalidQuery { reason, .. }) if reason.contains("use `contains`")),
            "{refused:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn json_has_key_and_contains_agree_on_every_database() {
    each_db("json_has_key_contains", |db| async move {
        let rows = seeded(&db).await;
        let has = |v: &serde_json::Value, k: &str| v.as_object().is_some_and(|o| o.contains_key(k));
        for key in ["flag", "note", "status", "missing"] {
            assert_eq!(
                names(&db, Doc::data().has_key(key)).await,
                want(&rows, |d| has(&d.data, key)),
                "has_key {key} on {}",
                db.dialect()
            );
        }
        assert_eq!(
            names(&db, Doc::data().key("a").has_key("b")).await,
            want(&rows, |d| d.data.get("a").is_some_and(|a| has(a, "b"))),
        );
        // A NULL column has no key; exclude keeps it.
        assert_eq!(
            names(&db, Doc::extra().has_key("k")).await,
            want(&rows, |d| d.extra.as_ref().is_some_and(|e| has(e, "k")))
        );
        assert_eq!(
            names(&db, !Doc::extra().has_key("k")).await,
            want(&rows, |d| !d.extra.as_ref().is_some_and(|e| has(e, "k")))
        );
        // Objects of scalars: the form every database answers.
        let object_contains = |v: &serde_json::Value, c: &serde_json::Value| {
            let (Some(v), Some(c)) = (v.as_object(), c.as_object()) else {
                return false;
            };
            c.iter().all(|(k, x)| v.get(k) == Some(x))
        };
        for candidate in [
            json!({"status": "done"}),
            json!({"status": "done", "n": 2}),
            json!({"flag": true}),
            json!({"note": null}),
            json!({}),
        ] {
            assert_eq!(
                names(&db, Doc::data().json_contains(candidate.clone())).await,
                want(&rows, |d| object_contains(&d.data, &candidate)),
                "contains {candidate} on {}",
                db.dialect()
            );
        }
        assert_eq!(
            names(&db, Doc::data().key("a").contains(json!({"b": 2}))).await,
            want(&rows, |d| d.data.get("a").is_some_and(|a| object_contains(a, &json!({"b": 2})))),
        );
        // Arrays inside: PostgreSQL and MySQL/MariaDB; SQLite says it cannot.
        let nested = Doc::objects()
            .filter(Doc::data().json_contains(json!({"tags": ["x"]})))
            .all(&db)
            .await;
        match db.dialect() {
            Dialect::Sqlite => assert!(
                matches!(&nested, Err(strata::Error::InvalidQuery { reason, .. }) if reason.contains("SQLite")),
                "{nested:?}"
            ),
            _ => {
                let got: Vec<String> = nested.unwrap().into_iter().map(|d| d.name).collect();
                assert_eq!(got, vec!["Rust".to_string()]);
                let arrays = names(&db, Doc::data().key("tags").contains(json!(["y"]))).await;
                assert_eq!(arrays, want(&rows, |d| d.data.get("tags").is_some_and(|t| t.as_array().is_some_and(|a| a.contains(&json!("y"))))));
            }
        }
    })
    .await;
}
