//! The optimizer: the operations of a migration (or of a squash) reduced
//! to a shorter list with the same effect, as Django's does.
//!
//! ```
//! use strata::ColumnType;
//! use strata_migrate::operations::{AddField, CreateModel, RenameField};
//! use strata_migrate::{optimize, FieldState, ModelState, Operation, ProjectState};
//!
//! let post = ModelState::new("Post").pk("id");
//! let ops = vec![
//!     Operation::CreateModel(CreateModel::from_model(&post)),
//!     Operation::AddField(AddField {
//!         model: "Post".into(),
//!         field: FieldState::new("name", ColumnType::Text),
//!         one_off_default: None,
//!     }),
//!     Operation::RenameField(RenameField {
//!         model: "Post".into(),
//!         old_column: "name".into(),
//!         new_column: "title".into(),
//!     }),
//! ];
//! let optimized = optimize(ops, &ProjectState::new())?;
//! let want = post.field("title", ColumnType::Text);
//! assert_eq!(optimized, vec![Operation::CreateModel(CreateModel::from_model(&want))]);
//! # Ok::<(), strata_migrate::Error>(())
//! ```
//!
//! How: each operation is tried against each later one. When a pair
//! folds ([`reduce`]), the folded operations take the place of the first
//! one if everything between can move before the second (or of the second
//! if the first can move past everything between); then the whole list is
//! scanned again, until nothing folds. What may move past what is decided
//! by footprints ([`footprint`]): what each operation changes in the
//! state, with the models its foreign keys link it to. Operations on
//! different models that no foreign key links trade places; a `RunSql`
//! trades places with nothing, so nothing folds across it.
//!
//! Each pass either shortens the list or moves an `AlterField` after the
//! `RenameField` that followed it, and neither can happen forever, so the
//! loop ends. After each fold the list is replayed, which reads the
//! footprints again and checks that it still leads to the state of the
//! original; a fold that did not (a bug) ends the optimization with the
//! list as it was before that fold.
//!
//! Cost: each fold rescans the list from the start, as Django's does, so
//! a list of n operations with about n folds costs O(n^3) pair checks;
//! replaying copies only the models each operation changes. A squash of a
//! few hundred operations takes seconds.

mod footprint;
mod reduce;

use crate::error::Result;
use crate::operations::Operation;
use crate::state::ProjectState;
use footprint::Footprint;
use reduce::reduce;

/// `operations`, which apply to `from`, reduced to a list with the same
/// effect. Fails only if `operations` themselves do not apply to `from`.
pub fn optimize(operations: Vec<Operation>, from: &ProjectState) -> Result<Vec<Operation>> {
    if nothing_can_fold(&operations) {
        return Ok(operations);
    }
    let (mut items, expected) = annotate(operations, from)?;
    while let Some(next) = one_pass(&items) {
        // The footprints are read again from the new list: a fold can
        // drop what linked two operations (a removed foreign key).
        match annotate(next, from) {
            Ok((next, state)) if state.same_schema(&expected) => items = next,
            _ => {
                debug_assert!(false, "a fold changed the effect of {items:#?}");
                break;
            }
        }
    }
    Ok(items.into_iter().map(|i| i.op).collect())
}

/// Whether no two operations change the same model: every reduction
/// folds two operations on one model, so such a list (an initial migration
/// of many models is one) is already as short as it gets, and the
/// quadratic scan is skipped. Operations whose models are not known up
/// front (renames of models, raw SQL) always get the scan.
fn nothing_can_fold(operations: &[Operation]) -> bool {
    let mut seen = std::collections::HashSet::new();
    for op in operations {
        match footprint::changed_models(op) {
            Some(models) => {
                for model in models {
                    if !seen.insert(model) {
                        return false;
                    }
                }
            }
            None => return false,
        }
    }
    true
}

/// Each operation with its footprint, and the state they lead to.
fn annotate(operations: Vec<Operation>, from: &ProjectState) -> Result<(Vec<Item>, ProjectState)> {
    let mut items = Vec::with_capacity(operations.len());
    let mut state = from.clone();
    for op in operations {
        let footprint = Footprint::apply(&op, &mut state)?;
        items.push(Item { op, footprint });
    }
    Ok((items, state))
}

/// An operation and what it touches.
#[derive(Debug, Clone)]
struct Item {
    op: Operation,
    footprint: Footprint,
}

/// The list after the first fold found, or `None` when nothing folds.
fn one_pass(items: &[Item]) -> Option<Vec<Operation>> {
    for (i, first) in items.iter().enumerate() {
        // Whether `first` can still move right, past everything so far.
        let mut right = true;
        for (j, second) in items.iter().enumerate().skip(i + 1) {
            if let Some(folded) = reduce(&first.op, &second.op) {
                let between = &items[i + 1..j];
                let ops = |items: &[Item]| items.iter().map(|i| i.op.clone()).collect::<Vec<_>>();
                let mut out = ops(&items[..i]);
                if right {
                    out.extend(ops(between));
                    out.extend(folded);
                } else if between
                    .iter()
                    .all(|b| !b.footprint.conflicts(&second.footprint))
                {
                    out.extend(folded);
                    out.extend(ops(between));
                } else {
                    break;
                }
                out.extend(ops(&items[j + 1..]));
                return Some(out);
            }
            if first.footprint.conflicts(&second.footprint) {
                right = false;
            }
        }
    }
    None
}
