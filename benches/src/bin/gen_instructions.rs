//! Instructions per built query, counted by valgrind's callgrind: a
//! figure that does not move with the load of a shared machine, for
//! comparing query-generation changes and for checking the query-gen
//! targets (the report prefers these counts to criterion's medians).
//!
//! ```text
//! cargo run --release --manifest-path benches/Cargo.toml --bin gen_instructions -- [filter] [--jobs N]
//! ```
//!
//! `--list` prints every case with its index; `--run INDEX TIMES` runs
//! one case `TIMES` times (what the counted children do), for profiling
//! it under `valgrind --tool=callgrind` by hand.
//!
//! For every case whose `shape/dialect/side/mode` contains `filter`, the
//! binary runs itself twice under `valgrind --tool=callgrind`: once
//! running the case's closure `n` times, once `2n` times; the difference
//! divided by `n` is the instructions of one run (start-up, building the
//! cases and the first run cancel out). `n` is chosen per case so that the
//! measured runs take about 20 ms natively (at least 20, at most 2,000).
//! `--jobs N` runs N valgrind processes at once (the counts do not depend
//! on it). Prints a table and writes
//! `<target>/strata-report/query_gen_instructions.json` (merged with the
//! cases of an earlier run that this one's filter left out).

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use strata_benches::query_gen::cases;

const MIN_ITERATIONS: u64 = 20;
const MAX_ITERATIONS: u64 = 2_000;
/// Native time the measured runs of one case should take.
const TARGET: Duration = Duration::from_millis(20);

/// One case to count.
struct Job {
    index: usize,
    name: String,
    iterations: u64,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut filter = String::new();
    let mut jobs = 1usize;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--run" => {
                // Child mode: run case `index` `times` times after one
                // warm-up run.
                let index: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(0);
                let times: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(0);
                let mut all = cases();
                let case = &mut all[index];
                (case.run)();
                for _ in 0..times {
                    (case.run)();
                }
                return;
            }
            "--list" => {
                // The cases' indices, for profiling one with `--run`.
                for (index, case) in cases().iter().enumerate() {
                    println!("{index:>5} {}", case.name());
                }
                return;
            }
            "--jobs" => {
                jobs = args
                    .next()
                    .and_then(|a| a.parse().ok())
                    .filter(|&n| n > 0)
                    .unwrap_or_else(|| {
                        eprintln!("--jobs needs a positive number");
                        std::process::exit(2)
                    })
            }
            _ => filter = arg,
        }
    }
    if Command::new("valgrind").arg("--version").output().is_err() {
        eprintln!("gen_instructions needs valgrind on the PATH");
        std::process::exit(1);
    }

    let mut all = cases();
    let mut todo = Vec::new();
    for (index, case) in all.iter_mut().enumerate() {
        let name = case.name();
        if !name.contains(&filter) {
            continue;
        }
        (case.run)();
        let start = Instant::now();
        let mut probe = 0u64;
        while start.elapsed() < Duration::from_millis(2) && probe < MAX_ITERATIONS {
            (case.run)();
            probe += 1;
        }
        let per_run = start.elapsed().as_secs_f64() / probe as f64;
        let iterations =
            ((TARGET.as_secs_f64() / per_run) as u64).clamp(MIN_ITERATIONS, MAX_ITERATIONS);
        todo.push(Job {
            index,
            name,
            iterations,
        });
    }
    let identity: Vec<(String, &'static str, &'static str, &'static str)> = all
        .iter()
        .map(|c| (c.shape.clone(), c.dialect.name(), c.side, c.mode))
        .collect();
    drop(all);

    let me = std::env::current_exe().expect("own path");
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::new());
    println!("{:<44} {:>14}", "case", "instructions");
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(todo.len()).max(1) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = todo.get(i) else { break };
                let counted = match (
                    count(&me, job.index, job.iterations),
                    count(&me, job.index, 2 * job.iterations),
                ) {
                    (Some(base), Some(total)) => {
                        Some(total.saturating_sub(base) as f64 / job.iterations as f64)
                    }
                    _ => None,
                };
                match counted {
                    Some(n) => println!("{:<44} {n:>14.0}   ({} runs)", job.name, job.iterations),
                    None => println!("{:<44} {:>14}", job.name, "valgrind failed"),
                }
                if let Some(n) = counted {
                    results
                        .lock()
                        .expect("results")
                        .push((job.index, n, job.iterations));
                }
            });
        }
    });

    let mut rows: Vec<serde_json::Value> = Vec::new();
    let path = strata_benches::data_dir().join("query_gen_instructions.json");
    // Keep an earlier run's counts of the cases this run did not count.
    let measured: Vec<String> = todo.iter().map(|j| j.name.clone()).collect();
    if let Some(old) = std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v["cases"].as_array().cloned())
    {
        for row in old {
            let name = format!(
                "{}/{}/{}/{}",
                row["shape"].as_str().unwrap_or_default(),
                row["dialect"].as_str().unwrap_or_default(),
                row["side"].as_str().unwrap_or_default(),
                row["mode"].as_str().unwrap_or_default()
            );
            if !measured.contains(&name) {
                rows.push(row);
            }
        }
    }
    let mut results = results.into_inner().expect("results");
    results.sort_by_key(|r| r.0);
    for (index, instructions, iterations) in results {
        let (shape, dialect, side, mode) = &identity[index];
        rows.push(serde_json::json!({
            "shape": shape,
            "dialect": dialect,
            "side": side,
            "mode": mode,
            "instructions": instructions,
            "iterations": iterations,
        }));
    }
    let commit = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let doc = serde_json::json!({
        "commit": commit,
        "command": "cargo run --release --manifest-path benches/Cargo.toml --bin gen_instructions",
        "cases": rows,
    });
    let write = std::fs::create_dir_all(strata_benches::data_dir()).and_then(|()| {
        std::fs::write(
            &path,
            serde_json::to_string_pretty(&doc).unwrap_or_default(),
        )
    });
    match write {
        Ok(()) => println!("wrote {}", path.display()),
        Err(e) => {
            eprintln!("cannot write {}: {e}", path.display());
            std::process::exit(1);
        }
    }
}

/// The instructions callgrind counts for `times` runs of case `index`
/// (plus the child's start-up), `None` if valgrind fails.
fn count(me: &std::path::Path, index: usize, times: u64) -> Option<u64> {
    let out = Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(me)
        .args(["--run", &index.to_string(), &times.to_string()])
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    stderr
        .lines()
        .find_map(|l| l.split("Collected :").nth(1))
        .and_then(|n| n.trim().parse().ok())
}
