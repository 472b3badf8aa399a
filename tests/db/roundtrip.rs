//! Values round-trip exactly for every field type on every database:
//! extremes, NULL, unicode, quotes, bytes, time zones.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use std::str::FromStr;
use strata::prelude::*;
use strata_tests::each_db;
use strata_tests::models::{AllOptional, AllTypes};
use uuid::Uuid;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn time(h: u32, m: u32, s: u32, micro: u32) -> NaiveTime {
    NaiveTime::from_hms_micro_opt(h, m, s, micro).unwrap()
}

fn instant(rfc3339: &str) -> DateTime<Utc> {
    DateTime::<FixedOffset>::parse_from_rfc3339(rfc3339)
        .unwrap()
        .with_timezone(&Utc)
}

/// Rows chosen to break naive storage: extremes, signs, unicode, quotes,
/// every byte value, a non-UTC offset, leap days, 15-digit decimals.
fn samples() -> Vec<AllTypes> {
    let all_bytes: Vec<u8> = (0..=255).collect();
    vec![
        AllTypes {
            id: 0,
            small: i16::MIN,
            int: i32::MIN,
            big: i64::MIN,
            float: f32::MIN,
            double: -1.7976931348623157e308,
            flag: false,
            text: String::new(),
            short_text: "字".repeat(40),
            bytes: Vec::new(),
            date: date(1000, 1, 1),
            time: time(0, 0, 0, 0),
            datetime: NaiveDateTime::new(date(1000, 1, 1), time(0, 0, 0, 0)),
            instant: instant("1970-01-01T00:00:00Z"),
            uuid: Uuid::nil(),
            money: Decimal::from_str("-99999999999.9999").unwrap(),
            json: serde_json::json!(null),
        },
        AllTypes {
            id: 0,
            small: i16::MAX,
            int: i32::MAX,
            big: i64::MAX,
            float: f32::MAX,
            double: 1.7976931348623157e308,
            flag: true,
            text: "it's \"quoted\" `back` \\ slash; DROP TABLE x; -- 🦀 中文 héllo\n\ttab".into(),
            short_text: "O'Brien % _ \\".into(),
            bytes: all_bytes,
            date: date(9999, 12, 31),
            time: time(23, 59, 59, 999_999),
            datetime: NaiveDateTime::new(date(9999, 12, 31), time(23, 59, 59, 999_999)),
            instant: instant("2024-02-29T23:30:00.123456-08:00"),
            uuid: Uuid::max(),
            money: Decimal::from_str("99999999999.9999").unwrap(),
            json: serde_json::json!({"name": "Ann \"A\" O'Neil", "tags": ["ü", 1, true, null], "nested": {"n": -5}}),
        },
        AllTypes {
            id: 0,
            small: 0,
            int: -1,
            big: 9_007_199_254_740_993,
            float: 0.1,
            double: 0.1,
            flag: true,
            text: "x".repeat(70_000),
            short_text: "".into(),
            bytes: vec![0, 0, 0],
            date: date(2024, 2, 29),
            time: time(12, 0, 0, 1),
            datetime: NaiveDateTime::new(date(2024, 2, 29), time(12, 0, 0, 1)),
            instant: instant("2024-03-10T02:30:00.000001+05:30"),
            uuid: Uuid::from_str("67e55044-10b1-426f-9247-bb680e5fe0c8").unwrap(),
            money: Decimal::from_str("0.0001").unwrap(),
            json: serde_json::json!("just a string"),
        },
    ]
}

#[tokio::test]
async fn every_field_type_round_trips_exactly() {
    each_db("roundtrip_all_types", |db| async move {
        db.create_tables(&[AllTypes::META]).await.unwrap();
        let mut rows = samples();
        for row in &mut rows {
            row.insert(&db).await.unwrap();
        }
        let loaded = AllTypes::objects()
            .order_by(AllTypes::id())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(loaded.len(), rows.len());
        for (got, want) in loaded.iter().zip(&rows) {
            assert_eq!(got, want, "on {}", db.dialect());
        }
        // The same rows come back through bulk_create.
        AllTypes::objects().delete(&db).await.unwrap();
        let mut again = samples();
        AllTypes::bulk_create(&db, &mut again).await.unwrap();
        let loaded = AllTypes::objects()
            .order_by(AllTypes::id())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(loaded, again, "bulk_create on {}", db.dialect());
    })
    .await;
}

