//! strata against real databases: SQLite always; PostgreSQL and
//! MySQL/MariaDB when `STRATA_TEST_POSTGRES_URL` / `STRATA_TEST_MYSQL_URL`
//! are set (see `strata_tests`). Every test runs on each of them with a
//! fresh database.

mod aggregates;
mod auto_now;
mod connect;
mod connection_settings;
mod dates;
mod default_ordering;
mod distinct_and_slices;
mod dynamic;
mod edge_values;
mod enum_fields;
mod executor;
mod expressions;
mod hostile_strings;
mod instances;
mod less_ceremony;
mod long_in_lists;
mod multi_valued;
mod querysets;
mod relations;
mod roundtrip;
mod row_locks;
mod transactions;
mod tree;
mod writes;
