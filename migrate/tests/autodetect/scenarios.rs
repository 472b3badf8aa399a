//! Autodetector scenarios: a before state, an after state and the exact
//! operations expected, in order. Fields, models and renames here;
//! relations, indexes and constraints in `relation_scenarios`.

use crate::support::*;
use strata::meta::OnDelete;
use strata::ColumnType;
use strata_migrate::operations::*;
use strata_migrate::*;

use crate::support::{author, post, tag};

pub(crate) fn project(models: Vec<ModelState>) -> ProjectState {
    models
        .into_iter()
        .fold(ProjectState::new(), ProjectState::with)
}

pub(crate) fn destructive(old: &ProjectState, ops: &[Operation]) -> Vec<bool> {
    let mut state = old.clone();
    ops.iter()
        .map(|op| {
            let d = op.is_destructive(&state);
            op.apply(&mut state).unwrap();
            d
        })
        .collect()
}

#[test]
fn identical_states_produce_no_operations() {
    let state = project(vec![author(), post()]);
    assert!(detect(&state, &state).is_empty());
}

#[test]
fn reordered_fields_are_not_a_change() {
    let old = project(vec![author()]);
    let mut reordered = author();
    reordered.fields.reverse();
    assert!(detect(&old, &project(vec![reordered])).is_empty());
}

#[test]
fn unused_rename_hint_on_an_unchanged_field_is_ignored() {
    let old = project(vec![author()]);
    let new = project(vec![ModelState::new("Author").pk("id").column(
        FieldState::new("name", ColumnType::Varchar(100)).renamed_from("old_name"),
    )]);
    assert!(detect(&old, &new).is_empty());
}

#[test]
fn new_model_is_created() {
    let ops = detect(&ProjectState::new(), &project(vec![author()]));
    assert_eq!(
        ops,
        vec![Operation::CreateModel(CreateModel::from_model(&author()))]
    );
}

#[test]
fn removed_model_is_deleted_and_flagged_destructive() {
    let old = project(vec![author(), tag()]);
    let ops = detect(&old, &project(vec![author()]));
    assert_eq!(described(&ops), ["Delete model Tag"]);
    assert_eq!(destructive(&old, &ops), [true]);
}

#[test]
fn nullable_field_is_added_without_a_question() {
    let old = project(vec![author()]);
    let new = project(vec![
        author().column(FieldState::new("bio", ColumnType::Text).null())
    ]);
    let mut q = ScriptedQuestioner::new();
    let ops = detect_with(&old, &new, &mut q);
    assert_eq!(described(&ops), ["Add field bio to Author"]);
    assert!(q.asked.is_empty());
    assert_eq!(destructive(&old, &ops), [false]);
}

#[test]
fn not_null_field_without_default_takes_a_one_off_value() {
    let old = project(vec![author()]);
    let new = project(vec![author().field("age", ColumnType::Integer)]);
    let mut q = ScriptedQuestioner::new().value("Author", "age", DefaultValue::Int(18));
    let ops = detect_with(&old, &new, &mut q);
    assert_eq!(
        ops,
        vec![Operation::AddField(AddField {
            model: "Author".into(),
            field: FieldState::new("age", ColumnType::Integer),
            one_off_default: Some(DefaultValue::Int(18)),
        })]
    );
    assert_eq!(q.asked, ["value for new Author.age"]);
}

#[test]
fn not_null_field_with_a_default_needs_no_one_off_value() {
    let old = project(vec![author()]);
    let new = project(vec![author().column(
        FieldState::new("active", ColumnType::Boolean).default(DefaultValue::Bool(true)),
    )]);
    let mut q = ScriptedQuestioner::new();
    let ops = detect_with(&old, &new, &mut q);
    assert!(matches!(
        &ops[..],
        [Operation::AddField(AddField {
            one_off_default: None,
            ..
        })]
    ));
    assert!(q.asked.is_empty());
}

#[test]
fn non_interactive_mode_fails_clearly_when_a_one_off_value_is_needed() {
    let old = project(vec![author()]);
    let new = project(vec![author().field("age", ColumnType::Integer)]);
    let err = autodetect(&old, &new, &mut NonInteractiveQuestioner).unwrap_err();
    assert!(
        matches!(&err, Error::DefaultRequired { model, column } if model == "Author" && column == "age")
    );
    assert!(err.to_string().contains("one-off default"));
}

#[test]
fn removed_field_is_dropped_and_flagged_destructive() {
    let old = project(vec![
        author().column(FieldState::new("bio", ColumnType::Text).null())
    ]);
    let ops = detect(&old, &project(vec![author()]));
    assert_eq!(described(&ops), ["Remove field bio from Author"]);
    assert_eq!(destructive(&old, &ops), [true]);
}

