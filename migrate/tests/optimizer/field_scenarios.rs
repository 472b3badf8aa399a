//! Optimizer scenarios of field operations: a `CreateModel` absorbing
//! added, altered, renamed and removed fields, chains of renames and
//! alterations, and what an index or another model keeps apart. Each pins
//! the optimized list and replays it to the original's state.

use crate::ops::*;
use crate::scenarios::{empty, foo_and_bar};
use strata::ColumnType;
use strata_migrate::{DefaultValue, FieldState};

#[test]
fn create_absorbs_an_added_field() {
    check(
        &empty(),
        vec![create("Foo", vec![chars("name")]), add("Foo", int("age"))],
        vec![create("Foo", vec![chars("name"), int("age")])],
    );
}

#[test]
fn create_absorbs_an_added_field_and_drops_its_one_off_value() {
    check(
        &empty(),
        vec![
            create("Foo", vec![chars("name")]),
            add_with_one_off("Foo", int("age"), DefaultValue::Int(3)),
        ],
        vec![create("Foo", vec![chars("name"), int("age")])],
    );
}

#[test]
fn a_foreign_key_to_a_model_created_between_folds_after_it() {
    check(
        &empty(),
        vec![
            create("Foo", vec![chars("name")]),
            create("Link", vec![FieldState::new("url", ColumnType::Text)]),
            add("Foo", fk("link_id", "Link")),
        ],
        vec![
            create("Link", vec![FieldState::new("url", ColumnType::Text)]),
            create("Foo", vec![chars("name"), fk("link_id", "Link")]),
        ],
    );
}

#[test]
fn a_many_to_many_stays_after_both_models() {
    let both = empty()
        .with(model("Foo", vec![chars("name")]))
        .with(model("Link", vec![]));
    check_unchanged(
        &empty(),
        vec![
            create("Foo", vec![chars("name")]),
            create("Link", vec![]),
            add_m2m(&both, "Foo", "links", "Link"),
        ],
    );
}

#[test]
fn create_absorbs_an_altered_field() {
    check(
        &empty(),
        vec![
            create("Foo", vec![chars("name")]),
            alter("Foo", int("name")),
        ],
        vec![create("Foo", vec![int("name")])],
    );
}

#[test]
fn create_absorbs_a_renamed_field() {
    check(
        &empty(),
        vec![
            create("Foo", vec![chars("name")]),
            rename("Foo", "name", "title"),
        ],
        vec![create("Foo", vec![chars("title")])],
    );
}

#[test]
fn create_absorbs_a_renamed_field_with_its_index() {
    check(
        &empty(),
        vec![
            create_model(&model("Foo", vec![chars("name")]).index("foo_name_idx", &["name"])),
            rename("Foo", "name", "title"),
        ],
        vec![create_model(
            &model("Foo", vec![chars("title")]).index("foo_name_idx", &["title"]),
        )],
    );
}

#[test]
fn a_rename_does_not_fold_into_a_create_with_a_check() {
    check_unchanged(
        &empty(),
        vec![
            create_model(&model("Foo", vec![int("n")]).check("foo_n_positive", "n > 0")),
            rename("Foo", "n", "m"),
        ],
    );
}

#[test]
fn an_added_field_takes_its_later_name() {
    check(
        &foo_and_bar(),
        vec![
            add("Foo", chars("title")),
            rename("Foo", "title", "heading"),
        ],
        vec![add("Foo", chars("heading"))],
    );
}

#[test]
fn an_altered_field_moves_after_its_renames() {
    check(
        &foo_and_bar(),
        vec![
            alter("Foo", FieldState::new("name", ColumnType::Varchar(100))),
            rename("Foo", "name", "title"),
            rename("Foo", "title", "nom"),
        ],
        vec![
            rename("Foo", "name", "nom"),
            alter("Foo", FieldState::new("nom", ColumnType::Varchar(100))),
        ],
    );
}

