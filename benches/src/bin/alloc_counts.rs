//! Counts the allocations of every query-generation case (one built query,
//! averaged over many), and records the SQL each side produces. Writes
//! `<target>/strata-report/query_gen_allocs.json` for the report and prints
//! a table.

use strata_benches::alloc::{snapshot, Counting};
use strata_benches::query_gen::cases;

#[global_allocator]
static ALLOC: Counting = Counting;

const ITERATIONS: usize = 200;

fn main() -> std::io::Result<()> {
    let mut rows = Vec::new();
    println!(
        "{:<18} {:<9} {:<10} {:<7} {:>8} {:>10}",
        "shape", "dialect", "side", "mode", "allocs", "bytes"
    );
    for mut case in cases() {
        (case.run)();
        let before = snapshot();
        for _ in 0..ITERATIONS {
            (case.run)();
        }
        let after = snapshot();
        let allocs = (after.allocations - before.allocations) as f64 / ITERATIONS as f64;
        let bytes = (after.allocated_bytes - before.allocated_bytes) as f64 / ITERATIONS as f64;
        println!(
            "{:<18} {:<9} {:<10} {:<7} {:>8.1} {:>10.0}",
            case.shape,
            case.dialect.name(),
            case.side,
            case.mode,
            allocs,
            bytes
        );
        rows.push(serde_json::json!({
            "shape": case.shape,
            "dialect": case.dialect.name(),
            "side": case.side,
            "mode": case.mode,
            "allocations": allocs,
            "bytes": bytes,
            "sql": case.sql,
            "binds": case.binds,
        }));
    }
    let dir = strata_benches::data_dir();
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("query_gen_allocs.json");
    std::fs::write(&path, serde_json::to_string_pretty(&rows)?)?;
    println!("wrote {}", path.display());
    Ok(())
}
