//! Peak memory of reading a large table: strata's `stream()` next to
//! `all()` and a hand-written sqlx `fetch` loop, on SQLite (a file),
//! PostgreSQL and MySQL/MariaDB.
//!
//! The parent fills a table of `--rows` rows (default 1,000,000) on each
//! database, then runs itself once per side and database (`--child`), so
//! that each side's peak resident set (`VmHWM` of `/proc/self/status`) is
//! its own. A child reads every row, checks the count and a checksum, and
//! prints one JSON line. The parent writes `report/STREAM_MEMORY.md` and
//! `<target>/strata-report/stream_memory.json`.
//!
//!     STRATA_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test \
//!     STRATA_BENCH_MYSQL_URL=mysql://root@127.0.0.1:3306/test \
//!     cargo run --release --bin stream_memory [-- --rows 1000000]
//!
//! The server databases are created as `strata_bench_stream` and dropped
//! afterwards.

use futures_util::TryStreamExt;
use serde_json::{json, Value};
use std::process::Command;
use std::time::Instant;
use strata::prelude::*;
use strata::AssertSqlSafe;

/// The measured row: a key, a short text, a float and an integer.
#[derive(Model, Debug, Clone)]
#[strata(table = "stream_reading")]
pub struct Reading {
    pub id: i64,
    #[strata(max_length = 40)]
    pub sensor: String,
    pub value: f64,
    pub taken: i64,
}

const SIDES: [&str; 3] = ["strata stream()", "strata all()", "sqlx fetch"];
const DATABASE: &str = "strata_bench_stream";

/// The peak resident set so far, in KiB.
fn vm_hwm_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// What a side computed over the rows: their number and a checksum of
/// every column.
#[derive(Default, PartialEq, Debug)]
struct Tally {
    rows: u64,
    sum: i128,
}

impl Tally {
    fn add(&mut self, id: i64, sensor: &str, value: f64, taken: i64) {
        self.rows += 1;
        self.sum +=
            i128::from(id) + sensor.len() as i128 + (value * 2.0) as i128 + i128::from(taken);
    }
}

/// The checksum of rows `0..rows` as [`fill`] writes them.
fn expected(rows: u64) -> Tally {
    let mut t = Tally::default();
    for n in 0..rows as i64 {
        t.add(n + 1, &format!("sensor-{n}"), n as f64 * 0.5, n * 1000);
    }
    t
}

async fn strata_side(url: &str, side: &str) -> Tally {
    let db = Db::connect(url).await.expect("connect");
    let mut t = Tally::default();
    match side {
        "strata stream()" => {
            let mut rows = Reading::objects().stream(&db);
            while let Some(r) = rows.try_next().await.expect("stream") {
                t.add(r.id, &r.sensor, r.value, r.taken);
            }
        }
        "strata all()" => {
            for r in Reading::objects().all(&db).await.expect("all") {
                t.add(r.id, &r.sensor, r.value, r.taken);
            }
        }
        other => panic!("unknown side {other}"),
    }
    db.close().await;
    t
}

async fn sqlx_side(url: &str) -> Tally {
    use sqlx::Row as _;
    const SQL: &str = "SELECT id, sensor, value, taken FROM stream_reading";
    let mut t = Tally::default();
    // strata's MySQL text columns are `utf8mb4_bin`, which sqlx reports
    // as VARBINARY: read as bytes there.
    macro_rules! drain {
        ($pool:ty, $text:ty, $to_str:expr) => {{
            let pool = <$pool>::connect(url).await.expect("connect");
            {
                let mut rows = sqlx::query(SQL).fetch(&pool);
                while let Some(row) = rows.try_next().await.expect("fetch") {
                    let id: i64 = row.get(0);
                    let sensor: $text = row.get(1);
                    let value: f64 = row.get(2);
                    let taken: i64 = row.get(3);
                    t.add(id, $to_str(sensor), value, taken);
                }
            }
            pool.close().await;
        }};
    }
    if url.starts_with("postgres") {
        drain!(sqlx::PgPool, &str, text)
    } else if url.starts_with("mysql") {
        drain!(sqlx::MySqlPool, &[u8], bytes)
    } else {
        drain!(sqlx::SqlitePool, &str, text)
    }
    t
}

fn text(s: &str) -> &str {
    s
}

fn bytes(b: &[u8]) -> &str {
    std::str::from_utf8(b).expect("UTF-8 text")
}

/// Child mode: one side on one database; prints its JSON line.
async fn child(side: &str, url: &str, rows: u64) {
    let baseline = vm_hwm_kib();
    let started = Instant::now();
    let tally = if side == "sqlx fetch" {
        sqlx_side(url).await
    } else {
        strata_side(url, side).await
    };
    let seconds = started.elapsed().as_secs_f64();
    let peak = vm_hwm_kib();
    let want = expected(rows);
    assert_eq!(tally, want, "{side} read other rows than were written");
    println!(
        "{}",
        json!({ "side": side, "rows": tally.rows, "baseline_kib": baseline, "peak_kib": peak, "seconds": seconds })
    );
}

