//! Models used across the integration tests.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use rust_decimal::Decimal;
use strata::prelude::*;
use uuid::Uuid;

/// The model the queryset shapes run against.
#[derive(Model, Debug, Clone, PartialEq)]
#[strata(
    table = "article",
    index(fields(author, rating)),
    unique(fields(title, author))
)]
pub struct Article {
    pub id: i64,
    #[strata(max_length = 100)]
    pub title: String,
    #[strata(max_length = 50, index)]
    pub author: String,
    pub rating: i32,
    pub score: Option<f64>,
    pub subtitle: Option<String>,
    #[strata(default = false)]
    pub published: bool,
}

impl Article {
    /// An unsaved article.
    pub fn new(title: &str, author: &str, rating: i32) -> Article {
        Article {
            id: 0,
            title: title.into(),
            author: author.into(),
            rating,
            score: None,
            subtitle: None,
            published: false,
        }
    }
}

/// Every built-in field type, required.
#[derive(Model, Debug, Clone, PartialEq)]
pub struct AllTypes {
    pub id: i64,
    pub small: i16,
    pub int: i32,
    pub big: i64,
    pub float: f32,
    pub double: f64,
    pub flag: bool,
    pub text: String,
    #[strata(max_length = 40)]
    pub short_text: String,
    pub bytes: Vec<u8>,
    pub date: NaiveDate,
    pub time: NaiveTime,
    pub datetime: NaiveDateTime,
    pub instant: DateTime<Utc>,
    pub uuid: Uuid,
    #[strata(max_digits = 15, decimal_places = 4)]
    pub money: Decimal,
    pub json: serde_json::Value,
}

/// Every built-in field type, nullable.
#[derive(Model, Debug, Clone, PartialEq)]
pub struct AllOptional {
    pub id: i64,
    pub small: Option<i16>,
    pub int: Option<i32>,
    pub big: Option<i64>,
    pub float: Option<f32>,
    pub double: Option<f64>,
    pub flag: Option<bool>,
    pub text: Option<String>,
    #[strata(max_length = 40)]
    pub short_text: Option<String>,
    pub bytes: Option<Vec<u8>>,
    pub date: Option<NaiveDate>,
    pub time: Option<NaiveTime>,
    pub datetime: Option<NaiveDateTime>,
    pub instant: Option<DateTime<Utc>>,
    pub uuid: Option<Uuid>,
    #[strata(max_digits = 15, decimal_places = 4)]
    pub money: Option<Decimal>,
    pub json: Option<serde_json::Value>,
}

/// A model with a natural (non-generated) text key and renamed column.
#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "country")]
pub struct Country {
    #[strata(primary_key, max_length = 2)]
    pub code: String,
    #[strata(column = "country_name", max_length = 80, unique)]
    pub name: String,
    #[strata(default = 0)]
    pub population: i64,
}

/// A model with a smaller integer key and awkward identifiers that must be
/// quoted everywhere.
#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "select")]
pub struct Keyword {
    pub id: i32,
    #[strata(column = "order", max_length = 20)]
    pub order: String,
    #[strata(column = "from \"x\" `y`", default = "it's")]
    pub from: String,
}

/// One string per row, for the hostile-string lookups.
#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "hostile_text")]
pub struct HostileText {
    pub id: i64,
    pub text: String,
}

/// Rows that long in-lists select from: integer, text, UUID and date
/// columns.
#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "listed_item")]
pub struct ListedItem {
    pub id: i64,
    #[strata(max_length = 40)]
    pub code: String,
    pub n: i32,
    pub uid: Uuid,
    pub day: NaiveDate,
    pub note: Option<String>,
}

/// One number that concurrent transactions increment.
#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "counter")]
pub struct Counter {
    pub id: i64,
    #[strata(max_length = 20, unique)]
    pub name: String,
    pub n: i64,
}
