//! makemigrations at scale, strata next to Django, in one run: the initial
//! migration, a change touching 1% of the models and the no-change check
//! for projects of 10 to 10,000 models; replaying 1,000 migration files;
//! applying the initial migration of 1,000 models to in-memory SQLite; and
//! the memory each takes. Writes `<target>/strata-report/migrations.json`.
//!
//! `--quick` runs fewer repetitions of the replay, the SQLite apply and
//! Django, and gives Django less time.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use strata_benches::alloc::{reset_peak, set_enabled, snapshot, Counting};
use strata_benches::migrations::{
    changed_project, changed_project_as_loaded, django_spec, initial_in_memory, project_as_loaded,
    run_makemigrations, synthetic_project, write_migration_chain, SIZES,
};
use strata_migrate::loader::MigrationSet;

#[global_allocator]
static ALLOC: Counting = Counting;

/// The median of `reps` runs of `f`, in milliseconds; `setup` runs before
/// each, untimed.
fn median_ms(reps: usize, mut setup: impl FnMut(), mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..reps)
        .map(|_| {
            setup();
            let started = Instant::now();
            f();
            started.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// The most heap bytes `f` holds at once, beyond what was live before.
fn peak_bytes(f: impl FnOnce()) -> usize {
    set_enabled(true);
    reset_peak();
    let base = snapshot().live_bytes;
    f();
    let peak = snapshot().peak_bytes.saturating_sub(base);
    set_enabled(false);
    peak
}

fn clear_dir(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("create temp dir");
}

fn strata_sizes(work: &Path) -> Value {
    let mut out = serde_json::Map::new();
    for n in SIZES {
        // Seven runs even in quick mode below 10,000 models: a run is tens
        // of milliseconds there, and writing the file to the page cache
        // varies by as much between runs.
        let reps = if n >= 10_000 { 3 } else { 7 };
        // The project state is built inside every timed run, from the
        // model definitions, as `manage makemigrations` does (and as
        // Django's `call_command` builds `ProjectState.from_apps`).
        let dir = work.join(format!("strata-{n}"));
        let initial_ms = median_ms(
            reps,
            || clear_dir(&dir),
            || {
                run_makemigrations(&dir, &project_as_loaded(n), false);
            },
        );
        let initial_peak = peak_bytes(|| {
            clear_dir(&dir);
            run_makemigrations(&dir, &project_as_loaded(n), false);
        });
        let state = project_as_loaded(n);
        let state_ms = median_ms(
            reps,
            || {},
            || {
                std::hint::black_box(project_as_loaded(n));
            },
        );
        let in_memory_ms = median_ms(
            reps,
            || {},
            || {
                initial_in_memory(&state);
            },
        );
        // The directory now holds 0001_initial.
        let nochange_ms = median_ms(
            reps,
            || {},
            || {
                let report = run_makemigrations(&dir, &project_as_loaded(n), true);
                assert!(!report.has_changes(), "no change detected");
            },
        );
        let nochange_peak = peak_bytes(|| {
            run_makemigrations(&dir, &project_as_loaded(n), true);
        });
        let change_ms = median_ms(
            reps,
            || remove_second(&dir),
            || {
                let report = run_makemigrations(&dir, &changed_project_as_loaded(n), false);
                assert!(report.has_changes(), "the change is detected");
            },
        );
        remove_second(&dir);
        let file_bytes = std::fs::metadata(dir.join("0001_initial.toml"))
            .map(|m| m.len())
            .unwrap_or_default();
        println!(
            "strata {n:>6} models: initial {initial_ms:9.2} ms (state {state_ms:7.2} ms, in memory \
             {in_memory_ms:9.2} ms, peak {:.1} MiB), change {change_ms:9.2} ms, no-change \
             {nochange_ms:9.2} ms",
            initial_peak as f64 / 1048576.0
        );
        out.insert(
            n.to_string(),
            json!({
                "initial_ms": initial_ms,
                "initial_in_memory_ms": in_memory_ms,
                "state_ms": state_ms,
                "initial_peak_bytes": initial_peak,
                "change_ms": change_ms,
                "nochange_ms": nochange_ms,
                "nochange_peak_bytes": nochange_peak,
                "initial_file_bytes": file_bytes,
                "repetitions": reps,
            }),
        );
    }
    Value::Object(out)
}

/// Removes every migration but the initial one.
fn remove_second(dir: &Path) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with("0001") {
            std::fs::remove_file(entry.path()).expect("remove migration");
        }
    }
}

fn replay(work: &Path, quick: bool) -> Value {
    let dir = work.join("chain");
    clear_dir(&dir);
    write_migration_chain(&dir, 1_000);
    let reps = if quick { 3 } else { 7 };
    let mut models = 0;
    let ms = median_ms(
        reps,
        || {},
        || {
            let set = MigrationSet::load(&dir).expect("load migrations");
            models = set.replay().expect("replay").models.len();
        },
    );
    let peak = peak_bytes(|| {
        MigrationSet::load(&dir)
            .and_then(|s| s.replay())
            .expect("replay");
    });
    println!("replay of 1000 migration files: {ms:.2} ms ({models} models)");
    json!({ "files": 1000, "ms": ms, "peak_bytes": peak })
}

