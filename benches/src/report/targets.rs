//! The performance targets, each checked against this run's figures.

use super::{fmt_ns, mig_ms, ratio, Inputs, Target, DIALECTS, NEW_SHAPES, PREFETCH_COUNTS, SHAPES};

/// The targets of issues 6, 12 and 16, checked on this run's figures.
pub fn targets(inputs: &Inputs) -> Vec<Target> {
    let mut out = Vec::new();
    let mut worst = |name: &str,
                     goal: &str,
                     limit: f64,
                     higher_is_better: bool,
                     pairs: Vec<(String, Option<f64>)>| {
        let measured: Vec<(String, f64)> = pairs
            .into_iter()
            .filter_map(|(k, v)| Some((k, v?)))
            .collect();
        if measured.is_empty() {
            out.push(Target {
                name: name.into(),
                goal: goal.into(),
                measured: "–".into(),
                pass: None,
            });
            return;
        }
        let pick = measured
            .iter()
            .cloned()
            .reduce(|a, b| {
                let a_worse = if higher_is_better {
                    a.1 <= b.1
                } else {
                    a.1 >= b.1
                };
                if a_worse {
                    a
                } else {
                    b
                }
            })
            .expect("not empty");
        let failing = measured
            .iter()
            .filter(|(_, v)| {
                if higher_is_better {
                    *v < limit
                } else {
                    *v > limit
                }
            })
            .count();
        out.push(Target {
            name: name.into(),
            goal: goal.into(),
            measured: format!(
                "worst {:.2}x ({}); {} of {} cases miss",
                pick.1,
                pick.0,
                failing,
                measured.len()
            ),
            pass: Some(failing == 0),
        });
    };
    // Query generation (issue 16 item 5, issue 12): by instructions when
    // `gen_instructions` has counted them, else by criterion medians.
    let source = inputs.gen_source();
    let by = source.describe();
    let gen_pairs = |shapes: &[&str], num: (&str, &str), den: (&str, &str)| {
        let mut v: Vec<(String, Option<f64>)> = Vec::new();
        for dialect in DIALECTS {
            for shape in shapes {
                v.push((
                    format!("{shape}, {dialect}"),
                    ratio(
                        inputs.gen_figure(source, shape, dialect, num.0, num.1),
                        inputs.gen_figure(source, shape, dialect, den.0, den.1),
                    ),
                ));
            }
        }
        v
    };
    worst(
        "warm generation vs static string",
        &format!("strata warm / static ≤ 1.5 on every shape and dialect ({by})"),
        1.5,
        false,
        gen_pairs(&SHAPES, ("strata", "warm"), ("static", "cold")),
    );
    worst(
        "warm generation of the issue-12 shapes",
        &format!("strata warm / static ≤ 2.0 for annotate, group-by, F update, subquery ({by})"),
        2.0,
        false,
        gen_pairs(&NEW_SHAPES, ("strata", "warm"), ("static", "cold")),
    );
    worst(
        "rebuilt generation vs Diesel",
        &format!("strata rebuilt / diesel rebuilt ≤ 1.0 ({by})"),
        1.0,
        false,
        gen_pairs(&SHAPES, ("strata", "rebuilt"), ("diesel", "rebuilt")),
    );
    worst(
        "cold generation vs Diesel",
        &format!("diesel cold / strata cold ≥ 1.0 ({by})"),
        1.0,
        true,
        gen_pairs(&SHAPES, ("diesel", "cold"), ("strata", "cold")),
    );
    worst(
        "cold generation vs sea-query",
        &format!("sea-query cold / strata cold ≥ 3.0 ({by})"),
        3.0,
        true,
        gen_pairs(&SHAPES, ("sea-query", "cold"), ("strata", "cold")),
    );
    e2e_targets(inputs, &mut worst);

    let m = inputs.migrations.as_ref();
    let ms = |n: usize, key: &str| m.and_then(|m| mig_ms(m, n, key));
    let worst_1000 = ["initial_ms", "change_ms", "nochange_ms"]
        .iter()
        .filter_map(|k| ms(1000, k).map(|v| (*k, v)))
        .fold(None::<(&str, f64)>, |acc, x| match acc {
            Some(a) if a.1 >= x.1 => Some(a),
            _ => Some(x),
        });
    out.push(Target {
        name: "makemigrations, 1,000 models".into(),
        goal: "initial, change and no-change each < 50 ms".into(),
        measured: worst_1000.map_or("–".into(), |(k, v)| {
            format!("slowest: {} {v:.1} ms", k.trim_end_matches("_ms"))
        }),
        pass: worst_1000.map(|(_, v)| v < 50.0),
    });
    let peak_10k = ["initial_peak_bytes", "nochange_peak_bytes"]
        .iter()
        .filter_map(|k| m?["strata"]["10000"][*k].as_f64())
        .fold(None::<f64>, |acc, b| Some(acc.map_or(b, |a| a.max(b))));
    out.push(Target {
        name: "makemigrations memory, 10,000 models".into(),
        goal: "peak heap < 300 MiB".into(),
        measured: peak_10k.map_or("–".into(), |b| format!("{:.1} MiB", b / 1048576.0)),
        pass: peak_10k.map(|b| b < 300.0 * 1048576.0),
    });
    let growth = ["initial_ms", "change_ms", "nochange_ms"]
        .iter()
        .filter_map(|k| Some((*k, ms(10_000, k)? / ms(1_000, k)?)))
        .fold(None::<(&str, f64)>, |acc, x| match acc {
            Some(a) if a.1 >= x.1 => Some(a),
            _ => Some(x),
        });
    out.push(Target {
        name: "makemigrations grows linearly".into(),
        goal: "wall time(10,000) / time(1,000) ≤ 12 (linear is 10)".into(),
        measured: growth.map_or("–".into(), |(k, r)| {
            format!("worst {r:.1} ({})", k.trim_end_matches("_ms"))
        }),
        pass: growth.map(|(_, r)| r <= 12.0),
    });
    let apply = m.and_then(|m| m["apply_sqlite"]["ms"].as_f64());
    out.push(Target {
        name: "migrate 1,000 models on SQLite".into(),
        goal: "< 5 s".into(),
        measured: apply.map_or("–".into(), |v| fmt_ns(v * 1e6)),
        pass: apply.map(|v| v < 5_000.0),
    });
    // Compile cost of a models crate (issue 16), from `compile_cost`.
    out.extend(super::compile::compile_targets());
    out
}

