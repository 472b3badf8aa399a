//! The entity-relationship diagram of a [`ProjectState`] (`manage erd`),
//! as Mermaid (which GitHub, GitLab and most editors render in Markdown)
//! or Graphviz DOT.
//!
//! One entity per table with its columns (type, `PK`/`FK`/`UK`, and a
//! comment with the full type, `NULL` and the foreign key's target), one
//! line per foreign key (`||--o{`, `|o--o{` when nullable, `||--o|` when
//! unique) and per automatic many-to-many join table (`}o--o{`). A
//! many-to-many relation `through` a model is drawn by that model's own
//! foreign keys.

use super::{column_type_name, FieldState, ModelState, ProjectState};
use std::fmt::Write;

/// How a picture is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PictureFormat {
    /// Mermaid (`erDiagram`, `flowchart`).
    #[default]
    Mermaid,
    /// Graphviz DOT.
    Dot,
}

impl PictureFormat {
    /// `mermaid` or `dot`.
    pub fn from_name(name: &str) -> Option<PictureFormat> {
        match name.to_ascii_lowercase().as_str() {
            "mermaid" => Some(PictureFormat::Mermaid),
            "dot" | "graphviz" => Some(PictureFormat::Dot),
            _ => None,
        }
    }
}

/// The diagram of `state` in `format`. Tables are sorted by name, columns
/// keep their order, so the text is stable from one run to the next.
pub fn erd(state: &ProjectState, format: PictureFormat) -> String {
    let mut models: Vec<&ModelState> = state.models.values().collect();
    models.sort_by(|a, b| a.table.cmp(&b.table));
    match format {
        PictureFormat::Mermaid => mermaid(state, &models),
        PictureFormat::Dot => dot(state, &models),
    }
}

/// The table of model `name` (the name itself if it is unknown).
fn table_of<'s>(state: &'s ProjectState, name: &'s str) -> &'s str {
    state.model(name).map_or(name, |m| m.table.as_str())
}

/// The keys column `field` has: `PK`, `FK`, `UK`.
fn keys(field: &FieldState) -> Vec<&'static str> {
    let mut keys = Vec::new();
    if field.primary_key {
        keys.push("PK");
    }
    if field.foreign_key.is_some() {
        keys.push("FK");
    }
    if field.unique && !field.primary_key {
        keys.push("UK");
    }
    keys
}

/// What the column's comment says: the full type, `NULL`, the target.
fn details(state: &ProjectState, field: &FieldState) -> Vec<String> {
    let mut out = Vec::new();
    let ty = column_type_name(&field.ty);
    if ty.contains('(') {
        out.push(ty);
    }
    if field.null {
        out.push("NULL".into());
    }
    if let Some(fk) = &field.foreign_key {
        out.push(format!(
            "-> {}, on delete {}",
            table_of(state, &fk.to),
            on_delete_name(fk.on_delete)
        ));
    }
    out
}

fn on_delete_name(on_delete: strata::meta::OnDelete) -> String {
    let debug = format!("{on_delete:?}");
    // `SetNull` -> `set null`.
    let mut out = String::new();
    for (i, c) in debug.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push(' ');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// A Mermaid entity name: bare when it is a plain word, quoted otherwise.
fn mermaid_name(name: &str) -> String {
    if !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "'"))
    }
}

/// The word Mermaid accepts as an attribute type: the type's name up to
/// its parameters (those go in the comment).
fn mermaid_type(field: &FieldState) -> String {
    let name = column_type_name(&field.ty);
    let word: String = name
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if word.is_empty() {
        "custom".into()
    } else {
        word
    }
}

fn mermaid(state: &ProjectState, models: &[&ModelState]) -> String {
    let mut out = String::from("erDiagram\n");
    for model in models {
        let _ = writeln!(out, "    {} {{", mermaid_name(&model.table));
        for field in &model.fields {
            let _ = write!(out, "        {} {}", mermaid_type(field), field.column);
            let keys = keys(field);
            if !keys.is_empty() {
                let _ = write!(out, " {}", keys.join(", "));
            }
            let details = details(state, field);
            if !details.is_empty() {
                let _ = write!(out, " \"{}\"", details.join(", ").replace('"', "'"));
            }
            out.push('\n');
        }
        out.push_str("    }\n");
    }
    for model in models {
        for field in &model.fields {
            let Some(fk) = &field.foreign_key else {
                continue;
            };
            let parent_end = if field.null { "|o" } else { "||" };
            let child_end = if field.unique { "o|" } else { "o{" };
            let _ = writeln!(
                out,
                "    {} {parent_end}--{child_end} {} : \"{}\"",
                mermaid_name(table_of(state, &fk.to)),
                mermaid_name(&model.table),
                field.column
            );
        }
        for m2m in model.many_to_many.iter().filter(|m| m.through.is_none()) {
            let _ = writeln!(
                out,
                "    {} }}o--o{{ {} : \"{} ({})\"",
                mermaid_name(&model.table),
                mermaid_name(table_of(state, &m2m.to)),
                m2m.field,
                m2m.join_table
            );
        }
    }
    out
}

/// `text` inside a DOT record label.
fn dot_record_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '{' | '}' | '|' | '<' | '>' | '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `text` as a DOT quoted string.
fn dot_quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn dot(state: &ProjectState, models: &[&ModelState]) -> String {
    let mut out = String::from(
        "digraph erd {\n    graph [rankdir=LR];\n    node [shape=record, fontname=\"Helvetica\"];\n",
    );
    for model in models {
        let mut label = format!("{{{}|", dot_record_escape(&model.table));
        for field in &model.fields {
            let mut line = format!("{}: {}", field.column, column_type_name(&field.ty));
            let keys = keys(field);
            if !keys.is_empty() {
                let _ = write!(line, " {}", keys.join(", "));
            }
            if field.null {
                line.push_str(" NULL");
            }
            label.push_str(&dot_record_escape(&line));
            label.push_str("\\l");
        }
        label.push('}');
        let _ = writeln!(
            out,
            "    {} [label={}];",
            dot_quote(&model.table),
            dot_quote_record(&label)
        );
    }
    for model in models {
        for field in &model.fields {
            let Some(fk) = &field.foreign_key else {
                continue;
            };
            let style = if field.null { ", style=dashed" } else { "" };
            let _ = writeln!(
                out,
                "    {} -> {} [label={}{style}];",
                dot_quote(&model.table),
                dot_quote(table_of(state, &fk.to)),
                dot_quote(&field.column)
            );
        }
        for m2m in model.many_to_many.iter().filter(|m| m.through.is_none()) {
            let _ = writeln!(
                out,
                "    {} -> {} [label={}, dir=both, arrowtail=crow, arrowhead=crow];",
                dot_quote(&model.table),
                dot_quote(table_of(state, &m2m.to)),
                dot_quote(&format!("{} ({})", m2m.field, m2m.join_table))
            );
        }
    }
    out.push_str("}\n");
    out
}

/// A record label (already escaped for records) as a DOT string: only
/// its quotes need escaping again, and they already are.
fn dot_quote_record(label: &str) -> String {
    format!("\"{label}\"")
}
