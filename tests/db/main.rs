//! strata against real databases: SQLite always; PostgreSQL and
//! MySQL/MariaDB when `STRATA_TEST_POSTGRES_URL` / `STRATA_TEST_MYSQL_URL`
//! are set (see `strata_tests`). Every test runs on each of them with a
//! fresh database.

mod aggregates;
mod aggregates_decimal;
mod aggregates_into;
mod aggregates_string;
mod annotate;
mod annotate_more;
mod auto_now;
mod connect;
mod connection_settings;
mod dates;
mod day_one_lookups;
mod day_one_querysets;
mod default_ordering;
mod distinct_and_slices;
mod dynamic;
mod edge_values;
mod enum_fields;
mod executor;
mod expressions;
mod field_options_defaults;
mod field_options_unsigned;
mod hostile_strings;
mod instances;
mod json_shape;
mod less_ceremony;
mod long_fk_cycle;
mod long_in_lists;
mod multi_valued;
mod null_in_required_field;
mod pagination;
mod prefetch_copies;
mod querysets;
mod relations;
mod roundtrip;
mod row_locks;
mod sea_query_interop;
mod streaming;
mod subqueries;
mod transactions;
mod tree;
mod user_ordering;
mod values;
mod windows;
mod writes;