/// Checks one target: the worst of `pairs` against `limit`.
type Worst<'a> = dyn FnMut(&str, &str, f64, bool, Vec<(String, Option<f64>)>) + 'a;

/// The end-to-end targets of issue 16 (item 5), on criterion medians, and
/// on SQLite by instructions where `e2e_instructions` counted the case.
/// `", spread ±a% / ±b%"`: the spreads of the two medians of a ratio.
fn spreads_of(
    inputs: &Inputs,
    backend: crate::e2e::Backend,
    shape: crate::e2e::Shape,
    sides: [crate::e2e::Side; 2],
    n: u64,
) -> String {
    let [a, b] = sides.map(|side| inputs.e2e_spread(backend, shape, side, n));
    match (a, b) {
        (Some(a), Some(b)) => format!(
            ", spread ±{} / ±{}",
            super::fmt_percent(a),
            super::fmt_percent(b)
        ),
        _ => String::new(),
    }
}

fn e2e_targets(inputs: &Inputs, worst: &mut Worst<'_>) {
    use crate::e2e::{Backend, Shape, Side};
    let counts = super::e2e::instructions();
    // strata / other for every case of `shapes` at the sizes `keep` allows.
    let pairs = |backends: &[Backend],
                 keep: &dyn Fn(Shape, u64) -> bool,
                 num: Side,
                 den: Side,
                 by_instructions: bool| {
        let mut v = Vec::new();
        for &backend in backends {
            for shape in Shape::ALL {
                for &n in shape.sizes() {
                    if !keep(shape, n) {
                        continue;
                    }
                    let counted = counts.as_ref().filter(|_| by_instructions).and_then(|c| {
                        let of = |side: Side| {
                            super::e2e::instructions_of(c, shape.name(), side.name(backend), n)
                        };
                        ratio(of(num), of(den)).filter(|_| backend == Backend::Sqlite)
                    });
                    let (r, how) = match counted {
                        Some(r) => (Some(r), " (instructions)".to_string()),
                        None => (
                            ratio(
                                inputs.e2e_side(backend, shape, num, n),
                                inputs.e2e_side(backend, shape, den, n),
                            ),
                            spreads_of(inputs, backend, shape, [num, den], n),
                        ),
                    };
                    v.push((format!("{}/{n}, {}{how}", shape.name(), backend.name()), r));
                }
            }
        }
        v
    };
    let both = [Backend::Sqlite, Backend::Postgres];
    worst(
        "end to end at 1 row vs sqlx",
        "strata / sqlx ≤ 1.03",
        1.03,
        false,
        pairs(&both, &|_, n| n == 1, Side::Strata, Side::Sqlx, false),
    );
    worst(
        "end to end at 10,000 rows vs sqlx",
        "strata / sqlx ≤ 1.05",
        1.05,
        false,
        pairs(&both, &|_, n| n == 10_000, Side::Strata, Side::Sqlx, false),
    );
    worst(
        "end to end vs SeaORM",
        "seaorm / strata ≥ 1.0 on every shape",
        1.0,
        true,
        pairs(&both, &|_, _| true, Side::SeaOrm, Side::Strata, false),
    );
    worst(
        "PostgreSQL prefetch vs the hand-written two queries",
        "strata / sqlx ≤ 1.05",
        1.05,
        false,
        pairs(
            &[Backend::Postgres],
            &|shape, n| shape == Shape::Prefetch && PREFETCH_COUNTS.contains(&n),
            Side::Strata,
            Side::Sqlx,
            false,
        ),
    );
    worst(
        "SQLite at 10,000 rows vs rusqlite",
        "strata / rusqlite ≤ 1.5 (instructions where counted)",
        1.5,
        false,
        pairs(
            &[Backend::Sqlite],
            &|_, n| n == 10_000,
            Side::Strata,
            Side::Raw,
            true,
        ),
    );
    worst(
        "SQLite at 1 row vs rusqlite",
        "strata / rusqlite ≤ 3 (instructions where counted)",
        3.0,
        false,
        pairs(
            &[Backend::Sqlite],
            &|_, n| n == 1,
            Side::Strata,
            Side::Raw,
            true,
        ),
    );
}
