//! Database -> state, the other way round from [`super::introspect`]'s
//! `Schema::expected`: the [`ProjectState`] whose models, derived, would
//! make the tables of a live [`Schema`]. `inspectdb` renders that state as
//! Rust source (see [`super::model_source`]).
//!
//! What can be mapped is mapped so that the derive gives back the same
//! schema: a column type is found by asking the dialect which strata type
//! it spells that way (so the mapping cannot drift from the DDL strata
//! writes), plus the spellings other tools use (`serial`, `int4`,
//! `tinyint(1)`, `bool`, `integer` keys on SQLite). Where one spelling
//! stands for two strata types (`DATETIME(6)` on MySQL and `DATETIME` on
//! SQLite for both naive and UTC times, `TEXT`/`LONGTEXT` for text and
//! JSON), the first is chosen and the model says so in a comment. A
//! column that cannot be mapped is left out, with a comment naming it.
//!
//! A join table is recognised as a [`ManyToManyState`] when it is exactly
//! what an automatic `ManyToMany<T>` makes: an auto key and two foreign
//! keys, cascading, named `<model>_id`, with the derive's unique pair and
//! target index. The models on either side take the names the columns
//! imply (`post_id` -> `Post`), which is how the derive names them. A
//! join table with other constraint names (Django's hashed ones) stays a
//! model, and the relation is a `ManyToMany` `through` it.
//!
//! The derive indexes every foreign key under its own name; a foreign
//! key's single-column index under another name (Django's
//! `<table>_<column>_<hash>`) is taken to be that index, so that the
//! models do not index the column twice.

use super::introspect::{ForeignKey, Schema, Table, TableDetails};
use crate::operations::relations::join_model;
use crate::state::{
    ConstraintKind, ConstraintState, DefaultValue, FieldState, ForeignKeyState, IndexState,
    ManyToManyState, ModelState, ProjectState,
};
use std::collections::{BTreeMap, BTreeSet};
use strata::meta::OnDelete;
use strata::{ColumnType, Dialect};

/// What `inspectdb` makes of a database.
#[derive(Debug, Clone, Default)]
pub struct Inspected {
    /// The models, by name.
    pub state: ProjectState,
    /// Comments for the source, by model name: columns left out, guesses.
    pub notes: BTreeMap<String, Vec<String>>,
    /// Rust field names by model and column, where they differ from the
    /// column (`author_id` -> `author`).
    pub field_names: BTreeMap<(String, String), String>,
}

