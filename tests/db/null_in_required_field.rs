//! A `NULL` read into a field that is not an `Option` is a decode error
//! naming the column, on every database and for every built-in type:
//! never a silent `0`, `""`, `false` or empty bytes (SQLite's driver
//! reads `NULL` as those when asked for a plain type). The table is made by
//! a twin model whose fields are all nullable, as a table made by hand or
//! by another program may be.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use strata::prelude::*;
use strata::Error;
use strata_tests::each_db;

/// The table as it is: every column nullable.
#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "null_required")]
pub struct Loose {
    pub id: i64,
    pub small: Option<i16>,
    pub int: Option<i32>,
    pub big: Option<i64>,
    pub byte: Option<u8>,
    pub word: Option<u16>,
    pub dword: Option<u32>,
    pub single: Option<f32>,
    pub double: Option<f64>,
    pub flag: Option<bool>,
    pub text: Option<String>,
    pub blob: Option<Vec<u8>>,
    pub day: Option<NaiveDate>,
    pub clock: Option<NaiveTime>,
    pub local: Option<NaiveDateTime>,
    pub at: Option<DateTime<Utc>>,
    pub key: Option<uuid::Uuid>,
    #[strata(max_digits = 10, decimal_places = 2)]
    pub amount: Option<Decimal>,
    pub doc: Option<serde_json::Value>,
}

/// The same table as a model that expects a value in every column.
#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "null_required")]
pub struct Strict {
    pub id: i64,
    pub small: i16,
    pub int: i32,
    pub big: i64,
    pub byte: u8,
    pub word: u16,
    pub dword: u32,
    pub single: f32,
    pub double: f64,
    pub flag: bool,
    pub text: String,
    pub blob: Vec<u8>,
    pub day: NaiveDate,
    pub clock: NaiveTime,
    pub local: NaiveDateTime,
    pub at: DateTime<Utc>,
    pub key: uuid::Uuid,
    #[strata(max_digits = 10, decimal_places = 2)]
    pub amount: Decimal,
    pub doc: serde_json::Value,
}

/// The columns after `id`, in declaration order.
const COLUMNS: [&str; 18] = [
    "small", "int", "big", "byte", "word", "dword", "single", "double", "flag", "text", "blob",
    "day", "clock", "local", "at", "key", "amount", "doc",
];

/// A row with a value in every column but `null`.
fn row_without(null: &str) -> Loose {
    let day = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
    let clock = NaiveTime::from_hms_opt(23, 59, 1).unwrap();
    let mut row = Loose {
        id: 0,
        small: Some(1),
        int: Some(2),
        big: Some(3),
        byte: Some(4),
        word: Some(5),
        dword: Some(6),
        single: Some(0.5),
        double: Some(0.25),
        flag: Some(true),
        text: Some("ünï".into()),
        blob: Some(vec![0, 1]),
        day: Some(day),
        clock: Some(clock),
        local: Some(day.and_time(clock)),
        at: Some(day.and_time(clock).and_utc()),
        key: Some(uuid::Uuid::from_u128(7)),
        amount: Some(Decimal::new(1234, 2)),
        doc: Some(serde_json::json!({"a": 1})),
    };
    match null {
        "small" => row.small = None,
        "int" => row.int = None,
        "big" => row.big = None,
        "byte" => row.byte = None,
        "word" => row.word = None,
        "dword" => row.dword = None,
        "single" => row.single = None,
        "double" => row.double = None,
        "flag" => row.flag = None,
        "text" => row.text = None,
        "blob" => row.blob = None,
        "day" => row.day = None,
        "clock" => row.clock = None,
        "local" => row.local = None,
        "at" => row.at = None,
        "key" => row.key = None,
        "amount" => row.amount = None,
        "doc" => row.doc = None,
        other => panic!("no column {other}"),
    }
    row
}

fn assert_null_refused<T: std::fmt::Debug>(read: strata::Result<T>, column: &str, how: &str) {
    match read {
        Err(Error::Decode {
            column: named,
            message,
            ..
        }) => {
            assert_eq!(named, column, "{how}: the error names the column");
            assert!(
                message.to_lowercase().contains("null"),
                "{how} of {column}: the error says the value was NULL: {message}"
            );
        }
        other => panic!("{how} of NULL in `{column}` must be a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn null_in_a_field_that_is_not_an_option_is_a_decode_error() {
    each_db("null_in_required", |db| async move {
        db.create_tables(&[Loose::META]).await.unwrap();
        let mut ids = Vec::new();
        for column in COLUMNS {
            let mut row = row_without(column);
            row.insert(&db).await.unwrap();
            ids.push(row.id);
        }
        for (column, id) in COLUMNS.into_iter().zip(ids) {
            let one = || Strict::objects().filter(Strict::id().eq(id));
            // A whole read (SQLite's stepped path) and a bounded one
            // (`first`, through the driver's own rows).
            assert_null_refused(one().all(&db).await, column, "all()");
            assert_null_refused(one().first(&db).await, column, "first()");
        }
    })
    .await;
}

#[tokio::test]
async fn a_full_row_reads_into_the_strict_model() {
    each_db("null_in_required_full", |db| async move {
        db.create_tables(&[Loose::META]).await.unwrap();
        let mut full = row_without("small");
        full.small = Some(9);
        full.insert(&db).await.unwrap();
        let id = full.id;
        let read = Strict::objects()
            .filter(Strict::id().eq(id))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(read.len(), 1);
        assert_eq!(read[0].small, 9);
        assert_eq!(read[0].text, "ünï");
        assert_eq!(read[0].amount, Decimal::new(1234, 2));
    })
    .await;
}