#[test]
fn field_renamed_back_is_no_operation() {
    check(
        &foo_and_bar(),
        vec![
            rename("Foo", "name", "title"),
            rename("Foo", "title", "name"),
        ],
        vec![],
    );
}

#[test]
fn create_absorbs_a_removed_field() {
    check(
        &empty(),
        vec![
            create("Foo", vec![chars("name"), int("age")]),
            remove("Foo", "age"),
        ],
        vec![create("Foo", vec![chars("name")])],
    );
}

#[test]
fn an_added_field_absorbs_its_alteration() {
    check(
        &foo_and_bar(),
        vec![
            add("Foo", int("height")),
            alter(
                "Foo",
                FieldState::new("height", ColumnType::Double).default(DefaultValue::Float(2.4)),
            ),
        ],
        vec![add(
            "Foo",
            FieldState::new("height", ColumnType::Double).default(DefaultValue::Float(2.4)),
        )],
    );
}

#[test]
fn an_added_field_keeps_an_alteration_its_one_off_value_does_not_fit() {
    // The rows that exist get 7 as an integer; a merged AddField would
    // need one value valid in both types.
    check_unchanged(
        &foo_and_bar(),
        vec![
            add_with_one_off("Foo", int("height"), DefaultValue::Int(7)),
            alter("Foo", FieldState::new("height", ColumnType::Varchar(10))),
        ],
    );
}

#[test]
fn a_nullable_added_field_takes_the_one_off_value_of_its_not_null_alteration() {
    check(
        &foo_and_bar(),
        vec![
            add("Foo", int("height").null()),
            alter_with_one_off("Foo", int("height"), DefaultValue::Int(0)),
        ],
        vec![add_with_one_off("Foo", int("height"), DefaultValue::Int(0))],
    );
}

#[test]
fn added_then_removed_field_cancels() {
    check(
        &foo_and_bar(),
        vec![add("Foo", int("height")), remove("Foo", "height")],
        vec![],
    );
}

#[test]
fn a_removal_absorbs_the_alteration_before_it() {
    check(
        &foo_and_bar(),
        vec![alter("Foo", int("age").null()), remove("Foo", "age")],
        vec![remove("Foo", "age")],
    );
}

#[test]
fn consecutive_alterations_merge_into_the_last() {
    check(
        &foo_and_bar(),
        vec![
            alter("Foo", int("age").null()),
            alter("Foo", FieldState::new("age", ColumnType::BigInt).null()),
            alter("Foo", FieldState::new("age", ColumnType::BigInt)),
        ],
        vec![alter("Foo", FieldState::new("age", ColumnType::BigInt))],
    );
}

#[test]
fn create_absorbs_fields_through_an_operation_on_other_columns() {
    // Django's AlterUniqueTogether between: here a many-to-many relation,
    // which a CreateModel does not absorb but which does not touch `c`.
    let tag = empty().with(model("Tag", vec![]));
    let with_foo = tag.clone().with(model("Foo", vec![int("a"), int("b")]));
    check(
        &tag,
        vec![
            create("Foo", vec![int("a"), int("b")]),
            add_m2m(&with_foo, "Foo", "tags", "Tag"),
            add("Foo", int("c")),
        ],
        vec![
            create("Foo", vec![int("a"), int("b"), int("c")]),
            add_m2m(&with_foo, "Foo", "tags", "Tag"),
        ],
    );
}

#[test]
fn an_index_on_the_column_keeps_its_add_and_alteration_apart() {
    check_unchanged(
        &foo_and_bar(),
        vec![
            add("Foo", int("c")),
            add_index("Foo", "foo_c_idx", &["c"]),
            alter("Foo", FieldState::new("c", ColumnType::BigInt)),
        ],
    );
}

