//! `StringAgg` against every database, compared with the same join done
//! in Rust over the fixture: hostile and non-ASCII separators and values,
//! order within the concatenation, `NULL`s, empty sets, `distinct`,
//! filters, `values(..).annotate(..)` groups and relation annotations,
//! and a result longer than MySQL's `GROUP_CONCAT` limits.

use strata::prelude::*;
use strata::query::aggregate::{Count, StringAgg};
use strata_tests::aggregated::{shelves, volumes, Shelf, Volume};
use strata_tests::each_db;

async fn seeded(db: &Db) -> (Vec<Shelf>, Vec<Volume>) {
    db.create_tables(&[Shelf::META, Volume::META])
        .await
        .unwrap();
    let mut ss = shelves();
    for s in &mut ss {
        s.insert(db).await.unwrap();
    }
    let mut vs = volumes(&ss);
    for v in &mut vs {
        v.insert(db).await.unwrap();
    }
    (ss, vs)
}

/// Separators that break a query whose separator is spliced into SQL.
const HOSTILE: [&str; 12] = [
    ", ",
    "'",
    "''",
    "\\",
    "\\'",
    "%",
    "_",
    "'; DROP TABLE agg_volume; --",
    "é — ü",
    "",
    "\"",
    "$1 ?",
];

fn joined<'a>(parts: impl IntoIterator<Item = &'a str>, sep: &str) -> Option<String> {
    let parts: Vec<&str> = parts.into_iter().collect();
    (!parts.is_empty()).then(|| parts.join(sep))
}

#[tokio::test]
async fn string_agg_joins_ordered_values_with_any_separator() {
    each_db("string_agg_separators", |db| async move {
        let (_, vs) = seeded(&db).await;
        let mut titles: Vec<&str> = vs.iter().map(|v| v.title.as_str()).collect();
        titles.sort();
        for sep in HOSTILE {
            // Twice: the second statement comes from the cache.
            for _ in 0..2 {
                let (n, asc, desc) = Volume::objects()
                    .aggregate(
                        &db,
                        (
                            Count::all(),
                            StringAgg(Volume::title(), sep).order_by(Volume::title().asc()),
                            StringAgg(Volume::title(), sep).order_by(Volume::title().desc()),
                        ),
                    )
                    .await
                    .unwrap();
                assert_eq!(n, vs.len() as i64);
                assert_eq!(
                    asc,
                    joined(titles.iter().copied(), sep),
                    "{sep:?} on {}",
                    db.dialect()
                );
                assert_eq!(
                    desc,
                    joined(titles.iter().rev().copied(), sep),
                    "{sep:?} on {}",
                    db.dialect()
                );
            }
        }
        let (ids,) = Volume::objects()
            .aggregate(
                &db,
                (StringAgg(Volume::title(), "/").order_by(Volume::id().desc()),),
            )
            .await
            .unwrap();
        let by_id = vs.iter().rev().map(|v| v.title.as_str());
        assert_eq!(ids, joined(by_id, "/"), "on {}", db.dialect());
    })
    .await;
}

#[tokio::test]
async fn string_agg_skips_nulls_and_is_none_for_no_values() {
    each_db("string_agg_nulls", |db| async move {
        let (_, vs) = seeded(&db).await;
        let (notes, none, nulls) = Volume::objects()
            .aggregate(
                &db,
                (
                    StringAgg(Volume::note(), ";")
                        .order_by([Volume::note().asc(), Volume::id().asc()]),
                    StringAgg(Volume::title(), ";").filter(Volume::pages().gt(1000)),
                    StringAgg(Volume::note(), ";").filter(Volume::note().is_null(true)),
                ),
            )
            .await
            .unwrap();
        let mut want: Vec<&str> = vs.iter().filter_map(|v| v.note.as_deref()).collect();
        want.sort();
        assert_eq!(notes, joined(want, ";"), "on {}", db.dialect());
        assert_eq!((none, nulls), (None, None), "on {}", db.dialect());
        let (empty,) = Volume::objects()
            .filter(Volume::id().lt(0))
            .aggregate(&db, (StringAgg(Volume::title(), ", "),))
            .await
            .unwrap();
        assert_eq!(empty, None);
    })
    .await;
}

