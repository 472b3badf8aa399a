//! The report: reads criterion's estimates (`target/criterion/**/new/`) and
//! the helper binaries' JSON, and writes `report/REPORT.md` with tables of
//! medians and ratios, a targets table and SVG plots.

use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

mod charts;
mod compile;
mod e2e;
mod gaps;
mod query_gen;
mod targets;

pub use charts::{bar_chart, line_chart, Series};
pub use targets::targets;

/// One criterion benchmark's median, by its full id
/// (`group/function[/parameter]`).
pub type Medians = BTreeMap<String, f64>;

/// Every benchmark's median in nanoseconds, from criterion's
/// `benchmark.json` and `estimates.json` under `criterion_dir`.
pub fn read_medians(criterion_dir: &Path) -> Medians {
    read_estimates(criterion_dir, |median, _| median)
}

/// Every benchmark's spread: the half-width of the 95% confidence
/// interval criterion gives for its median, as a fraction of the median.
pub fn read_spreads(criterion_dir: &Path) -> Medians {
    read_estimates(criterion_dir, |median, (low, high)| {
        if median > 0.0 {
            (high - low) / 2.0 / median
        } else {
            0.0
        }
    })
}

/// One figure per benchmark of criterion's estimates of its median: the
/// point estimate and its 95% confidence interval, made into one value
/// by `of`.
fn read_estimates(criterion_dir: &Path, of: impl Fn(f64, (f64, f64)) -> f64) -> Medians {
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
                if let Some((id, median, interval)) = read_one(&path) {
                    out.insert(id, of(median, interval));
                }
            } else {
                stack.push(path);
            }
        }
    }
    out
}

fn read_one(dir: &Path) -> Option<(String, f64, (f64, f64))> {
    let benchmark: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("benchmark.json")).ok()?).ok()?;
    let estimates: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("estimates.json")).ok()?).ok()?;
    let id = benchmark["full_id"].as_str()?.to_string();
    let median = &estimates["median"];
    let point = median["point_estimate"].as_f64()?;
    let interval = &median["confidence_interval"];
    let low = interval["lower_bound"].as_f64().unwrap_or(point);
    let high = interval["upper_bound"].as_f64().unwrap_or(point);
    Some((id, point, (low, high)))
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

pub(crate) fn fmt_ratio(r: Option<f64>) -> String {
    r.map_or("–".into(), |r| format!("{r:.2}x"))
}

pub(crate) fn ratio(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    Some(a? / b?)
}

pub(crate) fn cell(v: Option<f64>) -> String {
    v.map_or("–".into(), fmt_ns)
}

/// A time with its spread (see [`read_spreads`]), `138.02 µs ±1.2%`.
pub(crate) fn cell_with_spread(v: Option<f64>, spread: Option<f64>) -> String {
    match (v, spread) {
        (Some(v), Some(s)) => format!("{} ±{}", fmt_ns(v), fmt_percent(s)),
        _ => cell(v),
    }
}

/// A fraction as a percentage with one decimal.
pub(crate) fn fmt_percent(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
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
    /// Criterion's spread of each median (see [`read_spreads`]).
    pub spreads: Medians,
    pub allocs: Option<Value>,
    /// `query_gen_instructions.json` of `gen_instructions` (callgrind).
    pub instructions: Option<Value>,
    pub migrations: Option<Value>,
    pub machine: String,
    pub command: String,
    pub quick: bool,
}

pub const DIALECTS: [&str; 3] = ["postgres", "mysql", "sqlite"];
pub const SHAPES: [&str; 14] = [
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
    "annotate_count",
    "group_by_count",
    "update_f",
    "in_subquery",
];
/// The shapes issue 12 added (annotate, group-by, F update, subquery).
pub const NEW_SHAPES: [&str; 4] = [
    "annotate_count",
    "group_by_count",
    "update_f",
    "in_subquery",
];
pub(crate) const GEN_SIDES: [(&str, &str); 9] = [
    ("static", "cold"),
    ("strata", "cold"),
    ("strata", "warm"),
    ("strata", "rebuilt"),
    ("diesel", "cold"),
    ("diesel", "warm"),
    ("diesel", "rebuilt"),
    ("sea-query", "cold"),
    ("sea-query", "warm"),
];

