//! Which generated items a models crate's code is made of: the crate's
//! LLVM IR (`cargo rustc --lib -- --emit=llvm-ir`, stable), each function
//! counted in IR lines and grouped by its demangled name with the model
//! number and the hash taken out, so that the 50 copies of
//! `<models::Model7 as strata::Model>::from_row` are one row. This is
//! what codegen (the `cargo build` half that `cargo check` skips) works on.

use super::Project;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// One group of functions.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub name: String,
    pub lines: usize,
    pub copies: usize,
}

/// The IR of a crate: total lines in function bodies, and the groups,
/// largest first.
#[derive(Debug, Default)]
pub struct Breakdown {
    pub total_lines: usize,
    pub functions: usize,
    pub groups: Vec<Group>,
}

/// Emits the models crate's IR (one codegen unit, so one file) and
/// breaks it down.
pub fn measure(project: &Project) -> Result<Breakdown, String> {
    let deps = project.target_dir().join("debug/deps");
    for old in ll_files(&deps) {
        let _ = std::fs::remove_file(old);
    }
    project.cargo("rustc", &["--", "--emit=llvm-ir", "-Ccodegen-units=1"])?;
    let files = ll_files(&deps);
    if files.is_empty() {
        return Err(format!("no .ll file in {}", deps.display()));
    }
    let mut text = String::new();
    for file in files {
        text.push_str(
            &std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?,
        );
    }
    Ok(breakdown(&text))
}

fn ll_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "ll")
                && p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("models-"))
        })
        .collect()
}

/// Groups the `define`d functions of LLVM IR text.
pub fn breakdown(ir: &str) -> Breakdown {
    let mut groups: HashMap<String, Group> = HashMap::new();
    let mut out = Breakdown::default();
    let mut current: Option<(String, usize)> = None;
    for line in ir.lines() {
        if let Some((name, lines)) = current.as_mut() {
            *lines += 1;
            if line == "}" {
                let group = groups.entry(name.clone()).or_insert_with(|| Group {
                    name: name.clone(),
                    lines: 0,
                    copies: 0,
                });
                group.lines += *lines;
                group.copies += 1;
                out.total_lines += *lines;
                out.functions += 1;
                current = None;
            }
        } else if line.starts_with("define ") {
            if let Some(symbol) = defined_symbol(line) {
                current = Some((normalize(&demangle(symbol)), 1));
            }
        }
    }
    out.groups = groups.into_values().collect();
    out.groups
        .sort_by(|a, b| b.lines.cmp(&a.lines).then(a.name.cmp(&b.name)));
    out
}

/// The symbol of a `define ... @name(...)` line.
fn defined_symbol(line: &str) -> Option<&str> {
    let at = line.find('@')?;
    let rest = &line[at + 1..];
    if let Some(quoted) = rest.strip_prefix('"') {
        return quoted.split('"').next();
    }
    rest.split('(').next()
}

/// Rust's legacy symbol mangling (`_ZN<len><ident>...E`, the stable
/// default) back to a path, without the trailing hash.
pub fn demangle(symbol: &str) -> String {
    let Some(mut rest) = symbol.strip_prefix("_ZN") else {
        return symbol.to_string();
    };
    let mut parts = Vec::new();
    while let Some(digits) = rest.find(|c: char| !c.is_ascii_digit()).filter(|&d| d > 0) {
        let Ok(len) = rest[..digits].parse::<usize>() else {
            break;
        };
        let Some(part) = rest.get(digits..digits + len) else {
            break;
        };
        parts.push(part);
        rest = &rest[digits + len..];
    }
    if parts
        .last()
        .is_some_and(|h| h.len() == 17 && h.starts_with('h'))
    {
        parts.pop();
    }
    parts
        .iter()
        .map(|p| {
            unescape(
                p.strip_prefix('_')
                    .filter(|r| r.starts_with('$'))
                    .unwrap_or(p),
            )
        })
        .collect::<Vec<_>>()
        .join("::")
}

fn unescape(part: &str) -> String {
    const CODES: [(&str, &str); 14] = [
        ("$LT$", "<"),
        ("$GT$", ">"),
        ("$RF$", "&"),
        ("$BP$", "*"),
        ("$SP$", "@"),
        ("$C$", ","),
        ("$u20$", " "),
        ("$u27$", "'"),
        ("$u5b$", "["),
        ("$u5d$", "]"),
        ("$u7b$", "{"),
        ("$u7d$", "}"),
        ("$u3b$", ";"),
        ("$u7e$", "~"),
    ];
    let mut s = part.replace("..", "::");
    for (code, ch) in CODES {
        s = s.replace(code, ch);
    }
    s
}

/// `Model17` -> `ModelN`, `model_17` -> `model_N`, and closure / shim
/// numbering (`{{closure}}` stays): per-model copies become one group.
fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while !rest.is_empty() {
        let prefix = ["Model", "model_"].into_iter().find(|p| {
            rest.starts_with(p) && rest[p.len()..].starts_with(|c: char| c.is_ascii_digit())
        });
        if let Some(p) = prefix {
            out.push_str(p);
            out.push('N');
            rest = rest[p.len()..].trim_start_matches(|c: char| c.is_ascii_digit());
        } else {
            let ch = rest.chars().next().expect("not empty");
            out.push(ch);
            rest = &rest[ch.len_utf8()..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demangles_a_legacy_symbol_without_its_hash() {
        assert_eq!(
            demangle("_ZN60_$LT$models..Model3$u20$as$u20$strata..model..Model$GT$8from_row17h0123456789abcdefE"),
            "<models::Model3 as strata::model::Model>::from_row"
        );
        assert_eq!(demangle("main"), "main");
    }

    #[test]
    fn groups_the_copies_of_a_generated_function() {
        let ir = "define internal void @\"_ZN6models6Model14path17h0123456789abcdefE\"() {\nstart:\n  ret void\n}\n\
                  define void @_ZN6models7Model124path17h0123456789abcdeeE() {\nstart:\n  ret void\n}\n";
        let b = breakdown(ir);
        assert_eq!(b.functions, 2);
        assert_eq!(b.total_lines, 8);
        assert_eq!(
            b.groups,
            vec![Group {
                name: "models::ModelN::path".into(),
                lines: 8,
                copies: 2
            }]
        );
    }
}
