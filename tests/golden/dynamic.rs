//! Golden SQL of `strata::dynamic`: the queries a tool builds from a
//! model's metadata at run time (the admin's list pages).

use crate::{per_dialect, with_snapshots};
use strata::dynamic::{DynColumn, DynQuery};
use strata::prelude::*;
use strata::Value;
use strata_tests::blog::{Author, Post};

fn col(model: &'static strata::ModelMeta, field: &str) -> DynColumn {
    DynColumn::of(model, field).expect("a field of the model")
}

#[test]
fn dynamic_list_query_with_search_filter_sort_page_and_join() {
    with_snapshots(|| {
        insta::assert_snapshot!(
            "dynamic_list_page",
            per_dialect(|d| {
                let title = col(Post::META, "title");
                let published = col(Post::META, "published");
                let author = col(Post::META, "author");
                DynQuery::new(Post::META)
                    .filter(published.eq(Value::Bool(Some(true))).unwrap())
                    .filter(title.icontains("50%_off").unwrap())
                    .order_by(title, true)
                    .select_related(author)
                    .unwrap()
                    .limit(25)
                    .offset(50)
                    .sql(d)
            })
        );
        insta::assert_snapshot!(
            "dynamic_count_with_any_and_not",
            per_dialect(|d| {
                let name = col(Author::META, "name");
                let id = col(Author::META, "id");
                let any = strata::dynamic::DynCondition::any(vec![
                    name.icontains("a").unwrap(),
                    id.gte(Value::I64(Some(10))).unwrap(),
                ])
                .unwrap();
                DynQuery::new(Author::META)
                    .filter(any)
                    .filter(id.eq(Value::I64(Some(3))).unwrap().negate())
                    .count_sql(d)
            })
        );
    });
}

#[test]
fn dynamic_lookups_refuse_unknown_fields_and_wrong_kinds() {
    assert!(DynColumn::of(Post::META, "title\"; DROP TABLE blog_post; --").is_err());
    let title = col(Post::META, "title");
    assert!(title.eq(Value::I32(Some(1))).is_err());
    assert!(title.eq(Value::String(None)).is_err());
    assert!(col(Post::META, "published").icontains("x").is_err());
    assert!(DynQuery::new(Post::META).select_related(title).is_err());
    assert!(DynColumn::from_meta(Author::META, Post::META.pk()).is_err());
}
