//! The executor on real databases: SQLite always (a file per test, so other
//! pools and processes can open it); PostgreSQL and MySQL/MariaDB when
//! `STRATA_TEST_POSTGRES_URL` / `STRATA_TEST_MYSQL_URL` are set (each test
//! in its own schema or database).

mod cli;
mod cli_extras;
mod collation;
mod concurrency;
mod data;
mod data_migrations;
mod drift;
mod drift_field_options;
mod edited;
mod embedded;
mod failure;
mod fixtures;
mod lifecycle;
mod lint;
mod pictures;
mod plan_fake;
mod schema;
mod squash;
mod support;
