//! "Where the misses come from": for each target of the table that this
//! run missed, what a callgrind profile of the same code shows the cost
//! is made of, and what is left to try. Only the explanations of missed
//! targets are written, so a target that starts to pass drops its text.
//!
//! The figures are instructions per call from callgrind profiles of the
//! strata code this report measures (`gen_instructions --run <case> N`
//! and `e2e_instructions --run <case> N` under `valgrind
//! --tool=callgrind`, a run of N calls minus a run of none, split by
//! function with `callgrind_annotate`): counts do not move with the
//! machine's load, so they hold for any run of that code.

use super::Target;
use std::fmt::Write as _;

/// The explanation of each target, by its name in the targets table.
const GAPS: &[(&str, &str)] = &[
    (
        "warm generation vs static string",
        "Only `update_f` misses (1.97x static by instructions; every other shape and dialect is \
         within 1.5x). An `update()` builds its assignments on every call, so its warm run cannot \
         skip what a remembered select skips: it collects the assignments (~100 instructions), \
         compares their shape-key words with the remembered ones (~100), checks their values \
         (~50), collects the binds (~60) and drops the assignment list (~60). Reaching 1.5x needs \
         about 257 fewer of these ~1,076; the remaining lever is an update statement whose \
         assignments are part of the remembered value (`qs.update_with(..)` built once), which \
         strata does not have yet.",
    ),
    (
        "rebuilt generation vs Diesel",
        "A Diesel query is a value of a type that names its whole shape, and its statement cache \
         is keyed by that type: building the query costs a few stores, and finding its SQL \
         hashes a `TypeId` (142 instructions for `trivial`). A strata queryset is a value built \
         at run time (its filters, ordering and slices can come from request data), so a rebuilt \
         one must say what shape it has before the cache can find its SQL. The profile of \
         `trivial` rebuilt (650 instructions on PostgreSQL): the statement cache lookup 268 (the \
         thread-local map, keyed by the shape's words), encoding the shape key 90, the memo's \
         hit test 68 and keep 48, dropping the queryset 61, the value checks 46, dropping the \
         statement 28. The shapes with many filters or joins (`seven_filters`, the in-lists) are \
         at or below Diesel, whose per-value costs grow faster; the misses are the small \
         shapes, where this fixed ~500-instruction lookup is most of the work. Closing it \
         means a shape known at compile time (a `const` key per queryset type), which strata's \
         value-built querysets do not have.",
    ),
    (
        "cold generation vs Diesel",
        "The misses are SQLite multi-row inserts (`insert_50`, `insert_100`). strata's statement \
         owns its values: each text column of each row is cloned into a bound `Value` (an \
         allocation and a copy per string), where Diesel's SQLite insert binds references to \
         the caller's rows. At 50 rows or more those clones outweigh strata's faster rendering. \
         Borrowed binds would need a statement type with a lifetime, which every executor call \
         would then carry.",
    ),
    (
        "cold generation vs sea-query",
        "sea-query 1.0 renders fast: strata's cold run is 1.4x to 3x cheaper, not 3x on every \
         case. The profile of `insert_1` on SQLite (strata 1,806 instructions, sea-query \
         2,759): 800 of strata's are the allocator (`malloc`/`free` of the SQL text as it \
         grows, the bind list and the cloned strings), 170 `memcpy`, 160 rendering and 120 \
         quoting identifiers. sea-query pays the same allocations and more (its statement tree); \
         3x would need strata's cold run to cost about what its allocations alone cost now.",
    ),
    (
        "end to end at 1 row vs sqlx",
        "At one row a query is mostly fixed cost, and the misses are within a few percent, of \
         the order of the spread of the two medians (the `±` figures in the end-to-end \
         tables): on SQLite every side waits for sqlx's worker thread to wake (~130 µs of the \
         ~135 µs), and by instructions strata is within about 10% of sqlx at one row on every \
         read shape, below it on most (instruction counts of one-row cases move by up to \
         ~10% between builds of the same code, from code layout and hashing, so single \
         percent differences there are not a measured gap)",
    ),
    (
        "end to end at 10,000 rows vs sqlx",
        "The misses are on PostgreSQL, and they are not profiled yet: PostgreSQL's time is \
         spent in two processes, and callgrind sees only the client. strata and the sqlx side \
         run the same statement on the same connection and decode the same columns, strata \
         through its `FieldType` layer and the hand-written side through sqlx's `FromRow`, so \
         the decoding layer is the first suspect. On SQLite, where strata decodes rows in \
         place on sqlx's handle, strata is 0.2x to 0.6x sqlx.",
    ),
    (
        "end to end vs SeaORM",
        "SeaORM runs on the same sqlx pool. In the runs so far the misses are one-row cases, \
         where the three sqlx-based sides are within a few percent of each other and of their \
         spreads (the time is the server round trip, or sqlx's worker hand-off); by \
         instructions on SQLite strata is below SeaORM on every case (the last table of the \
         end-to-end section).",
    ),
    (
        "PostgreSQL prefetch vs the hand-written two queries",
        "Measured alone on an earlier commit (efff171; criterion, 3 s), prefetch/1 was 1.03x, /100 1.14x and /1000 1.07x; in \
         the quick report run the spreads are wider than the target's 5%. strata's second \
         query is the same `= ANY($1)` statement; what is left is decoding the children and \
         grouping them by key, not profiled on PostgreSQL (as at 10,000 rows above). On \
         SQLite, where it is counted, strata's prefetch is below the hand-written sqlx \
         version (prefetch/1 72,369 instructions against 76,870).",
    ),
    (
        "SQLite at 1 row vs rusqlite",
        "rusqlite steps a cached statement on the caller's thread (6,094 instructions for \
         `trivial/1`). strata keeps sqlx as its connection layer, and sqlx owns the connection \
         on a worker thread: the profile of strata's `trivial/1` (27,665): taking a connection \
         from sqlx's pool 4,400 and giving it back 2,100; locking the handle (a message to the \
         worker thread, which wakes, and the runtime parked until it answers) about 9,000 over \
         both threads; SQLite's own step 4,200; strata's read, decode and statement about \
         2,500. Reads now step sqlx's own cached statement, so no statement is prepared per \
         read. Within 3x of rusqlite (18,000) would need the pool and the hand-off gone, which \
         means a connection strata owns itself rather than sqlx's.",
    ),
    (
        "makemigrations grows linearly",
        "Instructions grow linearly (10.2x from 1,000 to 10,000 models), and so do page \
         faults; wall time grows faster because the 10,000-model run's working set (157 MiB \
         peak) no longer fits in the CPU caches, while the 1,000-model one (13 MiB) mostly \
         does. Per phase, wall time grows 13.8x (state), 23.5x (autodetect), 18.7x (render) \
         and 15.6x (TOML text). The autodetector clones each model into its operation and \
         into the state it applies to; sharing the names and field lists (`Arc<str>` in the \
         model and field states) would cut that traffic, and is not done.",
    ),
];

/// Writes the section, if any target with an explanation was missed.
pub fn section(targets: &[Target], md: &mut String) {
    let missed: Vec<(&str, &str)> = GAPS
        .iter()
        .copied()
        .filter(|(name, _)| {
            targets
                .iter()
                .any(|t| t.name == *name && t.pass == Some(false))
        })
        .collect();
    if missed.is_empty() {
        return;
    }
    md.push_str(
        "## Where the misses come from\n\n\
         For each target missed above, what a callgrind profile of the same strata code shows \
         the cost is made of (instructions per call: a run of N calls minus a run of none under \
         `valgrind --tool=callgrind`, split by function), and what is left.\n\n",
    );
    for (name, text) in missed {
        let _ = writeln!(md, "- **{name}.** {text}\n");
    }
}
