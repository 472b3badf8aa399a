//! The destructive-change lint's data-dependent half: what an operation
//! needs of the rows already in its table, and the query that tells.
//!
//! Some operations cannot lose data but fail on data that breaks the new
//! rule: a column made NOT NULL while rows hold NULL (and no value fills
//! them), a unique index or constraint over duplicates, a `varchar`
//! narrowed below its longest value. PostgreSQL and SQLite would roll the
//! migration back; MySQL/MariaDB would stop half-way, with the statements
//! before it committed (and, outside strict mode, may truncate instead of
//! failing). `migrate` runs these checks on the live data right before the
//! migration's step and refuses with what it found, before any statement
//! of the migration runs.

use super::Operation;
use crate::state::{ConstraintKind, ProjectState};
use strata::{ColumnType, Dialect};

/// One condition the existing rows must meet for an operation to succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataCheck {
    /// The table the rows are in.
    pub table: String,
    /// The columns concerned.
    pub columns: Vec<String>,
    /// What must hold.
    pub kind: DataCheckKind,
}

/// What a [`DataCheck`] looks for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DataCheckKind {
    /// No NULL in the column (it becomes NOT NULL with nothing to fill).
    NoNulls,
    /// No two rows with the same values (a unique index or constraint).
    NoDuplicates,
    /// No value longer than this many characters (a narrowed `varchar`).
    MaxLength(u32),
    /// No rows at all: a NOT NULL column without any default is added
    /// (`columns` names it; it does not exist yet). PostgreSQL and SQLite
    /// refuse it on a table with rows; MySQL/MariaDB would silently fill
    /// it with an implicit `0` or `''`.
    NoRows,
}

impl DataCheck {
    /// `post.slug`, or `post.(a, b)`.
    fn target(&self) -> String {
        match self.columns.as_slice() {
            [one] => format!("column `{}.{one}`", self.table),
            many => format!("columns `{}.({})`", self.table, many.join(", ")),
        }
    }

    /// What the check makes sure of, for `makemigrations` and
    /// `migrate --plan`: `no duplicates in post.slug`.
    pub fn describe(&self) -> String {
        let target = match self.columns.as_slice() {
            [one] => format!("{}.{one}", self.table),
            many => format!("{}.({})", self.table, many.join(", ")),
        };
        match &self.kind {
            DataCheckKind::NoNulls => format!("no NULLs in {target}"),
            DataCheckKind::NoDuplicates => format!("no duplicates in {target}"),
            DataCheckKind::MaxLength(n) => {
                format!("no value of {target} longer than {n} characters")
            }
            DataCheckKind::NoRows => format!("no rows in {} (for {target})", self.table),
        }
    }

    /// The query counting the offending values on `dialect`: one row, one
    /// integer.
    pub fn sql(&self, dialect: Dialect) -> String {
        let q = |name: &str| dialect.quote_identifier(name);
        let table = q(&self.table);
        let first = q(&self.columns[0]);
        match &self.kind {
            DataCheckKind::NoNulls => {
                format!("SELECT COUNT(*) FROM {table} WHERE {first} IS NULL")
            }
            DataCheckKind::NoDuplicates => {
                let columns: Vec<String> = self.columns.iter().map(|c| q(c)).collect();
                let not_null: Vec<String> =
                    columns.iter().map(|c| format!("{c} IS NOT NULL")).collect();
                // NULLs never collide in a unique index on any of the three.
                format!(
                    "SELECT COUNT(*) FROM (SELECT 1 AS {one} FROM {table} WHERE {} GROUP BY {} \
                     HAVING COUNT(*) > 1) {dup}",
                    not_null.join(" AND "),
                    columns.join(", "),
                    one = q("one"),
                    dup = q("duplicates"),
                )
            }
            DataCheckKind::MaxLength(n) => {
                // Characters, not bytes: MySQL's LENGTH counts bytes.
                let length = match dialect {
                    Dialect::Sqlite => "LENGTH",
                    Dialect::Postgres | Dialect::MySql => "CHAR_LENGTH",
                };
                format!("SELECT COUNT(*) FROM {table} WHERE {length}({first}) > {n}")
            }
            DataCheckKind::NoRows => format!("SELECT COUNT(*) FROM {table}"),
        }
    }