/// `blog_post` -> `BlogPost`.
pub fn camel_case(name: &str) -> String {
    name.split('_')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut chars = p.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The strata type a column of normalized type `ty` has on `dialect`, and
/// whether the choice was a guess between two strata types.
pub fn column_type(dialect: Dialect, ty: &str) -> Option<(ColumnType, bool)> {
    let (base, args) = match ty.find('(') {
        Some(i) => (&ty[..i], ty[i + 1..].trim_end_matches(')')),
        None => (ty, ""),
    };
    let numbers: Vec<u32> = args
        .split(',')
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    let mut candidates = vec![
        ColumnType::BigInt,
        ColumnType::Integer,
        ColumnType::SmallInt,
        ColumnType::Double,
        ColumnType::Float,
        ColumnType::Boolean,
        ColumnType::Text,
        ColumnType::Bytes,
        ColumnType::DateTimeUtc,
        ColumnType::DateTime,
        ColumnType::Date,
        ColumnType::Time,
        ColumnType::Uuid,
        ColumnType::Json,
    ];
    if let [n] = numbers.as_slice() {
        candidates.insert(0, ColumnType::Varchar(*n));
    }
    if let [p, s] = numbers.as_slice() {
        if let (Ok(p), Ok(s)) = (u8::try_from(*p), u8::try_from(*s)) {
            candidates.insert(0, ColumnType::Decimal(p, s));
        }
    }
    let normalize =
        |t: &ColumnType| super::introspect::normalize_type(dialect, &dialect.column_type_sql(t));
    let matching: Vec<ColumnType> = candidates
        .into_iter()
        .filter(|c| normalize(c) == ty)
        .collect();
    if let Some(first) = matching.first() {
        // Text that holds JSON reads back as text: the common case, and
        // no model is wrong for it. Naive and UTC times are a real guess.
        let guessed = matching
            .iter()
            .any(|c| *c != *first && *c != ColumnType::Json);
        return Some((*first, guessed));
    }
    // Spellings strata does not write but other tools do.
    let other = match (dialect, base) {
        (_, "int" | "int4" | "integer" | "mediumint") => ColumnType::Integer,
        (_, "int8" | "bigint") => ColumnType::BigInt,
        (_, "int2" | "smallint") => ColumnType::SmallInt,
        (_, "bool" | "boolean" | "tinyint") => ColumnType::Boolean,
        (_, "real" | "float" | "float4") => ColumnType::Float,
        (_, "double" | "double precision" | "float8") => ColumnType::Double,
        (_, "text" | "longtext" | "mediumtext" | "clob") => ColumnType::Text,
        (_, "varchar" | "character varying" | "nvarchar") => match numbers.as_slice() {
            [n] => ColumnType::Varchar(*n),
            _ => ColumnType::Text,
        },
        (_, "blob" | "bytea" | "longblob" | "mediumblob") => ColumnType::Bytes,
        (_, "json" | "jsonb") => ColumnType::Json,
        (_, "uuid") => ColumnType::Uuid,
        (_, "date") => ColumnType::Date,
        (_, "datetime" | "timestamp" | "timestamp without time zone") => ColumnType::DateTime,
        (_, "timestamp with time zone" | "timestamptz") => ColumnType::DateTimeUtc,
        (_, "time" | "time without time zone") => ColumnType::Time,
        (_, "decimal" | "numeric") => match numbers.as_slice() {
            [p, s] => ColumnType::Decimal(u8::try_from(*p).ok()?, u8::try_from(*s).ok()?),
            _ => return None,
        },
        _ => return None,
    };
    Some((other, false))
}

fn on_delete(action: &str) -> OnDelete {
    match action {
        "CASCADE" => OnDelete::Cascade,
        "SET NULL" => OnDelete::SetNull,
        "SET DEFAULT" => OnDelete::SetDefault,
        "RESTRICT" => OnDelete::Restrict,
        _ => OnDelete::DoNothing,
    }
}

fn default_value(ty: &ColumnType, literal: &str) -> Option<DefaultValue> {
    match ty {
        ColumnType::Boolean => match literal {
            "1" => Some(DefaultValue::Bool(true)),
            "0" => Some(DefaultValue::Bool(false)),
            _ => None,
        },
        ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt => {
            literal.parse().ok().map(DefaultValue::Int)
        }
        ColumnType::Float | ColumnType::Double => literal.parse().ok().map(DefaultValue::Float),
        ColumnType::Text | ColumnType::Varchar(_) | ColumnType::Decimal(..) => {
            Some(DefaultValue::Str(literal.to_string()))
        }
        _ => None,
    }
}

/// One foreign-key column of a join table and what it references.
type JoinSide<'t> = (&'t str, &'t ForeignKey);

/// A join table's two sides, if `table` looks like one: an auto key and
/// two non-null foreign keys, nothing else.
fn join_sides<'t>(
    table: &'t Table,
    details: &TableDetails,
) -> Option<(JoinSide<'t>, JoinSide<'t>)> {
    if table.columns.len() != 3 || table.foreign_keys.len() != 2 {
        return None;
    }
    let [key] = table.primary_key.as_slice() else {
        return None;
    };
    if !details.auto_increment.contains(key) {
        return None;
    }
    let mut fks = details
        .columns
        .iter()
        .filter_map(|c| table.foreign_keys.get_key_value(c.as_str()));
    let (a, fa) = fks.next()?;
    let (b, fb) = fks.next()?;
    if table.columns.values().any(|c| c.nullable) {
        return None;
    }
    Some(((a.as_str(), fa), (b.as_str(), fb)))
}

