//! Unsigned integer fields (`u8`, `u16`, `u32`): every value of the type
//! is stored and read back exactly on every database, lookups take the
//! unsigned type, and the database refuses what the type cannot hold
//! (`UNSIGNED` on MySQL, a range `CHECK` elsewhere); a value out of range
//! in the database is a decode error, never a wrapped number.

use strata::prelude::*;
use strata_tests::each_db;

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "fo_counter")]
pub struct Counter {
    pub id: i64,
    pub tiny: u8,
    pub small: u16,
    pub big: u32,
    #[strata(default = 7)]
    pub maybe: Option<u16>,
}

fn counters() -> Vec<Counter> {
    [
        (0, 0, 0, None),
        (1, 2, 3, Some(4)),
        (255, 65_535, u32::MAX, Some(u16::MAX)),
    ]
    .into_iter()
    .map(|(tiny, small, big, maybe)| Counter {
        id: 0,
        tiny,
        small,
        big,
        maybe,
    })
    .collect()
}

#[tokio::test]
async fn every_unsigned_value_round_trips_and_lookups_take_the_type() {
    each_db("fo_unsigned_round_trip", |db| async move {
        db.create_tables(&[Counter::META]).await.unwrap();
        let mut rows = counters();
        Counter::bulk_create(&db, &mut rows).await.unwrap();
        let loaded = Counter::objects()
            .order_by(Counter::id())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(loaded, rows);

        let top = Counter::objects()
            .filter(Counter::big().gt(u32::MAX - 1))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(top, vec![rows[2].clone()]);
        let expected: Vec<Counter> = rows.iter().filter(|c| c.tiny >= 1).cloned().collect();
        let found = Counter::objects()
            .filter(Counter::tiny().gte(1u8))
            .order_by(Counter::id())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(found, expected);
        let n = Counter::objects()
            .filter(Counter::small().eq(65_535))
            .update(&db, [Counter::tiny().set(200)])
            .await
            .unwrap();
        assert_eq!(n, 1);
        let updated = Counter::objects()
            .filter(Counter::tiny().eq(200))
            .get(&db)
            .await
            .unwrap();
        assert_eq!(updated.small, 65_535);
    })
    .await;
}

#[tokio::test]
async fn the_database_refuses_what_an_unsigned_type_cannot_hold() {
    each_db("fo_unsigned_refused", |db| async move {
        db.create_tables(&[Counter::META]).await.unwrap();
        let insert = |tiny: i64, small: i64, big: i64| {
            format!("INSERT INTO fo_counter (tiny, small, big) VALUES ({tiny}, {small}, {big})")
        };
        assert!(db
            .execute_raw_sql(strata::AssertSqlSafe(insert(255, 65_535, 4_294_967_295)))
            .await
            .is_ok());
        for bad in [
            insert(-1, 0, 0),
            insert(256, 0, 0),
            insert(0, -1, 0),
            insert(0, 65_536, 0),
            insert(0, 0, -1),
            insert(0, 0, 4_294_967_296),
        ] {
            assert!(
                db.execute_raw_sql(strata::AssertSqlSafe(bad.clone()))
                    .await
                    .is_err(),
                "{bad} was accepted"
            );
        }
    })
    .await;
}

/// The same table made by hand without the range: a value the type cannot
/// hold is found on reading.
#[tokio::test]
async fn a_stored_value_out_of_range_is_a_decode_error() {
    each_db("fo_unsigned_decode", |db| async move {
        let table = match db.dialect() {
            Dialect::MySql => "CREATE TABLE fo_counter (id BIGINT PRIMARY KEY, tiny SMALLINT NOT NULL, small INT NOT NULL, big BIGINT NOT NULL, maybe INT)",
            _ => "CREATE TABLE fo_counter (id BIGINT PRIMARY KEY, tiny SMALLINT NOT NULL, small INTEGER NOT NULL, big BIGINT NOT NULL, maybe INTEGER)",
        };
        db.execute_raw_sql(table).await.unwrap();
        db.execute_raw_sql("INSERT INTO fo_counter (id, tiny, small, big) VALUES (1, 256, 0, 0)")
            .await
            .unwrap();
        let err = Counter::objects().all(&db).await.unwrap_err();
        let message = err.to_string();
        assert!(message.contains("tiny"), "{message}");
        assert!(message.contains("256"), "{message}");
    })
    .await;
}