#[test]
fn widened_type_is_an_alter_that_keeps_data() {
    let old = project(vec![author()]);
    let new = project(vec![ModelState::new("Author")
        .pk("id")
        .field("name", ColumnType::Varchar(300))]);
    let ops = detect(&old, &new);
    assert_eq!(described(&ops), ["Alter field name on Author"]);
    assert_eq!(destructive(&old, &ops), [false]);
}

#[test]
fn narrowed_max_length_is_flagged_destructive() {
    let old = project(vec![author()]);
    let new = project(vec![ModelState::new("Author")
        .pk("id")
        .field("name", ColumnType::Varchar(20))]);
    let ops = detect(&old, &new);
    assert_eq!(described(&ops), ["Alter field name on Author"]);
    assert_eq!(destructive(&old, &ops), [true]);
}

#[test]
fn bigint_to_integer_is_narrowing_and_text_to_varchar_too() {
    use strata_migrate::operations::fields::is_narrowing;
    assert!(is_narrowing(&ColumnType::BigInt, &ColumnType::Integer));
    assert!(is_narrowing(&ColumnType::Text, &ColumnType::Varchar(10)));
    assert!(!is_narrowing(&ColumnType::Integer, &ColumnType::BigInt));
    assert!(!is_narrowing(&ColumnType::Varchar(10), &ColumnType::Text));
    assert!(is_narrowing(
        &ColumnType::Decimal(10, 2),
        &ColumnType::Decimal(8, 2)
    ));
}

#[test]
fn nullable_to_not_null_without_default_asks_for_a_value_for_null_rows() {
    let old = project(vec![
        author().column(FieldState::new("bio", ColumnType::Text).null())
    ]);
    let new = project(vec![author().field("bio", ColumnType::Text)]);
    let mut q = ScriptedQuestioner::new().value("Author", "bio", DefaultValue::Str("n/a".into()));
    let ops = detect_with(&old, &new, &mut q);
    assert_eq!(
        ops,
        vec![Operation::AlterField(AlterField {
            model: "Author".into(),
            field: FieldState::new("bio", ColumnType::Text),
            one_off_default: Some(DefaultValue::Str("n/a".into())),
        })]
    );
    assert_eq!(q.asked, ["value for altered Author.bio"]);
}

#[test]
fn nullable_to_not_null_with_a_default_asks_nothing() {
    let old = project(vec![
        author().column(FieldState::new("score", ColumnType::Integer).null())
    ]);
    let new = project(vec![author().column(
        FieldState::new("score", ColumnType::Integer).default(DefaultValue::Int(0)),
    )]);
    let mut q = ScriptedQuestioner::new();
    let ops = detect_with(&old, &new, &mut q);
    assert!(matches!(
        &ops[..],
        [Operation::AlterField(AlterField {
            one_off_default: None,
            ..
        })]
    ));
    assert!(q.asked.is_empty());
}

#[test]
fn changed_default_is_an_alter_field() {
    let with = |v: i64| {
        project(vec![author().column(
            FieldState::new("score", ColumnType::Integer).default(DefaultValue::Int(v)),
        )])
    };
    assert_eq!(
        described(&detect(&with(0), &with(5))),
        ["Alter field score on Author"]
    );
}

#[test]
fn field_made_unique_is_an_alter_field() {
    let old = project(vec![author()]);
    let new = project(vec![ModelState::new("Author")
        .pk("id")
        .column(FieldState::new("name", ColumnType::Varchar(100)).unique())]);
    assert_eq!(
        described(&detect(&old, &new)),
        ["Alter field name on Author"]
    );
}

#[test]
fn confirmed_field_rename_is_a_rename() {
    let old = project(vec![author(), post()]);
    let new = project(vec![
        author(),
        ModelState::new("Post")
            .pk("id")
            .field("headline", ColumnType::Varchar(200))
            .fk("author_id", "Author", OnDelete::Cascade),
    ]);
    let mut q = ScriptedQuestioner::new().rename_field("Post", "title", "headline", true);
    let ops = detect_with(&old, &new, &mut q);
    assert_eq!(
        ops,
        vec![Operation::RenameField(RenameField {
            model: "Post".into(),
            old_column: "title".into(),
            new_column: "headline".into(),
        })]
    );
    assert_eq!(q.asked, ["rename field Post.title -> headline"]);
}

