//! Autodetector scenarios of relations, indexes and constraints: a before
//! state, an after state and the exact operations expected, in dependency
//! order (targets before foreign keys, indexes after their fields).

use crate::scenarios::{destructive, project};
use crate::support::*;
use strata::meta::OnDelete;
use strata::ColumnType;
use strata_migrate::operations::*;
use strata_migrate::*;

use crate::support::{author, post, tag};

#[test]
fn foreign_key_to_a_new_model_creates_the_target_first() {
    let ops = detect(&ProjectState::new(), &project(vec![post(), author()]));
    assert_eq!(
        described(&ops),
        ["Create model Author", "Create model Post"]
    );
}

#[test]
fn new_foreign_key_field_on_an_existing_model_comes_after_its_new_target() {
    let old = project(vec![
        post().column(FieldState::new("x", ColumnType::Integer).null())
    ]);
    let old = {
        // Post without its author at first.
        let mut p = old.models["Post"].clone();
        p.fields.retain(|f| f.column != "author_id");
        project(vec![p])
    };
    let new = project(vec![
        author(),
        post().column(FieldState::new("x", ColumnType::Integer).null()),
    ]);
    let mut q = ScriptedQuestioner::new().value("Post", "author_id", DefaultValue::Int(1));
    let ops = detect_with(&old, &new, &mut q);
    assert_eq!(
        described(&ops),
        ["Create model Author", "Add field author_id to Post"]
    );
}

#[test]
fn circular_foreign_keys_between_new_models_add_one_key_later() {
    let a = ModelState::new("A").pk("id").column(
        FieldState::new("b_id", ColumnType::BigInt)
            .null()
            .references("B", OnDelete::SetNull),
    );
    let b = ModelState::new("B")
        .pk("id")
        .fk("a_id", "A", OnDelete::Cascade);
    let ops = detect(&ProjectState::new(), &project(vec![a, b]));
    assert_eq!(
        described(&ops),
        ["Create model A", "Create model B", "Add field b_id to A"]
    );
    let Operation::CreateModel(create_a) = &ops[0] else {
        panic!()
    };
    assert!(create_a.fields.iter().all(|f| f.column != "b_id"));
}

#[test]
fn self_referencing_foreign_key_is_created_with_the_table() {
    let node = ModelState::new("Node").pk("id").column(
        FieldState::new("parent_id", ColumnType::BigInt)
            .null()
            .references("Node", OnDelete::Cascade),
    );
    let ops = detect(&ProjectState::new(), &project(vec![node]));
    assert_eq!(described(&ops), ["Create model Node"]);
}

#[test]
fn deleted_models_drop_the_referencing_table_first() {
    let old = project(vec![author(), post()]);
    let ops = detect(&old, &ProjectState::new());
    assert_eq!(
        described(&ops),
        ["Delete model Post", "Delete model Author"]
    );
}

#[test]
fn deleting_circular_models_drops_one_foreign_key_first() {
    let a = ModelState::new("A")
        .pk("id")
        .fk("b_id", "B", OnDelete::Cascade);
    let b = ModelState::new("B")
        .pk("id")
        .fk("a_id", "A", OnDelete::Cascade);
    let old = project(vec![a, b]);
    let ops = detect(&old, &ProjectState::new());
    assert_eq!(
        described(&ops),
        ["Alter field a_id on B", "Delete model A", "Delete model B"]
    );
}

#[test]
fn foreign_key_moved_from_a_deleted_to_a_new_model_creates_alters_then_deletes() {
    let old = project(vec![author(), post()]);
    let new = project(vec![
        ModelState::new("Person")
            .pk("id")
            .field("email", ColumnType::Varchar(200)),
        ModelState::new("Post")
            .pk("id")
            .field("title", ColumnType::Varchar(200))
            .fk("author_id", "Person", OnDelete::Cascade),
    ]);
    let ops = detect(&old, &new);
    assert_eq!(
        described(&ops),
        [
            "Create model Person",
            "Alter field author_id on Post",
            "Delete model Author"
        ]
    );
}