#[test]
fn an_index_on_other_columns_lets_the_add_and_removal_cancel() {
    check(
        &foo_and_bar(),
        vec![
            add("Foo", int("c")),
            add_index("Foo", "foo_name_age_idx", &["name", "age"]),
            remove("Foo", "c"),
        ],
        vec![add_index("Foo", "foo_name_age_idx", &["name", "age"])],
    );
}

#[test]
fn renames_through_an_index_on_other_columns_chain() {
    check(
        &foo_and_bar(),
        vec![
            rename("Foo", "name", "x"),
            add_index("Foo", "foo_age_idx", &["age"]),
            rename("Foo", "x", "title"),
        ],
        vec![
            add_index("Foo", "foo_age_idx", &["age"]),
            rename("Foo", "name", "title"),
        ],
    );
}

#[test]
fn create_absorbs_indexes_and_constraints() {
    check(
        &empty(),
        vec![
            create("Foo", vec![int("a"), int("b")]),
            add_index("Foo", "foo_a_idx", &["a"]),
            add_unique("Foo", "foo_a_b_uniq", &["a", "b"]),
            remove_index("Foo", "foo_a_idx"),
        ],
        vec![create_model(
            &model("Foo", vec![int("a"), int("b")]).unique_together("foo_a_b_uniq", &["a", "b"]),
        )],
    );
}

#[test]
fn field_operations_fold_through_other_models() {
    // Django's test_optimize_through_fields: Foo vanishes, Bar keeps one
    // column called width.
    check(
        &empty(),
        vec![
            create("Foo", vec![chars("name")]),
            create("Bar", vec![int("size")]),
            add("Foo", int("age")),
            add("Bar", int("width")),
            alter("Foo", int("age").null()),
            rename("Bar", "size", "dimensions"),
            remove("Foo", "age"),
            rename_model("Foo", "Phou"),
            remove("Bar", "dimensions"),
            rename_model("Phou", "Fou"),
            delete("Fou"),
        ],
        vec![create("Bar", vec![int("width")])],
    );
}

#[test]
fn operations_on_unlinked_models_move_past_each_other() {
    check(
        &foo_and_bar(),
        vec![
            add("Foo", int("height")),
            alter("Bar", FieldState::new("size", ColumnType::BigInt)),
            remove("Foo", "height"),
        ],
        vec![alter("Bar", FieldState::new("size", ColumnType::BigInt))],
    );
}

#[test]
fn a_foreign_key_between_models_keeps_their_order() {
    let linked = foo_and_bar().with(model("Bar", vec![int("size"), fk("foo_id", "Foo")]));
    check_unchanged(
        &linked,
        vec![
            add("Foo", int("height")),
            alter("Bar", FieldState::new("size", ColumnType::BigInt)),
            remove("Foo", "height"),
        ],
    );
}

#[test]
fn nothing_folds_across_raw_sql() {
    check_unchanged(
        &foo_and_bar(),
        vec![
            add("Foo", int("height")),
            run_sql("UPDATE foo SET height = 1"),
            remove("Foo", "height"),
        ],
    );
    check_unchanged(
        &empty(),
        vec![
            create("Foo", vec![chars("name")]),
            run_sql("INSERT INTO foo (name) VALUES ('a')"),
            add("Foo", int("age").null()),
        ],
    );
}

#[test]
fn folds_on_either_side_of_raw_sql_still_happen() {
    check(
        &foo_and_bar(),
        vec![
            add("Foo", int("height")),
            remove("Foo", "height"),
            run_sql("SELECT 1"),
            rename("Foo", "name", "x"),
            rename("Foo", "x", "title"),
        ],
        vec![run_sql("SELECT 1"), rename("Foo", "name", "title")],
    );
}

#[test]
fn added_then_removed_many_to_many_cancels() {
    let from = foo_and_bar();
    check(
        &from,
        vec![
            add_m2m(&from, "Foo", "bars", "Bar"),
            remove_m2m("Foo", "bars"),
        ],
        vec![],
    );
}
