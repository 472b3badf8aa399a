//! The report: reads criterion's estimates (`target/criterion/**/new/`) and
//! the helper binaries' JSON, and writes `report/REPORT.md` with tables of
//! medians and ratios, a targets table and SVG plots.

use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

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
const E2E_SIDES: [&str; 4] = ["strata", "sqlx", "diesel", "seaorm"];
/// The users of the `prefetch/N` shape (each with two posts).
const PREFETCH_COUNTS: [u64; 3] = [1, 100, 1_000];

impl Inputs {
    fn gen(&self, shape: &str, dialect: &str, side: &str, mode: &str) -> Option<f64> {
        self.medians
            .get(&format!("query_gen/{shape}/{dialect}/{side}/{mode}"))
            .copied()
    }

    fn e2e(&self, backend: &str, shape: &str, side: &str, n: u64) -> Option<f64> {
        self.medians
            .get(&format!("e2e/{backend}/{shape}/{side}/{n}"))
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
    e2e_section(inputs, &mut md, out_dir)?;
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

fn e2e_section(inputs: &Inputs, md: &mut String, out_dir: &Path) -> std::io::Result<()> {
    md.push_str(
        "## End to end\n\n\
         10,000 users and 20,000 posts. `trivial/N`: N users. `join/N`: N posts of black-haired \
         users with their user loaded in the same query (strata `select_related`, Diesel \
         `left_join`, SeaORM `find_also_related`, sqlx the same SQL by hand). `prefetch/N`: \
         N users with their posts (two each) loaded by a second query on the users' keys and \
         matched in memory (strata `prefetch_related`, Diesel `belonging_to` + `grouped_by`, \
         SeaORM `load_many`, sqlx the two queries and a key map by hand; the second query is \
         `user_id IN (..)` with one bind per key, except on PostgreSQL for strata, Diesel \
         and sqlx, which bind one array: `user_id = ANY($1)`). `insert/N`: one \
         multi-row insert of N users, generated keys read back on PostgreSQL (and by SeaORM \
         and strata on SQLite). strata, sqlx and SeaORM share one pool setup (SeaORM is handed \
         an sqlx pool built like strata's); Diesel uses its own synchronous connection. \
         The sqlx side runs `fetch_all(&pool)` as written by hand; strata and SeaORM take a \
         connection from the pool and read the rows from it, which skips the per-row relay \
         of sqlx's pool executor (an `Arc<Mutex>` hand-off per row, a few percent of a \
         10,000-row query). SQLite is in memory; PostgreSQL is local.\n\n",
    );
    for backend in ["sqlite", "postgres"] {
        let any = inputs
            .medians
            .keys()
            .any(|k| k.starts_with(&format!("e2e/{backend}/")));
        if !any {
            let _ = writeln!(md, "### {backend}\n\nNot measured in this run.\n");
            continue;
        }
        let _ = writeln!(
            md,
            "### {backend}\n\n| shape | strata | sqlx | diesel | seaorm | strata / sqlx | seaorm / strata | diesel / strata |\n|---|---:|---:|---:|---:|---:|---:|---:|"
        );
        let mut groups = Vec::new();
        for (shape, ns) in [
            ("trivial", &[1u64, 100, 10_000][..]),
            ("join", &[1, 100, 10_000][..]),
            ("prefetch", &PREFETCH_COUNTS[..]),
            ("insert", &[1, 100][..]),
        ] {
            for &n in ns {
                let v: Vec<Option<f64>> = E2E_SIDES
                    .iter()
                    .map(|side| inputs.e2e(backend, shape, side, n))
                    .collect();
                let _ = writeln!(
                    md,
                    "| {shape}/{n} | {} | {} | {} | {} | {} | {} | {} |",
                    cell(v[0]),
                    cell(v[1]),
                    cell(v[2]),
                    cell(v[3]),
                    fmt_ratio(ratio(v[0], v[1])),
                    fmt_ratio(ratio(v[3], v[0])),
                    fmt_ratio(ratio(v[2], v[0])),
                );
                groups.push((format!("{shape}/{n}"), v));
            }
        }
        md.push('\n');
        let file = format!("e2e_{backend}.svg");
        std::fs::write(
            out_dir.join(&file),
            bar_chart(
                &format!("End to end, {backend} (log scale)"),
                &E2E_SIDES,
                &groups,
            ),
        )?;
        let _ = writeln!(md, "![end to end on {backend}]({file})\n");
    }
    Ok(())
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

/// The targets of issue 6, checked on this run's figures.
pub fn targets(inputs: &Inputs) -> Vec<Target> {
    let mut out = Vec::new();
    let mut worst = |name: &str,
                     goal: &str,
                     limit: f64,
                     higher_is_better: bool,
                     pairs: Vec<(String, Option<f64>)>| {
        let measured: Vec<(String, f64)> = pairs
            .into_iter()
            .filter_map(|(k, v)| Some((k, v?)))
            .collect();
        if measured.is_empty() {
            out.push(Target {
                name: name.into(),
                goal: goal.into(),
                measured: "–".into(),
                pass: None,
            });
            return;
        }
        let pick = measured
            .iter()
            .cloned()
            .reduce(|a, b| {
                let a_worse = if higher_is_better {
                    a.1 <= b.1
                } else {
                    a.1 >= b.1
                };
                if a_worse {
                    a
                } else {
                    b
                }
            })
            .expect("not empty");
        let failing = measured
            .iter()
            .filter(|(_, v)| {
                if higher_is_better {
                    *v < limit
                } else {
                    *v > limit
                }
            })
            .count();
        out.push(Target {
            name: name.into(),
            goal: goal.into(),
            measured: format!(
                "worst {:.2}x ({}); {} of {} cases miss",
                pick.1,
                pick.0,
                failing,
                measured.len()
            ),
            pass: Some(failing == 0),
        });
    };
    let gen_pairs = |num: (&str, &str), den: (&str, &str)| -> Vec<(String, Option<f64>)> {
        let mut v = Vec::new();
        for dialect in DIALECTS {
            for shape in SHAPES {
                v.push((
                    format!("{shape}, {dialect}"),
                    ratio(
                        inputs.gen(shape, dialect, num.0, num.1),
                        inputs.gen(shape, dialect, den.0, den.1),
                    ),
                ));
            }
        }
        v
    };
    worst(
        "warm generation vs static string",
        "strata warm / static ≤ 2.0",
        2.0,
        false,
        gen_pairs(("strata", "warm"), ("static", "cold")),
    );
    worst(
        "cold generation vs Diesel",
        "diesel / strata ≥ 1.0",
        1.0,
        true,
        gen_pairs(("diesel", "cold"), ("strata", "cold")),
    );
    worst(
        "cold generation vs sea-query",
        "sea-query / strata ≥ 2.0",
        2.0,
        true,
        gen_pairs(("sea-query", "cold"), ("strata", "cold")),
    );
    let e2e_pairs = |shapes: &[&str], ns: &[u64], num: &str, den: &str| {
        let mut v = Vec::new();
        for backend in ["sqlite", "postgres"] {
            for shape in shapes {
                for &n in ns {
                    v.push((
                        format!("{shape}/{n}, {backend}"),
                        ratio(
                            inputs.e2e(backend, shape, num, n),
                            inputs.e2e(backend, shape, den, n),
                        ),
                    ));
                }
            }
        }
        v
    };
    worst(
        "end to end at 1 row vs sqlx",
        "strata / sqlx ≤ 1.05",
        1.05,
        false,
        e2e_pairs(
            &["trivial", "join", "prefetch", "insert"],
            &[1],
            "strata",
            "sqlx",
        ),
    );
    worst(
        "end to end at 10,000 rows vs sqlx",
        "strata / sqlx ≤ 1.10",
        1.10,
        false,
        e2e_pairs(&["trivial", "join"], &[10_000], "strata", "sqlx"),
    );
    let mut seaorm = e2e_pairs(&["trivial", "join"], &[1, 100, 10_000], "seaorm", "strata");
    seaorm.extend(e2e_pairs(
        &["prefetch"],
        &PREFETCH_COUNTS,
        "seaorm",
        "strata",
    ));
    seaorm.extend(e2e_pairs(&["insert"], &[1, 100], "seaorm", "strata"));
    worst(
        "end to end vs SeaORM",
        "seaorm / strata ≥ 1.0",
        1.0,
        true,
        seaorm,
    );

    let m = inputs.migrations.as_ref();
    let ms = |n: usize, key: &str| m.and_then(|m| mig_ms(m, n, key));
    let worst_1000 = ["initial_ms", "change_ms", "nochange_ms"]
        .iter()
        .filter_map(|k| ms(1000, k).map(|v| (*k, v)))
        .fold(None::<(&str, f64)>, |acc, x| match acc {
            Some(a) if a.1 >= x.1 => Some(a),
            _ => Some(x),
        });
    out.push(Target {
        name: "makemigrations, 1,000 models".into(),
        goal: "initial, change and no-change each < 100 ms".into(),
        measured: worst_1000.map_or("–".into(), |(k, v)| {
            format!("slowest: {} {v:.1} ms", k.trim_end_matches("_ms"))
        }),
        pass: worst_1000.map(|(_, v)| v < 100.0),
    });
    let growth = ["initial_ms", "change_ms", "nochange_ms"]
        .iter()
        .filter_map(|k| Some((*k, ms(10_000, k)? / ms(1_000, k)?)))
        .fold(None::<(&str, f64)>, |acc, x| match acc {
            Some(a) if a.1 >= x.1 => Some(a),
            _ => Some(x),
        });
    out.push(Target {
        name: "makemigrations grows linearly".into(),
        goal: "time(10,000) / time(1,000) ≤ 15 (linear is 10)".into(),
        measured: growth.map_or("–".into(), |(k, r)| {
            format!("worst {r:.1} ({})", k.trim_end_matches("_ms"))
        }),
        pass: growth.map(|(_, r)| r <= 15.0),
    });
    let apply = m.and_then(|m| m["apply_sqlite"]["ms"].as_f64());
    out.push(Target {
        name: "migrate 1,000 models on SQLite".into(),
        goal: "< 5 s".into(),
        measured: apply.map_or("–".into(), |v| fmt_ns(v * 1e6)),
        pass: apply.map(|v| v < 5_000.0),
    });
    out
}

const COLORS: [&str; 4] = ["#4c72b0", "#dd8452", "#55a868", "#c44e52"];

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A grouped bar chart on a logarithmic axis, values in nanoseconds.
pub fn bar_chart(title: &str, series: &[&str], groups: &[(String, Vec<Option<f64>>)]) -> String {
    let values: Vec<f64> = groups
        .iter()
        .flat_map(|(_, v)| v.iter().flatten().copied())
        .filter(|v| *v > 0.0)
        .collect();
    let (lo, hi) = log_range(&values);
    let (left, top, height) = (70.0, 40.0, 260.0);
    let group_w = 18.0 * series.len() as f64 + 20.0;
    let width = left + group_w * groups.len() as f64 + 20.0;
    let mut svg = svg_start(width, top + height + 110.0, title);
    axis(&mut svg, left, top, height, width - 20.0, lo, hi);
    for (g, (label, vals)) in groups.iter().enumerate() {
        let x0 = left + 10.0 + g as f64 * group_w;
        for (s, v) in vals.iter().enumerate() {
            let Some(v) = v.filter(|v| *v > 0.0) else {
                continue;
            };
            let h = height * (v.log10() - lo) / (hi - lo);
            let _ = write!(
                svg,
                r#"<rect x="{:.1}" y="{:.1}" width="16" height="{:.1}" fill="{}"><title>{} {}: {}</title></rect>"#,
                x0 + s as f64 * 18.0,
                top + height - h,
                h,
                COLORS[s % COLORS.len()],
                escape(label),
                series[s],
                fmt_ns(v)
            );
        }
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" font-size="11" transform="rotate(35 {:.1} {:.1})">{}</text>"#,
            x0,
            top + height + 14.0,
            x0,
            top + height + 14.0,
            escape(label)
        );
    }
    legend(&mut svg, series, left, top + height + 95.0);
    svg.push_str("</svg>\n");
    svg
}

/// A named line: (x, nanoseconds if measured) points.
pub type Series<'a> = (&'a str, &'a Vec<(f64, Option<f64>)>);

/// A log-log line chart of (size, nanoseconds) series.
pub fn line_chart(title: &str, series: &[Series<'_>]) -> String {
    let values: Vec<f64> = series
        .iter()
        .flat_map(|(_, pts)| pts.iter().filter_map(|p| p.1))
        .collect();
    let (lo, hi) = log_range(&values);
    let xs: Vec<f64> = series
        .iter()
        .flat_map(|(_, p)| p.iter().map(|p| p.0))
        .collect();
    let xlo = xs
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min)
        .max(1.0)
        .log10();
    let xhi = xs
        .iter()
        .copied()
        .fold(1.0, f64::max)
        .log10()
        .max(xlo + 1.0);
    let (left, top, height, plot_w) = (70.0, 40.0, 260.0, 480.0);
    let mut svg = svg_start(left + plot_w + 40.0, top + height + 80.0, title);
    axis(&mut svg, left, top, height, left + plot_w, lo, hi);
    let px = |x: f64| left + 10.0 + (plot_w - 20.0) * (x.log10() - xlo) / (xhi - xlo);
    let py = |v: f64| top + height - height * (v.log10() - lo) / (hi - lo);
    for x in &xs {
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle">{}</text>"#,
            px(*x),
            top + height + 16.0,
            x
        );
    }
    for (s, (name, pts)) in series.iter().enumerate() {
        let points: Vec<String> = pts
            .iter()
            .filter_map(|(x, v)| Some(format!("{:.1},{:.1}", px(*x), py((*v)?))))
            .collect();
        let color = COLORS[s % COLORS.len()];
        let _ = write!(
            svg,
            r#"<polyline fill="none" stroke="{color}" stroke-width="2" points="{}"/>"#,
            points.join(" ")
        );
        for (x, v) in pts.iter() {
            if let Some(v) = v {
                let _ = write!(
                    svg,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{color}"><title>{name} {x}: {}</title></circle>"#,
                    px(*x),
                    py(*v),
                    fmt_ns(*v)
                );
            }
        }
    }
    let names: Vec<&str> = series.iter().map(|(n, _)| *n).collect();
    legend(&mut svg, &names, left, top + height + 50.0);
    svg.push_str("</svg>\n");
    svg
}

fn log_range(values: &[f64]) -> (f64, f64) {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(0.0, f64::max);
    if !lo.is_finite() || hi <= 0.0 {
        return (0.0, 1.0);
    }
    let lo = lo.log10().floor();
    let hi = hi.log10().ceil().max(lo + 1.0);
    (lo, hi)
}

fn svg_start(width: f64, height: f64, title: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/><text x="10" y="22" font-size="15">{}</text>"#,
        escape(title)
    )
}

fn axis(svg: &mut String, left: f64, top: f64, height: f64, right: f64, lo: f64, hi: f64) {
    let steps = (hi - lo).round() as i32;
    for k in 0..=steps {
        let y = top + height - height * k as f64 / (hi - lo);
        let _ = write!(
            svg,
            r##"<line x1="{left}" y1="{y:.1}" x2="{right:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end">{}</text>"##,
            left - 5.0,
            y + 4.0,
            fmt_ns(10f64.powf(lo + k as f64))
        );
    }
    let _ = write!(
        svg,
        r#"<line x1="{left}" y1="{top}" x2="{left}" y2="{:.1}" stroke="black"/>"#,
        top + height
    );
}

fn legend(svg: &mut String, series: &[&str], left: f64, y: f64) {
    for (s, name) in series.iter().enumerate() {
        let x = left + s as f64 * 110.0;
        let _ = write!(
            svg,
            r#"<rect x="{x:.1}" y="{:.1}" width="12" height="12" fill="{}"/><text x="{:.1}" y="{y:.1}" font-size="12">{}</text>"#,
            y - 10.0,
            COLORS[s % COLORS.len()],
            x + 16.0,
            escape(name)
        );
    }
}