#[test]
fn changed_on_delete_is_an_alter_field() {
    let old = project(vec![author(), post()]);
    let new = project(vec![
        author(),
        ModelState::new("Post")
            .pk("id")
            .field("title", ColumnType::Varchar(200))
            .fk("author_id", "Author", OnDelete::Restrict),
    ]);
    assert_eq!(
        described(&detect(&old, &new)),
        ["Alter field author_id on Post"]
    );
}

#[test]
fn protect_to_do_nothing_changes_state_but_no_sql() {
    let with = |od| {
        project(vec![
            author(),
            ModelState::new("Post")
                .pk("id")
                .fk("author_id", "Author", od),
        ])
    };
    let old = with(OnDelete::Protect);
    let ops = detect(&old, &with(OnDelete::DoNothing));
    assert_eq!(described(&ops), ["Alter field author_id on Post"]);
    for dialect in strata::Dialect::ALL {
        assert!(ops[0].forward_sql(dialect, &old).unwrap().is_empty());
    }
}

#[test]
fn many_to_many_added_with_new_models_comes_after_both() {
    let new = project(vec![author(), post().m2m("tags", "Tag"), tag()]);
    let ops = detect(&ProjectState::new(), &new);
    assert_eq!(
        described(&ops),
        [
            "Create model Author",
            "Create model Post",
            "Create model Tag",
            "Add many-to-many tags from Post to Tag"
        ]
    );
}

#[test]
fn many_to_many_removed_drops_its_join_table() {
    let old = project(vec![author(), post().m2m("tags", "Tag"), tag()]);
    let ops = detect(&old, &project(vec![author(), post(), tag()]));
    assert_eq!(described(&ops), ["Remove many-to-many tags from Post"]);
    assert_eq!(destructive(&old, &ops), [true]);
}

#[test]
fn deleting_a_model_removes_its_relations_first() {
    let old = project(vec![author(), post().m2m("tags", "Tag"), tag()]);
    let ops = detect(&old, &project(vec![author(), tag()]));
    assert_eq!(
        described(&ops),
        ["Remove many-to-many tags from Post", "Delete model Post"]
    );
}

#[test]
fn many_to_many_through_a_model_creates_the_model_and_a_sql_less_relation() {
    let membership = ModelState::new("Membership")
        .pk("id")
        .fk("post_id", "Post", OnDelete::Cascade)
        .fk("tag_id", "Tag", OnDelete::Cascade);
    let new = project(vec![
        author(),
        tag(),
        post().m2m_through("tags", "Tag", &membership, "post_id", "tag_id"),
        membership,
    ]);
    let old = project(vec![author(), post(), tag()]);
    let ops = detect(&old, &new);
    assert_eq!(
        described(&ops),
        [
            "Create model Membership",
            "Add many-to-many tags from Post to Tag"
        ]
    );
    let mut state = old.clone();
    ops[0].apply(&mut state).unwrap();
    assert!(ops[1]
        .forward_sql(strata::Dialect::Postgres, &state)
        .unwrap()
        .is_empty());
}

#[test]
fn table_rename_renames_the_automatic_join_table_too() {
    let old = project(vec![author(), post().m2m("tags", "Tag"), tag()]);
    let new = project(vec![
        author(),
        post().table("blog_post").m2m("tags", "Tag"),
        tag(),
    ]);
    let ops = detect(&old, &new);
    assert_eq!(
        described(&ops),
        [
            "Rename table of Post to blog_post",
            "Rename join table of Post.tags to blog_post_tags"
        ]
    );
}

#[test]
fn table_rename_alone_is_alter_model_table() {
    let old = project(vec![tag()]);
    let ops = detect(&old, &project(vec![tag().table("labels")]));
    assert_eq!(
        ops,
        vec![Operation::AlterModelTable(AlterModelTable {
            model: "Tag".into(),
            table: "labels".into()
        })]
    );
}

