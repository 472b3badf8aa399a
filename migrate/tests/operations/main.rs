//! Every operation's SQL: pinned per dialect by snapshots, and executed
//! forward then backward on every configured database (SQLite always;
//! PostgreSQL and MySQL/MariaDB when `STRATA_TEST_POSTGRES_URL` /
//! `STRATA_TEST_MYSQL_URL` are set), with rows in the tables that must
//! survive.

mod cases;
mod field_options;
mod fk_indexes;
mod rebuild;
mod run;
