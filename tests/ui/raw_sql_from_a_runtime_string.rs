// Raw SQL built at run time needs the caller's explicit `AssertSqlSafe`.

async fn run(db: &strata::Db, table: &str) {
    let sql = format!("DELETE FROM {table}");
    let _ = db.execute_raw_sql(sql).await;
}

fn main() {
    let _ = run;
}