    /// The refusal when the query found `found` offending values.
    pub fn failure(&self, found: i64) -> String {
        let target = self.target();
        match &self.kind {
            DataCheckKind::NoNulls => format!(
                "{target} has {found} NULL value{}; making it NOT NULL would fail (fill them \
                 first, or give the AlterField a `one_off_default`)",
                plural(found)
            ),
            DataCheckKind::NoDuplicates => format!(
                "{target} has {found} duplicate value{}; the unique index would fail",
                plural(found)
            ),
            DataCheckKind::MaxLength(n) => format!(
                "{target} has {found} value{} longer than {n} characters; narrowing it to \
                 varchar({n}) would fail or cut them",
                plural(found)
            ),
            DataCheckKind::NoRows => format!(
                "table `{}` has {found} row{}; adding the NOT NULL {target} without a default \
                 would fail (or, on MySQL/MariaDB, fill it with 0 or '') (give the field a \
                 default, or the AddField a `one_off_default`)",
                self.table,
                plural(found)
            ),
        }
    }
}

fn plural(n: i64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

impl Operation {
    /// What the existing rows must satisfy for the operation to succeed
    /// (see [`DataCheck`]); `from` is the state before it. Empty for
    /// operations that do not depend on the data, and for tables and
    /// columns that do not exist in `from`.
    pub fn data_checks(&self, from: &ProjectState) -> Vec<DataCheck> {
        let mut out = Vec::new();
        match self {
            Operation::AlterField(op) => {
                let Some(model) = from.model(&op.model) else {
                    return out;
                };
                let Some(old) = model.get_field(&op.field.column) else {
                    return out;
                };
                let new = &op.field;
                let check = |kind| DataCheck {
                    table: model.table.clone(),
                    columns: vec![new.column.clone()],
                    kind,
                };
                // What `alter_sql` fills NULLs with, if anything.
                let filled = op.one_off_default.is_some() || new.default.is_some();
                if old.null && !new.null && !filled {
                    out.push(check(DataCheckKind::NoNulls));
                }
                if !old.unique && new.unique {
                    out.push(check(DataCheckKind::NoDuplicates));
                }
                if let ColumnType::Varchar(n) = new.ty {
                    let wider = match old.ty {
                        ColumnType::Varchar(m) => m > n,
                        ColumnType::Text => true,
                        _ => false,
                    };
                    if wider {
                        out.push(check(DataCheckKind::MaxLength(n)));
                    }
                }
            }
            Operation::AddField(op) => {
                let field = &op.field;
                let unfilled = !field.null
                    && field.default.is_none()
                    && op.one_off_default.is_none()
                    && !field.auto_increment;
                if let (true, Some(model)) = (unfilled, from.model(&op.model)) {
                    out.push(DataCheck {
                        table: model.table.clone(),
                        columns: vec![field.column.clone()],
                        kind: DataCheckKind::NoRows,
                    });
                }
            }
            Operation::AddIndex(op) if op.index.unique => {
                push_unique(&mut out, from, &op.model, &op.index.columns);
            }
            Operation::AddConstraint(op) => {
                if let ConstraintKind::Unique(columns) = &op.constraint.kind {
                    push_unique(&mut out, from, &op.model, columns);
                }
            }
            _ => {}
        }
        out
    }
}

fn push_unique(out: &mut Vec<DataCheck>, from: &ProjectState, model: &str, columns: &[String]) {
    let Some(model) = from.model(model) else {
        return;
    };
    if columns.is_empty() || columns.iter().any(|c| model.get_field(c).is_none()) {
        return;
    }
    out.push(DataCheck {
        table: model.table.clone(),
        columns: columns.to_vec(),
        kind: DataCheckKind::NoDuplicates,
    });
}
