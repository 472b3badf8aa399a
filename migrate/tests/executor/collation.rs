//! Tables made by migrations compare text exactly: trailing spaces count
//! on MySQL/MariaDB too (a binary NO PAD collation, chosen per server by
//! the executable comments in the committed SQL).

use crate::fixtures::history;
use crate::support::{each_db, scalar_i64, strings, Ctx};
use strata::Dialect;
use strata_migrate::{Migrator, Target};

#[tokio::test]
async fn migrated_tables_keep_trailing_spaces_significant() {
    each_db("nopad_collation", |ctx: Ctx| async move {
        let history = history();
        let names = history.names();
        let db = &ctx.db;
        Migrator::new(history.set())
            .migrate(db, &Target::Migration(names[0].clone()), &mut Vec::new())
            .await
            .unwrap();
        for (id, name) in [(1, "Ann"), (2, "Ann "), (3, "Ann  ")] {
            db.execute_raw_sql(strata::AssertSqlSafe(format!(
                "INSERT INTO author (id, name) VALUES ({id}, '{name}')"
            )))
            .await
            .unwrap();
        }
        let exact = scalar_i64(db, "SELECT COUNT(*) FROM author WHERE name = 'Ann'").await;
        assert_eq!(exact, 1, "name = 'Ann' on {}", ctx.dialect());
        let below = scalar_i64(db, "SELECT COUNT(*) FROM author WHERE name < 'Ann '").await;
        assert_eq!(below, 1, "name < 'Ann ' on {}", ctx.dialect());

        if ctx.dialect() == Dialect::MySql {
            // Every table strata made, the recorder's included.
            let collations = strings(
                db,
                "SELECT DISTINCT TABLE_COLLATION FROM information_schema.TABLES \
                 WHERE TABLE_SCHEMA = DATABASE()",
            )
            .await;
            let is_mariadb = strings(db, "SELECT VERSION()").await[0].contains("MariaDB");
            let want = if is_mariadb {
                "utf8mb4_nopad_bin"
            } else {
                "utf8mb4_0900_bin"
            };
            assert_eq!(collations, [want]);
        }
    })
    .await;
}
