//! The report: reads criterion's estimates (`target/criterion/**/new/`) and
//! the helper binaries' JSON, and writes `report/REPORT.md` with tables of
//! medians and ratios, a targets table and SVG plots.

use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

mod charts;
mod e2e;
mod targets;

pub use charts::{bar_chart, line_chart, Series};
pub use targets::targets;

/// One criterion benchmark's median, by its full id
/// (`group/function[/parameter]`).
pub type Medians = BTreeMap<String, f64>;

/// Every benchmark's median in nanoseconds, from criterion's
/// `benchmark.json` and `estimates.json` under `criterion_dir`.
pub fn read_medians(criterion_dir: &Path) -> Medians {
    let mut out = Medians::new();
    let mut stack = vec![criterion_dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if !path.is_dir() {
                continue;
            }
            if path.file_name().is_some_and(|n| n == "new") {
                if let Some((id, median)) = read_one(&path) {
                    out.insert(id, median);
                }
            } else {
                stack.push(path);
            }
        }
    }
    out
}

fn read_one(dir: &Path) -> Option<(String, f64)> {
    let benchmark: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("benchmark.json")).ok()?).ok()?;
    let estimates: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("estimates.json")).ok()?).ok()?;
    let id = benchmark["full_id"].as_str()?.to_string();
    let median = estimates["median"]["point_estimate"].as_f64()?;
    Some((id, median))
}

/// A duration in nanoseconds, in the unit that suits it.
pub fn fmt_ns(ns: f64) -> String {
    if ns < 1e3 {
        format!("{ns:.0} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

fn fmt_ratio(r: Option<f64>) -> String {
    r.map_or("–".into(), |r| format!("{r:.2}x"))
}

fn ratio(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a? / b?)
}

fn cell(v: Option<f64>) -> String {
    v.map_or("–".into(), fmt_ns)
}

/// One checked target.
pub struct Target {
    pub name: String,
    pub goal: String,
    pub measured: String,
    pub pass: Option<bool>,
}

/// Everything the report is made from.
pub struct Inputs {
    pub medians: Medians,
    pub allocs: Option<Value>,
    pub migrations: Option<Value>,
    pub machine: String,
    pub command: String,
    pub quick: bool,
}

pub const DIALECTS: [&str; 3] = ["postgres", "mysql", "sqlite"];
pub const SHAPES: [&str; 10] = [
    "trivial",
    "join_filter",
    "posts_in_100",
    "comments_in_1000",
    "insert_1",
    "insert_10",
    "insert_25",
    "insert_50",
    "insert_100",
    "seven_filters",
];
const GEN_SIDES: [(&str, &str); 7] = [
    ("static", "cold"),
    ("strata", "cold"),
    ("strata", "warm"),
    ("diesel", "cold"),
    ("diesel", "warm"),
    ("sea-query", "cold"),
    ("sea-query", "warm"),
];
/// The users of the `prefetch/N` shape (each with two posts).
const PREFETCH_COUNTS: [u64; 3] = [1, 100, 1_000];

impl Inputs {
    fn gen(&self, shape: &str, dialect: &str, side: &str, mode: &str) -> Option<f64> {
        self.medians
            .get(&format!("query_gen/{shape}/{dialect}/{side}/{mode}"))
            .copied()
    }

    fn alloc(&self, shape: &str, dialect: &str, side: &str, mode: &str) -> Option<&Value> {
        self.allocs.as_ref()?.as_array()?.iter().find(|r| {
            r["shape"] == shape && r["dialect"] == dialect && r["side"] == side && r["mode"] == mode
        })
    }
}

/// Writes `REPORT.md` and the plots into `out_dir`.
pub fn write(inputs: &Inputs, out_dir: &Path) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(out_dir)?;
    let mut md = String::new();
    let _ = writeln!(md, "# strata benchmark report\n");
    let _ = writeln!(
        md,
        "Produced by `{}`{}. Every peer was measured in the same run, on this machine:\n",
        inputs.command,
        if inputs.quick {
            " in **quick mode** (short measurement times: indicative figures only)"
        } else {
            ""
        }
    );
    let _ = writeln!(md, "{}\n", inputs.machine);
    let _ = writeln!(
        md,
        "Times are criterion medians (lower is better). A ratio `a/b` above 1 means `a` \
         took longer than `b`.\n"
    );

    let targets = targets(inputs);
    md.push_str("## Targets\n\n| target | goal | measured | result |\n|---|---|---|---|\n");
    for t in &targets {
        let result = match t.pass {
            Some(true) => "**pass**",
            Some(false) => "**FAIL**",
            None => "not measured",
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} |",
            t.name, t.goal, t.measured, result
        );
    }
    md.push('\n');

    query_gen_section(inputs, &mut md, out_dir)?;
    e2e::section(inputs, &mut md, out_dir)?;
    migrations_section(inputs, &mut md, out_dir)?;

    let path = out_dir.join("REPORT.md");
    std::fs::write(&path, md)?;
    Ok(path)
}