/// The state of `schema`'s tables (all, or those named in `only`) on
/// `dialect`.
pub fn inspect(
    schema: &Schema,
    details: &BTreeMap<String, TableDetails>,
    dialect: Dialect,
    only: &[String],
) -> Inspected {
    let wanted = |t: &str| only.is_empty() || only.iter().any(|o| o == t);
    let empty = TableDetails::default();
    let details_of = |t: &str| details.get(t).unwrap_or(&empty);
    // Model names: the CamelCase table, unless a join table's columns
    // name the model (`post_id` for table `blog_post`).
    let mut names: BTreeMap<String, String> = schema
        .tables
        .keys()
        .map(|t| (t.clone(), camel_case(t)))
        .collect();
    // (join table, source table, field, target table)
    let mut joins: Vec<(String, String, String, String)> = Vec::new();
    let mut claimed: BTreeMap<String, String> = BTreeMap::new();
    for (join, table) in &schema.tables {
        let Some(((a, fa), (b, fb))) = join_sides(table, details_of(join)) else {
            continue;
        };
        let Some(field) = join.strip_prefix(&format!("{}_", fa.table)) else {
            continue;
        };
        let (Some(sa), Some(sb)) = (a.strip_suffix("_id"), b.strip_suffix("_id")) else {
            continue;
        };
        let (source_name, target_name) = if fa.table == fb.table {
            match (sa.strip_prefix("from_"), sb.strip_prefix("to_")) {
                (Some(x), Some(y)) if x == y => (camel_case(x), camel_case(y)),
                _ => continue,
            }
        } else {
            (camel_case(sa), camel_case(sb))
        };
        let consistent = [(&fa.table, &source_name), (&fb.table, &target_name)]
            .iter()
            .all(|(t, n)| claimed.get(*t).is_none_or(|c| c == *n));
        if !consistent {
            continue;
        }
        claimed.insert(fa.table.clone(), source_name);
        claimed.insert(fb.table.clone(), target_name);
        joins.push((
            join.clone(),
            fa.table.clone(),
            field.to_string(),
            fb.table.clone(),
        ));
    }
    let taken: BTreeSet<String> = claimed.values().cloned().collect();
    for (table, name) in names.iter_mut() {
        if let Some(claimed) = claimed.get(table) {
            *name = claimed.clone();
        } else if taken.contains(name) {
            name.push_str("Table");
        }
    }

    let mut out = Inspected::default();
    for (table_name, table) in &schema.tables {
        let model = model_state(
            table_name,
            table,
            details_of(table_name),
            dialect,
            &names,
            &mut out,
        );
        out.state.models.insert(model.name.clone(), model);
    }
    // Keep a join table as `ManyToMany` only where the derive would make
    // exactly that table back.
    for (join, source, field, target) in joins {
        let (Some(source_name), Some(target_name)) = (names.get(&source), names.get(&target))
        else {
            continue;
        };
        let (source_column, target_column) = if source == target {
            let snake = strata::naming::snake_case(source_name);
            (format!("from_{snake}_id"), format!("to_{snake}_id"))
        } else {
            (
                format!("{}_id", strata::naming::snake_case(source_name)),
                format!("{}_id", strata::naming::snake_case(target_name)),
            )
        };
        let live = &schema.tables[&join];
        let join_name = names[&join].clone();
        let mut relation = ManyToManyState {
            field: field.clone(),
            to: target_name.clone(),
            join_table: join.clone(),
            source_column,
            target_column,
            through: None,
        };
        let automatic = join_model(&out.state, source_name, &relation)
            .ok()
            .and_then(|made| super::introspect::expected_table(&out.state, &made, dialect).ok())
            .is_some_and(|remade| remade == *live);
        if automatic {
            out.state.models.remove(&join_name);
            out.notes.remove(&join_name);
        } else {
            // Not quite what the derive makes (other constraint names, say):
            // the join table stays a model, and the relation goes through it.
            let columns_fit = [&relation.source_column, &relation.target_column]
                .iter()
                .all(|c| live.foreign_keys.contains_key(c.as_str()));
            if !columns_fit {
                continue;
            }
            relation.through = Some(join_name);
        }
        if let Some(model) = out.state.models.get_mut(source_name) {
            model.many_to_many.push(relation);
        }
    }
    if !only.is_empty() {
        out.state.models.retain(|_, m| wanted(&m.table));
        let kept: BTreeSet<String> = out.state.models.keys().cloned().collect();
        for model in out.state.models.values() {
            let referenced = model
                .fields
                .iter()
                .filter_map(|f| f.foreign_key.as_ref().map(|fk| &fk.to))
                .chain(model.many_to_many.iter().map(|r| &r.to))
                .chain(model.many_to_many.iter().filter_map(|r| r.through.as_ref()));
            let missing: BTreeSet<&String> = referenced.filter(|m| !kept.contains(*m)).collect();
            if !missing.is_empty() {
                let names: Vec<&str> = missing.iter().map(|m| m.as_str()).collect();
                out.notes.entry(model.name.clone()).or_default().push(format!(
                    "refers to {}, not in this output: name their tables too for source that compiles",
                    names.join(", ")
                ));
            }
        }
    }
    out
}

