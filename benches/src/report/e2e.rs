//! The end-to-end section of the report: criterion medians per backend,
//! shape, size and side, and the instruction counts of
//! `src/bin/e2e_instructions.rs` on SQLite where they were measured.

use super::{bar_chart, cell_with_spread, fmt_ratio, ratio, Inputs};
use crate::e2e::{Backend, Shape, Side};
use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;

/// The sides of the tables, in order (the raw driver is rusqlite or
/// tokio-postgres by backend).
const SIDES: [Side; 5] = [
    Side::Strata,
    Side::Sqlx,
    Side::Diesel,
    Side::SeaOrm,
    Side::Raw,
];

/// The instruction counts of `e2e_instructions`
/// (`target/strata-report/e2e_instructions.json`), if it was run.
pub fn instructions() -> Option<Value> {
    let path = crate::data_dir().join("e2e_instructions.json");
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

/// Instructions per iteration of one SQLite case.
pub fn instructions_of(counts: &Value, shape: &str, side: &str, n: u64) -> Option<f64> {
    counts.as_array()?.iter().find_map(|r| {
        (r["backend"] == "sqlite" && r["shape"] == shape && r["side"] == side && r["n"] == n)
            .then(|| r["instructions"].as_f64())
            .flatten()
    })
}

impl Inputs {
    /// The criterion median of `e2e/<backend>/<shape>/<side>/<n>`.
    pub fn e2e_side(&self, backend: Backend, shape: Shape, side: Side, n: u64) -> Option<f64> {
        self.medians.get(&e2e_id(backend, shape, side, n)).copied()
    }

    /// The spread of [`e2e_side`](Self::e2e_side)'s median (the half-width
    /// of its 95% confidence interval, a fraction of the median).
    pub fn e2e_spread(&self, backend: Backend, shape: Shape, side: Side, n: u64) -> Option<f64> {
        self.spreads.get(&e2e_id(backend, shape, side, n)).copied()
    }
}

/// The criterion id of one end-to-end case.
fn e2e_id(backend: Backend, shape: Shape, side: Side, n: u64) -> String {
    format!(
        "e2e/{}/{}/{}/{n}",
        backend.name(),
        shape.name(),
        side.name(backend)
    )
}

const INTRO: &str = "## End to end\n\n\
10,000 users and 20,000 posts (`views` 0). `trivial/N`: N users. `join/N`: N posts of \
black-haired users with their user loaded in the same query (strata `select_related`, Diesel \
`left_join`, SeaORM `find_also_related`, the others the same SQL by hand). `prefetch/N`: N users \
with their posts (two each) loaded by a second query on the users' keys and matched in memory \
(strata `prefetch_related`, Diesel `belonging_to` + `grouped_by`, SeaORM `load_many`, the others \
the two queries and a key map by hand; the second query is `user_id IN (..)` with one bind per \
key, except on PostgreSQL for strata, Diesel, sqlx and tokio-postgres, which bind one array: \
`user_id = ANY($1)`). `insert/N`: one multi-row insert of N users, generated keys read back on \
PostgreSQL (and by SeaORM and strata on SQLite). `annotate/N`: N users each with its post count, \
a correlated `COUNT(*)` subquery (strata `annotate(User::posts().count())`, Diesel \
`single_value()`, which adds `LIMIT 1`, SeaORM a sea-query subquery column through `Select`). \
`group_by/N`: the post count per `user_id` of the first N users (strata \
`values(..).annotate(Count::all())`, Diesel `group_by`, SeaORM `select_only().group_by()`). \
`update/N`: `views = views + 1` on N posts (strata `update` with an F expression, Diesel \
`update().set()`, SeaORM `update_many().col_expr()`). `subquery/N`: N posts whose user is in \
a filtered-users subquery (`user_id IN (SELECT ..)`; strata `is_in(values(..))`, Diesel \
`eq_any(subselect)`, SeaORM `in_subquery`). Before timing, every side runs each case once and \
must read the same rows and values (a digest of every column), and strata must write exactly \
the SQL the hand-written sides run.\n\n\
strata, sqlx and SeaORM share one pool setup (SeaORM is handed an sqlx pool built like \
strata's); the sqlx side takes a connection from the pool and runs the query on it, as strata \
does. Diesel uses its own synchronous connection. **raw** is the physical limit: rusqlite 0.32 \
on SQLite (the same bundled libsqlite3 as every other side, statements from its cache) and \
tokio-postgres on PostgreSQL (statements prepared once, rows decoded as they stream in). \
SQLite is in memory; PostgreSQL is local. Each time is criterion's median with its spread: \
`±` the half-width of the 95% confidence interval criterion gives for the median, as a \
percentage of it (a ratio whose distance from a target is within the two spreads is not a \
measured miss).\n\n";

/// Writes the section and its plots.
pub fn section(inputs: &Inputs, md: &mut String, out_dir: &Path) -> std::io::Result<()> {
    md.push_str(INTRO);
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let name = backend.name();
        let any = inputs
            .medians
            .keys()
            .any(|k| k.starts_with(&format!("e2e/{name}/")));
        if !any {
            let _ = writeln!(md, "### {name}\n\nNot measured in this run.\n");
            continue;
        }
        let raw = Side::Raw.name(backend);
        let _ = writeln!(
            md,
            "### {name}\n\n| shape | strata | sqlx | diesel | seaorm | raw ({raw}) | strata / sqlx \
             | strata / raw | seaorm / strata | diesel / strata |\n\
             |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        let mut groups = Vec::new();
        for shape in Shape::ALL {
            for &n in shape.sizes() {
                let v: Vec<Option<f64>> = SIDES
                    .iter()
                    .map(|side| inputs.e2e_side(backend, shape, *side, n))
                    .collect();
                let c: Vec<String> = SIDES
                    .iter()
                    .zip(&v)
                    .map(|(side, v)| {
                        cell_with_spread(*v, inputs.e2e_spread(backend, shape, *side, n))
                    })
                    .collect();
                let _ = writeln!(
                    md,
                    "| {}/{n} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    shape.name(),
                    c[0],
                    c[1],
                    c[2],
                    c[3],
                    c[4],
                    fmt_ratio(ratio(v[0], v[1])),
                    fmt_ratio(ratio(v[0], v[4])),
                    fmt_ratio(ratio(v[3], v[0])),
                    fmt_ratio(ratio(v[2], v[0])),
                );
                groups.push((format!("{}/{n}", shape.name()), v));
            }
        }
        md.push('\n');
        let file = format!("e2e_{name}.svg");
        let labels = SIDES.map(|s| s.name(backend));
        std::fs::write(
            out_dir.join(&file),
            bar_chart(&format!("End to end, {name} (log scale)"), &labels, &groups),
        )?;
        let _ = writeln!(md, "![end to end on {name}]({file})\n");
    }
    instructions_table(md);
    Ok(())
}

/// The SQLite instruction counts, with strata's ratios to each side.
fn instructions_table(md: &mut String) {
    let Some(counts) = instructions() else {
        md.push_str(
            "### sqlite, instructions\n\nNot measured (run `cargo run --release --bin \
             e2e_instructions`).\n\n",
        );
        return;
    };
    md.push_str(
        "### sqlite, instructions\n\n\
         Instructions per query counted by callgrind (`cargo run --release --bin \
         e2e_instructions`; every thread, so sqlx's SQLite worker is included), which do not \
         move with the machine's load.\n\n\
         | shape | strata | sqlx | rusqlite | diesel | seaorm | strata / sqlx | strata / rusqlite \
         | strata / diesel | strata / seaorm |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let sides = ["strata", "sqlx", "rusqlite", "diesel", "seaorm"];
    for shape in Shape::ALL {
        for &n in shape.sizes() {
            let v: Vec<Option<f64>> = sides
                .iter()
                .map(|side| instructions_of(&counts, shape.name(), side, n))
                .collect();
            if v.iter().all(Option::is_none) {
                continue;
            }
            let count = |x: Option<f64>| x.map_or("–".into(), |x| format!("{:.0}", x));
            let _ = writeln!(
                md,
                "| {}/{n} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                shape.name(),
                count(v[0]),
                count(v[1]),
                count(v[2]),
                count(v[3]),
                count(v[4]),
                fmt_ratio(ratio(v[0], v[1])),
                fmt_ratio(ratio(v[0], v[2])),
                fmt_ratio(ratio(v[0], v[3])),
                fmt_ratio(ratio(v[0], v[4])),
            );
        }
    }
    md.push('\n');
}
