//! Operations on columns: add, remove, alter, rename.
//!
//! On SQLite, what `ALTER TABLE` cannot express (a NOT NULL column without
//! a default, a foreign key, a changed type, nullability or default, a
//! dropped column) rebuilds the table, keeping every row.

use super::ddl::{Ddl, DdlResult};
use super::{ensure, fragment_name, Op, Operation};
use crate::error::{Error, Result};
use crate::state::naming;
use crate::state::{DefaultValue, FieldState, ModelState, ProjectState};
use serde::{Deserialize, Serialize};
use strata::{ColumnType, Dialect};

/// Adds a column. A NOT NULL column without a default needs
/// `one_off_default` when the table has rows: existing rows take it, and
/// the column keeps no default afterwards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddField {
    pub model: String,
    pub field: FieldState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_off_default: Option<DefaultValue>,
}

fn apply_error(op: &dyn Op, reason: String) -> Error {
    Error::Apply {
        migration: None,
        operation: op.describe(),
        reason,
    }
}

fn check_target(
    state: &ProjectState,
    model: &str,
    field: &FieldState,
) -> std::result::Result<(), String> {
    if let Some(fk) = &field.foreign_key {
        ensure(state.models.contains_key(&fk.to), || {
            format!(
                "`{model}.{}` refers to the unknown model `{}`",
                field.column, fk.to
            )
        })?;
    }
    Ok(())
}

/// Validates a changed model and stores it.
fn check_changed(state: &mut ProjectState, model: ModelState) -> std::result::Result<(), String> {
    crate::state::check_model(&model, |name| state.models.contains_key(name))
        .map_err(|e| e.to_string())?;
    state.models.insert(model.name.clone(), model);
    Ok(())
}

impl Op for AddField {
    fn describe(&self) -> String {
        format!("Add field {} to {}", self.field.column, self.model)
    }

    fn name_fragment(&self) -> String {
        format!(
            "add_{}_{}",
            fragment_name(&self.model),
            fragment_name(&self.field.column)
        )
    }

    fn apply(&self, state: &mut ProjectState) -> std::result::Result<(), String> {
        check_target(state, &self.model, &self.field)?;
        ensure(
            !self.field.primary_key && !self.field.auto_increment,
            || {
                "adding a primary key to an existing table is not supported; write a RunSql \
             migration"
                    .to_string()
            },
        )?;
        let model = state.require_mut(&self.model)?;
        ensure(model.get_field(&self.field.column).is_none(), || {
            format!(
                "`{}` already has a column `{}`",
                self.model, self.field.column
            )
        })?;
        let mut field = self.field.clone();
        field.renamed_from = None;
        let mut changed = model.clone();
        changed.fields.push(field);
        check_changed(state, changed)
    }

    fn sql(&self, ddl: &Ddl<'_>) -> DdlResult<Vec<String>> {
        let before = ddl.state.require(&self.model)?;
        let mut after = before.clone();
        after.fields.push(self.field.clone());
        let field = &self.field;
        let table = ddl.q(&after.table);
        if ddl.is(Dialect::Sqlite) {
            // SQLite adds only columns with a constant default and no
            // constraint to check.
            let simple = self.one_off_default.is_none()
                && (field.null || field.default.is_some())
                && field.default != Some(DefaultValue::Now)
                && field.choices.is_none()
                && field.ty.unsigned_max().is_none()
                && field.foreign_key.is_none();
            if !simple {
                let mut copies = ddl.same_name_copies(before, &after);
                if let Some(value) = &self.one_off_default {
                    copies.push((
                        field.column.clone(),
                        ddl.dialect.value_sql(&field.ty, value.as_literal()),
                    ));
                }
                return ddl.sqlite_rebuild(&after, &before.table, &copies);
            }
        }
        let mut out = vec![format!(
            "ALTER TABLE {table} ADD COLUMN {}",
            ddl.column_def(field, self.one_off_default.as_ref())?
        )];
        if self.one_off_default.is_some() {
            out.push(match &field.default {
                Some(own) => format!(
                    "ALTER TABLE {table} ALTER COLUMN {} SET{}",
                    ddl.q(&field.column),
                    ddl.dialect.default_clause(&field.ty, own.as_literal())
                ),
                None => format!(
                    "ALTER TABLE {table} ALTER COLUMN {} DROP DEFAULT",
                    ddl.q(&field.column)
                ),
            });
        }
        if field.unique {
            out.push(ddl.add_unique(
                &after,
                &naming::unique_name(&after.table, &field.column),
                std::slice::from_ref(&field.column),
            )?);
        }
        out.extend(ddl.add_range(&after.table, field));
        out.extend(ddl.add_choices(&after.table, field));
        out.extend(ddl.add_fk(&after.table, field)?);
        Ok(out)
    }

    fn inverse(&self, _from: &ProjectState) -> Result<Operation> {
        Ok(Operation::RemoveField(RemoveField {
            model: self.model.clone(),
            column: self.field.column.clone(),
        }))
    }
}

/// Drops a column. Indexes and constraints that use it must be removed
/// first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveField {
    pub model: String,
    pub column: String,
}

