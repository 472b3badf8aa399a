//! The load binary runs to the end on a few requests (its figures are for
//! a release build: see the README), on SQLite and on PostgreSQL and
//! MariaDB/MySQL when their URLs are set.

use std::process::Command;

fn run_load(database: Option<&str>) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_load"));
    command.args(["--requests", "40", "--concurrency", "4", "--seconds", "20"]);
    if let Some(url) = database {
        command.args(["--database", url]);
    }
    let output = command.output().expect("run the load binary");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn env_url(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

#[test]
fn the_load_binary_measures_both_endpoints() {
    let mut runs = vec![("SQLite (file)", run_load(None))];
    if let Some(url) = env_url("STRATA_TEST_POSTGRES_URL") {
        runs.push(("PostgreSQL", run_load(Some(&url))));
    }
    if let Some(url) = env_url("STRATA_TEST_MYSQL_URL") {
        runs.push(("MySQL/MariaDB", run_load(Some(&url))));
    }
    for (label, stdout) in runs {
        assert!(stdout.starts_with(label), "{stdout}");
        let lines: Vec<&str> = stdout.lines().filter(|l| l.contains("req/s")).collect();
        assert_eq!(lines.len(), 2, "{stdout}");
        for line in lines {
            assert!(
                line.contains("(40 in "),
                "every request answered 200: {line}"
            );
        }
    }
}

#[test]
fn the_load_binary_refuses_unknown_arguments() {
    let output = Command::new(env!("CARGO_BIN_EXE_load"))
        .arg("--colour")
        .output()
        .expect("run the load binary");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown argument --colour"), "{stderr}");
}
