//! sea-query's cases: a statement rendered by `build(<Backend>QueryBuilder)`.
//! sea-query has no statement cache, so there is no rebuilt case: building
//! the statement afresh and rendering it is its cold case.

/// Pushes the sea-query cold and warm cases of a statement-building
/// closure (a `SelectStatement`, `InsertStatement` or `UpdateStatement`).
macro_rules! sea_query_cases {
    ($out:expr, $shape:expr, $dialect:expr, $build:expr) => {{
        use sea_query::{
            MysqlQueryBuilder as SqMysql, PostgresQueryBuilder as SqPg,
            SqliteQueryBuilder as SqSqlite,
        };
        use std::hint::black_box;
        use strata::Dialect;
        let build = $build;
        let (sql, values) = match $dialect {
            Dialect::Postgres => build().build(SqPg),
            Dialect::MySql => build().build(SqMysql),
            Dialect::Sqlite => build().build(SqSqlite),
        };
        let warm = build();
        let dialect = $dialect;
        $out.push($crate::query_gen::Case {
            shape: $shape.to_string(),
            dialect,
            side: "sea-query",
            mode: "cold",
            run: Box::new(move || {
                black_box(match black_box(dialect) {
                    Dialect::Postgres => build().build(SqPg),
                    Dialect::MySql => build().build(SqMysql),
                    Dialect::Sqlite => build().build(SqSqlite),
                });
            }),
            sql: sql.clone(),
            binds: values.0.len(),
        });
        $out.push($crate::query_gen::Case {
            shape: $shape.to_string(),
            dialect,
            side: "sea-query",
            mode: "warm",
            run: Box::new(move || {
                let warm = black_box(&warm);
                black_box(match black_box(dialect) {
                    Dialect::Postgres => warm.build(SqPg),
                    Dialect::MySql => warm.build(SqMysql),
                    Dialect::Sqlite => warm.build(SqSqlite),
                });
            }),
            sql,
            binds: values.0.len(),
        });
    }};
}
pub(crate) use sea_query_cases;
