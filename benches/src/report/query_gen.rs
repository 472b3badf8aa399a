//! The query-generation section of the report: per dialect, a table of
//! instruction counts (when `gen_instructions` has run) and one of
//! criterion medians, every figure also as a ratio to the one static
//! baseline; allocations; and the SQL each side produces.

use super::{
    bar_chart, cell, fmt_ratio, ratio, FloorCharBoundary, GenSource, Inputs, DIALECTS, GEN_SIDES,
    SHAPES,
};
use std::fmt::Write as _;
use std::path::Path;

const INTRO: &str = "## Query generation (no database)\n\n\
SQL text plus bound values for one query. **cold**: the query is built from scratch (DSL \
value constructed, then rendered without any cache) every iteration; strata's inserts \
render through an uncached entry point (`strata::bulk_create_sql_uncached`), since \
`bulk_create_sql` takes its SQL text from the statement cache. **warm**: the same query \
value executed again: built once, and turned into SQL and binds per iteration the way \
each side does when it runs the query again. strata's terminal calls go through its \
statement cache (`QuerySet::checked_statement`, `Annotated::statement`, \
`ValuesQuerySet::checked_statement`, `QuerySet::update_statement`, `bulk_create_sql`): \
the checks of the shape ran when it was first rendered, and only the values are checked \
and collected afresh; a queryset value also remembers its statement from its second \
render on, so running the same value again skips the shape key, the cache lookup and \
the checks, which passed for its values (for an `update()`, whose assignments are built \
per call, the value keeps their key words beside the text and compares them, and \
checks their values). \
Diesel's connection caches statements by query type, so for types with a static query \
id warm Diesel only collects binds, and otherwise (in-lists outside PostgreSQL, batch \
inserts of a `Vec`) renders the SQL too. sea-query has no statement cache: its warm run \
is a full render of a prebuilt statement. **rebuilt**: what an application does per \
request: the DSL value is constructed afresh, then rendered through the side's cache as \
in warm (strata `User::objects().filter(..).checked_statement(..)`; Diesel the query value, then \
its warm path). sea-query has no cache, so its rebuilt run is its cold run (not measured \
twice); strata's inserts have no DSL value (the rows are the data), so their rebuilt run \
is the warm call. **static** copies the finished string and clones its binds: the \
physical limit, and the baseline of every `(×static)` ratio. On PostgreSQL strata and \
Diesel send an in-list as one array parameter (`= ANY($1)`), sea-query as a placeholder \
per value. `update_f` runs on `posts` with a `views` counter declared for that shape \
(diesel_bench's schema has no numeric column besides its keys). Where the peers' SQL \
differs from strata's (Diesel's `single_value()` adds `LIMIT 1`, no select aliases, \
grouping by column instead of position), the SQL below shows it.\n\n";

/// One figure with its ratio to the static baseline.
fn with_ratio(text: String, value: Option<f64>, baseline: Option<f64>) -> String {
    match ratio(value, baseline) {
        Some(r) => format!("{text} ({r:.1}×)"),
        None => text,
    }
}

fn instructions_text(v: Option<f64>) -> String {
    v.map_or("–".into(), |n| format!("{n:.0}"))
}

/// The table of one dialect from `source`.
fn table(inputs: &Inputs, md: &mut String, dialect: &str, source: GenSource) {
    md.push_str("| shape |");
    for (side, mode) in GEN_SIDES {
        let _ = write!(md, " {side} {mode} |");
    }
    md.push_str(
        " strata warm / static | strata rebuilt / diesel rebuilt | diesel / strata (cold) | \
         sea-query / strata (cold) |\n|---|",
    );
    for _ in 0..GEN_SIDES.len() + 4 {
        md.push_str("---:|");
    }
    md.push('\n');
    for shape in SHAPES {
        let get = |side: &str, mode: &str| inputs.gen_figure(source, shape, dialect, side, mode);
        let baseline = get("static", "cold");
        let _ = write!(md, "| {shape} |");
        for (side, mode) in GEN_SIDES {
            let v = get(side, mode);
            let text = match source {
                GenSource::Instructions => instructions_text(v),
                GenSource::Medians => cell(v),
            };
            let text = if (side, mode) == ("static", "cold") {
                text
            } else {
                with_ratio(text, v, baseline)
            };
            let _ = write!(md, " {text} |");
        }
        let strata_cold = get("strata", "cold");
        let _ = writeln!(
            md,
            " {} | {} | {} | {} |",
            fmt_ratio(ratio(get("strata", "warm"), baseline)),
            fmt_ratio(ratio(get("strata", "rebuilt"), get("diesel", "rebuilt"))),
            fmt_ratio(ratio(get("diesel", "cold"), strata_cold)),
            fmt_ratio(ratio(get("sea-query", "cold"), strata_cold)),
        );
    }
    md.push('\n');
}

pub(super) fn section(inputs: &Inputs, md: &mut String, out_dir: &Path) -> std::io::Result<()> {
    md.push_str(INTRO);
    let counted = inputs.gen_source() == GenSource::Instructions;
    if counted {
        let commit = inputs
            .instructions
            .as_ref()
            .and_then(|v| v["commit"].as_str())
            .unwrap_or("?");
        let _ = writeln!(
            md,
            "Instruction counts per query are from `cargo run --release --manifest-path \
             benches/Cargo.toml --bin gen_instructions` (valgrind's callgrind, commit \
             {commit}); they do not move with the machine's load, so the targets use them. \
             Times are criterion medians of the same closures.\n"
        );
    }
    for dialect in DIALECTS {
        let _ = writeln!(md, "### {dialect}\n");
        if counted {
            md.push_str("Instructions per query:\n\n");
            table(inputs, md, dialect, GenSource::Instructions);
            md.push_str("Criterion medians:\n\n");
        }
        table(inputs, md, dialect, GenSource::Medians);
        let file = format!("query_gen_{dialect}.svg");
        let groups: Vec<(String, Vec<Option<f64>>)> = SHAPES
            .iter()
            .map(|shape| {
                let values = [
                    ("static", "cold"),
                    ("strata", "cold"),
                    ("strata", "rebuilt"),
                    ("diesel", "cold"),
                    ("diesel", "rebuilt"),
                    ("sea-query", "cold"),
                ]
                .iter()
                .map(|(side, mode)| inputs.gen(shape, dialect, side, mode))
                .collect();
                (shape.to_string(), values)
            })
            .collect();
        let svg = bar_chart(
            &format!("Query generation, {dialect} (log scale)"),
            &[
                "static",
                "strata cold",
                "strata rebuilt",
                "diesel cold",
                "diesel rebuilt",
                "sea-query",
            ],
            &groups,
        );
        std::fs::write(out_dir.join(&file), svg)?;
        let _ = writeln!(md, "![query generation on {dialect}]({file})\n");
    }

    if inputs.allocs.is_some() {
        allocations(inputs, md);
        sql(inputs, md);
    }
    Ok(())
}

fn allocations(inputs: &Inputs, md: &mut String) {
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
}

fn sql(inputs: &Inputs, md: &mut String) {
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