#[test]
fn index_added_and_removed() {
    let plain = project(vec![tag()]);
    let indexed = project(vec![tag().index("tag_label_idx", &["label"])]);
    assert_eq!(
        described(&detect(&plain, &indexed)),
        ["Create index tag_label_idx on Tag"]
    );
    assert_eq!(
        described(&detect(&indexed, &plain)),
        ["Remove index tag_label_idx from Tag"]
    );
}

#[test]
fn index_with_the_same_columns_and_a_new_name_is_renamed() {
    let old = project(vec![tag().index("tag_label_idx", &["label"])]);
    let new = project(vec![tag().index("label_lookup", &["label"])]);
    assert_eq!(
        detect(&old, &new),
        vec![Operation::RenameIndex(RenameIndex {
            model: "Tag".into(),
            old_name: "tag_label_idx".into(),
            new_name: "label_lookup".into(),
        })]
    );
}

#[test]
fn index_with_changed_columns_is_dropped_and_recreated() {
    let old = project(
        vec![post().index("post_idx", &["title"])]
            .into_iter()
            .chain([author()])
            .collect(),
    );
    let new = project(vec![
        author(),
        post().index("post_idx", &["title", "author_id"]),
    ]);
    assert_eq!(
        described(&detect(&old, &new)),
        [
            "Remove index post_idx from Post",
            "Create index post_idx on Post"
        ]
    );
}

#[test]
fn index_on_a_new_field_comes_after_the_field() {
    let old = project(vec![tag()]);
    let new = project(vec![tag()
        .column(FieldState::new("slug", ColumnType::Varchar(50)).null())
        .index("tag_slug_idx", &["slug"])]);
    assert_eq!(
        described(&detect(&old, &new)),
        ["Add field slug to Tag", "Create index tag_slug_idx on Tag"]
    );
}

#[test]
fn removing_an_indexed_field_removes_the_index_first() {
    let old = project(vec![tag()
        .column(FieldState::new("slug", ColumnType::Varchar(50)).null())
        .index("tag_slug_idx", &["slug"])]);
    assert_eq!(
        described(&detect(&old, &project(vec![tag()]))),
        [
            "Remove index tag_slug_idx from Tag",
            "Remove field slug from Tag"
        ]
    );
}

#[test]
fn unique_constraint_added_and_removed() {
    let plain = project(vec![author(), post()]);
    let unique = project(vec![
        author(),
        post().unique_together("post_title_author_uniq", &["title", "author_id"]),
    ]);
    assert_eq!(
        described(&detect(&plain, &unique)),
        ["Create constraint post_title_author_uniq on Post"]
    );
    assert_eq!(
        described(&detect(&unique, &plain)),
        ["Remove constraint post_title_author_uniq from Post"]
    );
}

#[test]
fn unique_constraint_follows_a_renamed_field() {
    let old = project(vec![
        author(),
        post().unique_together("post_uniq", &["title", "author_id"]),
    ]);
    let new = project(vec![
        author(),
        ModelState::new("Post")
            .pk("id")
            .field("headline", ColumnType::Varchar(200))
            .fk("author_id", "Author", OnDelete::Cascade)
            .unique_together("post_uniq", &["headline", "author_id"]),
    ]);
    let mut q = ScriptedQuestioner::new().rename_field("Post", "title", "headline", true);
    assert_eq!(
        described(&detect_with(&old, &new, &mut q)),
        ["Rename field title on Post to headline"]
    );
}

#[test]
fn check_constraint_added_and_changed() {
    let old = project(vec![
        author().column(FieldState::new("age", ColumnType::Integer).null())
    ]);
    let checked = |expr: &str| {
        project(vec![author()
            .column(FieldState::new("age", ColumnType::Integer).null())
            .check("author_age_check", expr)])
    };
    assert_eq!(
        described(&detect(&old, &checked("age >= 0"))),
        ["Create constraint author_age_check on Author"]
    );
    assert_eq!(
        described(&detect(&checked("age >= 0"), &checked("age >= 18"))),
        [
            "Remove constraint author_age_check from Author",
            "Create constraint author_age_check on Author"
        ]
    );
}

