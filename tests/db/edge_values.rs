//! Edge values hold the same on every database or are refused the same
//! way before anything is written: instants across the whole year range
//! 1..=9999, out-of-range years, leap seconds, non-finite floats and
//! `-0.0`, decimals beyond their column, and SQLite text written by
//! another program.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use std::str::FromStr;
use strata::prelude::*;
use strata::{Dialect, Error};
use strata_tests::each_db;

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "edge_moment")]
pub struct Moment {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub local: NaiveDateTime,
    pub day: NaiveDate,
    pub clock: NaiveTime,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "edge_reading")]
pub struct Reading {
    pub id: i64,
    pub double: f64,
    pub single: f32,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "edge_price")]
pub struct Price {
    pub id: i64,
    #[strata(max_digits = 5, decimal_places = 2)]
    pub amount: Decimal,
    #[strata(max_digits = 20, decimal_places = 2)]
    pub wide: Option<Decimal>,
}

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn moment(at: DateTime<Utc>) -> Moment {
    Moment {
        id: 0,
        at,
        local: at.naive_utc(),
        day: at.date_naive(),
        clock: at.time(),
    }
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

/// Instants either side of every boundary a storage type may have:
/// year 1, before the Unix epoch, the 32-bit `TIMESTAMP` end, year 9999.
fn edge_instants() -> Vec<DateTime<Utc>> {
    [
        "0001-01-01T00:00:00Z",
        "0001-01-01T00:00:00.000001Z",
        "0999-12-31T23:59:59.999999Z",
        "1900-01-01T00:00:00Z",
        "1969-12-31T23:59:59.999999Z",
        "1970-01-01T00:00:00Z",
        "2038-01-19T03:14:07Z",
        "2038-01-19T03:14:08Z",
        "2040-02-29T12:00:00.5Z",
        "9999-12-31T23:59:59.999999Z",
    ]
    .iter()
    .map(|t| utc(t))
    .collect()
}

fn assert_out_of_range(result: Result<impl std::fmt::Debug, Error>, needle: &str) {
    match result {
        Err(e @ Error::ValueOutOfRange { .. }) => {
            let text = e.to_string();
            assert!(text.contains(needle), "`{text}` should mention `{needle}`");
        }
        other => panic!("expected Error::ValueOutOfRange, got {other:?}"),
    }
}

#[tokio::test]
async fn instants_from_year_1_to_9999_round_trip_and_filter_as_in_rust() {
    each_db("edge_instants_round_trip", |db| async move {
        db.create_tables(&[Moment::META]).await.unwrap();
        let instants = edge_instants();
        // Half by insert, half by bulk_create: both write paths.
        let (one_by_one, bulk) = instants.split_at(instants.len() / 2);
        for at in one_by_one {
            moment(*at).insert(&db).await.unwrap();
        }
        let mut rest: Vec<Moment> = bulk.iter().map(|at| moment(*at)).collect();
        Moment::bulk_create(&db, &mut rest).await.unwrap();

        let stored = Moment::objects()
            .order_by(Moment::id().asc())
            .all(&db)
            .await
            .unwrap();
        let expected: Vec<Moment> = instants.iter().map(|at| moment(*at)).collect();
        let strip = |m: &Moment| (m.at, m.local, m.day, m.clock);
        assert_eq!(
            stored.iter().map(strip).collect::<Vec<_>>(),
            expected.iter().map(strip).collect::<Vec<_>>()
        );

        for pivot in &instants {
            let earlier = instants.iter().filter(|at| *at < pivot).count() as u64;
            let got = Moment::objects()
                .filter(Moment::at().lt(*pivot))
                .count(&db)
                .await
                .unwrap();
            assert_eq!(got, earlier, "at < {pivot}");
            let got = Moment::objects()
                .filter(Moment::local().lt(pivot.naive_utc()))
                .count(&db)
                .await
                .unwrap();
            assert_eq!(got, earlier, "local < {pivot}");
            let same = Moment::objects()
                .filter(Moment::at().eq(*pivot))
                .count(&db)
                .await
                .unwrap();
            assert_eq!(same, 1, "at = {pivot}");
        }
        let before_2039 = utc("2039-01-01T00:00:00Z");
        assert_eq!(
            Moment::objects()
                .filter(Moment::at().lt(before_2039))
                .count(&db)
                .await
                .unwrap(),
            instants.iter().filter(|at| **at < before_2039).count() as u64
        );
    })
    .await;
}

#[tokio::test]
async fn years_outside_1_to_9999_are_an_error_before_anything_is_written() {
    each_db("edge_years_out_of_range", |db| async move {
        db.create_tables(&[Moment::META]).await.unwrap();
        let far = NaiveDate::from_ymd_opt(10_000, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc();
        let before_year_1 = NaiveDate::from_ymd_opt(0, 12, 31)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc();
        let ok = moment(utc("2000-01-01T00:00:00Z"));

        assert_out_of_range(moment(far).insert(&db).await, "Moment.at");
        assert_out_of_range(moment(before_year_1).insert(&db).await, "9999");
        let mut only_day = ok.clone();
        only_day.day = far.date_naive();
        assert_out_of_range(only_day.insert(&db).await, "day");
        let mut only_local = ok.clone();
        only_local.local = far.naive_utc();
        assert_out_of_range(only_local.insert(&db).await, "Moment.local");
        // One bad row among good ones: nothing of the batch is written.
        let mut batch = vec![ok.clone(), ok.clone(), moment(far)];
        assert_out_of_range(Moment::bulk_create(&db, &mut batch).await, "9999");
        assert_eq!(Moment::objects().count(&db).await.unwrap(), 0);

        let mut saved = ok.clone();
        saved.insert(&db).await.unwrap();
        saved.at = far;
        assert_out_of_range(saved.save(&db).await, "Moment.at");
        assert_out_of_range(
            Moment::objects()
                .update(&db, [Moment::day().set(far.date_naive())])
                .await,
            "Moment.day",
        );
        // A filter on such a year is an error too, not a wrong count.
        assert_out_of_range(
            Moment::objects()
                .filter(Moment::day().gt(far.date_naive()))
                .count(&db)
                .await,
            "Moment.day",
        );
        assert_out_of_range(
            Moment::objects()
                .filter(Moment::at().is_in([ok.at, far]))
                .all(&db)
                .await,
            "Moment.at",
        );
        let stored = Moment::objects().all(&db).await.unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].at, ok.at);
        assert_eq!(stored[0].day, ok.day);
    })
    .await;
}