#[tokio::test]
async fn every_field_type_can_be_filtered_on() {
    each_db("filter_all_types", |db| async move {
        db.create_tables(&[AllTypes::META]).await.unwrap();
        let mut rows = samples();
        for row in &mut rows {
            row.insert(&db).await.unwrap();
        }
        let target = rows[1].clone();
        let q = AllTypes::objects;
        let one = |qs: QuerySet<AllTypes>| {
            let db = db.clone();
            async move { qs.all(&db).await.unwrap() }
        };
        assert_eq!(
            one(q().filter(AllTypes::small().eq(i16::MAX))).await,
            vec![target.clone()]
        );
        assert_eq!(
            one(q().filter(AllTypes::big().eq(i64::MAX))).await,
            vec![target.clone()]
        );
        assert_eq!(
            one(q()
                .filter(AllTypes::flag().eq(true))
                .filter(AllTypes::int().gt(0)))
            .await,
            vec![target.clone()]
        );
        assert_eq!(
            one(q().filter(AllTypes::short_text().eq("O'Brien % _ \\"))).await,
            vec![target.clone()]
        );
        assert_eq!(
            one(q().filter(AllTypes::bytes().eq(target.bytes.clone()))).await,
            vec![target.clone()]
        );
        assert_eq!(
            one(q().filter(AllTypes::date().eq(target.date))).await,
            vec![target.clone()]
        );
        assert_eq!(
            one(q().filter(AllTypes::time().eq(target.time))).await,
            vec![target.clone()]
        );
        assert_eq!(
            one(q().filter(AllTypes::datetime().gte(target.datetime))).await,
            vec![target.clone()]
        );
        assert_eq!(
            one(q().filter(AllTypes::instant().eq(target.instant))).await,
            vec![target.clone()]
        );
        assert_eq!(
            one(q().filter(AllTypes::uuid().eq(Uuid::max()))).await,
            vec![target.clone()]
        );
        assert_eq!(
            one(q().filter(AllTypes::money().gt(Decimal::from(1)))).await,
            vec![target.clone()]
        );
        // Dates, times and decimals order as values, not as text.
        let by_money = one(q().order_by(AllTypes::money().asc())).await;
        let monies: Vec<Decimal> = by_money.iter().map(|r| r.money).collect();
        let mut sorted = monies.clone();
        sorted.sort();
        assert_eq!(monies, sorted);
        let by_instant = one(q().order_by(AllTypes::instant().desc())).await;
        assert_eq!(by_instant[0].instant, rows[2].instant);
    })
    .await;
}

#[tokio::test]
async fn null_and_present_values_round_trip_for_every_optional_type() {
    each_db("roundtrip_optional", |db| async move {
        db.create_tables(&[AllOptional::META]).await.unwrap();
        let mut nulls = AllOptional {
            id: 0,
            small: None,
            int: None,
            big: None,
            float: None,
            double: None,
            flag: None,
            text: None,
            short_text: None,
            bytes: None,
            date: None,
            time: None,
            datetime: None,
            instant: None,
            uuid: None,
            money: None,
            json: None,
        };
        let full = samples().remove(1);
        let mut present = AllOptional {
            id: 0,
            small: Some(full.small),
            int: Some(full.int),
            big: Some(full.big),
            float: Some(full.float),
            double: Some(full.double),
            flag: Some(full.flag),
            text: Some(full.text),
            short_text: Some(full.short_text),
            bytes: Some(full.bytes),
            date: Some(full.date),
            time: Some(full.time),
            datetime: Some(full.datetime),
            instant: Some(full.instant),
            uuid: Some(full.uuid),
            money: Some(full.money),
            json: Some(full.json),
        };
        nulls.insert(&db).await.unwrap();
        present.insert(&db).await.unwrap();
        let loaded = AllOptional::objects()
            .order_by(AllOptional::id())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(loaded, vec![nulls.clone(), present.clone()]);
        // Setting every field to NULL through save().
        let mut cleared = nulls.clone();
        cleared.id = present.id;
        cleared.save(&db).await.unwrap();
        let nulls_now = AllOptional::objects()
            .filter(AllOptional::uuid().is_null(true))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(nulls_now, 2);
    })
    .await;
}