impl Op for RemoveField {
    fn describe(&self) -> String {
        format!("Remove field {} from {}", self.column, self.model)
    }

    fn name_fragment(&self) -> String {
        format!(
            "remove_{}_{}",
            fragment_name(&self.model),
            fragment_name(&self.column)
        )
    }

    fn apply(&self, state: &mut ProjectState) -> std::result::Result<(), String> {
        let model = state.require_mut(&self.model)?;
        let field = model
            .get_field(&self.column)
            .ok_or_else(|| format!("`{}` has no column `{}`", self.model, self.column))?;
        ensure(!field.primary_key, || {
            "the primary key cannot be removed".to_string()
        })?;
        let users = model.users_of_column(&self.column);
        ensure(users.is_empty(), || {
            format!(
                "`{}` is used by {}; remove those first",
                self.column,
                users.join(", ")
            )
        })?;
        model.fields.retain(|f| f.column != self.column);
        Ok(())
    }

    fn sql(&self, ddl: &Ddl<'_>) -> DdlResult<Vec<String>> {
        let before = ddl.state.require(&self.model)?;
        let field = before
            .get_field(&self.column)
            .ok_or_else(|| format!("`{}` has no column `{}`", self.model, self.column))?;
        let mut after = before.clone();
        after.fields.retain(|f| f.column != self.column);
        let mut out = Vec::new();
        match ddl.dialect {
            Dialect::Sqlite => {
                let copies = ddl.same_name_copies(before, &after);
                return ddl.sqlite_rebuild(&after, &before.table, &copies);
            }
            Dialect::MySql => {
                if field.foreign_key.is_some() {
                    out.push(ddl.drop_fk(&before.table, &field.column));
                }
                // MySQL refuses to drop a column a check uses.
                if field.choices.is_some() {
                    out.push(ddl.drop_choices(&before.table, &field.column));
                }
            }
            Dialect::Postgres => {}
        }
        out.push(format!(
            "ALTER TABLE {} DROP COLUMN {}",
            ddl.q(&before.table),
            ddl.q(&self.column)
        ));
        Ok(out)
    }

    fn inverse(&self, from: &ProjectState) -> Result<Operation> {
        let field = from
            .require(&self.model)
            .and_then(|m| {
                m.get_field(&self.column)
                    .ok_or_else(|| format!("`{}` has no column `{}`", self.model, self.column))
            })
            .map_err(|reason| apply_error(self, reason))?;
        Ok(Operation::AddField(AddField {
            model: self.model.clone(),
            field: field.clone(),
            one_off_default: restore_default(field),
        }))
    }

    fn is_destructive(&self, _from: &ProjectState) -> bool {
        true
    }

    fn undo_note(&self, from: &ProjectState) -> Option<String> {
        let field = from.model(&self.model)?.get_field(&self.column)?;
        let value = restore_default(field)?;
        Some(format!(
            "undoing it adds {}.{} back with {value} in every row",
            self.model, self.column
        ))
    }
}

/// The one-off default that lets a reverse migration restore a NOT NULL
/// column without a default on a table with rows.
fn restore_default(field: &FieldState) -> Option<DefaultValue> {
    if field.null || field.default.is_some() {
        None
    } else {
        DefaultValue::zero_for(&field.ty)
    }
}

/// Changes a column's type, nullability, default, uniqueness or foreign
/// key. Going from NULL to NOT NULL, `one_off_default` (or, without one,
/// the field's own default) fills the rows that hold `NULL`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlterField {
    pub model: String,
    /// The new definition (same column name).
    pub field: FieldState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_off_default: Option<DefaultValue>,
}

/// Whether changing a column from `old` to `new` can lose data.
pub fn is_narrowing(old: &ColumnType, new: &ColumnType) -> bool {
    use ColumnType::*;
    /// The range of an integer type.
    fn int_range(t: &ColumnType) -> Option<(i64, i64)> {
        match t {
            SmallInt => Some((i16::MIN.into(), i16::MAX.into())),
            Integer => Some((i32::MIN.into(), i32::MAX.into())),
            BigInt => Some((i64::MIN, i64::MAX)),
            other => other.unsigned_max().map(|max| (0, max)),
        }
    }
    if old == new {
        return false;
    }
    match (old, new) {
        (Varchar(a), Varchar(b)) => b < a,
        (Varchar(_), Text) => false,
        (Float, Double) => false,
        (Decimal(p1, s1), Decimal(p2, s2)) => s2 < s1 || (p2 - s2.min(p2)) < (p1 - s1.min(p1)),
        (a, b) => match (int_range(a), int_range(b)) {
            (Some((lo_a, hi_a)), Some((lo_b, hi_b))) => lo_b > lo_a || hi_b < hi_a,
            _ => true,
        },
    }
}

impl Op for AlterField {
    fn describe(&self) -> String {
        format!("Alter field {} on {}", self.field.column, self.model)
    }

    fn name_fragment(&self) -> String {
        format!(
            "alter_{}_{}",
            fragment_name(&self.model),
            fragment_name(&self.field.column)
        )
    }