#[test]
fn changing_the_primary_key_is_a_clear_error() {
    let old = project(vec![tag()]);
    let new = project(vec![ModelState::new("Tag")
        .column(FieldState::new("label", ColumnType::Varchar(50)).primary_key())]);
    let err = autodetect(&old, &new, &mut ScriptedQuestioner::new()).unwrap_err();
    assert!(
        matches!(err, Error::UnsupportedChange { ref model, .. } if model == "Tag"),
        "{err}"
    );
}

#[test]
fn new_state_with_a_dangling_foreign_key_is_rejected() {
    let err = autodetect(
        &ProjectState::new(),
        &project(vec![post()]),
        &mut NonInteractiveQuestioner,
    )
    .unwrap_err();
    assert!(err.to_string().contains("unknown model `Author`"), "{err}");
}

#[test]
fn many_changes_at_once_come_in_dependency_order() {
    let old = project(vec![
        author(),
        post().index("post_title_idx", &["title"]),
        tag(),
    ]);
    let new = project(vec![
        author().column(FieldState::new("bio", ColumnType::Text).null()),
        ModelState::new("Post")
            .pk("id")
            .field("title", ColumnType::Varchar(200))
            .fk("author_id", "Author", OnDelete::Cascade)
            .fk("category_id", "Category", OnDelete::Restrict)
            .m2m("tags", "Tag"),
        tag(),
        ModelState::new("Category")
            .pk("id")
            .field("name", ColumnType::Varchar(50)),
    ]);
    let mut q = ScriptedQuestioner::new().value("Post", "category_id", DefaultValue::Int(1));
    assert_eq!(
        described(&detect_with(&old, &new, &mut q)),
        [
            "Remove index post_title_idx from Post",
            "Create model Category",
            "Add field bio to Author",
            "Add field category_id to Post",
            "Add many-to-many tags from Post to Tag",
        ]
    );
}

#[test]
fn state_from_derived_models_keeps_columns_indexes_and_constraints() {
    use strata::Model;
    use strata_tests::models::{Article, Country};
    let state = ProjectState::from_models(&[Article::META, Country::META]).unwrap();
    let article = state.model("Article").unwrap();
    assert_eq!(article.table, "article");
    let pk = article.primary_key().unwrap();
    assert!(pk.auto_increment && pk.column == "id");
    assert!(article.get_field("score").unwrap().null);
    assert_eq!(
        article.get_field("published").unwrap().default,
        Some(DefaultValue::Bool(false))
    );
    assert!(article
        .indexes
        .iter()
        .any(|i| i.columns == ["author", "rating"]));
    assert!(article
        .constraints
        .iter()
        .any(|c| c.kind == ConstraintKind::Unique(vec!["title".into(), "author".into()])));
    let country = state.model("Country").unwrap();
    assert!(country.get_field("country_name").unwrap().unique);
    assert!(!country.primary_key().unwrap().auto_increment);
    let ops = detect(&ProjectState::new(), &state);
    assert_eq!(
        described(&ops),
        ["Create model Article", "Create model Country"]
    );
}

#[test]
fn a_thousand_models_are_detected_and_replayed() {
    let mut new = ProjectState::new();
    for i in 0..1000 {
        let mut m = ModelState::new(&format!("M{i}"))
            .pk("id")
            .field("name", ColumnType::Varchar(50))
            .index(&format!("m{i}_name_idx"), &["name"]);
        if i > 0 {
            m = m.fk("prev_id", &format!("M{}", i - 1), OnDelete::Cascade);
        }
        new = new.with(m);
    }
    let ops = detect(&ProjectState::new(), &new);
    assert_eq!(ops.len(), 1000);
    assert!(detect(&new, &new).is_empty());
}
