//! The SQL of [`AlterField`](super::AlterField) per dialect.

use super::ddl::{Ddl, DdlResult};
use crate::state::naming;
use crate::state::{DefaultValue, FieldState, ModelState};
use strata::Dialect;

/// The statements that change column `old` of `before` into `new`
/// (`after` is the model afterwards); `one_off` fills NULLs going to NOT
/// NULL.
pub(super) fn alter_sql(
    ddl: &Ddl<'_>,
    before: &ModelState,
    after: &ModelState,
    old: &FieldState,
    new: &FieldState,
    one_off: Option<&DefaultValue>,
) -> DdlResult<Vec<String>> {
    let table = ddl.q(&after.table);
    let column = ddl.q(&new.column);
    let type_changed = old.ty != new.ty;
    let null_changed = old.null != new.null;
    let default_changed = old.default != new.default;
    let unique_changed = old.unique != new.unique;
    // A changed type may no longer compare with the old values: the check
    // is made again around it.
    let choices_changed = old.choices != new.choices || (type_changed && old.choices.is_some());
    let fk_changed = ddl.fk_body(old)? != ddl.fk_body(new)?;
    // Rows holding NULL take the one-off default, else the column's own
    // default (as Django does): without either, the change fails on a
    // table with NULLs, which the questioner asks about beforehand.
    let fill = if old.null && !new.null {
        one_off.or(new.default.as_ref())
    } else {
        None
    };
    let fill_nulls = |out: &mut Vec<String>| {
        if let Some(value) = fill {
            out.push(format!(
                "UPDATE {table} SET {column} = {} WHERE {column} IS NULL",
                ddl.dialect.value_sql(&new.ty, value.as_literal())
            ));
        }
    };
    let unique_name = naming::unique_name(&after.table, &new.column);
    let mut out = Vec::new();
    match ddl.dialect {
        Dialect::Sqlite => {
            if !(type_changed || null_changed || default_changed || fk_changed || choices_changed) {
                if unique_changed && old.unique {
                    out.push(ddl.drop_unique(&after.table, &unique_name));
                } else if unique_changed {
                    out.push(ddl.add_unique(
                        after,
                        &unique_name,
                        std::slice::from_ref(&new.column),
                    )?);
                }
                return Ok(out);
            }
            let copies: Vec<(String, String)> = ddl
                .same_name_copies(before, after)
                .into_iter()
                .map(|(c, expr)| match fill {
                    Some(value) if c == new.column => {
                        let lit = ddl.dialect.value_sql(&new.ty, value.as_literal());
                        (c, format!("COALESCE({expr}, {lit})"))
                    }
                    _ => (c, expr),
                })
                .collect();
            return ddl.sqlite_rebuild(after, &before.table, &copies);
        }
        Dialect::Postgres => {
            if fk_changed && old.foreign_key.is_some() {
                out.push(ddl.drop_fk(&after.table, &old.column));
            }
            if unique_changed && old.unique {
                out.push(ddl.drop_unique(&after.table, &unique_name));
            }
            if choices_changed && old.choices.is_some() {
                out.push(ddl.drop_choices(&after.table, &old.column));
            }
            if type_changed && old.ty.unsigned_max().is_some() {
                out.push(ddl.drop_range(&after.table, &old.column));
            }
            let mut default_dropped = false;
            if type_changed {
                if old.default.is_some() {
                    out.push(format!(
                        "ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT"
                    ));
                    default_dropped = true;
                }
                let ty = ddl.dialect.column_type_sql(&new.ty);
                out.push(format!(
                    "ALTER TABLE {table} ALTER COLUMN {column} TYPE {ty} USING {column}::{ty}"
                ));
            }
            if default_changed || (default_dropped && new.default.is_some()) {
                match &new.default {
                    Some(value) => out.push(format!(
                        "ALTER TABLE {table} ALTER COLUMN {column} SET{}",
                        ddl.dialect.default_clause(&new.ty, value.as_literal())
                    )),
                    None if !default_dropped => out.push(format!(
                        "ALTER TABLE {table} ALTER COLUMN {column} DROP DEFAULT"
                    )),
                    None => {}
                }
            }
            if null_changed {
                fill_nulls(&mut out);
                out.push(format!(
                    "ALTER TABLE {table} ALTER COLUMN {column} {} NOT NULL",
                    if new.null { "DROP" } else { "SET" }
                ));
            }
            if unique_changed && new.unique {
                out.push(ddl.add_unique(after, &unique_name, std::slice::from_ref(&new.column))?);
            }
            if type_changed {
                out.extend(ddl.add_range(&after.table, new));
            }
            if choices_changed {
                out.extend(ddl.add_choices(&after.table, new));
            }
            if fk_changed {
                out.extend(ddl.add_fk(&after.table, new)?);
            }
        }
        Dialect::MySql => {
            let column_changed = type_changed || null_changed || default_changed;
            // MySQL refuses to change a column a foreign key uses, and to
            // drop the unique index that serves a foreign key (error 1553,
            // see `Ddl::drop_index_keeping_fk`): the key is dropped around
            // both.
            let unique_dropped = unique_changed && old.unique;
            let refresh_fk =
                fk_changed || ((column_changed || unique_dropped) && old.foreign_key.is_some());
            if refresh_fk && old.foreign_key.is_some() {
                out.push(ddl.drop_fk(&after.table, &old.column));
            }
            if unique_changed && old.unique {
                out.push(ddl.drop_unique(&after.table, &unique_name));
            }
            if choices_changed && old.choices.is_some() {
                out.push(ddl.drop_choices(&after.table, &old.column));
            }
            if column_changed {
                fill_nulls(&mut out);
                out.push(format!(
                    "ALTER TABLE {table} MODIFY {}",
                    ddl.column_def(new, None)?
                ));
            }
            if unique_changed && new.unique {
                out.push(ddl.add_unique(after, &unique_name, std::slice::from_ref(&new.column))?);
            }
            if choices_changed {
                out.extend(ddl.add_choices(&after.table, new));
            }
            if refresh_fk {
                out.extend(ddl.add_fk(&after.table, new)?);
            }
        }
    }
    Ok(out)
}
