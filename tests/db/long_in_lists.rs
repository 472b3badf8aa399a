//! `is_in` with lists far past every database's bind limit: sent as one
//! array (PostgreSQL) or one JSON value (SQLite, MySQL/MariaDB), results
//! compared with the same filter computed in Rust; a kind that cannot be
//! sent as one value is a clear error naming the limit.

use chrono::NaiveDate;
use std::collections::HashSet;
use strata::prelude::*;
use strata::Error;
use strata_tests::each_db;
use strata_tests::models::ListedItem;
use uuid::Uuid;

const LONG: i64 = 70_000;

/// Strings that tell byte-exact comparison from the alternatives.
const HOSTILE: [&str; 8] = [
    "c5 ",
    "C5",
    "é",
    "e\u{301}",
    "😀",
    "a\"b",
    "back\\slash",
    "'; --",
];

fn items() -> Vec<ListedItem> {
    let mut out: Vec<ListedItem> = (0..600)
        .map(|i| ListedItem {
            id: 0,
            code: format!("c{i}"),
            n: (i * 7) as i32 - 5000,
            uid: Uuid::from_u128(i as u128 * 0x1_0000_0001),
            day: NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Days::new(i),
            note: (i % 2 == 0).then(|| format!("n{i}")),
        })
        .collect();
    for (i, code) in HOSTILE.iter().enumerate() {
        out[i].code = code.to_string();
    }
    out
}

async fn seeded(db: &Db) -> Vec<ListedItem> {
    db.create_tables(&[ListedItem::META]).await.unwrap();
    let mut rows = items();
    ListedItem::bulk_create(db, &mut rows).await.unwrap();
    rows
}

fn sorted_ids(rows: &[ListedItem]) -> Vec<i64> {
    let mut ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    ids.sort();
    ids
}

/// Runs `qs` (all, count, exists) and compares it with `keep` over `rows`.
async fn agrees(
    db: &Db,
    rows: &[ListedItem],
    qs: QuerySet<ListedItem>,
    keep: impl Fn(&ListedItem) -> bool,
    what: &str,
) {
    let want: Vec<i64> = sorted_ids(&rows.iter().filter(|r| keep(r)).cloned().collect::<Vec<_>>());
    let got = qs.all(db).await.unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(sorted_ids(&got), want, "{what} on {}", db.dialect());
    assert_eq!(
        qs.count(db).await.unwrap() as usize,
        want.len(),
        "count of {what}"
    );
    assert_eq!(
        qs.exists(db).await.unwrap(),
        !want.is_empty(),
        "exists of {what}"
    );
}

async fn long_lists_agree_with_rust(db: &Db, rows: &[ListedItem]) {
    // Integers: every id not divisible by 3, up to 70,000.
    let ids: Vec<i64> = (1..=LONG).filter(|i| i % 3 != 0).collect();
    let id_set: HashSet<i64> = ids.iter().copied().collect();
    let qs = ListedItem::objects().filter(ListedItem::id().is_in(ids.clone()));
    agrees(
        db,
        rows,
        qs,
        |r| id_set.contains(&r.id),
        "id in 70,000 ints",
    )
    .await;
    let qs = ListedItem::objects().exclude(ListedItem::id().is_in(ids.clone()));
    agrees(
        db,
        rows,
        qs,
        |r| !id_set.contains(&r.id),
        "id not in 70,000 ints",
    )
    .await;

    // i32 with extremes, and negative values.
    let ns: Vec<i32> = (-35_000..35_000).chain([i32::MIN, i32::MAX]).collect();
    let qs = ListedItem::objects().filter(ListedItem::n().is_in(ns));
    agrees(
        db,
        rows,
        qs,
        |r| (-35_000..35_000).contains(&r.n),
        "n in 70,002 ints",
    )
    .await;

    // Strings: every other code, the hostile ones' look-alikes, and the
    // hostile strings themselves but one.
    let mut codes: Vec<String> = (0..LONG).map(|i| format!("c{}", i * 2)).collect();
    codes.extend(["c5", "c5  ", "c", "E\u{301}", "😀", "a\"b", "back\\slash"].map(String::from));
    let code_set: HashSet<String> = codes.iter().cloned().collect();
    let qs = ListedItem::objects().filter(ListedItem::code().is_in(codes.clone()));
    agrees(
        db,
        rows,
        qs,
        |r| code_set.contains(&r.code),
        "code in 70,007 strings",
    )
    .await;
    let qs = ListedItem::objects().exclude(ListedItem::code().is_in(codes.clone()));
    agrees(
        db,
        rows,
        qs,
        |r| !code_set.contains(&r.code),
        "code not in 70,007 strings",
    )
    .await;

    // A nullable column, with NULLs in the list (dropped) and exclude
    // keeping the NULL rows.
    let notes: Vec<Option<String>> = (0..LONG)
        .map(|i| {
            if i % 5 == 0 {
                None
            } else {
                Some(format!("n{}", i * 3))
            }
        })
        .collect();
    let note_set: HashSet<String> = notes.iter().flatten().cloned().collect();
    let qs = ListedItem::objects().exclude(ListedItem::note().is_in(notes.clone()));
    agrees(
        db,
        rows,
        qs,
        |r| r.note.as_ref().is_none_or(|n| !note_set.contains(n)),
        "note not in 70,000 optional strings",
    )
    .await;

    // UUIDs.
    let uids: Vec<Uuid> = (0..LONG as u128)
        .step_by(2)
        .map(|i| Uuid::from_u128(i * 0x1_0000_0001))
        .collect();
    let uid_set: HashSet<Uuid> = uids.iter().copied().collect();
    let qs = ListedItem::objects().filter(ListedItem::uid().is_in(uids));
    agrees(
        db,
        rows,
        qs,
        |r| uid_set.contains(&r.uid),
        "uid in 35,000 UUIDs",
    )
    .await;

    // Two long lists and a short one in one query.
    let qs = ListedItem::objects()
        .filter(ListedItem::id().is_in(ids.clone()))
        .filter(ListedItem::code().is_in(codes.clone()) | ListedItem::n().is_in([2, 9, 16]));
    agrees(
        db,
        rows,
        qs,
        |r| id_set.contains(&r.id) && (code_set.contains(&r.code) || [2, 9, 16].contains(&r.n)),
        "two long lists and a short one",
    )
    .await;

    // Update and delete through a long list.
    let updated = ListedItem::objects()
        .filter(ListedItem::id().is_in(ids.clone()))
        .update(db, [ListedItem::note().set(Some("long".to_string()))])
        .await
        .unwrap();
    assert_eq!(
        updated as usize,
        rows.iter().filter(|r| id_set.contains(&r.id)).count()
    );
}