/// `url` with its database name replaced by `database`.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority = base.find("://").map_or(0, |i| i + 3);
    let path = base[authority..]
        .find('/')
        .map_or(base.len(), |i| authority + i);
    let mut out = format!("{}/{database}", &base[..path]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// Fills the table with `rows` rows from a cross join of digits, in one
/// statement run by the database itself.
async fn fill(db: &Db, rows: u64) {
    db.create_tables(&[Reading::META])
        .await
        .expect("create table");
    let digits = "(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 \
                  UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 \
                  UNION ALL SELECT 8 UNION ALL SELECT 9)";
    let mut places = 1;
    while 10u64.pow(places as u32) < rows {
        places += 1;
    }
    let num: Vec<String> = (0..places)
        .map(|i| format!("{} * d{i}.d", 10u64.pow(i as u32)))
        .collect();
    let from: Vec<String> = (0..places).map(|i| format!("{digits} d{i}")).collect();
    let sensor = match db.dialect() {
        Dialect::MySql => "CONCAT('sensor-', num)",
        _ => "'sensor-' || CAST(num AS TEXT)",
    };
    let sql = format!(
        "INSERT INTO stream_reading (id, sensor, value, taken) \
         SELECT num + 1, {sensor}, num * 0.5, num * 1000 \
         FROM (SELECT {} AS num FROM {}) s WHERE num < {rows}",
        num.join(" + "),
        from.join(" CROSS JOIN ")
    );
    db.execute_raw_sql(AssertSqlSafe(sql))
        .await
        .expect("fill the table");
}

/// Creates the database the children read (or the SQLite file), filled;
/// returns its URL and what drops it.
async fn prepare(
    kind: &str,
    admin_url: Option<&str>,
    rows: u64,
) -> Option<(String, Box<dyn FnOnce()>)> {
    match kind {
        "sqlite" => {
            let path = std::env::temp_dir().join("strata_stream_memory.db");
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            let url = format!("sqlite://{}", path.display());
            let db = Db::connect(&url).await.expect("create the SQLite file");
            fill(&db, rows).await;
            db.close().await;
            let cleanup = move || {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            };
            Some((url, Box::new(cleanup)))
        }
        _ => {
            let admin_url = admin_url?.to_string();
            let admin = Db::connect(&admin_url)
                .await
                .expect("connect to the server");
            admin
                .execute_raw_sql(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {DATABASE}")))
                .await
                .expect("drop an old bench database");
            admin
                .execute_raw_sql(AssertSqlSafe(format!("CREATE DATABASE {DATABASE}")))
                .await
                .expect("create the bench database");
            admin.close().await;
            let url = with_database(&admin_url, DATABASE);
            let db = Db::connect(&url)
                .await
                .expect("connect to the bench database");
            fill(&db, rows).await;
            db.close().await;
            let cleanup = move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(async {
                    if let Ok(admin) = Db::connect(&admin_url).await {
                        let _ = admin
                            .execute_raw_sql(AssertSqlSafe(format!(
                                "DROP DATABASE IF EXISTS {DATABASE}"
                            )))
                            .await;
                        admin.close().await;
                    }
                });
            };
            Some((url, Box::new(cleanup)))
        }
    }
}

fn mib(kib: u64) -> String {
    format!("{:.1}", kib as f64 / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rows: u64 = args
        .iter()
        .position(|a| a == "--rows")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    if let Some(i) = args.iter().position(|a| a == "--child") {
        let side = &args[i + 1];
        let url = &args[i + 2];
        rt.block_on(child(side, url, rows));
        return;
    }
    let exe = std::env::current_exe().expect("own path");
    let mut results = Vec::new();
    let servers = [
        ("sqlite", None),
        ("postgres", std::env::var("STRATA_BENCH_POSTGRES_URL").ok()),
        ("mysql", std::env::var("STRATA_BENCH_MYSQL_URL").ok()),
    ];
    for (kind, admin_url) in servers {
        let Some((url, cleanup)) = rt.block_on(prepare(kind, admin_url.as_deref(), rows)) else {
            eprintln!("{kind}: skipped (its STRATA_BENCH_..._URL is not set)");
            continue;
        };
        for side in SIDES {
            let out = Command::new(&exe)
                .args(["--child", side, &url, "--rows", &rows.to_string()])
                .output()
                .expect("run a child");
            let stdout = String::from_utf8_lossy(&out.stdout);
            let line = stdout.lines().last().unwrap_or_default();
            let mut result: Value = serde_json::from_str(line).unwrap_or_else(|_| {
                panic!(
                    "{kind} / {side} failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                )
            });
            result["database"] = json!(kind);
            eprintln!("{kind:8} {side:16} {result}");
            results.push(result);
        }
        cleanup();
    }
    let mut md = format!(
        "# Reading {rows} rows: peak memory\n\n\
         Written by `cargo run --release --bin stream_memory` (see \
         `src/bin/stream_memory.rs`). Each cell is one process reading every \
         row of `stream_reading(id, sensor, value, taken)` and checking a \
         checksum; *peak* is its `VmHWM` (peak resident set), *above start* \
         the peak minus the `VmHWM` when it started (the runtime and the \
         binary). SQLite is a file with WAL; the servers run on the same \
         machine. Times include connecting and are only indicative.\n\n\
         | database | side | peak RSS (MiB) | above start (MiB) | time (s) |\n\
         |---|---|---:|---:|---:|\n"
    );
    for r in &results {
        let peak = r["peak_kib"].as_u64().unwrap_or(0);
        let base = r["baseline_kib"].as_u64().unwrap_or(0);
        md.push_str(&format!(
            "| {} | {} | {} | {} | {:.2} |\n",
            r["database"].as_str().unwrap_or("?"),
            r["side"].as_str().unwrap_or("?"),
            mib(peak),
            mib(peak.saturating_sub(base)),
            r["seconds"].as_f64().unwrap_or(0.0)
        ));
    }
    print!("{md}");
    let report = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("report/STREAM_MEMORY.md");
    std::fs::write(&report, &md).expect("write the report");
    let data = strata_benches::data_dir();
    std::fs::create_dir_all(&data).expect("create the data dir");
    std::fs::write(
        data.join("stream_memory.json"),
        serde_json::to_string_pretty(&results).unwrap_or_default(),
    )
    .expect("write the JSON");
}
