//! Compile cost of a models crate for strata, Diesel and SeaORM, measured
//! in the same run; writes `target/strata-report/compile_cost.json`.
//!
//! ```text
//! cargo run --release --manifest-path benches/Cargo.toml --bin compile_cost -- \
//!     [--sizes 50,200] [--libs strata,diesel,seaorm] [--reps 1] [--online]
//! cargo run --release --manifest-path benches/Cargo.toml --bin compile_cost -- \
//!     --ir 50 [--libs strata]
//! ```
//!
//! The crates are generated in `benches/target/compile-cost/<library>/`
//! (see `strata_benches::compile_cost`); the first run builds their
//! dependencies, later ones reuse them. `--offline` is passed to cargo
//! unless `--online` is given (the crates the benchmarks lock are in the
//! registry cache once `benches` has been built). `--ir N` instead emits
//! the LLVM IR of the crate with N models and prints which generated
//! functions it is made of (writes `compile_ir.json`).

use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use strata_benches::compile_cost::{self, ir, Library, Plan, Project};

fn value<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn parse_list<T>(
    text: &str,
    what: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Vec<T>, String> {
    text.split(',')
        .map(|s| parse(s.trim()).ok_or_else(|| format!("{what}: cannot read `{s}`")))
        .collect()
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("compile_cost: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let strata_path = manifest_dir
        .join("../orm")
        .canonicalize()
        .map_err(|e| format!("the repository's orm/: {e}"))?;
    let root = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir.join("target"))
        .join("compile-cost");
    let ir_models = value(&args, "--ir")
        .map(|n| n.parse::<usize>().map_err(|e| format!("--ir {n}: {e}")))
        .transpose()?;
    let default_libs = if ir_models.is_some() {
        "strata"
    } else {
        "strata,diesel,seaorm"
    };
    let libraries = parse_list(
        value(&args, "--libs").unwrap_or(default_libs),
        "--libs",
        Library::from_name,
    )?;
    let sizes = match value(&args, "--sizes") {
        Some(s) => parse_list(s, "--sizes", |n| n.parse().ok())?,
        None => compile_cost::SIZES.to_vec(),
    };
    let reps = value(&args, "--reps")
        .map(|n| n.parse::<usize>().map_err(|e| format!("--reps {n}: {e}")))
        .transpose()?
        .unwrap_or(1);
    let offline = !args.iter().any(|a| a == "--online");
    let projects = libraries
        .iter()
        .map(|&library| {
            Project::create(
                &root,
                library,
                &strata_path,
                &manifest_dir.join("Cargo.lock"),
                offline,
            )
        })
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(|e| format!("create the crates under {}: {e}", root.display()))?;
    let data = strata_benches::data_dir();
    std::fs::create_dir_all(&data).map_err(|e| format!("{}: {e}", data.display()))?;

    if let Some(n) = ir_models {
        let mut out = serde_json::Map::new();
        for project in &projects {
            project
                .write_models(n)
                .map_err(|e| format!("write {}: {e}", project.lib_rs().display()))?;
            let b = ir::measure(project)?;
            println!(
                "{}, {n} models: {} IR lines in {} functions ({:.0} lines per model)",
                project.library.name(),
                b.total_lines,
                b.functions,
                b.total_lines as f64 / n.max(1) as f64
            );
            println!("| IR lines | share | copies | function |\n|---:|---:|---:|---|");
            for g in b.groups.iter().take(40) {
                println!(
                    "| {} | {:.1}% | {} | `{}` |",
                    g.lines,
                    100.0 * g.lines as f64 / b.total_lines.max(1) as f64,
                    g.copies,
                    g.name
                );
            }
            out.insert(
                project.library.name().into(),
                json!({
                    "models": n,
                    "total_lines": b.total_lines,
                    "functions": b.functions,
                    "groups": b.groups.iter().take(40).map(|g| json!({
                        "name": g.name, "lines": g.lines, "copies": g.copies,
                    })).collect::<Vec<_>>(),
                }),
            );
        }
        let path = data.join("compile_ir.json");
        std::fs::write(&path, serde_json::to_string_pretty(&out).expect("json"))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("wrote {}", path.display());
        return Ok(());
    }

    let mut result = compile_cost::run(
        &projects,
        &Plan {
            libraries,
            sizes,
            reps,
        },
    )?;
    let mut command = String::from(
        "cargo run --release --manifest-path benches/Cargo.toml --bin compile_cost --",
    );
    for a in &args {
        command.push(' ');
        command.push_str(a);
    }
    result["command"] = json!(command);
    let path = data.join("compile_cost.json");
    std::fs::write(&path, serde_json::to_string_pretty(&result).expect("json"))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!("wrote {}", path.display());
    Ok(())
}
