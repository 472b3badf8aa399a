//! Helpers shared by the autodetector tests.

use strata::meta::OnDelete;
use strata::ColumnType;
use strata_migrate::{autodetect, ModelState, Operation, ProjectState, ScriptedQuestioner};

/// The operations between two states, with renames and values scripted.
pub fn detect_with(
    old: &ProjectState,
    new: &ProjectState,
    q: &mut ScriptedQuestioner,
) -> Vec<Operation> {
    let ops = autodetect(old, new, q).expect("autodetect");
    // Whatever was detected must replay to the new state.
    let mut replayed = old.clone();
    for op in &ops {
        op.apply(&mut replayed).expect("operation applies");
    }
    assert!(
        replayed.same_schema(new),
        "operations do not reach the new state: {ops:#?}"
    );
    ops
}

/// The operations between two states, declining every rename.
pub fn detect(old: &ProjectState, new: &ProjectState) -> Vec<Operation> {
    detect_with(old, new, &mut ScriptedQuestioner::new())
}

/// One description per operation.
pub fn described(ops: &[Operation]) -> Vec<String> {
    ops.iter().map(Operation::describe).collect()
}

/// `Author(id, name)`.
pub fn author() -> ModelState {
    ModelState::new("Author")
        .pk("id")
        .field("name", ColumnType::Varchar(100))
}

/// `Post(id, title, author_id -> Author cascade)`.
pub fn post() -> ModelState {
    ModelState::new("Post")
        .pk("id")
        .field("title", ColumnType::Varchar(200))
        .fk("author_id", "Author", OnDelete::Cascade)
}

/// `Tag(id, label)`.
pub fn tag() -> ModelState {
    ModelState::new("Tag")
        .pk("id")
        .field("label", ColumnType::Varchar(50))
}
