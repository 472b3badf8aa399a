//! `CREATE TABLE` and indexes for the test models, per dialect.

use crate::with_snapshots;
use strata::prelude::*;
use strata::schema::create_table_sql;
use strata_tests::models::{AllOptional, AllTypes, Article, Country, Keyword};

fn ddl(meta: &strata::ModelMeta) -> String {
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
fn create_table_sql_is_pinned_per_dialect() {
    with_snapshots(|| {
        insta::assert_snapshot!("ddl_article", ddl(Article::META));
        insta::assert_snapshot!("ddl_all_types", ddl(AllTypes::META));
        insta::assert_snapshot!("ddl_all_optional", ddl(AllOptional::META));
        insta::assert_snapshot!("ddl_country", ddl(Country::META));
        insta::assert_snapshot!("ddl_keyword_quoting", ddl(Keyword::META));
    });
}

#[derive(Model, Debug)]
struct Unindexable {
    id: i64,
    #[strata(unique)]
    body: String,
}

#[test]
fn mysql_refuses_to_index_unbounded_text_with_a_hint() {
    let err = create_table_sql(Unindexable::META, Dialect::MySql).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("give the field a `max_length`"),
        "{message}"
    );
    assert!(create_table_sql(Unindexable::META, Dialect::Postgres).is_ok());
    assert!(create_table_sql(Unindexable::META, Dialect::Sqlite).is_ok());
}

#[test]
fn every_model_is_in_the_registry() {
    let tables: Vec<&str> = strata::registry::models().iter().map(|m| m.table).collect();
    for table in [
        "article",
        "all_types",
        "all_optional",
        "country",
        "select",
        "unindexable",
    ] {
        assert!(tables.contains(&table), "{table} missing from {tables:?}");
    }
}