/// `is_in` and its exclusion on every type: one array parameter on
/// PostgreSQL (`= ANY($1)`), a placeholder per value elsewhere; the same
/// rows either way.
#[tokio::test]
async fn in_lists_of_every_field_type_match_and_exclude_the_same_rows() {
    each_db("in_all_types", |db| async move {
        db.create_tables(&[AllTypes::META]).await.unwrap();
        let mut rows = samples();
        for row in &mut rows {
            row.insert(&db).await.unwrap();
        }
        let (a, b) = (rows[0].clone(), rows[1].clone());
        let ids = |found: Vec<AllTypes>| {
            let mut ids: Vec<i64> = found.iter().map(|r| r.id).collect();
            ids.sort();
            ids
        };
        let mut both = vec![a.id, b.id];
        both.sort();
        let rest: Vec<i64> = rows[2..].iter().map(|r| r.id).collect();
        macro_rules! check {
            ($field:ident, $values:expr) => {{
                let matched = AllTypes::objects()
                    .filter(AllTypes::$field().is_in($values))
                    .all(&db)
                    .await
                    .unwrap();
                assert_eq!(
                    ids(matched),
                    both,
                    "{} IN on {}",
                    stringify!($field),
                    db.dialect()
                );
                let excluded = AllTypes::objects()
                    .exclude(AllTypes::$field().is_in($values))
                    .all(&db)
                    .await
                    .unwrap();
                assert!(
                    ids(excluded).iter().all(|id| rest.contains(id)),
                    "{} NOT IN on {}",
                    stringify!($field),
                    db.dialect()
                );
            }};
        }
        check!(small, [a.small, b.small]);
        check!(int, [a.int, b.int]);
        check!(big, [a.big, b.big]);
        check!(short_text, [a.short_text.clone(), b.short_text.clone()]);
        check!(bytes, [a.bytes.clone(), b.bytes.clone()]);
        check!(date, [a.date, b.date]);
        check!(time, [a.time, b.time]);
        check!(datetime, [a.datetime, b.datetime]);
        check!(instant, [a.instant, b.instant]);
        check!(uuid, [a.uuid, b.uuid]);
        check!(money, [a.money, b.money]);
        let trues = AllTypes::objects()
            .filter(AllTypes::flag().is_in([true]))
            .count(&db)
            .await
            .unwrap();
        let want = rows.iter().filter(|r| r.flag).count() as u64;
        assert_eq!(trues, want, "flag IN on {}", db.dialect());
        // A list past every database's bind limit is one parameter on
        // PostgreSQL; the others refuse it, so it is only sent there.
        if db.dialect().binds_arrays() {
            let many: Vec<i64> = (0..70_000).chain([a.big, b.big]).collect();
            let matched = AllTypes::objects()
                .filter(AllTypes::big().is_in(many))
                .all(&db)
                .await
                .unwrap();
            assert_eq!(ids(matched), both);
        }
    })
    .await;
}

/// A `NULL` in the list matches nothing, and its exclusion keeps the rows
/// that are `NULL` (Django's `exclude` semantics), with or without arrays.
#[tokio::test]
async fn in_lists_with_null_keep_exclude_semantics() {
    each_db("in_null", |db| async move {
        db.create_tables(&[AllOptional::META]).await.unwrap();
        let mut rows: Vec<AllOptional> = [Some(1), Some(2), None]
            .into_iter()
            .map(|int| AllOptional {
                id: 0,
                small: None,
                int,
                big: None,
                float: None,
                double: None,
                flag: None,
                text: None,
                short_text: None,
                bytes: None,
                date: None,
                time: None,
                datetime: None,
                instant: None,
                uuid: None,
                money: None,
                json: None,
            })
            .collect();
        for row in &mut rows {
            row.insert(&db).await.unwrap();
        }
        let ints = |found: Vec<AllOptional>| {
            let mut ints: Vec<Option<i32>> = found.iter().map(|r| r.int).collect();
            ints.sort();
            ints
        };
        let matched = AllOptional::objects()
            .filter(AllOptional::int().is_in([Some(1), None]))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(ints(matched), vec![Some(1)], "on {}", db.dialect());
        let excluded = AllOptional::objects()
            .exclude(AllOptional::int().is_in([Some(1), None]))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(ints(excluded), vec![None, Some(2)], "on {}", db.dialect());
    })
    .await;
}