#[tokio::test]
async fn leap_seconds_are_an_error_everywhere() {
    each_db("edge_leap_seconds", |db| async move {
        db.create_tables(&[Moment::META]).await.unwrap();
        let leap_clock = NaiveTime::from_hms_micro_opt(23, 59, 59, 1_500_000).unwrap();
        let leap_local = NaiveDate::from_ymd_opt(2016, 12, 31)
            .unwrap()
            .and_time(leap_clock);
        let ok = moment(utc("2016-12-31T23:59:59Z"));

        let mut m = ok.clone();
        m.at = leap_local.and_utc();
        assert_out_of_range(m.insert(&db).await, "leap second");
        let mut m = ok.clone();
        m.local = leap_local;
        assert_out_of_range(m.insert(&db).await, "leap second");
        let mut m = ok.clone();
        m.clock = leap_clock;
        assert_out_of_range(m.insert(&db).await, "leap second");
        assert_eq!(Moment::objects().count(&db).await.unwrap(), 0);
        assert_out_of_range(
            Moment::objects()
                .filter(Moment::clock().eq(leap_clock))
                .count(&db)
                .await,
            "leap second",
        );
    })
    .await;
}

#[tokio::test]
async fn non_finite_floats_are_an_error_and_negative_zero_keeps_its_sign_where_it_can() {
    each_db("edge_floats", |db| async move {
        db.create_tables(&[Reading::META]).await.unwrap();
        let reading = |double: f64, single: f32| Reading {
            id: 0,
            double,
            single,
        };
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_out_of_range(reading(bad, 1.0).insert(&db).await, "Reading.double");
            assert_out_of_range(reading(1.0, bad as f32).insert(&db).await, "Reading.single");
        }
        assert_eq!(Reading::objects().count(&db).await.unwrap(), 0);
        // Twice: the second run is served by the statement cache, whose
        // debug self-check must not trip over NaN.
        for _ in 0..2 {
            assert_out_of_range(
                Reading::objects()
                    .filter(Reading::double().eq(f64::NAN))
                    .count(&db)
                    .await,
                "Reading.double",
            );
            assert_out_of_range(
                Reading::objects()
                    .filter(Reading::double().lt(f64::INFINITY))
                    .count(&db)
                    .await,
                "Reading.double",
            );
            // In a list too, however long: the list is checked as a whole
            // only for kinds no rule refuses, and floats are not one.
            for len in [2, 1_500] {
                let mut list = vec![1.5; len];
                list[len - 1] = f64::NAN;
                assert_out_of_range(
                    Reading::objects()
                        .filter(Reading::double().is_in(list))
                        .count(&db)
                        .await,
                    "Reading.double",
                );
            }
        }

        let mut zero = reading(-0.0, -0.0);
        zero.insert(&db).await.unwrap();
        let back = Reading::objects().get(&db).await.unwrap();
        assert_eq!(back.double, 0.0);
        assert_eq!(back.single, 0.0);
        // PostgreSQL keeps the sign of zero. SQLite's REAL storage writes
        // integral values as integers and MariaDB normalises -0 to 0, so
        // both give 0.0 back (MySQL 8, not tested here, may keep it).
        match db.dialect() {
            Dialect::Postgres => {
                assert!(back.double.is_sign_negative(), "f64 -0.0");
                assert!(back.single.is_sign_negative(), "f32 -0.0");
            }
            Dialect::Sqlite => {
                assert!(back.double.is_sign_positive(), "f64 -0.0");
                assert!(back.single.is_sign_positive(), "f32 -0.0");
            }
            _ => {}
        }
        // -0.0 equals 0.0 in SQL as in Rust.
        assert_eq!(
            Reading::objects()
                .filter(Reading::double().eq(0.0))
                .count(&db)
                .await
                .unwrap(),
            1
        );
        let extremes = [f64::MAX, f64::MIN, f64::MIN_POSITIVE, 5e-324];
        for x in extremes {
            reading(x, 0.0).insert(&db).await.unwrap();
        }
        let mut stored: Vec<f64> = Reading::objects()
            .all(&db)
            .await
            .unwrap()
            .iter()
            .map(|r| r.double)
            .filter(|d| *d != 0.0)
            .collect();
        stored.sort_by(f64::total_cmp);
        let mut expected = extremes.to_vec();
        expected.sort_by(f64::total_cmp);
        assert_eq!(stored, expected);
    })
    .await;
}