    fn apply(&self, state: &mut ProjectState) -> std::result::Result<(), String> {
        check_target(state, &self.model, &self.field)?;
        let model = state.require_mut(&self.model)?;
        let field = model
            .field_mut(&self.field.column)
            .ok_or_else(|| format!("`{}` has no column `{}`", self.model, self.field.column))?;
        ensure(
            field.primary_key == self.field.primary_key
                && field.auto_increment == self.field.auto_increment,
            || "changing the primary key is not supported; write a RunSql migration".to_string(),
        )?;
        let _ = field;
        let mut changed = model.clone();
        if let Some(f) = changed.field_mut(&self.field.column) {
            *f = self.field.clone();
            f.renamed_from = None;
        }
        check_changed(state, changed)
    }

    fn sql(&self, ddl: &Ddl<'_>) -> DdlResult<Vec<String>> {
        let before = ddl.state.require(&self.model)?;
        let old = before
            .get_field(&self.field.column)
            .ok_or_else(|| format!("`{}` has no column `{}`", self.model, self.field.column))?;
        let new = &self.field;
        let mut after = before.clone();
        if let Some(f) = after.field_mut(&new.column) {
            *f = new.clone();
        }
        super::alter_column::alter_sql(ddl, before, &after, old, new, self.one_off_default.as_ref())
    }

    fn inverse(&self, from: &ProjectState) -> Result<Operation> {
        let old = from
            .require(&self.model)
            .and_then(|m| {
                m.get_field(&self.field.column).ok_or_else(|| {
                    format!("`{}` has no column `{}`", self.model, self.field.column)
                })
            })
            .map_err(|reason| apply_error(self, reason))?;
        let one_off_default = if self.field.null && !old.null {
            restore_default(old)
        } else {
            None
        };
        Ok(Operation::AlterField(AlterField {
            model: self.model.clone(),
            field: old.clone(),
            one_off_default,
        }))
    }

    fn is_destructive(&self, from: &ProjectState) -> bool {
        from.model(&self.model)
            .and_then(|m| m.get_field(&self.field.column))
            .is_some_and(|old| is_narrowing(&old.ty, &self.field.ty))
    }

    fn undo_note(&self, from: &ProjectState) -> Option<String> {
        let old = from.model(&self.model)?.get_field(&self.field.column)?;
        // Only making a NOT NULL column nullable has NULLs to fill back.
        if !self.field.null || old.null {
            return None;
        }
        // What the inverse's SQL fills NULLs with (see `alter_sql`).
        let value = restore_default(old).or_else(|| old.default.clone())?;
        Some(format!(
            "undoing it writes {value} into {}.{} where it is NULL",
            self.model, self.field.column
        ))
    }
}

/// Renames a column (and the constraints named after it). Indexes and
/// constraints follow the column. Check expressions are SQL text and are
/// not rewritten.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenameField {
    pub model: String,
    pub old_column: String,
    pub new_column: String,
}

pub(crate) fn rename_column_in(model: &mut ModelState, old: &str, new: &str) {
    for field in &mut model.fields {
        if field.column == old {
            field.column = new.to_string();
        }
    }
    for index in &mut model.indexes {
        for c in &mut index.columns {
            if c == old {
                *c = new.to_string();
            }
        }
    }
    for constraint in &mut model.constraints {
        if let crate::state::ConstraintKind::Unique(cols) = &mut constraint.kind {
            for c in cols {
                if c == old {
                    *c = new.to_string();
                }
            }
        }
    }
}

impl Op for RenameField {
    fn describe(&self) -> String {
        format!(
            "Rename field {} on {} to {}",
            self.old_column, self.model, self.new_column
        )
    }

    fn name_fragment(&self) -> String {
        format!(
            "rename_{}_{}",
            fragment_name(&self.model),
            fragment_name(&self.old_column)
        )
    }

    fn apply(&self, state: &mut ProjectState) -> std::result::Result<(), String> {
        let model = state.require_mut(&self.model)?;
        ensure(model.get_field(&self.old_column).is_some(), || {
            format!("`{}` has no column `{}`", self.model, self.old_column)
        })?;
        ensure(model.get_field(&self.new_column).is_none(), || {
            format!(
                "`{}` already has a column `{}`",
                self.model, self.new_column
            )
        })?;
        rename_column_in(model, &self.old_column, &self.new_column);
        Ok(())
    }

    fn sql(&self, ddl: &Ddl<'_>) -> DdlResult<Vec<String>> {
        let before = ddl.state.require(&self.model)?;
        let mut after = before.clone();
        rename_column_in(&mut after, &self.old_column, &self.new_column);
        let mut out = vec![format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {}",
            ddl.q(&before.table),
            ddl.q(&self.old_column),
            ddl.q(&self.new_column)
        )];
        out.extend(ddl.rename_derived_constraints(before, &after)?);
        Ok(out)
    }

    fn inverse(&self, _from: &ProjectState) -> Result<Operation> {
        Ok(Operation::RenameField(RenameField {
            model: self.model.clone(),
            old_column: self.new_column.clone(),
            new_column: self.old_column.clone(),
        }))
    }
}
