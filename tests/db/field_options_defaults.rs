//! `db_default` and `default_fn`: the database fills `db_default` columns
//! on insert (strata leaves them out of the `INSERT` and reads the values
//! back into the object), and `Default` fills `default_fn` fields from
//! their function.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use strata::prelude::*;
use strata_tests::each_db;

pub fn default_title() -> String {
    "untitled".to_string()
}

fn default_priority() -> i32 {
    3
}

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "fo_ticket")]
pub struct Ticket {
    pub id: i64,
    #[strata(max_length = 40, default_fn = crate::field_options_defaults::default_title)]
    pub title: String,
    #[strata(default_fn = default_priority)]
    pub priority: i32,
    #[strata(db_default = now)]
    pub opened_at: DateTime<Utc>,
    #[strata(db_default = now)]
    pub opened_on: NaiveDate,
    #[strata(db_default = 7)]
    pub votes: i32,
    #[strata(max_length = 30, db_default = "it's new")]
    pub note: String,
    #[strata(db_default = now)]
    pub seen_at: Option<NaiveDateTime>,
}

/// A key the application chooses, and columns the database fills.
#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "fo_stamp")]
pub struct Stamp {
    #[strata(primary_key, max_length = 10)]
    pub code: String,
    #[strata(db_default = now)]
    pub at: DateTime<Utc>,
    #[strata(db_default = -2)]
    pub level: i64,
}

/// The database's clock and this process's may differ by the rounding of
/// each (SQLite keeps milliseconds): a second either side is plenty.
fn assert_near(value: DateTime<Utc>, from: DateTime<Utc>, to: DateTime<Utc>) {
    let slack = Duration::seconds(1);
    assert!(
        from - slack <= value && value <= to + slack,
        "{value} is not between {from} and {to}"
    );
}

fn check_filled(ticket: &Ticket, from: DateTime<Utc>, to: DateTime<Utc>) {
    assert_near(ticket.opened_at, from, to);
    let seen = ticket.seen_at.expect("seen_at is filled").and_utc();
    assert_near(seen, from, to);
    assert!(
        (from - Duration::seconds(1)).date_naive() <= ticket.opened_on
            && ticket.opened_on <= (to + Duration::seconds(1)).date_naive(),
        "{} is not today (UTC)",
        ticket.opened_on
    );
    assert_eq!(ticket.votes, 7);
    assert_eq!(ticket.note, "it's new");
}

#[test]
fn default_fills_default_fn_fields_from_their_function() {
    let ticket = Ticket::default();
    assert_eq!(ticket.title, "untitled");
    assert_eq!(ticket.priority, 3);
    // Other fields take their type's default.
    assert_eq!(ticket.votes, 0);
    assert_eq!(ticket.seen_at, None);
}

#[test]
fn insert_leaves_db_default_columns_out_and_returns_them() {
    let sql = |dialect| Ticket::default().insert_sql(dialect).into_sql();
    assert_eq!(
        sql(Dialect::Postgres),
        r#"INSERT INTO "fo_ticket" ("title", "priority") VALUES ($1, $2) RETURNING "id", "opened_at", "opened_on", "votes", "note", "seen_at""#
    );
    assert_eq!(
        sql(Dialect::MySql),
        "INSERT INTO `fo_ticket` (`title`, `priority`) VALUES (?, ?)"
    );
}

#[tokio::test]
async fn insert_takes_the_database_defaults_and_reads_them_back() {
    each_db("fo_insert_db_defaults", |db| async move {
        db.create_tables(&[Ticket::META]).await.unwrap();
        let from = Utc::now();
        // Values in the object for db_default fields are not sent.
        let mut ticket = Ticket {
            votes: 99,
            note: "not sent".into(),
            ..Ticket::default()
        };
        ticket.insert(&db).await.unwrap();
        let to = Utc::now();
        assert!(ticket.id > 0);
        check_filled(&ticket, from, to);
        let loaded = Ticket::objects().get(&db).await.unwrap();
        assert_eq!(loaded, ticket, "the object holds what the row holds");
        assert_eq!(loaded.title, "untitled");

        // Afterwards they are ordinary fields: save writes them.
        ticket.votes = 1;
        ticket.save(&db).await.unwrap();
        let loaded = Ticket::objects().get(&db).await.unwrap();
        assert_eq!(loaded.votes, 1);
    })
    .await;
}

#[tokio::test]
async fn bulk_create_reads_every_rows_database_defaults_back() {
    each_db("fo_bulk_db_defaults", |db| async move {
        db.create_tables(&[Ticket::META]).await.unwrap();
        let from = Utc::now();
        let mut tickets: Vec<Ticket> = ["a", "b", "c"]
            .iter()
            .map(|t| Ticket {
                title: t.to_string(),
                ..Ticket::default()
            })
            .collect();
        Ticket::bulk_create(&db, &mut tickets).await.unwrap();
        let to = Utc::now();
        for ticket in &tickets {
            check_filled(ticket, from, to);
        }
        let loaded = Ticket::objects()
            .order_by(Ticket::id())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(loaded, tickets);
    })
    .await;
}

#[tokio::test]
async fn a_chosen_key_reads_the_database_defaults_back_too() {
    each_db("fo_chosen_key_db_defaults", |db| async move {
        db.create_tables(&[Stamp::META]).await.unwrap();
        let from = Utc::now();
        let mut one = Stamp {
            code: "one".into(),
            at: DateTime::<Utc>::UNIX_EPOCH,
            level: 5,
        };
        one.insert(&db).await.unwrap();
        let mut more = vec![
            Stamp {
                code: "two".into(),
                ..one.clone()
            },
            Stamp {
                code: "three".into(),
                ..one.clone()
            },
        ];
        Stamp::bulk_create(&db, &mut more).await.unwrap();
        let to = Utc::now();
        for stamp in std::iter::once(&one).chain(&more) {
            assert_eq!(stamp.level, -2);
            assert_near(stamp.at, from, to);
        }
        let mut loaded = Stamp::objects().all(&db).await.unwrap();
        loaded.sort_by(|a, b| a.code.cmp(&b.code));
        let mut expected = more.clone();
        expected.push(one);
        expected.sort_by(|a, b| a.code.cmp(&b.code));
        assert_eq!(loaded, expected);
    })
    .await;
}
