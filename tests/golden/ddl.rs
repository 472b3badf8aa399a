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

/// Long enough that every generated name needs the hash shortening.
#[derive(Model, Debug)]
#[strata(index(fields(a_rather_long_column_name, another_long_column_name)))]
struct AModelWhoseTableNameIsLongEnoughToNeedShortening {
    id: i64,
    #[strata(index)]
    a_rather_long_column_name: i32,
    another_long_column_name: i32,
}

#[test]
fn the_derive_names_things_as_strata_naming_does() {
    use strata::naming::{constraint_name, snake_case};
    let meta = AModelWhoseTableNameIsLongEnoughToNeedShortening::META;
    assert_eq!(
        meta.table,
        snake_case("AModelWhoseTableNameIsLongEnoughToNeedShortening")
    );
    let names: Vec<&str> = meta.indexes.iter().map(|i| i.name).collect();
    assert_eq!(
        names,
        [
            constraint_name(meta.table, &["a_rather_long_column_name"], "idx"),
            constraint_name(
                meta.table,
                &["a_rather_long_column_name", "another_long_column_name"],
                "idx"
            ),
        ]
    );
    assert!(names
        .iter()
        .all(|n| n.len() <= strata::naming::MAX_IDENTIFIER));
    let unique = &Article::META.unique_constraints[0];
    assert_eq!(
        unique.name,
        constraint_name("article", &["title", "author"], "uniq")
    );
}