#[tokio::test]
async fn decimals_beyond_their_column_are_an_error_before_anything_is_written() {
    each_db("edge_decimals", |db| async move {
        db.create_tables(&[Price::META]).await.unwrap();
        let price = |amount: &str| Price {
            id: 0,
            amount: dec(amount),
            wide: None,
        };
        for (bad, limit) in [
            ("1.005", "2 decimal places"),
            ("0.0000000000000000000000000001", "2 decimal places"),
            ("1000", "3 digits before the point"),
            ("-1000.5", "3 digits before the point"),
        ] {
            let err = price(bad).insert(&db).await;
            assert_out_of_range(err, limit);
            let mut batch = vec![price("1.00"), price(bad)];
            assert_out_of_range(Price::bulk_create(&db, &mut batch).await, "Price.amount");
        }
        // The hint for a caller who wants rounding.
        assert_out_of_range(price("1.005").insert(&db).await, "round_dp(2)");
        assert_eq!(Price::objects().count(&db).await.unwrap(), 0);

        // What fits is stored exactly; trailing zeros are not extra places.
        let fits = ["999.99", "-999.99", "0.01", "1.500", "0"];
        for amount in fits {
            price(amount).insert(&db).await.unwrap();
        }
        let mut stored: Vec<Decimal> = Price::objects()
            .order_by(Price::id().asc())
            .all(&db)
            .await
            .unwrap()
            .iter()
            .map(|p| p.amount)
            .collect();
        stored.iter_mut().for_each(|d| *d = d.normalize());
        let expected: Vec<Decimal> = fits.iter().map(|s| dec(s).normalize()).collect();
        assert_eq!(stored, expected);

        assert_out_of_range(
            Price::objects()
                .update(&db, [Price::amount().set(dec("1.005"))])
                .await,
            "Price.amount",
        );
        let mut first = Price::objects().first(&db).await.unwrap().unwrap();
        first.amount = dec("12345");
        assert_out_of_range(first.save(&db).await, "Price.amount");
        assert_eq!(
            Price::objects()
                .filter(Price::amount().eq(dec("999.99")))
                .count(&db)
                .await
                .unwrap(),
            1
        );

        // A filter may have more places than the column: it compares
        // exactly, as in Rust.
        let above = dec("0.005");
        let expected = fits.iter().filter(|s| dec(s) > above).count() as u64;
        assert_eq!(
            Price::objects()
                .filter(Price::amount().gt(above))
                .count(&db)
                .await
                .unwrap(),
            expected
        );
        // SQLite compares decimals through 15 significant digits: a filter
        // value with more is refused there, not compared approximately.
        let precise = Price::objects()
            .filter(Price::amount().lt(dec("0.0100000000000000001")))
            .count(&db)
            .await;
        if db.dialect() == Dialect::Sqlite {
            assert_out_of_range(precise, "15 significant digits");
        } else {
            let expected = fits
                .iter()
                .filter(|s| dec(s) < dec("0.0100000000000000001"))
                .count() as u64;
            assert_eq!(precise.unwrap(), expected);
        }

        // 18 digits fit DECIMAL(20, 2) on PostgreSQL and MySQL; SQLite
        // holds 15 significant digits exactly and refuses more.
        let mut wide = price("1");
        wide.wide = Some(dec("1234567890123456.78"));
        let result = wide.insert(&db).await;
        if db.dialect() == Dialect::Sqlite {
            assert_out_of_range(result, "15 significant digits");
        } else {
            result.unwrap();
            let back = Price::objects()
                .filter(Price::wide().is_null(false))
                .get(&db)
                .await
                .unwrap();
            assert_eq!(back.wide, Some(dec("1234567890123456.78")));
        }
        let mut fifteen = price("2");
        fifteen.wide = Some(dec("1234567890123.45"));
        fifteen.insert(&db).await.unwrap();
        let back = Price::objects()
            .filter(Price::amount().eq(dec("2")))
            .get(&db)
            .await
            .unwrap();
        assert_eq!(back.wide, Some(dec("1234567890123.45")));
    })
    .await;
}