/// Where a query-generation figure comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum GenSource {
    /// Instructions per query (`gen_instructions`, callgrind).
    Instructions,
    /// Criterion medians in nanoseconds.
    Medians,
}

impl GenSource {
    pub fn describe(self) -> &'static str {
        match self {
            GenSource::Instructions => "instructions (callgrind)",
            GenSource::Medians => "criterion medians",
        }
    }
}
/// The users of the `prefetch/N` shape (each with two posts).
const PREFETCH_COUNTS: [u64; 3] = [1, 100, 1_000];

impl Inputs {
    pub(crate) fn gen(&self, shape: &str, dialect: &str, side: &str, mode: &str) -> Option<f64> {
        self.medians
            .get(&format!("query_gen/{shape}/{dialect}/{side}/{mode}"))
            .copied()
    }

    /// Instructions per query of a case, from `gen_instructions`.
    fn instr(&self, shape: &str, dialect: &str, side: &str, mode: &str) -> Option<f64> {
        self.instructions.as_ref()?["cases"]
            .as_array()?
            .iter()
            .find(|r| {
                r["shape"] == shape
                    && r["dialect"] == dialect
                    && r["side"] == side
                    && r["mode"] == mode
            })?["instructions"]
            .as_f64()
    }

    /// The source the query-gen targets use: instruction counts when
    /// `gen_instructions` has written them, else criterion's medians.
    pub fn gen_source(&self) -> GenSource {
        let counted = self
            .instructions
            .as_ref()
            .and_then(|v| v["cases"].as_array())
            .is_some_and(|c| !c.is_empty());
        if counted {
            GenSource::Instructions
        } else {
            GenSource::Medians
        }
    }

    /// A query-generation figure from `source`.
    pub fn gen_figure(
        &self,
        source: GenSource,
        shape: &str,
        dialect: &str,
        side: &str,
        mode: &str,
    ) -> Option<f64> {
        match source {
            GenSource::Instructions => self.instr(shape, dialect, side, mode),
            GenSource::Medians => self.gen(shape, dialect, side, mode),
        }
    }

    pub(crate) fn alloc(
        &self,
        shape: &str,
        dialect: &str,
        side: &str,
        mode: &str,
    ) -> Option<&Value> {
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
    gaps::section(&targets, &mut md);

    query_gen::section(inputs, &mut md, out_dir)?;
    e2e::section(inputs, &mut md, out_dir)?;
    migrations_section(inputs, &mut md, out_dir)?;
    compile::compile_section(&mut md);

    let path = out_dir.join("REPORT.md");
    std::fs::write(&path, md)?;
    Ok(path)
}

/// `str::floor_char_boundary` for the stable toolchain.
pub(crate) trait FloorCharBoundary {
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
         strata: the full `makemigrations` command as a library call (build the project \
         state from the model definitions and check it, load and replay the migrations \
         directory, autodetect, render the SQL of all three dialects, write the TOML file), \
         median of several runs; *state* is building the project state alone, inside each \
         of those runs as Django's `call_command` builds `ProjectState.from_apps` inside its \
         own; *in memory* is autodetect + render + TOML text without files. Django: `call_command(\"makemigrations\")` on the same models \
         generated as a Django app (its `django.setup()` excluded), one run per step in a \
         fresh process. *change* touches 1% of the models (a new column and an index); \
         *no change* is `makemigrations --check`. Memory is the peak of heap bytes allocated \
         at once during the command (counting allocator).\n\n",
    );
    if let Some(v) = m["django"]["version"].as_str() {
        let _ = writeln!(md, "Django {v}.\n");
    }
    md.push_str(
        "| models | strata initial | state | in memory | peak memory | strata change | strata no change | Django initial | Django change | Django no change | Django / strata (initial) |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let mut strata_line = Vec::new();
    let mut django_line = Vec::new();
    for n in crate::migrations::SIZES {
        let initial = mig_ms(m, n, "initial_ms").map(|ms| ms * 1e6);
        let peak = m["strata"][n.to_string()]["initial_peak_bytes"].as_f64();
        let _ = writeln!(
            md,
            "| {n} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            cell(initial),
            cell(mig_ms(m, n, "state_ms").map(|ms| ms * 1e6)),
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
