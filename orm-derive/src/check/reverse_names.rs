//! Reverse accessors: two relations of a model to one target must not
//! give the target the same reverse name.

use super::{snake_case, type_name, Column};
use crate::ast::Model;
use crate::ctxt::Ctxt;
use std::collections::HashMap;

/// Two relations of this model to one target must not give it the same
/// reverse accessor; the default `<model>_set` clashes as soon as there
/// are two, so say which attribute to add rather than let rustc report
/// a duplicate method.
pub(super) fn check_reverse_names(cx: &Ctxt, model: &Model, columns: &[Column]) {
    let mut seen: HashMap<(String, String), &syn::Ident> = HashMap::new();
    for (field, column) in model.fields.iter().zip(columns) {
        let Some(relation) = &column.relation else {
            continue;
        };
        let name = &relation.related_name;
        if name.value == "+" {
            continue;
        }
        let target = crate::types::relation(field.ty)
            .and_then(|r| type_name(r.target))
            .map(|t| {
                if t == "Self" {
                    model.ident.to_string()
                } else {
                    t
                }
            })
            .unwrap_or_default();
        let key = (target.clone(), name.value.clone());
        match seen.get(&key) {
            Some(previous) => {
                let default = name.value == format!("{}_set", snake_case(&model.ident.to_string()));
                let why = if default {
                    format!(
                        "neither names a `related_name`, so both get the default `{}`",
                        name.value
                    )
                } else {
                    format!("both are named `{}`", name.value)
                };
                cx.error_at(
                    name.span,
                    format!(
                        "`{m}.{previous}` and `{m}.{this}` would give `{target}` the same reverse accessor `{target}::{n}()`: {why}\n  = help: give each relation its own name, e.g. #[strata(related_name = \"{this}_{m_snake}s\")], or #[strata(related_name = \"+\")] for no reverse accessor",
                        m = model.ident,
                        this = field.ident,
                        n = name.value,
                        m_snake = snake_case(&model.ident.to_string()),
                    ),
                );
            }
            None => {
                seen.insert(key, field.ident);
            }
        }
    }
}
