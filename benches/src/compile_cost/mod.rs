//! Compile cost of a models crate: strata, Diesel and SeaORM, measured in
//! the same run (`src/bin/compile_cost.rs`).
//!
//! For each library a crate lives in `target/compile-cost/<library>/`
//! with its own target directory, so its dependencies are built once (a
//! warm-up `cargo check` and `cargo build` of the crate with zero models)
//! and later runs reuse them. The measured step then compiles only the
//! models crate: `cargo check` and `cargo build` (debug), each timed as
//! the CPU time (user + system) of the cargo process and its rustc
//! children, from `getrusage(RUSAGE_CHILDREN)`, and as wall time. The crate
//! is compiled without incremental compilation (`CARGO_INCREMENTAL=0`) so
//! that repetitions do the same work. A figure "per model" is
//! `(t(n) - t(0)) / n`: the crate's own cost above an empty crate.

pub mod generate;
pub mod ir;

pub use generate::Library;

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Model counts measured by default.
pub const SIZES: [usize; 2] = [50, 200];

/// One measured cargo invocation.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sample {
    pub cpu_ms: f64,
    pub wall_ms: f64,
}

/// The CPU time (user + system, ms) of every child process waited for so
/// far, and of their waited-for descendants.
fn children_cpu_ms() -> f64 {
    // SAFETY: `getrusage` fills the struct it is given; a zeroed
    // `rusage` is a valid value of that plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` is a valid, writable `rusage`.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(rc, 0, "getrusage(RUSAGE_CHILDREN) failed");
    let ms = |t: libc::timeval| t.tv_sec as f64 * 1e3 + t.tv_usec as f64 / 1e3;
    ms(usage.ru_utime) + ms(usage.ru_stime)
}

/// Where one library's crate is generated and built.
pub struct Project {
    pub library: Library,
    pub dir: PathBuf,
    offline: bool,
}

impl Project {
    /// Writes the manifest (and, once, `benches/Cargo.lock` as the
    /// crate's lock file, so it resolves to the versions the benchmarks
    /// use) under `root/<library>`.
    pub fn create(
        root: &Path,
        library: Library,
        strata_path: &Path,
        benches_lock: &Path,
        offline: bool,
    ) -> std::io::Result<Project> {
        let dir = root.join(library.name());
        std::fs::create_dir_all(dir.join("src"))?;
        let manifest = generate::manifest(library, &strata_path.display().to_string());
        write_if_changed(&dir.join("Cargo.toml"), &manifest)?;
        if !dir.join("Cargo.lock").exists() {
            std::fs::copy(benches_lock, dir.join("Cargo.lock"))?;
        }
        Ok(Project {
            library,
            dir,
            offline,
        })
    }

    /// Writes `src/lib.rs` with `n` models (always rewritten, so cargo
    /// sees the crate as changed).
    pub fn write_models(&self, n: usize) -> std::io::Result<()> {
        std::fs::write(self.lib_rs(), generate::lib_rs(self.library, n))
    }

    pub fn lib_rs(&self) -> PathBuf {
        self.dir.join("src/lib.rs")
    }

    pub fn target_dir(&self) -> PathBuf {
        self.dir.join("target")
    }

