//! Instance operations: insert, save, delete, refresh and bulk_create.

use crate::{per_dialect, with_snapshots};
use strata::prelude::*;
use strata_tests::models::{Article, Country};

fn saved() -> Article {
    Article {
        id: 7,
        ..Article::new("Title", "ann", 3)
    }
}

#[test]
fn insert_omits_a_generated_key_and_returns_it_on_postgres() {
    with_snapshots(|| {
        insta::assert_snapshot!("insert", per_dialect(|d| saved().insert_sql(d)));
        let country = Country {
            code: "FR".into(),
            name: "France".into(),
            population: 68_000_000,
        };
        insta::assert_snapshot!("insert_natural_key", per_dialect(|d| country.insert_sql(d)));
    });
}

#[test]
fn save_delete_and_refresh_address_the_primary_key() {
    with_snapshots(|| {
        insta::assert_snapshot!("save", per_dialect(|d| saved().save_sql(d).unwrap()));
        insta::assert_snapshot!("delete_instance", per_dialect(|d| saved().delete_sql(d)));
        insta::assert_snapshot!("refresh", per_dialect(|d| saved().refresh_sql(d)));
    });
}

#[test]
fn bulk_create_writes_multi_row_inserts() {
    with_snapshots(|| {
        let rows = vec![
            Article::new("a", "x", 1),
            Article::new("b", "y", 2),
            Article::new("c", "z", 3),
        ];
        insta::assert_snapshot!(
            "bulk_create",
            per_dialect(|d| {
                let mut statements = Article::bulk_create_sql(&rows, d);
                assert_eq!(statements.len(), 1);
                statements.remove(0)
            })
        );
    });
}

#[test]
fn bulk_create_batches_respect_each_databases_bind_limit() {
    // Article writes 6 columns per row.
    let rows: Vec<Article> = (0..20_000)
        .map(|i| Article::new(&format!("t{i}"), "a", i))
        .collect();
    for (dialect, batches) in [
        (Dialect::Sqlite, 4),
        (Dialect::Postgres, 2),
        (Dialect::MySql, 2),
    ] {
        let statements = Article::bulk_create_sql(&rows, dialect);
        assert_eq!(statements.len(), batches, "{dialect}");
        let binds: usize = statements.iter().map(|s| s.binds().len()).sum();
        assert_eq!(binds, 20_000 * 6);
        assert!(statements
            .iter()
            .all(|s| s.binds().len() <= dialect.max_bind_params()));
    }
}

#[test]
fn bulk_create_statements_yield_the_batches_of_bulk_create_sql_one_by_one() {
    let rows: Vec<Article> = (0..20_000)
        .map(|i| Article::new(&format!("t{i}"), "a", i))
        .collect();
    for dialect in Dialect::ALL {
        let statements = Article::bulk_create_statements(&rows, dialect);
        let expected = Article::bulk_create_sql(&rows, dialect);
        assert_eq!(statements.len(), expected.len(), "{dialect}");
        assert_eq!(statements.collect::<Vec<_>>(), expected, "{dialect}");
        let one = Article::bulk_create_statements(&rows[..3], dialect);
        assert_eq!(one.len(), 1, "{dialect}");
    }
}