#[tokio::test]
async fn a_distinct_string_agg_joins_each_value_once() {
    each_db("string_agg_distinct", |db| async move {
        let (_, vs) = seeded(&db).await;
        let mut notes: Vec<&str> = vs.iter().filter_map(|v| v.note.as_deref()).collect();
        notes.sort();
        notes.dedup();
        let (got,) = Volume::objects()
            .aggregate(
                &db,
                (StringAgg(Volume::note(), ",")
                    .distinct()
                    .order_by(Volume::note().desc()),),
            )
            .await
            .unwrap();
        assert_eq!(
            got,
            joined(notes.iter().rev().copied(), ","),
            "on {}",
            db.dialect()
        );

        let other_separator = Volume::objects()
            .aggregate(
                &db,
                (StringAgg(Volume::note(), " | ")
                    .distinct()
                    .order_by(Volume::note().asc()),),
            )
            .await;
        if db.dialect() == Dialect::Sqlite {
            let err = other_separator.unwrap_err().to_string();
            assert!(err.contains("SQLite"), "{err}");
        } else {
            assert_eq!(
                other_separator.unwrap(),
                (joined(notes.iter().copied(), " | "),)
            );
        }

        // Ordered by its own expression holding a value: PostgreSQL sees
        // the value's two parameters as two expressions unless the order
        // reuses the argument's.
        let (got,) = Volume::objects()
            .aggregate(
                &db,
                (StringAgg(Volume::note().concat("!"), ",")
                    .distinct()
                    .order_by(Volume::note().concat("!").desc()),),
            )
            .await
            .unwrap();
        let banged: Vec<String> = notes.iter().rev().map(|n| format!("{n}!")).collect();
        assert_eq!(
            got,
            joined(banged.iter().map(String::as_str), ","),
            "on {}",
            db.dialect()
        );

        // PostgreSQL orders a distinct aggregate only by its own value:
        // not by another field, nor by the same expression of another
        // value or function.
        for other in [
            Volume::note().concat("?").desc(),
            Volume::note().lower().asc(),
        ] {
            let err = Volume::objects()
                .aggregate(
                    &db,
                    (StringAgg(Volume::note().concat("!"), ",")
                        .distinct()
                        .order_by(other),),
                )
                .await
                .unwrap_err()
                .to_string();
            assert!(err.contains("PostgreSQL orders a distinct"), "{err}");
        }
        let err = Volume::objects()
            .aggregate(
                &db,
                (StringAgg(Volume::note(), ",")
                    .distinct()
                    .order_by(Volume::id().asc()),),
            )
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("PostgreSQL"), "{err}");
    })
    .await;
}

#[tokio::test]
async fn string_agg_groups_in_values_and_annotates_relations() {
    each_db("string_agg_groups", |db| async move {
        let (ss, vs) = seeded(&db).await;
        let titles_of = |shelf: i64, keep: &dyn Fn(&Volume) -> bool| {
            let mut t: Vec<&str> = vs
                .iter()
                .filter(|v| *v.shelf.key() == shelf && keep(v))
                .map(|v| v.title.as_str())
                .collect();
            t.sort();
            joined(t, " · ")
        };
        let got = Volume::objects()
            .values(Volume::shelf().name())
            .annotate((
                Count::all(),
                StringAgg(Volume::title(), " · ").order_by(Volume::title().asc()),
            ))
            .order_by(Volume::shelf().name().asc())
            .all(&db)
            .await
            .unwrap();
        let mut want: Vec<(String, i64, Option<String>)> = ss
            .iter()
            .filter(|s| vs.iter().any(|v| *v.shelf.key() == s.id))
            .map(|s| {
                let n = vs.iter().filter(|v| *v.shelf.key() == s.id).count() as i64;
                (s.name.clone(), n, titles_of(s.id, &|_| true))
            })
            .collect();
        want.sort();
        assert_eq!(got, want, "on {}", db.dialect());

        let got = Shelf::objects()
            .order_by(Shelf::id().asc())
            .annotate((
                Shelf::volumes()
                    .string_agg(Volume::title(), " · ")
                    .order_by(Volume::title().asc()),
                Shelf::volumes()
                    .string_agg(Volume::title(), " · ")
                    .filter(Volume::note().is_null(false))
                    .order_by(Volume::title().asc()),
                Shelf::volumes().count(),
            ))
            .all(&db)
            .await
            .unwrap();
        let got: Vec<_> = got.into_iter().map(|(s, a)| (s.id, a)).collect();
        let want: Vec<_> = ss
            .iter()
            .map(|s| {
                let n = vs.iter().filter(|v| *v.shelf.key() == s.id).count() as i64;
                (
                    s.id,
                    (
                        titles_of(s.id, &|_| true),
                        titles_of(s.id, &|v| v.note.is_some()),
                        n,
                    ),
                )
            })
            .collect();
        assert_eq!(got, want, "on {}", db.dialect());
    })
    .await;
}

#[tokio::test]
async fn a_long_string_agg_is_whole_or_an_error_never_cut() {
    each_db("string_agg_long", |db| async move {
        let (ss, _) = seeded(&db).await;
        // 5000 bytes: past MySQL's default group_concat_max_len (1024).
        let mut bodies = Vec::new();
        for i in 0..50 {
            let mut v = volumes(&ss).remove(0);
            v.title = format!("long {i}");
            v.body = format!("{i:03}{}", "é".repeat(50));
            v.insert(&db).await.unwrap();
            bodies.push(v.body);
        }
        let (got,) = Volume::objects()
            .filter(Volume::title().startswith("long "))
            .aggregate(
                &db,
                (StringAgg(Volume::body(), "+").order_by(Volume::body().asc()),),
            )
            .await
            .unwrap();
        assert_eq!(got, Some(bodies.join("+")), "on {}", db.dialect());

        // 18 MB: past MariaDB's cap of max_allowed_packet (16 MB here).
        let big = "x".repeat(2 << 20);
        for i in 0..9 {
            let mut v = volumes(&ss).remove(0);
            v.title = format!("huge {i}");
            v.body = big.clone();
            v.insert(&db).await.unwrap();
        }
        let huge = Volume::objects()
            .filter(Volume::title().startswith("huge "))
            .aggregate(&db, (StringAgg(Volume::body(), "+"),))
            .await;
        match huge {
            Ok((Some(text),)) => assert_eq!(text.len(), 9 * big.len() + 8, "on {}", db.dialect()),
            Ok(other) => panic!("{other:?} on {}", db.dialect()),
            Err(err) => {
                eprintln!("refused on {}: {err}", db.dialect());
                assert_eq!(db.dialect(), Dialect::MySql, "{err}");
                assert!(err.to_string().contains("group_concat_max_len"), "{err}");
            }
        }
    })
    .await;
}
