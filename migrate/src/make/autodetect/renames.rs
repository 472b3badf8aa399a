//! The renames the detector asks about first: a model or a field that
//! disappeared while one of the same shape appeared is, if the user (or
//! the questioner's default) says so, a rename rather than a delete and a
//! create, so the data stays.

use super::{models_match, same_fields, Detector};
use crate::error::Result;
use crate::operations::{AlterModelTable, Operation, RenameField, RenameModel};
use crate::state::{FieldState, ModelState};
use std::collections::{BTreeSet, HashSet};

impl Detector<'_> {
    pub(super) fn rename_models(&mut self) -> Result<()> {
        let mut removed: BTreeSet<String> = self
            .current
            .models
            .keys()
            .filter(|n| !self.new.models.contains_key(*n))
            .cloned()
            .collect();
        let added: Vec<&ModelState> = self
            .new
            .models
            .values()
            .filter(|m| !self.current.models.contains_key(&m.name))
            .collect();
        for new_model in added {
            let mut chosen = new_model
                .renamed_from
                .as_ref()
                .filter(|hint| removed.contains(*hint))
                .cloned();
            if chosen.is_none() {
                for old_name in &removed {
                    let old_model = &self.current.models[old_name];
                    if models_match(old_model, new_model)
                        && self.questioner.ask_rename_model(old_model, new_model)?
                    {
                        chosen = Some(old_name.clone());
                        break;
                    }
                }
            }
            if let Some(old_name) = chosen {
                removed.remove(&old_name);
                self.push(Operation::RenameModel(RenameModel {
                    old_name,
                    new_name: new_model.name.clone(),
                }))?;
            }
        }
        let table_changes: Vec<(String, String)> = self
            .new
            .models
            .values()
            .filter_map(|m| {
                let cur = self.current.models.get(&m.name)?;
                (cur.table != m.table).then(|| (m.name.clone(), m.table.clone()))
            })
            .collect();
        for (model, table) in table_changes {
            self.push(Operation::AlterModelTable(AlterModelTable { model, table }))?;
        }
        Ok(())
    }

    /// Names of models in both states, sorted.
    pub(super) fn kept_models(&self) -> Vec<String> {
        self.new
            .models
            .keys()
            .filter(|n| self.current.models.contains_key(*n))
            .cloned()
            .collect()
    }

    pub(super) fn rename_fields(&mut self) -> Result<()> {
        for name in self.kept_models() {
            let new_model = &self.new.models[&name];
            let cur = &self.current.models[&name];
            if same_fields(cur, new_model) {
                continue;
            }
            let new_columns: HashSet<&str> =
                new_model.fields.iter().map(|f| f.column.as_str()).collect();
            let mut removed: Vec<FieldState> = cur
                .fields
                .iter()
                .filter(|f| !new_columns.contains(f.column.as_str()))
                .cloned()
                .collect();
            let added: Vec<&FieldState> = new_model
                .fields
                .iter()
                .filter(|f| cur.get_field(&f.column).is_none())
                .collect();
            let mut renames = Vec::new();
            for new_field in added {
                let mut chosen = new_field
                    .renamed_from
                    .as_ref()
                    .and_then(|hint| removed.iter().position(|f| &f.column == hint));
                if chosen.is_none() {
                    for (i, old_field) in removed.iter().enumerate() {
                        if old_field.same_definition(new_field)
                            && self
                                .questioner
                                .ask_rename_field(&name, old_field, new_field)?
                        {
                            chosen = Some(i);
                            break;
                        }
                    }
                }
                if let Some(i) = chosen {
                    let old_field = removed.remove(i);
                    renames.push(Operation::RenameField(RenameField {
                        model: name.clone(),
                        old_column: old_field.column,
                        new_column: new_field.column.clone(),
                    }));
                }
            }
            for op in renames {
                self.push(op)?;
            }
        }
        Ok(())
    }
}
