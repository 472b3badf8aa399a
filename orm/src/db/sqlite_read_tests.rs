//! SQLite's read path against sqlx's: the same values, the same errors,
//! for every type strata stores, over values of every storage class.

use crate::{Db, Dialect, Error, FieldType, Row, Statement, Value};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use std::fmt::Debug;
use uuid::Uuid;

/// One column of no declared type (so each value keeps its storage
/// class), holding integers at every width's edge, reals, text in each
/// shape strata reads, hostile text, blobs and `NULL`.
const VALUES: &[&str] = &[
    "0",
    "1",
    "-1",
    "127",
    "128",
    "255",
    "256",
    "-32768",
    "32767",
    "32768",
    "65535",
    "65536",
    "2147483647",
    "2147483648",
    "-2147483649",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775808",
    "1.5",
    "-0.0",
    "1e308",
    "3.0",
    "''",
    "'text'",
    "'héllo ☃'",
    "'2024-02-29'",
    "'12:34:56.000001'",
    "'2024-02-29 12:34:56.000001'",
    "'2024-02-29 12:34:56.000001+00:00'",
    "'2024-02-29T12:34:56Z'",
    "'67e55044-10b1-426f-9247-bb680e5fe0c8'",
    "'12.345'",
    "' 7 '",
    "'{\"a\":[1,2]}'",
    "'null'",
    "'true'",
    "X'00FF'",
    "X''",
    "X'C328'",
    "CAST(X'C328' AS TEXT)",
    "NULL",
];

async fn values_db() -> Db {
    let db = Db::connect("sqlite::memory:").await.unwrap();
    db.execute_raw_sql("CREATE TABLE v (x)").await.unwrap();
    for value in VALUES {
        db.execute_raw_sql(crate::AssertSqlSafe(format!(
            "INSERT INTO v (x) VALUES ({value})"
        )))
        .await
        .unwrap();
    }
    db
}

fn select(sql: &'static str) -> Statement {
    Statement::raw(Dialect::Sqlite, sql)
}

/// Decodes column 0 of every row as `T` on both paths; the read path is
/// checked to be the one that ran (the statement is sqlx's, prepared by
/// the run through sqlx before it).
async fn assert_same<T: FieldType + Debug + Send>(db: &Db) {
    let sql = "SELECT x FROM v ORDER BY rowid";
    let through_sqlx = db
        .fetch_owned(select(sql), |row| {
            assert!(matches!(row, Row::Sqlite(_)));
            Ok(T::decode(&row, 0).map_err(|e| e.to_string()))
        })
        .await
        .unwrap();
    let stepped = db
        .fetch(select(sql), |row| {
            assert!(matches!(row, Row::SqliteStep(_)), "the read path ran");
            Ok(T::decode(row, 0).map_err(|e| e.to_string()))
        })
        .await
        .unwrap();
    assert_eq!(stepped.len(), VALUES.len());
    for ((value, a), b) in VALUES.iter().zip(&stepped).zip(&through_sqlx) {
        assert_eq!(
            format!("{a:?}"),
            format!("{b:?}"),
            "{} from {value}",
            std::any::type_name::<T>()
        );
    }
}

macro_rules! same_for {
    ($db:expr, $($ty:ty),*) => {$(
        assert_same::<$ty>($db).await;
        assert_same::<Option<$ty>>($db).await;
    )*};
}

#[tokio::test]
async fn every_field_type_decodes_as_sqlx_decodes_it_from_every_storage_class() {
    let db = values_db().await;
    same_for!(
        &db,
        i16,
        i32,
        i64,
        u8,
        u16,
        u32,
        f32,
        f64,
        bool,
        String,
        Vec<u8>
    );
    same_for!(
        &db,
        NaiveDate,
        NaiveTime,
        NaiveDateTime,
        DateTime<Utc>,
        Uuid,
        Decimal
    );
    same_for!(&db, serde_json::Value);
}

#[tokio::test]
async fn nulls_column_counts_and_bounds_read_as_through_sqlx() {
    let db = values_db().await;
    let sql = "SELECT x, 1 FROM v ORDER BY rowid";
    let probe = |row: &Row| {
        Ok(format!(
            "{} {:?} {:?}",
            row.len(),
            row.is_null(0).map_err(|e| e.to_string()),
            row.is_null(2).map_err(|e| e.to_string())
        ))
    };
    let through_sqlx = db
        .fetch_owned(select(sql), |row| probe(&row))
        .await
        .unwrap();
    let stepped = db
        .fetch(select(sql), |row| {
            assert!(matches!(row, Row::SqliteStep(_)), "the read path ran");
            probe(row)
        })
        .await
        .unwrap();
    assert_eq!(stepped, through_sqlx);
    assert!(stepped.last().unwrap().starts_with("2 Ok(true) Err("));
}