fn apply_sqlite(quick: bool) -> Value {
    let statements = initial_in_memory(&synthetic_project(1_000));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let reps = if quick { 1 } else { 3 };
    let mut times = Vec::new();
    for _ in 0..reps {
        let ms = runtime.block_on(async {
            let db = strata::Db::connect("sqlite::memory:")
                .await
                .expect("sqlite");
            let started = Instant::now();
            db.execute_raw_sql("BEGIN").await.expect("begin");
            for statement in &statements {
                db.execute_raw_sql(strata::AssertSqlSafe(statement.as_str()))
                    .await
                    .expect("statement");
            }
            db.execute_raw_sql("COMMIT").await.expect("commit");
            let ms = started.elapsed().as_secs_f64() * 1e3;
            db.close().await;
            ms
        });
        times.push(ms);
    }
    times.sort_by(f64::total_cmp);
    let ms = times[times.len() / 2];
    println!(
        "apply initial migration of 1000 models to SQLite: {ms:.1} ms ({} statements)",
        statements.len()
    );
    json!({ "models": 1000, "statements": statements.len(), "ms": ms })
}

/// Runs one Django step with a time limit; `None` when it was exceeded.
fn django_step(
    script: &Path,
    spec: &Path,
    project: &Path,
    step: &str,
    limit: Duration,
) -> Option<Value> {
    let mut child = Command::new("python3")
        .arg(script)
        .args(["--spec".as_ref(), spec.as_os_str()])
        .args(["--project".as_ref(), project.as_os_str()])
        .args(["--step", step])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for python") {
            let mut text = String::new();
            use std::io::Read;
            child.stdout.take()?.read_to_string(&mut text).ok()?;
            if !status.success() {
                eprintln!("django {step} failed: {status}");
                return None;
            }
            let mut value: Value = serde_json::from_str(text.trim()).ok()?;
            value["wall_s"] = json!(started.elapsed().as_secs_f64());
            return Some(value);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Some(json!({ "step": step, "timeout_s": limit.as_secs_f64() }));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn django(work: &Path, quick: bool) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("django/makemigrations_bench.py");
    let version = Command::new("python3")
        .args(["-c", "import django; print(django.get_version())"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let Some(version) = version else {
        println!("Django is not installed (pip install django); skipped");
        return json!({ "available": false });
    };
    let limit = Duration::from_secs(if quick { 60 } else { 300 });
    let mut sizes = serde_json::Map::new();
    for n in SIZES {
        let state = synthetic_project(n);
        let spec = work.join(format!("django-{n}.json"));
        let changed_spec = work.join(format!("django-{n}-changed.json"));
        std::fs::write(&spec, django_spec(&state).to_string()).expect("write spec");
        std::fs::write(
            &changed_spec,
            django_spec(&changed_project(&state)).to_string(),
        )
        .expect("write spec");
        let project = work.join(format!("django-{n}"));
        clear_dir(&project);
        let mut steps = serde_json::Map::new();
        for (step, spec) in [
            ("initial", &spec),
            ("check", &spec),
            ("change", &changed_spec),
        ] {
            let result = django_step(&script, spec, &project, step, limit);
            let timed_out = result
                .as_ref()
                .is_some_and(|r| r.get("timeout_s").is_some());
            println!(
                "django {n:>6} models {step:<8}: {}",
                result.clone().unwrap_or(Value::Null)
            );
            steps.insert(step.to_string(), result.unwrap_or(Value::Null));
            if timed_out {
                break;
            }
        }
        sizes.insert(n.to_string(), Value::Object(steps));
    }
    json!({ "available": true, "version": version, "limit_s": limit.as_secs(), "sizes": sizes })
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--profile") {
        // One initial makemigrations and one no-change check of a project
        // of N models, for a profiler (`valgrind --tool=callgrind`).
        let n: usize = args
            .get(i + 1)
            .and_then(|n| n.parse().ok())
            .unwrap_or(1_000);
        let dir =
            std::env::temp_dir().join(format!("strata-migrate-profile-{}", std::process::id()));
        clear_dir(&dir);
        run_makemigrations(&dir, &project_as_loaded(n), false);
        run_makemigrations(&dir, &project_as_loaded(n), true);
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    let quick = std::env::args().any(|a| a == "--quick");
    let skip_django = std::env::args().any(|a| a == "--no-django");
    set_enabled(false);
    let work: PathBuf =
        std::env::temp_dir().join(format!("strata-migrate-bench-{}", std::process::id()));
    clear_dir(&work);
    let strata = strata_sizes(&work);
    let replay = replay(&work, quick);
    let apply = apply_sqlite(quick);
    let django = if skip_django {
        json!({ "available": false })
    } else {
        django(&work, quick)
    };
    let _ = std::fs::remove_dir_all(&work);
    let out = json!({
        "quick": quick,
        "strata": strata,
        "replay": replay,
        "apply_sqlite": apply,
        "django": django,
    });
    let dir = strata_benches::data_dir();
    std::fs::create_dir_all(&dir).expect("create report data dir");
    let path = dir.join("migrations.json");
    std::fs::write(&path, serde_json::to_string_pretty(&out).expect("json")).expect("write");
    println!("wrote {}", path.display());
}
