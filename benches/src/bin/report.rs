//! Runs the benchmark suite and writes `benches/report/REPORT.md`.
//!
//! ```text
//! cargo run --release --manifest-path benches/Cargo.toml --bin report -- [--quick]
//!     [--skip-query-gen] [--skip-instructions] [--skip-e2e] [--skip-migrations]
//!     [--skip-compile] [--online] [--no-django] [--report-only]
//! ```
//!
//! `--quick` shortens criterion's warm-up and measurement times and the
//! repetitions of the migration benchmarks (for development; the figures
//! are noisier). `--report-only` rewrites the report from the last run's
//! data. `--skip-instructions` leaves out the instruction counts of query
//! generation (`gen_instructions`, under valgrind; the query-gen targets
//! then use criterion's medians). `--skip-compile` leaves out the
//! compile-cost benchmark (which builds generated models crates of strata,
//! Diesel and SeaORM; `--online` lets it fetch crates the generated
//! crates need that the local registry lacks). PostgreSQL end-to-end runs when
//! `STRATA_BENCH_POSTGRES_URL` is set.

use std::path::{Path, PathBuf};
use std::process::Command;
use strata_benches::report::{read_medians, read_spreads, write, Inputs};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("target"))
}

fn run(what: &str, cmd: &mut Command) {
    eprintln!("== {what}: {cmd:?}");
    let status = cmd
        .status()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    assert!(status.success(), "{what} failed: {status}");
}

fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(manifest_dir());
    cmd
}

fn criterion_args(quick: bool) -> Vec<&'static str> {
    if quick {
        vec![
            "--warm-up-time",
            "0.3",
            "--measurement-time",
            "1",
            "--sample-size",
            "20",
            "--noplot",
        ]
    } else {
        vec!["--warm-up-time", "1", "--measurement-time", "2", "--noplot"]
    }
}

fn read_json(path: &Path) -> Option<serde_json::Value> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

fn machine(postgres_measured: bool) -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("MemTotal"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or("?".into(), |kb| format!("{:.0} GiB", kb / 1048576.0));
    let output = |cmd: &str, args: &[&str]| {
        Command::new(cmd)
            .args(args)
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    };
    let rustc = output("rustc", &["--version"]);
    let kernel = output("uname", &["-sr"]);
    let postgres = if postgres_measured {
        "PostgreSQL (the server of STRATA_BENCH_POSTGRES_URL)"
    } else {
        "no PostgreSQL"
    };
    let date = output("date", &["-u", "+%Y-%m-%d %H:%M UTC"]);
    let commit = output("git", &["rev-parse", "--short", "HEAD"]);
    let dirty = if output("git", &["status", "--porcelain"]).is_empty() {
        ""
    } else {
        " (with uncommitted changes)"
    };
    let v = locked_version;
    format!(
        "- run: {date}, commit {commit}{dirty}\n- CPU: {cpu}, {cores} cores available\n- \
         memory: {memory}\n- {kernel}, {rustc}\n- peers: diesel {}, sea-query {}, sea-orm {}, \
         sqlx {} (from `benches/Cargo.lock`; strata runs on the same sqlx); raw drivers: \
         rusqlite {}, tokio-postgres {}\n- databases: \
         in-memory SQLite (bundled libsqlite3 of libsqlite3-sys {}), {postgres}",
        v("diesel"),
        v("sea-query"),
        v("sea-orm"),
        v("sqlx"),
        v("rusqlite"),
        v("tokio-postgres"),
        v("libsqlite3-sys"),
    )
}

/// The version of `package` that `benches/Cargo.lock` pins ("?" if none
/// or several).
fn locked_version(package: &str) -> String {
    let lock = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock"))
        .unwrap_or_default();
    let name = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    let mut found = Vec::new();
    while let Some(line) = lines.next() {
        if line == name {
            if let Some(version) = lines
                .next()
                .and_then(|l| l.strip_prefix("version = \""))
                .and_then(|l| l.strip_suffix('"'))
            {
                found.push(version.to_string());
            }
        }
    }
    match found.as_slice() {
        [one] => one.clone(),
        _ => "?".into(),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let has = |flag: &str| args.iter().any(|a| a == flag);
    let quick = has("--quick");
    let data = strata_benches::data_dir();
    let criterion = target_dir().join("criterion");

    if !has("--report-only") {
        if !has("--skip-query-gen") {
            let _ = std::fs::remove_dir_all(criterion.join("query_gen"));
            run(
                "allocation counts",
                cargo().args(["run", "--release", "--bin", "alloc_counts"]),
            );
            run(
                "query generation",
                cargo()
                    .args(["bench", "--bench", "query_gen", "--"])
                    .args(criterion_args(quick)),
            );
            let valgrind = Command::new("valgrind").arg("--version").output().is_ok();
            if has("--skip-instructions") || !valgrind {
                eprintln!("== query generation instructions: skipped (needs valgrind)");
            } else {
                run(
                    "query generation instructions",
                    cargo().args([
                        "run",
                        "--release",
                        "--bin",
                        "gen_instructions",
                        "--",
                        "--jobs",
                        "2",
                    ]),
                );
            }
        }
        if !has("--skip-e2e") {
            let _ = std::fs::remove_dir_all(criterion.join("e2e"));
            run(
                "end to end",
                cargo()
                    .args(["bench", "--bench", "e2e", "--"])
                    .args(criterion_args(quick)),
            );
        }
        if !has("--skip-migrations") {
            let mut cmd = cargo();
            cmd.args(["run", "--release", "--bin", "migrate_scale", "--"]);
            if quick {
                cmd.arg("--quick");
            }
            if has("--no-django") {
                cmd.arg("--no-django");
            }
            run("makemigrations at scale", &mut cmd);
        }
        if !has("--skip-compile") {
            let mut cmd = cargo();
            cmd.args(["run", "--release", "--bin", "compile_cost"]);
            if has("--online") {
                cmd.args(["--", "--online"]);
            }
            run("compile cost", &mut cmd);
        }
    }

    // The command that measured, kept across `--report-only` runs.
    let command_file = data.join("command.txt");
    let command = if has("--report-only") {
        std::fs::read_to_string(&command_file).unwrap_or_default()
    } else {
        let mut command =
            String::from("cargo run --release --manifest-path benches/Cargo.toml --bin report --");
        for a in &args {
            command.push(' ');
            command.push_str(a);
        }
        let _ = std::fs::create_dir_all(&data);
        let _ = std::fs::write(&command_file, &command);
        command
    };
    let quick = quick || command.contains("--quick");
    let medians = read_medians(&criterion);
    let postgres_measured = medians.keys().any(|k| k.starts_with("e2e/postgres/"));
    // The machine, date and commit of the run that measured, kept across
    // `--report-only` runs (which only rewrite the text).
    let machine_file = data.join("machine.txt");
    let machine = match std::fs::read_to_string(&machine_file) {
        Ok(kept) if has("--report-only") => kept,
        _ => {
            let now = machine(postgres_measured);
            let _ = std::fs::write(&machine_file, &now);
            now
        }
    };
    let inputs = Inputs {
        medians,
        spreads: read_spreads(&criterion),
        allocs: read_json(&data.join("query_gen_allocs.json")),
        instructions: read_json(&data.join("query_gen_instructions.json")),
        migrations: read_json(&data.join("migrations.json")),
        machine,
        command,
        quick,
    };
    let path = write(&inputs, &manifest_dir().join("report")).expect("write the report");
    println!("wrote {}", path.display());
}