fn query_gen_section(inputs: &Inputs, md: &mut String, out_dir: &Path) -> std::io::Result<()> {
    md.push_str(
        "## Query generation (no database)\n\n\
         SQL text plus bound values for one query. **cold**: the query is built from scratch \
         (DSL value constructed, then rendered) every iteration. **warm**: the same shape \
         repeated: the query value is built once and turned into SQL and binds per \
         iteration the way each side does when it runs the query again. strata's terminal \
         calls go through its statement cache (`QuerySet::statement`): the SQL text of the \
         queryset's shape is copied from a per-thread cache and the binds are collected \
         afresh. sea-query has no statement cache, so its warm run is a full render. \
         Diesel's connection caches statements by query type, so for types with a static \
         query id (the trivial select, the join, the seven filters and `= ANY` on \
         PostgreSQL) warm Diesel only collects binds, and otherwise renders the SQL too. \
         **static** copies the finished string and clones its binds: the physical limit. \
         strata's inserts take their SQL from the same cache (keyed by model and row \
         count) both cold and warm: the rows are the query, so there is nothing to \
         prebuild. On PostgreSQL strata and Diesel send an in-list as one array parameter \
         (`= ANY($1)`), sea-query as a placeholder per value.\n\n",
    );
    for dialect in DIALECTS {
        let _ = writeln!(md, "### {dialect}\n");
        md.push_str("| shape |");
        for (side, mode) in GEN_SIDES {
            let _ = write!(md, " {side} {mode} |");
        }
        md.push_str(
            " strata warm / static | diesel / strata (cold) | sea-query / strata (cold) |\n|---|",
        );
        for _ in 0..GEN_SIDES.len() + 3 {
            md.push_str("---:|");
        }
        md.push('\n');
        for shape in SHAPES {
            let _ = write!(md, "| {shape} |");
            for (side, mode) in GEN_SIDES {
                let _ = write!(md, " {} |", cell(inputs.gen(shape, dialect, side, mode)));
            }
            let strata_cold = inputs.gen(shape, dialect, "strata", "cold");
            let _ = writeln!(
                md,
                " {} | {} | {} |",
                fmt_ratio(ratio(
                    inputs.gen(shape, dialect, "strata", "warm"),
                    inputs.gen(shape, dialect, "static", "cold")
                )),
                fmt_ratio(ratio(
                    inputs.gen(shape, dialect, "diesel", "cold"),
                    strata_cold
                )),
                fmt_ratio(ratio(
                    inputs.gen(shape, dialect, "sea-query", "cold"),
                    strata_cold
                )),
            );
        }
        md.push('\n');
        let file = format!("query_gen_{dialect}.svg");
        let groups: Vec<(String, Vec<Option<f64>>)> = SHAPES
            .iter()
            .map(|shape| {
                let values = [
                    ("static", "cold"),
                    ("strata", "cold"),
                    ("diesel", "cold"),
                    ("sea-query", "cold"),
                ]
                .iter()
                .map(|(side, mode)| inputs.gen(shape, dialect, side, mode))
                .collect();
                (shape.to_string(), values)
            })
            .collect();
        let svg = bar_chart(
            &format!("Query generation, {dialect}, cold (log scale)"),
            &["static", "strata", "diesel", "sea-query"],
            &groups,
        );
        std::fs::write(out_dir.join(&file), svg)?;
        let _ = writeln!(md, "![query generation on {dialect}]({file})\n");
    }

    if inputs.allocs.is_some() {
        md.push_str(
            "### Allocations per built query\n\n\
             Heap allocations (and bytes requested) for one query, averaged over 200, counted \
             by a counting global allocator in `src/bin/alloc_counts.rs` (PostgreSQL; the \
             other dialects differ by at most the placeholder text).\n\n| shape |",
        );
        for (side, mode) in GEN_SIDES {
            let _ = write!(md, " {side} {mode} |");
        }
        md.push_str("\n|---|");
        for _ in GEN_SIDES {
            md.push_str("---:|");
        }
        md.push('\n');
        for shape in SHAPES {
            let _ = write!(md, "| {shape} |");
            for (side, mode) in GEN_SIDES {
                let text = inputs
                    .alloc(shape, "postgres", side, mode)
                    .map_or("–".into(), |r| {
                        format!(
                            "{:.0} ({:.0} B)",
                            r["allocations"].as_f64().unwrap_or_default(),
                            r["bytes"].as_f64().unwrap_or_default()
                        )
                    });
                let _ = write!(md, " {text} |");
            }
            md.push('\n');
        }
        md.push_str("\n### The SQL each side produces\n\n");
        for dialect in DIALECTS {
            let _ = writeln!(md, "<details><summary>{dialect}</summary>\n");
            for shape in SHAPES {
                if shape.starts_with("insert_") && shape != "insert_10" {
                    continue;
                }
                let _ = writeln!(md, "**{shape}**\n\n```sql");
                for side in ["strata", "diesel", "sea-query"] {
                    if let Some(r) = inputs.alloc(shape, dialect, side, "cold") {
                        let sql = r["sql"].as_str().unwrap_or_default();
                        let shown = if sql.len() > 600 {
                            format!(
                                "{} … ({} characters)",
                                &sql[..sql.floor_char_boundary_compat(600)],
                                sql.len()
                            )
                        } else {
                            sql.to_string()
                        };
                        let _ = writeln!(md, "-- {side} ({} binds)\n{shown}", r["binds"]);
                    }
                }
                md.push_str("```\n\n");
            }
            md.push_str("</details>\n\n");
        }
    }
    Ok(())
}

