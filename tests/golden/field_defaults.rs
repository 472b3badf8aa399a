//! Field defaults and unsigned integers: the DDL of `db_default` columns
//! (a literal, escaped; `now` per dialect and column type) and of unsigned
//! columns, and the `INSERT` that leaves `db_default` columns to the
//! database and reads them back, per dialect.

use crate::{per_dialect, with_snapshots};
use strata::prelude::*;
use strata::schema::create_table_sql;

fn three() -> i32 {
    3
}

#[derive(Model, Debug, Clone)]
#[strata(table = "defaults_ticket")]
pub struct Ticket {
    pub id: i64,
    #[strata(default_fn = three)]
    pub priority: i32,
    #[strata(db_default = now)]
    pub opened_at: chrono::DateTime<chrono::Utc>,
    #[strata(db_default = now)]
    pub opened_naive: Option<chrono::NaiveDateTime>,
    #[strata(db_default = now)]
    pub opened_on: chrono::NaiveDate,
    #[strata(db_default = now)]
    pub opened_time: chrono::NaiveTime,
    #[strata(max_length = 30, db_default = "it's \"new\"")]
    pub note: String,
    #[strata(db_default = -1)]
    pub votes: i64,
}

#[derive(Model, Debug, Clone)]
#[strata(table = "defaults_counter")]
pub struct Counter {
    #[strata(primary_key, max_length = 10)]
    pub code: String,
    pub tiny: u8,
    #[strata(default = 7)]
    pub small: Option<u16>,
    #[strata(db_default = 0)]
    pub big: u32,
}

fn ddl(meta: &'static strata::ModelMeta) -> String {
    let mut out = String::new();
    for dialect in Dialect::ALL {
        out.push_str(&format!("-- {dialect}\n"));
        for sql in create_table_sql(meta, dialect).unwrap() {
            out.push_str(&sql);
            out.push_str(";\n");
        }
    }
    out
}

#[test]
fn field_defaults_sql_is_pinned_per_dialect() {
    with_snapshots(|| {
        insta::assert_snapshot!("ddl_db_defaults", ddl(Ticket::META));
        insta::assert_snapshot!("ddl_unsigned", ddl(Counter::META));
        let ticket = Ticket {
            id: 0,
            priority: 3,
            opened_at: chrono::DateTime::UNIX_EPOCH,
            opened_naive: None,
            opened_on: chrono::NaiveDate::MIN,
            opened_time: chrono::NaiveTime::MIN,
            note: String::new(),
            votes: 0,
        };
        insta::assert_snapshot!("insert_db_defaults", per_dialect(|d| ticket.insert_sql(d)));
        let counter = Counter {
            code: "a".into(),
            tiny: 255,
            small: None,
            big: 9,
        };
        insta::assert_snapshot!(
            "insert_unsigned_db_default",
            per_dialect(|d| counter.insert_sql(d))
        );
    });
}
