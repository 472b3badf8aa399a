//! The recorder: the `strata_migrations` table, which says what has been
//! applied to a database.
//!
//! One row per migration that is applied, being applied, or failed part-way:
//!
//! | column             | meaning                                               |
//! |--------------------|-------------------------------------------------------|
//! | `name`             | the migration (`0002_add_post_tags`), primary key     |
//! | `checksum`         | [`checksum`] of the SQL that was applied              |
//! | `status`           | `applied`, `applying`, `unapplying`, `apply_failed`, `unapply_failed` |
//! | `applied_at`       | when the row was last written (UTC)                   |
//! | `duration_ms`      | how long applying took                                |
//! | `failed_statement` | the statement that failed, for a failed status        |
//! | `error`            | the database's message, for a failed status           |
//!
//! Unapplying a migration deletes its row. The table is created on first
//! use by `migrate`; reading it (`--plan`, `showmigrations`) never creates
//! it.

use crate::files::migration::Migration;
use crate::inspect::session::{get, Session};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use strata::{ColumnType, Dialect, SqlWriter, Statement, Value};

/// The recorder table's name.
pub const TABLE: &str = crate::state::naming::RECORDER_TABLE;

/// Where a recorded migration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Fully applied.
    Applied,
    /// A run was applying it outside a transaction and has not finished:
    /// it is still running, or it was interrupted.
    Applying,
    /// Like `Applying`, while unapplying.
    Unapplying,
    /// Applying failed part-way; the statements before the failed one stay
    /// applied.
    ApplyFailed,
    /// Unapplying failed part-way.
    UnapplyFailed,
}

impl Status {
    /// The text stored in the table.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Applied => "applied",
            Status::Applying => "applying",
            Status::Unapplying => "unapplying",
            Status::ApplyFailed => "apply_failed",
            Status::UnapplyFailed => "unapply_failed",
        }
    }

    fn parse(text: &str) -> Option<Status> {
        Some(match text {
            "applied" => Status::Applied,
            "applying" => Status::Applying,
            "unapplying" => Status::Unapplying,
            "apply_failed" => Status::ApplyFailed,
            "unapply_failed" => Status::UnapplyFailed,
            _ => return None,
        })
    }

    /// What went wrong, in words, for a status other than `Applied`.
    pub fn describe(self) -> &'static str {
        match self {
            Status::Applied => "was applied",
            Status::Applying => "was interrupted while applying",
            Status::Unapplying => "was interrupted while unapplying",
            Status::ApplyFailed => "failed while applying",
            Status::UnapplyFailed => "failed while unapplying",
        }
    }
}

/// One row of the recorder table.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The migration.
    pub name: String,
    /// The checksum of its SQL when it was recorded.
    pub checksum: String,
    /// Where it stands.
    pub status: Status,
    /// When the row was written.
    pub applied_at: DateTime<Utc>,
    /// How long applying took, in milliseconds.
    pub duration_ms: i64,
    /// The statement that failed.
    pub failed_statement: Option<String>,
    /// The database's message for the failure.
    pub error: Option<String>,
}

