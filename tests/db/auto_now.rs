//! `auto_now` / `auto_now_add`: strata stamps the current time on insert,
//! bulk_create, save and queryset update, in the object and in the row.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SubsecRound, Utc};
use strata::prelude::*;
use strata_tests::each_db;

#[derive(Model, Debug, Clone, PartialEq)]
#[strata(table = "auto_now_stamped")]
pub struct Stamped {
    pub id: i64,
    #[strata(max_length = 20)]
    pub title: String,
    #[strata(auto_now_add)]
    pub created_at: DateTime<Utc>,
    #[strata(auto_now)]
    pub updated_at: DateTime<Utc>,
    #[strata(auto_now)]
    pub touched_on: Option<NaiveDate>,
    #[strata(auto_now_add)]
    pub created_naive: NaiveDateTime,
}

fn epoch() -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH
}

fn unstamped(title: &str) -> Stamped {
    Stamped {
        id: 0,
        title: title.into(),
        created_at: epoch(),
        updated_at: epoch(),
        touched_on: None,
        created_naive: epoch().naive_utc(),
    }
}

/// The current time as strata stores it (whole microseconds).
fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

fn assert_within(value: DateTime<Utc>, from: DateTime<Utc>, to: DateTime<Utc>) {
    assert!(
        from <= value && value <= to,
        "{value} is not between {from} and {to}"
    );
}

#[tokio::test]
async fn insert_stamps_auto_now_and_auto_now_add_in_the_object_and_the_row() {
    each_db("auto_now_insert", |db| async move {
        db.create_tables(&[Stamped::META]).await.unwrap();
        let before = now();
        let mut row = unstamped("a");
        row.insert(&db).await.unwrap();
        let after = now();
        assert_within(row.created_at, before, after);
        assert_within(row.updated_at, before, after);
        assert_within(row.created_naive.and_utc(), before, after);
        assert!(row
            .touched_on
            .is_some_and(|d| { d >= before.date_naive() && d <= after.date_naive() }));
        let loaded = Stamped::objects().get(&db).await.unwrap();
        assert_eq!(loaded, row);
    })
    .await;
}

#[tokio::test]
async fn bulk_create_stamps_every_object() {
    each_db("auto_now_bulk", |db| async move {
        db.create_tables(&[Stamped::META]).await.unwrap();
        let before = now();
        let mut rows = vec![unstamped("a"), unstamped("b"), unstamped("c")];
        Stamped::bulk_create(&db, &mut rows).await.unwrap();
        let after = now();
        for row in &rows {
            assert_within(row.created_at, before, after);
            assert_within(row.updated_at, before, after);
        }
        let loaded = Stamped::objects()
            .order_by(Stamped::id())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(loaded, rows);
    })
    .await;
}

#[tokio::test]
async fn save_stamps_auto_now_and_keeps_auto_now_add() {
    each_db("auto_now_save", |db| async move {
        db.create_tables(&[Stamped::META]).await.unwrap();
        let mut row = unstamped("a");
        row.insert(&db).await.unwrap();
        let inserted = row.clone();
        // An old value in the object: save must not write it.
        row.updated_at = epoch();
        row.title = "b".into();
        let before = now();
        row.save(&db).await.unwrap();
        let after = now();
        let loaded = Stamped::objects().get(&db).await.unwrap();
        assert_eq!(loaded.title, "b");
        assert_within(loaded.updated_at, before, after);
        assert_eq!(loaded.created_at, inserted.created_at);
        assert_eq!(loaded.created_naive, inserted.created_naive);
    })
    .await;
}

#[tokio::test]
async fn queryset_update_stamps_auto_now_unless_it_is_assigned() {
    each_db("auto_now_update", |db| async move {
        db.create_tables(&[Stamped::META]).await.unwrap();
        let mut rows = vec![unstamped("a"), unstamped("b")];
        Stamped::bulk_create(&db, &mut rows).await.unwrap();
        // Put an old time in the rows, through an explicit assignment,
        // which auto_now leaves alone.
        let assigned = Stamped::objects()
            .update(&db, [Stamped::updated_at().set(epoch())])
            .await
            .unwrap();
        assert_eq!(assigned, 2);
        let loaded = Stamped::objects().all(&db).await.unwrap();
        assert!(loaded.iter().all(|r| r.updated_at == epoch()));

        let before = now();
        let n = Stamped::objects()
            .filter(Stamped::title().eq("a"))
            .update(&db, [Stamped::title().set("a2".to_string())])
            .await
            .unwrap();
        let after = now();
        assert_eq!(n, 1);
        let loaded = Stamped::objects()
            .order_by(Stamped::id())
            .all(&db)
            .await
            .unwrap();
        assert_eq!(loaded[0].title, "a2");
        assert_within(loaded[0].updated_at, before, after);
        // The row the update did not match keeps its value.
        assert_eq!(loaded[1].updated_at, epoch());
        // auto_now_add is never touched by an update.
        assert_eq!(loaded[0].created_at, rows[0].created_at);
    })
    .await;
}

#[test]
fn update_sql_sets_auto_now_columns_after_the_assigned_ones() {
    let stmt = Stamped::objects()
        .update_sql(Dialect::Postgres, [Stamped::title().set("x".to_string())])
        .unwrap();
    assert_eq!(
        stmt.sql(),
        r#"UPDATE "auto_now_stamped" SET "title" = $1, "updated_at" = $2, "touched_on" = $3"#
    );
}
