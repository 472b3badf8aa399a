//! Checks of one model on its own: one primary key, distinct names,
//! references to known models, indexes and constraints on existing columns.

use super::{ConstraintKind, ModelState};
use crate::error::{Error, Result};
use std::collections::HashSet;
use strata::meta::OnDelete;
use strata::ColumnType;

/// Checks one model on its own: one primary key, distinct columns,
/// references to models that `exists` knows, indexes and constraints on
/// existing columns.
pub(crate) fn check_model(model: &ModelState, exists: impl Fn(&str) -> bool) -> Result<()> {
    let invalid = |reason: String| Err(Error::InvalidState { reason });
    let name = &model.name;
    let pks = model.fields.iter().filter(|f| f.primary_key).count();
    if pks != 1 {
        return invalid(format!(
            "model `{name}` has {pks} primary-key columns; exactly one is needed"
        ));
    }
    let mut columns = Seen::default();
    for field in &model.fields {
        if !columns.insert(&field.column) {
            return invalid(format!("model `{name}` has two columns `{}`", field.column));
        }
        if let Some(fk) = &field.foreign_key {
            if fk.to != *name && !exists(&fk.to) {
                return invalid(format!(
                    "`{name}.{}` refers to the unknown model `{}`",
                    field.column, fk.to
                ));
            }
            if fk.on_delete == OnDelete::SetNull && !field.null {
                return invalid(format!(
                    "`{name}.{}` is ON DELETE SET NULL but NOT NULL; make it an Option",
                    field.column
                ));
            }
            if fk.on_delete == OnDelete::SetDefault && field.default.is_none() {
                return invalid(format!(
                    "`{name}.{}` is ON DELETE SET DEFAULT but has no default",
                    field.column
                ));
            }
        }
        if field.default == Some(super::DefaultValue::Now)
            && !matches!(
                field.ty,
                ColumnType::Date
                    | ColumnType::Time
                    | ColumnType::DateTime
                    | ColumnType::DateTimeUtc
            )
        {
            return invalid(format!(
                "`{name}.{}` defaults to the current time but is a `{}` column, not a date or time",
                field.column,
                super::column_type_name(&field.ty)
            ));
        }
        if field.auto_increment && !(field.primary_key && field.ty.is_integer()) {
            return invalid(format!(
                "`{name}.{}` is auto-increment but not an integer primary key",
                field.column
            ));
        }
    }
    let mut names = Seen::default();
    for index in &model.indexes {
        if !names.insert(&index.name) {
            return invalid(format!("model `{name}` has two indexes `{}`", index.name));
        }
        check_columns(model, &index.columns, &index.name)?;
    }
    for constraint in &model.constraints {
        if !names.insert(&constraint.name) {
            return invalid(format!(
                "model `{name}` has two indexes or constraints named `{}`",
                constraint.name
            ));
        }
        if let ConstraintKind::Unique(cols) = &constraint.kind {
            check_columns(model, cols, &constraint.name)?;
        }
    }
    let mut relations = Seen::default();
    for m2m in &model.many_to_many {
        if !relations.insert(&m2m.field) {
            return invalid(format!("model `{name}` has two relations `{}`", m2m.field));
        }
        if m2m.to != *name && !exists(&m2m.to) {
            return invalid(format!(
                "`{name}.{}` relates to the unknown model `{}`",
                m2m.field, m2m.to
            ));
        }
        if let Some(through) = m2m.through.as_deref().filter(|t| !exists(t)) {
            return invalid(format!(
                "`{name}.{}` goes through the unknown model `{through}`",
                m2m.field
            ));
        }
    }
    Ok(())
}

/// Names seen so far, to find a repeated one: the first few in a list
/// (models have few columns, indexes and relations: no hashing, no
/// allocation), the others in a hash set.
#[derive(Default)]
struct Seen<'a> {
    few: [&'a str; 16],
    len: usize,
    many: HashSet<&'a str>,
}

impl<'a> Seen<'a> {
    /// Adds `name`; `false` if it was seen before.
    fn insert(&mut self, name: &'a str) -> bool {
        if self.few[..self.len].contains(&name) {
            return false;
        }
        if self.len < self.few.len() {
            self.few[self.len] = name;
            self.len += 1;
            true
        } else {
            self.many.insert(name)
        }
    }
}

fn check_columns(model: &ModelState, columns: &[String], what: &str) -> Result<()> {
    if columns.is_empty() {
        return Err(Error::InvalidState {
            reason: format!("`{what}` of model `{}` has no columns", model.name),
        });
    }
    for column in columns {
        if model.get_field(column).is_none() {
            return Err(Error::InvalidState {
                reason: format!(
                    "`{what}` of model `{}` names the unknown column `{column}`",
                    model.name
                ),
            });
        }
    }
    Ok(())
}