fn model_state(
    table_name: &str,
    table: &Table,
    details: &TableDetails,
    dialect: Dialect,
    names: &BTreeMap<String, String>,
    out: &mut Inspected,
) -> ModelState {
    let name = names[table_name].clone();
    let mut model = ModelState::new(&name).table(table_name);
    let mut notes = Vec::new();
    let single_key = match table.primary_key.as_slice() {
        [key] => Some(key.clone()),
        [] => {
            notes.push("the table has no primary key; strata needs one".to_string());
            None
        }
        keys => {
            notes.push(format!(
                "the primary key is ({}); strata keys a model on one column",
                keys.join(", ")
            ));
            None
        }
    };
    let order: Vec<&String> = if details.columns.is_empty() {
        table.columns.keys().collect()
    } else {
        details.columns.iter().collect()
    };
    for column in order {
        let Some(live) = table.columns.get(column) else {
            continue;
        };
        let is_key = single_key.as_deref() == Some(column.as_str());
        let auto = is_key && details.auto_increment.contains(column);
        let Some((mut ty, guessed)) = column_type(dialect, &live.ty) else {
            notes.push(format!(
                "column `{column}` has type `{}`, which strata cannot map; it is left out",
                live.ty
            ));
            continue;
        };
        if auto && dialect == Dialect::Sqlite {
            // SQLite's rowid key is 64 bits whatever the spelling.
            ty = ColumnType::BigInt;
        }
        if guessed {
            notes.push(format!(
                "column `{column}` is `{}`, which strata uses for more than one type; \
                 `{}` is assumed",
                live.ty,
                crate::state::column_type_name(&ty)
            ));
        }
        let mut field = FieldState::new(column, ty);
        field.null = live.nullable && !is_key;
        field.primary_key = is_key;
        field.auto_increment = auto;
        if let Some(literal) = &live.default {
            match default_value(&ty, literal) {
                Some(value) => field.default = Some(value),
                None => notes.push(format!(
                    "column `{column}` has the default `{literal}`, which a model cannot declare; \
                     it is left to the database"
                )),
            }
        }
        if let Some(fk) = table.foreign_keys.get(column) {
            match names.get(&fk.table) {
                Some(target) => {
                    field.foreign_key = Some(ForeignKeyState {
                        to: target.clone(),
                        on_delete: on_delete(&fk.on_delete),
                    });
                    if let Some(field_name) = column.strip_suffix("_id") {
                        out.field_names
                            .insert((name.clone(), column.clone()), field_name.to_string());
                    }
                }
                None => notes.push(format!(
                    "column `{column}` refers to table `{}`, which is not inspected",
                    fk.table
                )),
            }
        }
        model.fields.push(field);
    }
    for (index_name, index) in &table.indexes {
        let fk_index = !index.unique
            && index.columns.len() == 1
            && model
                .fields
                .iter()
                .any(|f| f.column == index.columns[0] && f.foreign_key.is_some() && !f.unique);
        let derived = match index.columns.as_slice() {
            [column] => strata::naming::constraint_name(table_name, &[column], "idx"),
            _ => String::new(),
        };
        if index.columns.is_empty() {
            notes.push(format!(
                "index `{index_name}` is on an expression, which a model cannot declare"
            ));
            continue;
        }
        if fk_index && (*index_name == derived || !table.indexes.contains_key(&derived)) {
            if *index_name != derived {
                notes.push(format!(
                    "index `{index_name}` on the foreign key `{}` is the one the derive makes, \
                     as `{derived}`",
                    index.columns[0]
                ));
            }
            model.indexes.push(IndexState {
                name: derived,
                columns: index.columns.clone(),
                unique: false,
            });
            continue;
        }
        // A single-column unique is the field's `unique`, whatever the
        // database named it (`<table>_<column>_key`, `sqlite_autoindex_..`).
        if let (true, [column]) = (index.unique, index.columns.as_slice()) {
            let derived = crate::state::naming::unique_name(table_name, column);
            let single = table
                .indexes
                .iter()
                .filter(|(_, i)| i.unique && i.columns == index.columns)
                .count()
                == 1;
            if let Some(f) = model.fields.iter_mut().find(|f| f.column == *column) {
                if single || *index_name == derived {
                    if *index_name != derived {
                        notes.push(format!(
                            "unique index `{index_name}` is the one the derive makes, as `{derived}`"
                        ));
                    }
                    f.unique = true;
                    continue;
                }
            }
        }
        if index.unique {
            model.constraints.push(ConstraintState {
                name: index_name.clone(),
                kind: ConstraintKind::Unique(index.columns.clone()),
            });
        } else {
            model.indexes.push(IndexState {
                name: index_name.clone(),
                columns: index.columns.clone(),
                unique: false,
            });
        }
    }
    if !notes.is_empty() {
        out.notes.insert(name.clone(), notes);
    }
    model
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every strata type reads back as itself from the DDL its dialect
    /// writes, except where two types share one spelling: then the first
    /// is chosen and flagged as a guess (JSON stored as text is not).
    #[test]
    fn each_type_reads_back_from_the_ddl_strata_writes() {
        let all = [
            ColumnType::SmallInt,
            ColumnType::Integer,
            ColumnType::BigInt,
            ColumnType::Float,
            ColumnType::Double,
            ColumnType::Boolean,
            ColumnType::Text,
            ColumnType::Varchar(20),
            ColumnType::Bytes,
            ColumnType::Date,
            ColumnType::Time,
            ColumnType::DateTime,
            ColumnType::DateTimeUtc,
            ColumnType::Uuid,
            ColumnType::Decimal(10, 2),
            ColumnType::Json,
        ];
        for dialect in Dialect::ALL {
            for ty in all {
                let spelled = super::super::introspect::normalize_type(
                    dialect,
                    &dialect.column_type_sql(&ty),
                );
                let (found, guessed) = column_type(dialect, &spelled)
                    .unwrap_or_else(|| panic!("{dialect}: `{spelled}` maps to nothing"));
                let shared = match (dialect, ty) {
                    (Dialect::MySql | Dialect::Sqlite, ColumnType::DateTime) => {
                        Some(ColumnType::DateTimeUtc)
                    }
                    (Dialect::MySql | Dialect::Sqlite, ColumnType::Json) => Some(ColumnType::Text),
                    _ => None,
                };
                assert_eq!(found, shared.unwrap_or(ty), "{dialect}: `{spelled}`");
                let datetime = matches!(ty, ColumnType::DateTime | ColumnType::DateTimeUtc);
                assert_eq!(
                    guessed,
                    datetime && dialect != Dialect::Postgres,
                    "{dialect}: {ty:?}"
                );
            }
        }
    }

    #[test]
    fn other_tools_spellings_map_too() {
        let map = |d, t| column_type(d, t).map(|(ty, _)| ty);
        assert_eq!(map(Dialect::Postgres, "int4"), Some(ColumnType::Integer));
        assert_eq!(map(Dialect::Sqlite, "bool"), Some(ColumnType::Boolean));
        assert_eq!(
            map(Dialect::Sqlite, "varchar(100)"),
            Some(ColumnType::Varchar(100))
        );
        assert_eq!(map(Dialect::MySql, "int"), Some(ColumnType::Integer));
        assert_eq!(map(Dialect::Postgres, "inet"), None);
    }
}