#[tokio::test]
async fn in_lists_of_70000_integers_strings_and_uuids_match_rust() {
    each_db("long_in_lists", |db| async move {
        let rows = seeded(&db).await;
        long_lists_agree_with_rust(&db, &rows).await;
    })
    .await;
}

#[tokio::test]
async fn long_string_lists_compare_exactly_under_every_mysql_binary_collation() {
    each_db("long_in_lists_collations", |db| async move {
        if db.dialect() != Dialect::MySql {
            return;
        }
        for collation in ["utf8mb4_bin", "utf8mb4_nopad_bin"] {
            db.execute_raw_sql("DROP TABLE IF EXISTS `listed_item`")
                .await
                .unwrap();
            db.create_tables(&[ListedItem::META]).await.unwrap();
            db.execute_raw_sql(strata::AssertSqlSafe(format!(
                "ALTER TABLE `listed_item` CONVERT TO CHARACTER SET utf8mb4 COLLATE {collation}"
            )))
            .await
            .unwrap();
            let mut rows = items();
            ListedItem::bulk_create(&db, &mut rows).await.unwrap();
            let mut codes: Vec<String> = (0..LONG).map(|i| format!("c{}", i * 2)).collect();
            codes.extend(["c5", "é", "😀"].map(String::from));
            let code_set: HashSet<String> = codes.iter().cloned().collect();
            let qs = ListedItem::objects().filter(ListedItem::code().is_in(codes));
            agrees(&db, &rows, qs, |r| code_set.contains(&r.code), collation).await;
        }
    })
    .await;
}

#[tokio::test]
async fn a_long_list_of_a_kind_json_cannot_carry_is_a_clear_error_past_the_bind_limit() {
    each_db("long_in_list_dates", |db| async move {
        let rows = seeded(&db).await;
        let start = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
        let days: Vec<NaiveDate> = (0..LONG as u64)
            .map(|i| start + chrono::Days::new(i * 2))
            .collect();
        let day_set: HashSet<NaiveDate> = days.iter().copied().collect();
        let qs = ListedItem::objects().filter(ListedItem::day().is_in(days));
        if db.dialect().binds_arrays() {
            agrees(
                &db,
                &rows,
                qs,
                |r| day_set.contains(&r.day),
                "day in 70,000 dates",
            )
            .await;
            return;
        }
        let limit = db.dialect().max_bind_params();
        for result in [
            qs.all(&db).await.map(|_| ()),
            qs.count(&db).await.map(|_| ()),
        ] {
            match result {
                Err(Error::InvalidQuery { reason, .. }) => {
                    assert!(reason.contains(&limit.to_string()), "{reason}");
                    assert!(reason.contains("70000"), "{reason}");
                }
                other => panic!("expected a clear error on {}, got {other:?}", db.dialect()),
            }
        }
        // Within the bind limit, dates keep a placeholder each.
        let few: Vec<NaiveDate> = (0..5000)
            .map(|i| start + chrono::Days::new(i * 3))
            .collect();
        let few_set: HashSet<NaiveDate> = few.iter().copied().collect();
        let qs = ListedItem::objects().filter(ListedItem::day().is_in(few));
        agrees(
            &db,
            &rows,
            qs,
            |r| few_set.contains(&r.day),
            "day in 5,000 dates",
        )
        .await;
    })
    .await;
}
