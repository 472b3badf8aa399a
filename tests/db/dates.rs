//! Date and time parts against every database, compared with chrono over
//! the fixture: midnight UTC, year ends, leap days.

use chrono::Datelike;
use strata::prelude::*;
use strata_tests::dates::{date_shapes, moments, Moment};
use strata_tests::each_db;

async fn seeded(db: &Db) -> Vec<Moment> {
    db.create_tables(&[Moment::META]).await.unwrap();
    let mut rows = moments();
    for row in &mut rows {
        row.insert(db).await.unwrap();
    }
    rows
}

#[tokio::test]
async fn every_date_shape_returns_the_rows_chrono_computes() {
    each_db("every_date_shape", |db| async move {
        let rows = seeded(&db).await;
        for shape in date_shapes().into_iter().chain(date_shapes()) {
            let mut got: Vec<i64> = shape
                .query
                .all(&db)
                .await
                .unwrap_or_else(|e| panic!("{} on {}: {e}", shape.name, db.dialect()))
                .iter()
                .map(|m| m.id)
                .collect();
            got.sort();
            let want: Vec<i64> = rows
                .iter()
                .filter(|m| (shape.keep)(m))
                .map(|m| m.id)
                .collect();
            assert_eq!(got, want, "shape {} on {}", shape.name, db.dialect());
        }
    })
    .await;
}

#[tokio::test]
async fn order_by_truncated_month_groups_months_in_utc() {
    each_db("order_by_trunc_month", |db| async move {
        let rows = seeded(&db).await;
        let got: Vec<i64> = Moment::objects()
            .order_by([Moment::at().trunc_month().desc(), Moment::id().asc()])
            .all(&db)
            .await
            .unwrap()
            .iter()
            .map(|m| m.id)
            .collect();
        let mut want = rows.clone();
        want.sort_by_key(|m| (std::cmp::Reverse((m.at.year(), m.at.month())), m.id));
        let want: Vec<i64> = want.iter().map(|m| m.id).collect();
        assert_eq!(got, want, "on {}", db.dialect());
    })
    .await;
}

/// PostgreSQL computes the parts of a `timestamptz` in the session's
/// time zone unless told otherwise: with the session at UTC+14, every
/// shape still gives the UTC answer. (MySQL stores `DateTime<Utc>` as a
/// UTC `DATETIME`, which no session setting shifts; SQLite has no session
/// time zone.)
#[tokio::test]
async fn date_parts_ignore_the_postgres_session_time_zone() {
    use futures_util::FutureExt;
    let Some(url) = std::env::var(strata_tests::POSTGRES_ENV)
        .ok()
        .filter(|u| !u.trim().is_empty())
    else {
        return;
    };
    let options = strata::ConnectOptions::new().max_connections(1);
    let db = Db::connect_with(&url, options).await.unwrap();
    let schema = format!("t_session_tz_{}", std::process::id());
    db.execute_raw_sql(strata::AssertSqlSafe(format!("CREATE SCHEMA \"{schema}\"")))
        .await
        .unwrap();
    let outcome = std::panic::AssertUnwindSafe(async {
        db.execute_raw_sql(strata::AssertSqlSafe(format!("SET search_path TO \"{schema}\"")))
            .await
            .unwrap();
        db.execute_raw_sql("SET TIME ZONE 'Pacific/Kiritimati'")
            .await
            .unwrap();
        // The setting holds on the pool's one connection.
        let hour = db
            .fetch(
                strata::Statement::raw(
                    Dialect::Postgres,
                    "SELECT CAST(EXTRACT(HOUR FROM TIMESTAMPTZ '2024-01-01 00:00:00+00') AS INTEGER)",
                ),
                |row| {
                    i32::decode(row, 0).map_err(|e| strata::Error::Decode {
                        model: "session",
                        column: "hour",
                        dialect: Dialect::Postgres,
                        message: e.to_string(),
                    })
                },
            )
            .await
            .unwrap();
        assert_eq!(hour, vec![14]);
        let rows = seeded(&db).await;
        for shape in date_shapes() {
            let mut got: Vec<i64> = shape.query.all(&db).await.unwrap().iter().map(|m| m.id).collect();
            got.sort();
            let want: Vec<i64> = rows.iter().filter(|m| (shape.keep)(m)).map(|m| m.id).collect();
            assert_eq!(got, want, "shape {} at UTC+14", shape.name);
        }
    })
    .catch_unwind()
    .await;
    db.execute_raw_sql(strata::AssertSqlSafe(format!(
        "DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"
    )))
    .await
    .unwrap();
    db.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
