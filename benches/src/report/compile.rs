//! The compile-cost section: per-model `cargo check` and `cargo build`
//! CPU time and rlib size of a generated models crate, strata next to
//! Diesel and SeaORM (`src/bin/compile_cost.rs`), and, when measured,
//! which generated functions strata's IR is made of.

use super::{fmt_ratio, Target};
use crate::compile_cost::{per_model, Library};
use serde_json::Value;
use std::fmt::Write as _;

fn read(file: &str) -> Option<Value> {
    serde_json::from_str(&std::fs::read_to_string(crate::data_dir().join(file)).ok()?).ok()
}

/// The JSON of the last `compile_cost` run.
pub fn compile_data() -> Option<Value> {
    read("compile_cost.json")
}

fn sizes(data: &Value) -> Vec<usize> {
    data["sizes"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|n| n.as_u64().map(|n| n as usize))
                .collect()
        })
        .unwrap_or_default()
}

/// Appends the section to `md`.
pub fn compile_section(md: &mut String) {
    md.push_str("## Compile cost of a models crate\n\n");
    let Some(data) = compile_data() else {
        md.push_str(
            "Not measured (run `cargo run --release --bin compile_cost` or the report without \
             `--skip-compile`).\n\n",
        );
        return;
    };
    let _ = writeln!(
        md,
        "A generated crate of *n* models per library, each with a dozen columns (integers, \
         text, optional text, bool, f64, date, timestamp, uuid, JSON), an index and a foreign \
         key to the previous model, written the way each library's users write models \
         (strata: `#[derive(Model)]`; Diesel: `table!`, `joinable!`, \
         `allow_tables_to_appear_in_same_query!` and `Queryable, Selectable, Insertable, \
         Identifiable, Associations`; SeaORM: `DeriveEntityModel` and `DeriveRelation`). \
         Dependencies are built beforehand; each figure compiles only the models crate, \
         without incremental compilation, median of {} run(s). *Per model* is \
         `(t(n) − t(0)) / n`: CPU time (user + system of cargo and rustc) above the empty \
         crate. Lower is better. Produced by `{}`.\n",
        data["reps"].as_u64().unwrap_or(1),
        data["command"].as_str().unwrap_or("compile_cost")
    );
    md.push_str(
        "| models | library | check CPU / model | build CPU / model | rlib / model | check CPU (wall), total | build CPU (wall), total | vs strata (check / build) |\n|---:|---|---:|---:|---:|---:|---:|---:|\n",
    );
    for n in sizes(&data) {
        for library in Library::ALL {
            let name = library.name();
            let lib = &data["libraries"][name][n.to_string()];
            if lib.is_null() {
                continue;
            }
            let pm = |key| per_model(&data, name, n, key);
            let vs = |key| {
                let mine = pm(key)?;
                let strata = per_model(&data, "strata", n, key)?;
                Some(mine / strata)
            };
            let ms = |v: Option<f64>| v.map_or("–".into(), |v| format!("{v:.0} ms"));
            let total = |cpu: &str, wall: &str| {
                format!("{} ({})", ms(lib[cpu].as_f64()), ms(lib[wall].as_f64()))
            };
            let _ = writeln!(
                md,
                "| {n} | {name} | {} | {} | {} | {} | {} | {} / {} |",
                ms(pm("check_cpu_ms")),
                ms(pm("build_cpu_ms")),
                pm("rlib_bytes").map_or("–".into(), |b| format!("{:.3} MB", b / 1e6)),
                total("check_cpu_ms", "check_wall_ms"),
                total("build_cpu_ms", "build_wall_ms"),
                fmt_ratio(vs("check_cpu_ms")),
                fmt_ratio(vs("build_cpu_ms")),
            );
        }
    }
    md.push('\n');
    if let Some(ir) = read("compile_ir.json").and_then(|v| v.get("strata").cloned()) {
        let models = ir["models"].as_u64().unwrap_or(0);
        let total = ir["total_lines"].as_u64().unwrap_or(0);
        let _ = writeln!(
            md,
            "strata's generated code, from `compile_cost --ir {models}` (LLVM IR of the crate \
             with {models} models, functions grouped by name with the model number taken out): \
             {total} IR lines in {} functions, {:.0} lines per model. The largest groups:\n",
            ir["functions"],
            total as f64 / models.max(1) as f64
        );
        md.push_str("| IR lines | copies | function |\n|---:|---:|---|\n");
        for g in ir["groups"].as_array().into_iter().flatten().take(15) {
            let _ = writeln!(
                md,
                "| {} | {} | `{}` |",
                g["lines"],
                g["copies"],
                g["name"].as_str().unwrap_or("?").replace('|', "\\|")
            );
        }
        md.push('\n');
    }
}

/// strata's per-model check and build CPU time against the cheapest peer,
/// at every measured size: `peer / strata ≥ 1`.
pub fn compile_targets() -> Vec<Target> {
    let data = compile_data();
    let mut out = Vec::new();
    for (what, key) in [("check", "check_cpu_ms"), ("debug build", "build_cpu_ms")] {
        let mut worst: Option<(String, f64)> = None;
        let mut cases = 0;
        let mut failing = 0;
        if let Some(data) = &data {
            for n in sizes(data) {
                let Some(strata) = per_model(data, "strata", n, key) else {
                    continue;
                };
                for peer in [Library::Diesel, Library::SeaOrm] {
                    let Some(theirs) = per_model(data, peer.name(), n, key) else {
                        continue;
                    };
                    let r = theirs / strata;
                    cases += 1;
                    if r < 1.0 {
                        failing += 1;
                    }
                    if worst.as_ref().is_none_or(|w| r < w.1) {
                        worst = Some((format!("{}, {n} models", peer.name()), r));
                    }
                }
            }
        }
        out.push(Target {
            name: format!("compile cost: {what} per model"),
            goal: "peer / strata ≥ 1.0 (strata cheapest)".into(),
            measured: worst.as_ref().map_or("–".into(), |(case, r)| {
                format!("worst {r:.2}x ({case}); {failing} of {cases} cases miss")
            }),
            pass: worst.map(|_| failing == 0),
        });
    }
    out
}
