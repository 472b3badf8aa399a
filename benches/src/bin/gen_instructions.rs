//! Instructions per built query, counted by valgrind's callgrind: a
//! figure that does not move with the load of a shared machine, for
//! comparing query-generation changes (the report's times are criterion
//! medians; this is the noise-free cross-check).
//!
//! ```text
//! cargo build --release --manifest-path benches/Cargo.toml --bin gen_instructions
//! benches/target/release/gen_instructions [filter]
//! ```
//!
//! For every case whose `shape/dialect/side/mode` contains `filter`, the
//! binary runs itself twice under `valgrind --tool=callgrind`: once
//! building the case's closure only, once running it `ITERATIONS` more
//! times; the difference divided by `ITERATIONS` is printed.

use std::process::Command;
use strata_benches::query_gen::cases;

const ITERATIONS: u64 = 2_000;

fn main() {
    let mut args = std::env::args().skip(1);
    let first = args.next().unwrap_or_default();
    if first == "--run" {
        // Child mode: run case `index` `times` times after one warm-up run.
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
    let filter = first;
    let me = std::env::current_exe().expect("own path");
    println!("{:<40} {:>14}", "case", "instructions");
    for (index, case) in cases().iter().enumerate() {
        let name = format!(
            "{}/{}/{}/{}",
            case.shape,
            case.dialect.name(),
            case.side,
            case.mode
        );
        if !name.contains(&filter) {
            continue;
        }
        let count = |times: u64| -> Option<u64> {
            let out = Command::new("valgrind")
                .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
                .arg(&me)
                .args(["--run", &index.to_string(), &times.to_string()])
                .output()
                .ok()?;
            let stderr = String::from_utf8_lossy(&out.stderr);
            stderr
                .lines()
                .find_map(|l| l.split("Collected :").nth(1))
                .and_then(|n| n.trim().parse().ok())
        };
        match (count(0), count(ITERATIONS)) {
            (Some(base), Some(total)) => println!(
                "{name:<40} {:>14.0}   (case {index})",
                (total.saturating_sub(base)) as f64 / ITERATIONS as f64
            ),
            _ => println!("{name:<40} {:>14}", "valgrind failed"),
        }
    }
}
