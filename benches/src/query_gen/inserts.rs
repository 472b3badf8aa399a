//! Multi-row inserts of `insert_N` users (`INSERT .. VALUES (..), (..)`,
//! the generated keys read back with `RETURNING` where strata does).
//!
//! strata's cold case renders the statement from scratch
//! (`strata::bulk_create_sql_uncached`); its warm and rebuilt cases are
//! `bulk_create_sql`, whose SQL text comes from the statement cache (keyed
//! by the model and the row count), as every `bulk_create` call's does.
//! The rows are the application's data, not a DSL value, so strata has
//! nothing to rebuild: rebuilt is the same call as warm.

use super::diesel_side::{diesel_backend_cases, sqlite_multi_insert};
use super::sea_query_side::sea_query_cases;
use super::strata_side::static_case;
use super::Case;
use crate::diesel_schema::users;
use crate::models::{new_users, User};
use crate::seaq::Users;
use diesel::prelude::*;
use sea_query::Query;
use std::hint::black_box;
use strata::{Dialect, Model};

/// The row counts of the insert benchmarks.
pub const INSERT_SIZES: [usize; 5] = [1, 10, 25, 50, 100];

pub fn insert(out: &mut Vec<Case>, dialect: Dialect, n: usize) {
    let shape = format!("insert_{n}");
    let rows = new_users(n);
    let stmt = User::bulk_create_sql(&rows, dialect)
        .pop()
        .expect("one statement");
    let uncached = strata::bulk_create_sql_uncached(&rows, dialect);
    assert_eq!(uncached.len(), 1, "{shape}: one statement");
    assert_eq!(uncached[0].sql(), stmt.sql(), "{shape}: the cached SQL");
    assert_eq!(
        uncached[0].binds(),
        stmt.binds(),
        "{shape}: the cached binds"
    );
    static_case(out, &shape, dialect, stmt.clone());
    let cold: Box<dyn FnMut()> = {
        let rows = rows.clone();
        Box::new(move || {
            black_box(strata::bulk_create_sql_uncached(
                black_box(&rows),
                black_box(dialect),
            ));
        })
    };
    let cached = || -> Box<dyn FnMut()> {
        let rows = rows.clone();
        Box::new(move || {
            black_box(User::bulk_create_sql(black_box(&rows), black_box(dialect)));
        })
    };
    for (mode, run) in [("cold", cold), ("warm", cached()), ("rebuilt", cached())] {
        out.push(Case {
            shape: shape.clone(),
            dialect,
            side: "strata",
            mode,
            run,
            sql: stmt.sql().to_string(),
            binds: stmt.binds().len(),
        });
    }
    // The same rows as plain data, the way an application holding them
    // would hand them to Diesel. A `Vec` of rows has no static query id,
    // so a Diesel connection renders every batch insert in full: warm and
    // rebuilt render too.
    let data: Vec<(String, Option<String>)> = rows
        .iter()
        .map(|u| (u.name.clone(), u.hair_color.clone()))
        .collect();
    match dialect {
        Dialect::Postgres => {
            use super::diesel_side::{diesel_pg, diesel_pg_warm};
            diesel_backend_cases!(
                out,
                shape,
                dialect,
                diesel_pg,
                diesel_pg_warm,
                diesel_pg,
                [data],
                diesel::insert_into(users::table)
                    .values(
                        data.iter()
                            .map(|(name, hair)| {
                                (
                                    users::name.eq(name.as_str()),
                                    users::hair_color.eq(hair.as_deref()),
                                )
                            })
                            .collect::<Vec<_>>()
                    )
                    .returning(users::id)
            )
        }
        Dialect::MySql => {
            use super::diesel_side::diesel_mysql;
            diesel_backend_cases!(
                out,
                shape,
                dialect,
                diesel_mysql,
                diesel_mysql,
                diesel_mysql,
                [data],
                diesel::insert_into(users::table).values(
                    data.iter()
                        .map(|(name, hair)| {
                            (
                                users::name.eq(name.as_str()),
                                users::hair_color.eq(hair.as_deref()),
                            )
                        })
                        .collect::<Vec<_>>()
                )
            )
        }
        // `insert_into(t).values(vec)` renders on SQLite only inside
        // `SqliteConnection` (through a private wrapper type); the same
        // statement through public pieces, see `SqliteMultiInsert`.
        Dialect::Sqlite => {
            use super::diesel_side::{diesel_sqlite, diesel_sqlite_counted, diesel_sqlite_warm};
            diesel_backend_cases!(
                out,
                shape,
                dialect,
                diesel_sqlite,
                diesel_sqlite_warm,
                diesel_sqlite_counted,
                [data],
                sqlite_multi_insert(
                    users::table,
                    data.iter()
                        .map(|(name, hair)| {
                            Insertable::<users::table>::values((
                                users::name.eq(name.as_str()),
                                users::hair_color.eq(hair.as_deref()),
                            ))
                        })
                        .collect(),
                    |row| &row.values,
                )
            )
        }
    }
    sea_query_cases!(out, shape, dialect, move || {
        let mut insert = Query::insert();
        insert
            .into_table(Users::Table)
            .columns([Users::Name, Users::HairColor]);
        for (name, hair) in &data {
            insert.values_panic([name.clone().into(), hair.clone().into()]);
        }
        if dialect == Dialect::Postgres {
            insert.returning_col(Users::Id);
        }
        insert
    });
}