/// `str::floor_char_boundary` for the stable toolchain.
trait FloorCharBoundary {
    fn floor_char_boundary_compat(&self, index: usize) -> usize;
}

impl FloorCharBoundary for str {
    fn floor_char_boundary_compat(&self, index: usize) -> usize {
        let mut i = index.min(self.len());
        while !self.is_char_boundary(i) {
            i -= 1;
        }
        i
    }
}

fn mig_ms(m: &Value, n: usize, key: &str) -> Option<f64> {
    m["strata"][n.to_string()][key].as_f64()
}

fn django_s(m: &Value, n: usize, step: &str) -> String {
    let v = &m["django"]["sizes"][n.to_string()][step];
    if let Some(s) = v["command_s"].as_f64() {
        fmt_ns(s * 1e9)
    } else if let Some(limit) = v["timeout_s"].as_f64() {
        format!("> {limit:.0} s (timed out)")
    } else {
        "–".into()
    }
}

fn django_ns(m: &Value, n: usize, step: &str) -> Option<f64> {
    m["django"]["sizes"][n.to_string()][step]["command_s"]
        .as_f64()
        .map(|s| s * 1e9)
}

fn migrations_section(inputs: &Inputs, md: &mut String, out_dir: &Path) -> std::io::Result<()> {
    md.push_str("## makemigrations at scale\n\n");
    let Some(m) = &inputs.migrations else {
        md.push_str("Not measured in this run.\n\n");
        return Ok(());
    };
    md.push_str(
        "Synthetic projects: each model has 13 columns (key, 10 typed columns with a unique \
         one and two defaults, a foreign key to the previous model), and a two-column index. \
         strata: the full `makemigrations` command as a library call (load and replay the \
         migrations directory, autodetect, render the SQL of all three dialects, write the \
         TOML file), median of several runs; *in memory* is autodetect + render + TOML text \
         without files. Django: `call_command(\"makemigrations\")` on the same models \
         generated as a Django app (its `django.setup()` excluded), one run per step in a \
         fresh process. *change* touches 1% of the models (a new column and an index); \
         *no change* is `makemigrations --check`. Memory is the peak of heap bytes allocated \
         at once during the command (counting allocator).\n\n",
    );
    if let Some(v) = m["django"]["version"].as_str() {
        let _ = writeln!(md, "Django {v}.\n");
    }
    md.push_str(
        "| models | strata initial | in memory | peak memory | strata change | strata no change | Django initial | Django change | Django no change | Django / strata (initial) |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let mut strata_line = Vec::new();
    let mut django_line = Vec::new();
    for n in crate::migrations::SIZES {
        let initial = mig_ms(m, n, "initial_ms").map(|ms| ms * 1e6);
        let peak = m["strata"][n.to_string()]["initial_peak_bytes"].as_f64();
        let _ = writeln!(
            md,
            "| {n} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            cell(initial),
            cell(mig_ms(m, n, "initial_in_memory_ms").map(|ms| ms * 1e6)),
            peak.map_or("–".into(), |b| format!("{:.1} MiB", b / 1048576.0)),
            cell(mig_ms(m, n, "change_ms").map(|ms| ms * 1e6)),
            cell(mig_ms(m, n, "nochange_ms").map(|ms| ms * 1e6)),
            django_s(m, n, "initial"),
            django_s(m, n, "change"),
            django_s(m, n, "check"),
            fmt_ratio(ratio(django_ns(m, n, "initial"), initial)),
        );
        strata_line.push((n as f64, initial));
        django_line.push((n as f64, django_ns(m, n, "initial")));
    }
    md.push('\n');
    if let Some(ms) = m["replay"]["ms"].as_f64() {
        let _ = writeln!(
            md,
            "Replaying 1,000 migration files (load + parse + apply to the state): **{}**, peak {:.1} MiB.\n",
            fmt_ns(ms * 1e6),
            m["replay"]["peak_bytes"].as_f64().unwrap_or_default() / 1048576.0
        );
    }
    if let Some(ms) = m["apply_sqlite"]["ms"].as_f64() {
        let _ = writeln!(
            md,
            "Applying the initial migration of 1,000 models to in-memory SQLite ({} statements \
             through `Db::execute_raw_sql`, in one transaction): **{}**.\n",
            m["apply_sqlite"]["statements"],
            fmt_ns(ms * 1e6)
        );
    }
    let file = "makemigrations.svg";
    std::fs::write(
        out_dir.join(file),
        line_chart(
            "Initial makemigrations time by project size (log-log)",
            &[("strata", &strata_line), ("Django", &django_line)],
        ),
    )?;
    let _ = writeln!(md, "![makemigrations by project size]({file})\n");
    Ok(())
}