#[tokio::test]
async fn every_bind_reaches_sqlite_as_sqlx_binds_it() {
    let db = Db::connect("sqlite::memory:").await.unwrap();
    let date = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
    let at = date.and_hms_micro_opt(12, 34, 56, 7).unwrap();
    let binds = vec![
        Value::Bool(Some(true)),
        Value::I16(Some(-7)),
        Value::I32(Some(i32::MIN)),
        Value::I64(Some(i64::MAX)),
        Value::F32(Some(0.1)),
        Value::F64(Some(-2.5)),
        Value::String(Some("it's \"quoted\" ☃".into())),
        Value::String(None),
        Value::Bytes(Some(vec![0, 255, 1])),
        Value::Bytes(Some(vec![])),
        Value::Date(Some(date)),
        Value::Time(Some(at.time())),
        Value::DateTime(Some(at)),
        Value::DateTimeUtc(Some(at.and_utc())),
        Value::Uuid(Some(Uuid::from_u128(
            0x67e5_5044_10b1_426f_9247_bb68_0e5f_e0c8,
        ))),
        Value::Decimal(Some(Decimal::new(-12345, 3))),
        Value::Json(Some(Box::new(serde_json::json!({"a": [1, null]})))),
        Value::I64(None),
    ];
    for value in binds {
        let stmt = || Statement {
            dialect: Dialect::Sqlite,
            sql: crate::writer::SqlText::Written(
                "SELECT typeof(x), quote(x) FROM (SELECT ? AS x)".into(),
            ),
            binds: vec![value.clone()],
        };
        let read = |row: &Row| {
            Ok((
                String::decode(row, 0).unwrap(),
                String::decode(row, 1).unwrap(),
            ))
        };
        let through_sqlx = db.fetch_owned(stmt(), |row| read(&row)).await.unwrap();
        let stepped = db
            .fetch(stmt(), |row| {
                assert!(matches!(row, Row::SqliteStep(_)), "the read path ran");
                read(row)
            })
            .await
            .unwrap();
        assert_eq!(stepped, through_sqlx, "{value:?}");
    }
}

#[tokio::test]
async fn a_failed_read_is_the_same_error_with_sqlites_code_and_the_statement() {
    let db = Db::connect("sqlite::memory:").await.unwrap();
    // A text SQLite cannot prepare never reaches the read path: sqlx
    // reports it, every time.
    let sql = "SELECT nope FROM missing";
    let first = db.fetch(select(sql), |_| Ok(())).await.unwrap_err();
    let again = db.fetch(select(sql), |_| Ok(())).await.unwrap_err();
    assert_eq!(first.to_string(), again.to_string());
    assert!(
        first
            .to_string()
            .contains("(code: 1) no such table: missing"),
        "{first}"
    );
    // An error while stepping, after a first row read in place.
    let overflow = "SELECT abs(x) FROM (SELECT 1 AS x UNION ALL SELECT -9223372036854775807 - 1)";
    let through_sqlx = db
        .fetch_owned(select(overflow), |_| Ok(()))
        .await
        .unwrap_err();
    let mut in_place = Vec::new();
    let stepped = db
        .fetch(select(overflow), |row| {
            in_place.push(matches!(row, Row::SqliteStep(_)));
            Ok(())
        })
        .await
        .unwrap_err();
    assert_eq!(in_place, [true], "one row read in place before the error");
    assert_eq!(stepped.to_string(), through_sqlx.to_string());
    let Error::Query {
        source: sqlx::Error::Database(e),
        sql: failed,
        ..
    } = stepped
    else {
        panic!("not a query error: {stepped:?}");
    };
    assert_eq!(failed, overflow);
    assert_eq!(e.code().as_deref(), Some("1"));
}

#[tokio::test]
async fn a_decode_error_stops_the_read_and_the_connection_serves_the_next_query() {
    let db = values_db().await;
    let sql = "SELECT x FROM v ORDER BY rowid";
    let all = db.fetch_owned(select(sql), |_| Ok(())).await.unwrap();
    let mut seen = 0;
    let err = db
        .fetch(select(sql), |row| {
            assert!(matches!(row, Row::SqliteStep(_)), "the read path ran");
            seen += 1;
            i32::decode(row, 0).map_err(|e| Error::Decode {
                model: "v",
                column: "x",
                dialect: Dialect::Sqlite,
                message: e.to_string(),
            })
        })
        .await
        .unwrap_err();
    // 2147483648 is the first value out of an i32's range.
    assert_eq!(seen, 14);
    assert!(err.to_string().contains("out of range"), "{err}");
    // sqlx's statement was left reset: both paths read it from the start.
    let again = db.fetch(select(sql), |_| Ok(())).await.unwrap();
    let through_sqlx = db.fetch_owned(select(sql), |_| Ok(())).await.unwrap();
    assert_eq!((again.len(), through_sqlx.len()), (all.len(), all.len()));
    let n = db.fetch(select("SELECT count(*) FROM v"), |row| {
        Ok(i64::decode(row, 0).unwrap())
    });
    assert_eq!(n.await.unwrap(), vec![VALUES.len() as i64]);
    // Nothing read in place holds a read transaction: a write commits.
    db.execute_raw_sql("DELETE FROM v").await.unwrap();
    let left = db.fetch(select(sql), |_| Ok(())).await.unwrap();
    assert!(left.is_empty());
}