#[tokio::test]
async fn instants_written_by_other_programs_read_as_they_compare() {
    each_db("edge_foreign_instants", |db| async move {
        db.create_tables(&[Moment::META]).await.unwrap();
        let table = "edge_moment";
        // How another program would write 12:00 at +05:00 on each database.
        let foreign = match db.dialect() {
            Dialect::Sqlite => "'2024-01-01 12:00:00+05:00'",
            Dialect::Postgres => "'2024-01-01 12:00:00+05:00'",
            // MariaDB's DATETIME has no offsets; a program writes UTC.
            _ => "'2024-01-01 07:00:00'",
        };
        let insert = |at: &str| {
            format!(
                "INSERT INTO {table} (at, local, day, clock) \
                 VALUES ({at}, '2024-01-01 07:00:00.000000', '2024-01-01', '07:00:00.000000')"
            )
        };
        db.execute_raw_sql(strata::AssertSqlSafe(insert(foreign)))
            .await
            .unwrap();
        let seven = utc("2024-01-01T07:00:00Z");
        let read = Moment::objects().all(&db).await;
        if db.dialect() == Dialect::Sqlite {
            // Read back as 07:00 it would not compare equal to 07:00 in
            // SQL (text order): refused with the format to rewrite it in.
            match read {
                Err(e @ Error::Decode { .. }) => {
                    let text = e.to_string();
                    assert!(text.contains("+05:00"), "{text}");
                    assert!(text.contains("YYYY-MM-DD HH:MM:SS.ffffff+00:00"), "{text}");
                }
                other => panic!("expected a decode error, got {other:?}"),
            }
            db.execute_raw_sql(strata::AssertSqlSafe(format!("DELETE FROM {table}")))
                .await
                .unwrap();
            db.execute_raw_sql(strata::AssertSqlSafe(insert(
                "'2024-01-01 07:00:00.000000+00:00'",
            )))
            .await
            .unwrap();
        } else {
            assert_eq!(read.unwrap()[0].at, seven);
        }
        let stored = Moment::objects().get(&db).await.unwrap();
        assert_eq!(stored.at, seven);
        assert_eq!(
            Moment::objects()
                .filter(Moment::at().eq(seven))
                .count(&db)
                .await
                .unwrap(),
            1
        );
    })
    .await;
}

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "edge_alarm")]
pub struct Alarm {
    pub id: i64,
    #[strata(default = "12:00")]
    pub clock: NaiveTime,
    #[strata(default = "2024-01-01 12:00:00+00:00")]
    pub at: DateTime<Utc>,
    #[strata(default = "2024-01-01T12:00:00")]
    pub local: NaiveDateTime,
}

#[tokio::test]
async fn date_and_time_defaults_fill_rows_that_read_and_compare_like_written_ones() {
    each_db("edge_time_defaults", |db| async move {
        db.create_tables(&[Alarm::META]).await.unwrap();
        // A row the database fills from the column defaults, as a
        // migration adding the columns to existing rows would.
        let insert = match db.dialect() {
            Dialect::MySql => "INSERT INTO edge_alarm () VALUES ()",
            _ => "INSERT INTO edge_alarm DEFAULT VALUES",
        };
        db.execute_raw_sql(strata::AssertSqlSafe(insert))
            .await
            .unwrap();
        let noon = NaiveTime::from_hms_opt(12, 0, 0).unwrap();
        let at = utc("2024-01-01T12:00:00Z");
        let stored = Alarm::objects().get(&db).await.unwrap();
        assert_eq!(
            (stored.clock, stored.at, stored.local),
            (noon, at, at.naive_utc())
        );
        let matching = Alarm::objects()
            .filter(Alarm::clock().eq(noon))
            .filter(Alarm::at().eq(at))
            .filter(Alarm::local().eq(at.naive_utc()))
            .count(&db)
            .await
            .unwrap();
        assert_eq!(matching, 1);
    })
    .await;
}
