//! Golden SQL: every queryset shape, terminal, instance operation and
//! table definition, pinned per dialect as insta snapshots. Each file under
//! `snapshots/` lists the PostgreSQL, MySQL and SQLite statement and binds.

mod aggregates;
mod aggregates_more;
mod annotate;
mod annotate_more;
mod dates;
mod day_one;
mod ddl;
mod dynamic;
mod expressions;
mod field_defaults;
mod field_options;
mod multi_valued;
mod operations;
mod pagination;
mod querysets;
mod relations;
mod remembered_statements;
mod row_locks;
mod sea_query;
mod statement_cache;
mod subqueries;
mod tree;
mod values;
mod writes;

use strata::{Dialect, Statement};

/// The statement for each dialect, one block per dialect.
pub fn per_dialect(build: impl Fn(Dialect) -> Statement) -> String {
    let mut out = String::new();
    for dialect in Dialect::ALL {
        out.push_str(&format!("-- {dialect}\n{}\n", build(dialect)));
    }
    out
}

/// Runs `body` with snapshots stored in `golden/snapshots/<name>.snap`.
pub fn with_snapshots(body: impl FnOnce()) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(body);
}
