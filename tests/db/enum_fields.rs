//! Enums as fields (`#[derive(FieldType)]`): stored as text or as an
//! integer, looked up by the enum, and checked by a `CHECK` constraint.

use strata::prelude::*;
use strata::{Choices, ColumnType, Value};
use strata_tests::each_db;

#[derive(FieldType, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Draft,
    InReview,
    #[strata(value = "live")]
    Published,
}

#[derive(FieldType, Debug, Clone, Copy, PartialEq, Eq)]
#[strata(stored_as = integer)]
pub enum Priority {
    Low = 1,
    Normal,
    #[strata(value = 10)]
    Urgent,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "enum_ticket")]
pub struct Ticket {
    pub id: i64,
    pub status: Status,
    pub priority: Priority,
    pub previous: Option<Status>,
}

/// The same table seen with plain columns, to write what the enums cannot.
#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "enum_ticket_raw")]
pub struct RawTicket {
    pub id: i64,
    #[strata(max_length = 20)]
    pub status: String,
    pub priority: i32,
    #[strata(max_length = 20)]
    pub previous: Option<String>,
}

/// `RawTicket`'s table, read through the enums.
#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "enum_ticket_raw")]
pub struct RawAsTicket {
    pub id: i64,
    pub status: Status,
    pub priority: Priority,
    pub previous: Option<Status>,
}

fn tickets() -> Vec<Ticket> {
    let t = |status, priority, previous| Ticket {
        id: 0,
        status,
        priority,
        previous,
    };
    vec![
        t(Status::Draft, Priority::Low, None),
        t(Status::InReview, Priority::Normal, Some(Status::Draft)),
        t(Status::Published, Priority::Urgent, Some(Status::InReview)),
        t(Status::Published, Priority::Low, None),
    ]
}

#[test]
fn enums_are_stored_as_their_values() {
    assert_eq!(
        Status::InReview.to_value(),
        Value::String(Some("in_review".into()))
    );
    assert_eq!(
        Status::Published.to_value(),
        Value::String(Some("live".into()))
    );
    assert_eq!(Priority::Low.to_value(), Value::I32(Some(1)));
    assert_eq!(Priority::Normal.to_value(), Value::I32(Some(2)));
    assert_eq!(Priority::Urgent.to_value(), Value::I32(Some(10)));
    assert_eq!(<Status as FieldType>::COLUMN, ColumnType::Varchar(9));
    assert_eq!(<Priority as FieldType>::COLUMN, ColumnType::Integer);
    assert_eq!(
        <Option<Status> as FieldType>::CHOICES,
        Some(Choices::Text(&["draft", "in_review", "live"]))
    );
    let err = Status::from_value(Value::String(Some("gone".into()))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`gone` is not a value of Status (one of: draft, in_review, live)"
    );
    let err = Priority::from_value(Value::I32(Some(3))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "3 is not a value of Priority (one of: 1, 2, 10)"
    );
}

#[test]
fn create_table_checks_the_allowed_values_on_every_dialect() {
    let pg = strata::schema::create_table_sql(Ticket::META, Dialect::Postgres).unwrap();
    assert!(
        pg[0].contains(
            r#""status" VARCHAR(9) NOT NULL CHECK ("status" IN ('draft', 'in_review', 'live'))"#
        ),
        "{}",
        pg[0]
    );
    assert!(
        pg[0].contains(r#""priority" INTEGER NOT NULL CHECK ("priority" IN (1, 2, 10))"#),
        "{}",
        pg[0]
    );
    let mysql = strata::schema::create_table_sql(Ticket::META, Dialect::MySql).unwrap();
    assert!(
        mysql[0].contains("CHECK (`previous` IN ('draft', 'in_review', 'live'))"),
        "{}",
        mysql[0]
    );
}

#[tokio::test]
async fn enum_fields_round_trip_and_filter_by_the_enum() {
    each_db("enum_round_trip", |db| async move {
        db.create_tables(&[Ticket::META]).await.unwrap();
        let mut rows = tickets();
        Ticket::bulk_create(&db, &mut rows).await.unwrap();
        let loaded = Ticket::objects()
            .order_by(Ticket::id())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(loaded, rows);

        let ids = |v: Vec<Ticket>| v.into_iter().map(|t| t.id).collect::<Vec<_>>();
        let expect = |keep: &dyn Fn(&Ticket) -> bool| {
            rows.iter()
                .filter(|t| keep(t))
                .map(|t| t.id)
                .collect::<Vec<_>>()
        };
        let live = Ticket::objects()
            .filter(Ticket::status().eq(Status::Published))
            .order_by(Ticket::id())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(ids(live), expect(&|t| t.status == Status::Published));
        let some = Ticket::objects()
            .filter(Ticket::priority().is_in([Priority::Low, Priority::Urgent]))
            .order_by(Ticket::id())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(
            ids(some),
            expect(&|t| matches!(t.priority, Priority::Low | Priority::Urgent))
        );
        let came_from_draft = Ticket::objects()
            .filter(Ticket::previous().eq(Status::Draft))
            .all(&db)
            .await
            .unwrap();
        assert_eq!(
            ids(came_from_draft),
            expect(&|t| t.previous == Some(Status::Draft))
        );
        let n = Ticket::objects()
            .filter(Ticket::status().ne(Status::Draft))
            .update(&db, [Ticket::priority().set(Priority::Normal)])
            .await
            .unwrap();
        assert_eq!(n as usize, expect(&|t| t.status != Status::Draft).len());
    })
    .await;
}

#[tokio::test]
async fn the_database_refuses_a_value_outside_the_enum() {
    each_db("enum_check", |db| async move {
        db.create_tables(&[Ticket::META]).await.unwrap();
        let q = |s: &str| db.dialect().quote_identifier(s);
        for (status, priority) in [("'gone'", "1"), ("'draft'", "3")] {
            let sql = format!(
                "INSERT INTO {} ({}, {}) VALUES ({status}, {priority})",
                q("enum_ticket"),
                q("status"),
                q("priority")
            );
            let err = db
                .execute_raw_sql(strata::AssertSqlSafe(sql.as_str()))
                .await
                .unwrap_err();
            let text = err.to_string().to_lowercase();
            assert!(
                text.contains("check") || text.contains("constraint"),
                "{text}"
            );
        }
        assert_eq!(Ticket::objects().count(&db).await.unwrap(), 0);
    })
    .await;
}

#[tokio::test]
async fn an_unknown_stored_value_is_a_decode_error_naming_it() {
    each_db("enum_decode", |db| async move {
        // A table without the CHECK (as another program may have made it).
        db.create_tables(&[RawTicket::META]).await.unwrap();
        let mut raw = RawTicket {
            id: 0,
            status: "archived".into(),
            priority: 2,
            previous: None,
        };
        raw.insert(&db).await.unwrap();
        let err = RawAsTicket::objects().all(&db).await.unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("`archived` is not a value of Status"),
            "{text}"
        );
        assert!(text.contains("status"), "{text}");
    })
    .await;
}
