//! The migration graph as a picture (`manage graph`): one node per
//! migration, one arrow per dependency (from the dependency to the
//! migration that needs it), in Mermaid (`flowchart`) or Graphviz DOT.
//! Given what a database has applied, applied migrations are filled in,
//! so a branch that still needs a merge or a database behind the files is
//! visible at a glance.

use crate::error::Result;
use crate::files::loader::MigrationSet;
use crate::state::PictureFormat;
use std::collections::BTreeSet;
use std::fmt::Write;

/// The graph of `set` in `format`, in dependency order; `applied`, when
/// given, marks the migrations a database has applied. Fails only when the
/// graph does not order (a missing dependency or a cycle).
pub fn migration_graph(
    set: &MigrationSet,
    applied: Option<&BTreeSet<String>>,
    format: PictureFormat,
) -> Result<String> {
    let order = set.ordered()?;
    let is_applied = |name: &str| applied.is_some_and(|a| a.contains(name));
    let mut out = String::new();
    match format {
        PictureFormat::Mermaid => {
            out.push_str("flowchart TD\n");
            for m in &order {
                let _ = writeln!(out, "    m{0}[\"{0}\"]", m.name);
            }
            for m in &order {
                let mut deps: Vec<&String> = m.dependencies.iter().collect();
                deps.sort();
                for dep in deps {
                    let _ = writeln!(out, "    m{dep} --> m{}", m.name);
                }
            }
            if applied.is_some() {
                out.push_str("    classDef applied fill:#d4edda,stroke:#2e7d32\n");
                out.push_str("    classDef pending fill:#fff3cd,stroke:#b26a00\n");
                for (class, want) in [("applied", true), ("pending", false)] {
                    let names: Vec<String> = order
                        .iter()
                        .filter(|m| is_applied(&m.name) == want)
                        .map(|m| format!("m{}", m.name))
                        .collect();
                    if !names.is_empty() {
                        let _ = writeln!(out, "    class {} {class}", names.join(","));
                    }
                }
            }
        }
        PictureFormat::Dot => {
            out.push_str("digraph migrations {\n    node [shape=box, fontname=\"Helvetica\"];\n");
            for m in &order {
                let style = match applied {
                    Some(_) if is_applied(&m.name) => {
                        " [style=filled, fillcolor=\"#d4edda\", tooltip=\"applied\"]"
                    }
                    Some(_) => " [style=filled, fillcolor=\"#fff3cd\", tooltip=\"pending\"]",
                    None => "",
                };
                let _ = writeln!(out, "    \"{}\"{style};", m.name);
            }
            for m in &order {
                let mut deps: Vec<&String> = m.dependencies.iter().collect();
                deps.sort();
                for dep in deps {
                    let _ = writeln!(out, "    \"{dep}\" -> \"{}\";", m.name);
                }
            }
            out.push_str("}\n");
        }
    }
    Ok(out)
}