#[test]
fn declined_field_rename_is_remove_and_add() {
    let old = project(vec![author()]);
    let new = project(vec![ModelState::new("Author")
        .pk("id")
        .column(FieldState::new("full_name", ColumnType::Varchar(100)).null())]);
    let old_nullable = project(vec![ModelState::new("Author")
        .pk("id")
        .column(FieldState::new("name", ColumnType::Varchar(100)).null())]);
    let mut q = ScriptedQuestioner::new().rename_field("Author", "name", "full_name", false);
    let ops = detect_with(&old_nullable, &new, &mut q);
    assert_eq!(
        described(&ops),
        [
            "Remove field name from Author",
            "Add field full_name to Author"
        ]
    );
    assert_eq!(q.asked.len(), 1);
    // Different definitions are never offered as a rename.
    let mut q = ScriptedQuestioner::new();
    let _ = autodetect(&old, &new, &mut q).unwrap();
    assert!(q.asked.is_empty());
}

#[test]
fn rename_hint_renames_a_field_without_asking_even_when_it_also_changes() {
    let old = project(vec![author()]);
    let new = project(vec![ModelState::new("Author").pk("id").column(
        FieldState::new("full_name", ColumnType::Varchar(150)).renamed_from("name"),
    )]);
    let mut q = ScriptedQuestioner::new();
    let ops = detect_with(&old, &new, &mut q);
    assert_eq!(
        described(&ops),
        [
            "Rename field name on Author to full_name",
            "Alter field full_name on Author"
        ]
    );
    assert!(q.asked.is_empty());
}

#[test]
fn non_interactive_mode_never_guesses_a_rename() {
    let old = project(vec![author()]);
    let new = project(vec![ModelState::new("Author")
        .pk("id")
        .field("full_name", ColumnType::Varchar(100))]);
    let err = autodetect(&old, &new, &mut NonInteractiveQuestioner).unwrap_err();
    // Not a rename: the new NOT NULL column then needs a value.
    assert!(matches!(err, Error::DefaultRequired { .. }));
}

#[test]
fn confirmed_model_rename_renames_model_and_table() {
    let old = project(vec![tag()]);
    let label = ModelState::new("Label")
        .pk("id")
        .field("label", ColumnType::Varchar(50));
    let mut q = ScriptedQuestioner::new().rename_model("Tag", "Label", true);
    let ops = detect_with(&old, &project(vec![label]), &mut q);
    assert_eq!(
        described(&ops),
        [
            "Rename model Tag to Label",
            "Rename table of Label to label"
        ]
    );
    assert_eq!(destructive(&old, &ops), [false, false]);
}

#[test]
fn model_rename_keeping_its_table_has_no_table_operation() {
    let old = project(vec![tag()]);
    let label = ModelState::new("Label")
        .table("tag")
        .pk("id")
        .field("label", ColumnType::Varchar(50));
    let mut q = ScriptedQuestioner::new().rename_model("Tag", "Label", true);
    let ops = detect_with(&old, &project(vec![label]), &mut q);
    assert_eq!(described(&ops), ["Rename model Tag to Label"]);
}

#[test]
fn renaming_a_referenced_model_keeps_the_foreign_keys_pointing_at_it() {
    let old = project(vec![author(), post()]);
    let writer_model = ModelState::new("Writer")
        .pk("id")
        .field("name", ColumnType::Varchar(100));
    let new_post = ModelState::new("Post")
        .pk("id")
        .field("title", ColumnType::Varchar(200))
        .fk("author_id", "Writer", OnDelete::Cascade);
    let mut q = ScriptedQuestioner::new().rename_model("Author", "Writer", true);
    let ops = detect_with(&old, &project(vec![writer_model, new_post]), &mut q);
    assert_eq!(
        described(&ops),
        [
            "Rename model Author to Writer",
            "Rename table of Writer to writer"
        ]
    );
}

#[test]
fn model_rename_hint_renames_without_asking() {
    let old = project(vec![tag()]);
    let label = ModelState::new("Label")
        .pk("id")
        .field("label", ColumnType::Varchar(50))
        .field("color", ColumnType::Varchar(7))
        .renamed_from("Tag");
    let mut q =
        ScriptedQuestioner::new().value("Label", "color", DefaultValue::Str("#000000".into()));
    let ops = detect_with(&old, &project(vec![label]), &mut q);
    assert_eq!(
        described(&ops),
        [
            "Rename model Tag to Label",
            "Rename table of Label to label",
            "Add field color to Label"
        ]
    );
    assert_eq!(q.asked, ["value for new Label.color"]);
}

#[test]
fn declined_model_rename_is_create_and_delete() {
    let old = project(vec![tag()]);
    let label = ModelState::new("Label")
        .pk("id")
        .field("label", ColumnType::Varchar(50));
    let mut q = ScriptedQuestioner::new();
    let ops = detect_with(&old, &project(vec![label]), &mut q);
    assert_eq!(described(&ops), ["Create model Label", "Delete model Tag"]);
    assert_eq!(q.asked, ["rename model Tag -> Label"]);
}