#[tokio::test]
async fn statements_that_are_not_plain_reads_run_through_sqlx() {
    let db = Db::connect("sqlite::memory:").await.unwrap();
    db.execute_raw_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER)")
        .await
        .unwrap();
    let sqlx_row = |row: &Row| Ok(matches!(row, Row::Sqlite(_)));
    for sql in [
        "INSERT INTO t (x) VALUES (1) RETURNING id",
        "PRAGMA foreign_keys",
        "SELECT 1; SELECT 2",
        "WITH d AS (SELECT 1) DELETE FROM t WHERE id = 2 RETURNING id",
    ] {
        // Twice: the second run finds the statement sqlx prepared.
        for _ in 0..2 {
            let via_sqlx = db.fetch(select(sql), sqlx_row).await.unwrap();
            assert!(via_sqlx.iter().all(|x| *x), "{sql}");
        }
    }
    let stmt = Statement {
        dialect: Dialect::Sqlite,
        sql: crate::writer::SqlText::Written("SELECT ?1 + ?1".into()),
        binds: vec![Value::I64(Some(2))],
    };
    for _ in 0..2 {
        let four = db
            .fetch(stmt.clone(), |row| {
                assert!(matches!(row, Row::Sqlite(_)), "numbered parameters");
                Ok(i64::decode(row, 0).unwrap())
            })
            .await
            .unwrap();
        assert_eq!(four, vec![4]);
    }
    let counted = db.query_count();
    db.fetch(select("SELECT x FROM t"), |_| Ok(()))
        .await
        .unwrap();
    assert_eq!(db.query_count(), counted + 1, "a read counts once");
}

#[tokio::test]
async fn reads_in_a_transaction_see_its_writes_and_leave_it_to_sqlx() {
    let db = Db::connect("sqlite::memory:").await.unwrap();
    db.execute_raw_sql("CREATE TABLE t (x INTEGER)")
        .await
        .unwrap();
    let count = |row: &Row| Ok(i64::decode(row, 0).unwrap());
    let mut tx = db.begin().await.unwrap();
    tx.execute_raw_sql("INSERT INTO t (x) VALUES (1)")
        .await
        .unwrap();
    let inside = tx
        .fetch(select("SELECT count(*) FROM t"), count)
        .await
        .unwrap();
    assert_eq!(inside, vec![1]);
    let mut savepoint = tx.begin().await.unwrap();
    savepoint
        .execute_raw_sql("INSERT INTO t (x) VALUES (2)")
        .await
        .unwrap();
    let nested = savepoint
        .fetch(select("SELECT count(*) FROM t"), count)
        .await
        .unwrap();
    assert_eq!(nested, vec![2]);
    savepoint.rollback().await.unwrap();
    tx.rollback().await.unwrap();
    let after = db
        .fetch(select("SELECT count(*) FROM t"), count)
        .await
        .unwrap();
    assert_eq!(after, vec![0]);
}

#[tokio::test]
async fn a_read_runs_through_sqlx_until_sqlx_has_prepared_its_text_then_in_place() {
    let db = values_db().await;
    let limited = |n: i64| Statement {
        dialect: Dialect::Sqlite,
        sql: crate::writer::SqlText::Written("SELECT x FROM v LIMIT ?".into()),
        binds: vec![Value::I64(Some(n))],
    };
    let stepped = |row: &Row| Ok(matches!(row, Row::SqliteStep(_)));
    assert_eq!(db.fetch(limited(2), stepped).await.unwrap(), vec![false; 2]);
    assert_eq!(db.fetch(limited(3), stepped).await.unwrap(), vec![true; 3]);
    assert_eq!(
        db.fetch(limited(30), stepped).await.unwrap(),
        vec![true; 30]
    );
    let counted = db.query_count();
    db.fetch(limited(1), stepped).await.unwrap();
    assert_eq!(db.query_count(), counted + 1, "a read in place counts once");
}

#[tokio::test]
async fn closing_after_reads_in_place_leaves_no_statement_sqlx_does_not_own() {
    // sqlx's `sqlite3_close` panics on a statement it did not prepare:
    // every read in place uses sqlx's own, on every connection of a pool.
    let dir = std::env::temp_dir().join(format!(
        "strata-sqlite-read-{}-{}",
        std::process::id(),
        line!()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("db.sqlite").display());
    let db = Db::connect(&url).await.unwrap();
    db.execute_raw_sql("CREATE TABLE IF NOT EXISTS t (x INTEGER)")
        .await
        .unwrap();
    let reads = (0..8).map(|i| {
        let db = db.clone();
        async move {
            let sql = if i % 2 == 0 {
                "SELECT x FROM t"
            } else {
                "SELECT count(*) FROM t"
            };
            for _ in 0..4 {
                db.fetch(select(sql), |_| Ok(())).await.unwrap();
            }
        }
    });
    futures_util::future::join_all(reads).await;
    db.close().await;
    drop(db);
    std::fs::remove_dir_all(&dir).unwrap();
}
