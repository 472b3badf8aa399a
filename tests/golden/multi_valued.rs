//! Golden SQL of multi-valued relations: EXISTS subqueries for filters
//! across reverse and many-to-many relations, related() querysets, the
//! statements prefetch_related runs per relation kind, and join tables.

use crate::{per_dialect, with_snapshots};
use strata::prelude::*;
use strata::relation::{RelationMeta, RelationPath};
use strata::Value;
use strata_tests::blog::*;

fn hop<M>(path: impl RelationPath<M>) -> &'static RelationMeta {
    path.join_path().last().expect("a relation path has a hop")
}

#[test]
fn filters_across_multi_valued_relations_are_exists_subqueries() {
    with_snapshots(|| {
        insta::assert_snapshot!(
            "filter_across_reverse_foreign_key",
            per_dialect(|d| Author::objects()
                .filter(Author::posts().title().contains("t"))
                .sql(d))
        );
        insta::assert_snapshot!(
            "exclude_across_reverse_foreign_key",
            per_dialect(|d| Author::objects()
                .exclude(Author::posts().published().eq(true))
                .sql(d))
        );
        insta::assert_snapshot!(
            "any_on_one_related_row",
            per_dialect(|d| Author::objects()
                .filter(
                    Author::posts()
                        .any(Post::published().eq(false) & Post::title().contains("Rust"))
                )
                .sql(d))
        );
        insta::assert_snapshot!(
            "filter_across_many_to_many_both_ways",
            per_dialect(|d| Post::objects()
                .filter(Post::tags().name().eq("rust"))
                .filter(Post::author().name().eq("Ann"))
                .sql(d))
        );
        insta::assert_snapshot!(
            "filter_forward_then_reverse_then_many_to_many",
            per_dialect(|d| Comment::objects()
                .filter(
                    Comment::post()
                        .author()
                        .then(Author::posts())
                        .tags()
                        .name()
                        .eq("db")
                )
                .count_sql(d))
        );
        insta::assert_snapshot!(
            "filter_across_self_many_to_many",
            per_dialect(|d| Person::objects()
                .filter(Person::followers().name().eq("Kim"))
                .sql(d))
        );
        insta::assert_snapshot!(
            "filter_across_through_model",
            per_dialect(|d| Student::objects()
                .filter(Student::courses().title().eq("Biology"))
                .sql(d))
        );
        insta::assert_snapshot!(
            "delete_with_exists_filter",
            per_dialect(|d| Tag::objects()
                .exclude(Tag::posts().id().gt(0))
                .delete_sql(d)
                .unwrap())
        );
    });
}

#[test]
fn related_rows_and_prefetch_statements() {
    let ann = Author {
        id: 7,
        name: "Ann".into(),
        posts: Default::default(),
    };
    let post = Post {
        id: 3,
        author: ForeignKey::to(&ann),
        title: "t".into(),
        published: true,
        tags: Default::default(),
        comments: Default::default(),
    };
    let keys = [Value::I64(Some(1)), Value::I64(Some(2))];
    with_snapshots(|| {
        insta::assert_snapshot!(
            "related_reverse_foreign_key",
            per_dialect(|d| ann.related(Author::posts()).objects().sql(d))
        );
        insta::assert_snapshot!(
            "related_many_to_many",
            per_dialect(|d| post.related(Post::tags()).objects().sql(d))
        );
        insta::assert_snapshot!(
            "prefetch_reverse_foreign_key",
            per_dialect(|d| Post::objects().prefetch_sql(d, hop(Author::posts()), &keys))
        );
        insta::assert_snapshot!(
            "prefetch_many_to_many",
            per_dialect(|d| Tag::objects().prefetch_sql(d, hop(Post::tags()), &keys))
        );
        insta::assert_snapshot!(
            "prefetch_forward_foreign_key",
            per_dialect(|d| Author::objects().prefetch_sql(d, hop(Post::author()), &keys))
        );
        insta::assert_snapshot!(
            "prefetch_custom_queryset",
            per_dialect(|d| Post::objects()
                .filter(Post::published().eq(true))
                .order_by(Post::title().desc())
                .select_related(Post::author())
                .prefetch_sql(d, hop(Author::posts()), &keys))
        );
    });
}

#[test]
fn a_sliced_prefetch_numbers_each_parents_rows_with_a_window() {
    let keys = [Value::I64(Some(1)), Value::I64(Some(2))];
    with_snapshots(|| {
        insta::assert_snapshot!(
            "prefetch_sliced_reverse_foreign_key",
            per_dialect(|d| Post::objects()
                .filter(Post::published().eq(true))
                .order_by(Post::title().desc())
                .select_related(Post::author())
                .offset(1)
                .limit(2)
                .prefetch_sql(d, hop(Author::posts()), &keys))
        );
        insta::assert_snapshot!(
            "prefetch_sliced_many_to_many_distinct",
            per_dialect(|d| Tag::objects().distinct().limit(1).prefetch_sql(
                d,
                hop(Post::tags()),
                &keys
            ))
        );
        insta::assert_snapshot!(
            "prefetch_distinct_joined_order",
            per_dialect(|d| Post::objects()
                .distinct()
                .order_by(Post::author().name().desc())
                .prefetch_sql(d, hop(Tag::posts()), &keys))
        );
    });
}

#[test]
fn automatic_join_tables_have_a_unique_pair_and_cascading_keys() {
    with_snapshots(|| {
        let ddl = |d| {
            let (create, keys) = strata::schema::join_tables_sql(Post::META, d).unwrap();
            let mut out = create;
            out.extend(keys);
            strata::Statement::raw(d, strata::AssertSqlSafe(out.join(";\n")))
        };
        insta::assert_snapshot!("join_table_ddl", per_dialect(ddl));
    });
}
