//! Field options: the DDL of enum columns (with their `CHECK`), the default
//! ordering, and the `auto_now` columns an update adds, per dialect.

use crate::{per_dialect, with_snapshots};
use strata::prelude::*;
use strata::schema::create_table_sql;

#[derive(FieldType, Debug, Clone, Copy, PartialEq)]
pub enum Stage {
    Draft,
    #[strata(value = "it's live")]
    Live,
}

#[derive(FieldType, Debug, Clone, Copy, PartialEq)]
#[strata(stored_as = integer)]
pub enum Level {
    Low = -1,
    High = 7,
}

#[derive(Model, Debug, Clone)]
#[strata(table = "options_task", ordering(level desc, created_at))]
pub struct Task {
    pub id: i64,
    pub stage: Stage,
    pub level: Option<Level>,
    #[strata(auto_now_add)]
    pub created_at: chrono::DateTime<chrono::Utc>,
    #[strata(auto_now)]
    pub updated_at: chrono::NaiveDateTime,
}

#[test]
fn field_options_sql_is_pinned_per_dialect() {
    with_snapshots(|| {
        let mut ddl = String::new();
        for dialect in Dialect::ALL {
            ddl.push_str(&format!("-- {dialect}\n"));
            for sql in create_table_sql(Task::META, dialect).unwrap() {
                ddl.push_str(&sql);
                ddl.push_str(";\n");
            }
        }
        insta::assert_snapshot!("ddl_field_options", ddl);
        insta::assert_snapshot!(
            "default_ordering",
            per_dialect(|d| Task::objects().filter(Task::stage().eq(Stage::Live)).sql(d))
        );
        // The stamped values change every run: only the SQL is pinned.
        let mut update = String::new();
        for dialect in Dialect::ALL {
            let stmt = Task::objects()
                .filter(Task::level().eq(Level::High))
                .update_sql(dialect, [Task::stage().set(Stage::Draft)])
                .unwrap();
            update.push_str(&format!("-- {dialect}\n{}\n", stmt.sql()));
        }
        insta::assert_snapshot!("update_stamps_auto_now", update);
    });
}