/// The checksum of what applying `migration` runs on `dialect`: the
/// SHA-256, in hex, of its forward statements each followed by `;\n`
/// (exactly the text `sqlmigrate` prints). Editing the backward SQL or
/// another dialect's SQL does not change it.
pub fn checksum(migration: &Migration, dialect: Dialect) -> String {
    let mut hasher = Sha256::new();
    let script = migration.sql.get(dialect);
    for statement in &script.forward {
        hasher.update(statement.as_bytes());
        hasher.update(b";\n");
    }
    if let Some(error) = &script.forward_error {
        hasher.update(b"-- error: ");
        hasher.update(error.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The `CREATE TABLE` of the recorder.
pub fn create_table_sql(dialect: Dialect) -> String {
    let q = |name: &str| dialect.quote_identifier(name);
    let text = dialect.column_type_sql(&ColumnType::Text);
    format!(
        "CREATE TABLE IF NOT EXISTS {} (\n    \
         {} VARCHAR(255) NOT NULL PRIMARY KEY,\n    \
         {} VARCHAR(64) NOT NULL,\n    \
         {} VARCHAR(16) NOT NULL,\n    \
         {} {} NOT NULL,\n    \
         {} BIGINT NOT NULL,\n    \
         {} {text},\n    \
         {} {text}\n){}",
        q(TABLE),
        q("name"),
        q("checksum"),
        q("status"),
        q("applied_at"),
        dialect.column_type_sql(&ColumnType::DateTimeUtc),
        q("duration_ms"),
        q("failed_statement"),
        q("error"),
        dialect.table_options_sql()
    )
}

/// Creates the recorder table if it does not exist.
pub(crate) async fn ensure_table(session: &mut Session<'_, '_>) -> strata::Result<()> {
    let sql = create_table_sql(session.dialect());
    session.execute_raw(&sql).await.map(|_| ())
}

/// Whether the recorder table exists, without creating it.
pub(crate) async fn table_exists(session: &mut Session<'_, '_>) -> strata::Result<bool> {
    Ok(crate::inspect::live::table_names(session)
        .await?
        .iter()
        .any(|t| t == TABLE))
}

/// Every row of the recorder, by name; none when the table does not exist.
pub(crate) async fn read(
    session: &mut Session<'_, '_>,
) -> strata::Result<BTreeMap<String, Record>> {
    if !table_exists(session).await? {
        return Ok(BTreeMap::new());
    }
    let dialect = session.dialect();
    let q = |name: &str| dialect.quote_identifier(name);
    let sql = format!(
        "SELECT {}, {}, {}, {}, {}, {}, {} FROM {}",
        q("name"),
        q("checksum"),
        q("status"),
        q("applied_at"),
        q("duration_ms"),
        q("failed_statement"),
        q("error"),
        q(TABLE)
    );
    let rows = session
        .fetch_raw(&sql, |row| {
            let status: String = get(row, 2, "status")?;
            Ok(Record {
                name: get(row, 0, "name")?,
                checksum: get(row, 1, "checksum")?,
                // An unknown status (a newer strata) is treated as a failure,
                // which stops the run instead of guessing.
                status: Status::parse(&status).unwrap_or(Status::ApplyFailed),
                applied_at: get(row, 3, "applied_at")?,
                duration_ms: get(row, 4, "duration_ms")?,
                failed_statement: get(row, 5, "failed_statement")?,
                error: get(row, 6, "error")?,
            })
        })
        .await?;
    Ok(rows.into_iter().map(|r| (r.name.clone(), r)).collect())
}

/// Writes `record`, replacing any row of the same name.
pub(crate) async fn write(session: &mut Session<'_, '_>, record: &Record) -> strata::Result<()> {
    delete(session, &record.name).await?;
    let dialect = session.dialect();
    let mut w = SqlWriter::new(dialect);
    w.push_sql("INSERT INTO ");
    w.push_identifier(TABLE);
    w.push_sql(" (");
    let columns = [
        "name",
        "checksum",
        "status",
        "applied_at",
        "duration_ms",
        "failed_statement",
        "error",
    ];
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            w.push_sql(", ");
        }
        w.push_identifier(column);
    }
    w.push_sql(") VALUES (");
    let values = [
        Value::String(Some(record.name.clone())),
        Value::String(Some(record.checksum.clone())),
        Value::String(Some(record.status.as_str().to_string())),
        Value::DateTimeUtc(Some(record.applied_at)),
        Value::I64(Some(record.duration_ms)),
        Value::String(record.failed_statement.clone()),
        Value::String(record.error.clone()),
    ];
    for (i, value) in values.into_iter().enumerate() {
        if i > 0 {
            w.push_sql(", ");
        }
        w.push_bind(value);
    }
    w.push_sql(")");
    session.execute(w.finish()).await.map(|_| ())
}

/// Deletes the row of migration `name`, if any.
pub(crate) async fn delete(session: &mut Session<'_, '_>, name: &str) -> strata::Result<()> {
    let dialect = session.dialect();
    let mut w = SqlWriter::new(dialect);
    w.push_sql("DELETE FROM ");
    w.push_identifier(TABLE);
    w.push_sql(" WHERE ");
    w.push_identifier("name");
    w.push_sql(" = ");
    w.push_bind(Value::String(Some(name.to_string())));
    let stmt: Statement = w.finish();
    session.execute(stmt).await.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::migration::MigrationSql;

    #[test]
    fn the_checksum_covers_the_forward_sql_of_one_dialect() {
        let mut m = Migration {
            name: "0001_initial".into(),
            dependencies: Vec::new(),
            replaces: Vec::new(),
            operations: Vec::new(),
            sql: MigrationSql::default(),
        };
        m.sql.sqlite.forward = vec!["CREATE TABLE t (x INTEGER)".into()];
        let before = checksum(&m, Dialect::Sqlite);
        assert_eq!(before.len(), 64);
        m.sql.sqlite.backward = vec!["DROP TABLE t".into()];
        m.sql.postgres.forward = vec!["CREATE TABLE t (x BIGINT)".into()];
        assert_eq!(checksum(&m, Dialect::Sqlite), before);
        m.sql.sqlite.forward[0].push_str(" STRICT");
        assert_ne!(checksum(&m, Dialect::Sqlite), before);
    }

    #[test]
    fn statuses_round_trip() {
        for status in [
            Status::Applied,
            Status::Applying,
            Status::Unapplying,
            Status::ApplyFailed,
            Status::UnapplyFailed,
        ] {
            assert_eq!(Status::parse(status.as_str()), Some(status));
        }
    }
}