    /// `cargo <verb> --lib` in the crate, its output captured; an error
    /// carries cargo's stderr.
    pub fn cargo(&self, verb: &str, extra: &[&str]) -> Result<Sample, String> {
        let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cmd.current_dir(&self.dir)
            .arg(verb)
            .args(["--lib", "--quiet"]);
        // Before `extra`, which may end with `-- <rustc flags>`.
        if self.offline {
            cmd.arg("--offline");
        }
        cmd.args(extra)
            .env("CARGO_INCREMENTAL", "0")
            .env("CARGO_TARGET_DIR", self.target_dir())
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env_remove("RUSTC_WRAPPER");
        let cpu_before = children_cpu_ms();
        let start = Instant::now();
        let output = cmd
            .output()
            .map_err(|e| format!("{}: cannot start cargo: {e}", self.library.name()))?;
        let wall_ms = start.elapsed().as_secs_f64() * 1e3;
        let cpu_ms = children_cpu_ms() - cpu_before;
        if !output.status.success() {
            return Err(format!(
                "{}: `cargo {verb}` in {} failed ({}):\n{}",
                self.library.name(),
                self.dir.display(),
                output.status,
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        Ok(Sample { cpu_ms, wall_ms })
    }

    /// Size in bytes of the debug rlib `cargo build` left.
    pub fn rlib_bytes(&self) -> Option<u64> {
        std::fs::metadata(self.target_dir().join("debug/libmodels.rlib"))
            .ok()
            .map(|m| m.len())
    }
}

fn write_if_changed(path: &Path, text: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text)?;
    }
    Ok(())
}

/// The median of `reps` runs of `cargo verb`, the crate rewritten before
/// each so that it is compiled again.
fn measure(project: &Project, n: usize, verb: &str, reps: usize) -> Result<Sample, String> {
    let mut samples = Vec::new();
    for _ in 0..reps.max(1) {
        project
            .write_models(n)
            .map_err(|e| format!("write {}: {e}", project.lib_rs().display()))?;
        samples.push(project.cargo(verb, &[])?);
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let mid = v.len() / 2;
        if v.len() % 2 == 1 {
            v[mid]
        } else {
            (v[mid - 1] + v[mid]) / 2.0
        }
    };
    Ok(Sample {
        cpu_ms: median(samples.iter().map(|s| s.cpu_ms).collect()),
        wall_ms: median(samples.iter().map(|s| s.wall_ms).collect()),
    })
}

/// What one run measures.
pub struct Plan {
    pub libraries: Vec<Library>,
    pub sizes: Vec<usize>,
    pub reps: usize,
}

/// Builds every library's dependencies, then measures `cargo check` and
/// `cargo build` of the models crate at 0 and each size, interleaving the
/// libraries at each size. Returns the JSON the report reads.
pub fn run(projects: &[Project], plan: &Plan) -> Result<Value, String> {
    for project in projects {
        eprintln!(
            "== {}: building the dependencies (not measured)",
            project.library.name()
        );
        project
            .write_models(0)
            .map_err(|e| format!("write {}: {e}", project.lib_rs().display()))?;
        project.cargo("check", &[])?;
        project.cargo("build", &[])?;
    }
    let mut results = serde_json::Map::new();
    for project in projects {
        results.insert(project.library.name().into(), json!({}));
    }
    let mut sizes = vec![0];
    sizes.extend(plan.sizes.iter().copied().filter(|&n| n > 0));
    for &n in &sizes {
        for project in projects {
            let name = project.library.name();
            let check = measure(project, n, "check", plan.reps)?;
            let build = measure(project, n, "build", plan.reps)?;
            let rlib = project.rlib_bytes();
            eprintln!(
                "{name:>7} {n:>4} models: check {:.0} ms CPU ({:.0} ms wall), build {:.0} ms CPU \
                 ({:.0} ms wall), rlib {:.2} MB",
                check.cpu_ms,
                check.wall_ms,
                build.cpu_ms,
                build.wall_ms,
                rlib.unwrap_or(0) as f64 / 1e6
            );
            results[name][n.to_string()] = json!({
                "check_cpu_ms": check.cpu_ms,
                "check_wall_ms": check.wall_ms,
                "build_cpu_ms": build.cpu_ms,
                "build_wall_ms": build.wall_ms,
                "rlib_bytes": rlib,
            });
        }
    }
    Ok(json!({
        "reps": plan.reps,
        "sizes": plan.sizes,
        "libraries": Value::Object(results),
    }))
}

/// A per-model figure from the JSON `run` writes: `(key(n) - key(0)) / n`.
pub fn per_model(data: &Value, library: &str, n: usize, key: &str) -> Option<f64> {
    let lib = &data["libraries"][library];
    let at = lib[n.to_string()][key].as_f64()?;
    let base = lib["0"][key].as_f64()?;
    (n > 0).then(|| (at - base) / n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_model_subtracts_the_empty_crate_and_divides_by_the_count() {
        let data = json!({"libraries": {"strata": {
            "0": {"check_cpu_ms": 100.0},
            "50": {"check_cpu_ms": 600.0},
        }}});
        assert_eq!(per_model(&data, "strata", 50, "check_cpu_ms"), Some(10.0));
        assert_eq!(per_model(&data, "strata", 200, "check_cpu_ms"), None);
        assert_eq!(per_model(&data, "diesel", 50, "check_cpu_ms"), None);
    }

    #[test]
    fn children_cpu_time_grows_after_a_child_burns_cpu() {
        let before = children_cpu_ms();
        let status = Command::new("sh")
            .args(["-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done"])
            .status()
            .expect("sh");
        assert!(status.success());
        assert!(children_cpu_ms() > before);
    }
}
