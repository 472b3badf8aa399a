//! The shapes of Django's optimizer tests (`tests/migrations/
//! test_optimizer.py`), in strata's operations, and strata's own: each
//! pins the optimized list, and checks that the original, the optimized
//! and the expected lists replay to the same state.
//!
//! Where strata differs from Django: there are no apps, model bases,
//! managers, options or elidable operations, so those cases have no
//! counterpart; `unique_together` / `index_together` are constraints and
//! indexes, which a `CreateModel` absorbs; and a `CreateModel` followed
//! by a model it does not reference may move past it, so an `AddField`
//! with a foreign key to a model created in between still folds (the
//! created model goes first).
//!
//! Operations on models, tables, indexes and constraints here; on fields
//! in `field_scenarios`.

use crate::ops::*;
use strata_migrate::ProjectState;

pub(crate) fn empty() -> ProjectState {
    ProjectState::new()
}

/// `Foo(id, name, age)` and `Bar(id, size)`, already migrated.
pub(crate) fn foo_and_bar() -> ProjectState {
    ProjectState::new()
        .with(model("Foo", vec![chars("name"), int("age")]))
        .with(model("Bar", vec![int("size")]))
}

#[test]
fn a_single_operation_stays() {
    check_unchanged(&foo_and_bar(), vec![delete("Bar")]);
}

#[test]
fn create_then_delete_cancels() {
    check(
        &empty(),
        vec![create("Foo", vec![chars("name")]), delete("Foo")],
        vec![],
    );
}

#[test]
fn create_absorbs_a_rename_of_the_model() {
    check(
        &empty(),
        vec![
            create("Foo", vec![chars("name")]),
            rename_model("Foo", "Bar"),
        ],
        vec![create_as(&model("Foo", vec![chars("name")]), "Bar")],
    );
}

#[test]
fn a_renamed_self_reference_follows_the_model() {
    check(
        &empty(),
        vec![
            create("Node", vec![fk("parent_id", "Node").null()]),
            rename_model("Node", "Tree"),
        ],
        vec![create_as(
            &model("Node", vec![fk("parent_id", "Tree").null()]),
            "Tree",
        )],
    );
}

#[test]
fn two_model_renames_become_one() {
    check(
        &foo_and_bar(),
        vec![rename_model("Foo", "Baa"), rename_model("Baa", "Baz")],
        vec![rename_model("Foo", "Baz")],
    );
}

#[test]
fn a_model_renamed_back_is_no_operation() {
    check(
        &foo_and_bar(),
        vec![rename_model("Foo", "Baa"), rename_model("Baa", "Foo")],
        vec![],
    );
}

#[test]
fn create_alter_table_add_index_delete_cancels() {
    check(
        &empty(),
        vec![
            create("Foo", vec![int("a"), int("b")]),
            alter_table("Foo", "woohoo"),
            add_unique("Foo", "foo_a_b_uniq", &["a", "b"]),
            delete("Foo"),
        ],
        vec![],
    );
}

#[test]
fn create_absorbs_a_table_rename() {
    check(
        &empty(),
        vec![create("Foo", vec![int("a")]), alter_table("Foo", "woohoo")],
        vec![create_model(&model("Foo", vec![int("a")]).table("woohoo"))],
    );
}

#[test]
fn added_then_removed_index_cancels() {
    check(
        &foo_and_bar(),
        vec![
            add_index("Foo", "foo_age_idx", &["age"]),
            remove_index("Foo", "foo_age_idx"),
        ],
        vec![],
    );
}

#[test]
fn added_then_removed_constraint_cancels() {
    check(
        &foo_and_bar(),
        vec![
            add_unique("Foo", "foo_name_age_uniq", &["name", "age"]),
            remove_constraint("Foo", "foo_name_age_uniq"),
        ],
        vec![],
    );
}

#[test]
fn an_added_index_takes_its_later_name() {
    check(
        &foo_and_bar(),
        vec![
            add_index("Foo", "foo_age_idx", &["age"]),
            rename_index("Foo", "foo_age_idx", "foo_age_2"),
        ],
        vec![add_index("Foo", "foo_age_2", &["age"])],
    );
}

#[test]
fn create_absorbs_a_renamed_index() {
    check(
        &empty(),
        vec![
            create("Foo", vec![int("a")]),
            add_index("Foo", "foo_a_idx", &["a"]),
            rename_index("Foo", "foo_a_idx", "foo_a_2"),
        ],
        vec![create_model(
            &model("Foo", vec![int("a")]).index("foo_a_2", &["a"]),
        )],
    );
}

#[test]
fn index_renames_chain() {
    let from = foo_and_bar()
        .with(model("Foo", vec![chars("name"), int("age")]).index("foo_age_idx", &["age"]));
    check(
        &from,
        vec![
            rename_index("Foo", "foo_age_idx", "foo_age_2"),
            rename_index("Foo", "foo_age_2", "foo_age_3"),
        ],
        vec![rename_index("Foo", "foo_age_idx", "foo_age_3")],
    );
}

#[test]
fn create_and_delete_fold_through_an_unrelated_create() {
    check(
        &empty(),
        vec![
            create("Foo", vec![chars("name")]),
            create("Bar", vec![int("size")]),
            delete("Foo"),
        ],
        vec![create("Bar", vec![int("size")])],
    );
}

#[test]
fn two_creates_and_their_deletes_cancel_in_either_order() {
    for deletes in [["Bar", "Foo"], ["Foo", "Bar"]] {
        check(
            &empty(),
            vec![
                create("Foo", vec![chars("name")]),
                create("Bar", vec![int("size")]),
                delete(deletes[0]),
                delete(deletes[1]),
            ],
            vec![],
        );
    }
}

#[test]
fn a_foreign_key_keeps_the_referenced_create_and_delete_apart() {
    // Foo cannot go while Bar refers to it: the key must be removed first,
    // and the removal folds into Bar's CreateModel only after it.
    check(
        &empty(),
        vec![
            create("Foo", vec![chars("name")]),
            create("Bar", vec![fk("other_id", "Foo")]),
            remove("Bar", "other_id"),
            delete("Foo"),
        ],
        vec![create("Bar", vec![])],
    );
    check_unchanged(
        &empty(),
        vec![
            create("Foo", vec![chars("name")]),
            create("Bar", vec![fk("other_id", "Foo")]),
            add("Foo", int("age")),
        ],
    );
}
