//! Drift: how a live database differs from the schema its applied
//! migrations describe, as a list of [`Difference`]s that each print as
//! one plain sentence.
//!
//! Both sides are [`Schema`]s, so drift sees exactly what introspection
//! normalizes (see [`super::introspect`]): a type spelled another way by
//! the database is not drift, a changed `max_length` is.
//!
//! ```
//! use strata::meta::OnDelete;
//! use strata::{ColumnType, Dialect};
//! use strata_migrate::drift::{compare, Difference};
//! use strata_migrate::introspect::Schema;
//! use strata_migrate::{ModelState, ProjectState};
//!
//! let applied = ProjectState::new().with(ModelState::new("Tag").pk("id").field("name", ColumnType::Varchar(50)));
//! let expected = Schema::expected(&applied, Dialect::Postgres)?;
//! let mut live = expected.clone();
//! live.tables.get_mut("tag").unwrap().columns.get_mut("name").unwrap().nullable = true;
//! let differences = compare(&expected, &live);
//! assert_eq!(
//!     differences.iter().map(ToString::to_string).collect::<Vec<_>>(),
//!     ["column `tag.name` allows NULL in the database; the migrations say NOT NULL"]
//! );
//! # Ok::<(), strata_migrate::Error>(())
//! ```

use super::introspect::{ForeignKey, Index, Schema, Table};
use std::fmt;

/// One way the database differs from what its migrations say.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Difference {
    /// A table the migrations create is not in the database.
    MissingTable {
        /// The table.
        table: String,
    },
    /// The database has a table no migration creates.
    ExtraTable {
        /// The table.
        table: String,
    },
    /// A column the migrations add is not in the database.
    MissingColumn {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// The database has a column no migration adds.
    ExtraColumn {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// A column's type differs.
    ColumnType {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The type the migrations give it (normalized).
        expected: String,
        /// The type the database has (normalized).
        found: String,
    },
    /// A column allows NULL where the migrations say NOT NULL, or the
    /// other way round.
    Nullability {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// Whether the migrations allow NULL.
        expected: bool,
    },
    /// A column's default differs (or one side has none).
    Default {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The migrations' default literal.
        expected: Option<String>,
        /// The database's default literal.
        found: Option<String>,
    },
    /// The primary key's columns differ.
    PrimaryKey {
        /// The table.
        table: String,
        /// The migrations' key columns.
        expected: Vec<String>,
        /// The database's key columns.
        found: Vec<String>,
    },
    /// An index or unique constraint of the migrations is not in the
    /// database.
    MissingIndex {
        /// The table.
        table: String,
        /// The index name.
        name: String,
        /// Its columns and uniqueness.
        index: Index,
    },
    /// The database has an index or unique constraint no migration makes.
    ExtraIndex {
        /// The table.
        table: String,
        /// The index name.
        name: String,
        /// Its columns and uniqueness.
        index: Index,
    },
    /// An index of that name exists, on other columns or with another
    /// uniqueness.
    IndexChanged {
        /// The table.
        table: String,
        /// The index name.
        name: String,
        /// What the migrations make.
        expected: Index,
        /// What the database has.
        found: Index,
    },
    /// A foreign key of the migrations is not in the database.
    MissingForeignKey {
        /// The table.
        table: String,
        /// The referencing column.
        column: String,
        /// What it should reference.
        expected: ForeignKey,
    },
    /// The database has a foreign key no migration makes.
    ExtraForeignKey {
        /// The table.
        table: String,
        /// The referencing column.
        column: String,
        /// What it references.
        found: ForeignKey,
    },
    /// A foreign key references another table or column, or has another
    /// `ON DELETE` action.
    ForeignKeyChanged {
        /// The table.
        table: String,
        /// The referencing column.
        column: String,
        /// What the migrations make.
        expected: ForeignKey,
        /// What the database has.
        found: ForeignKey,
    },
    /// An applied migration the schema cannot be replayed through as
    /// recorded (it failed part-way, or its file is gone).
    Migration {
        /// The migration's name.
        name: String,
        /// What is wrong with it, in words.
        problem: String,
    },
}

fn columns_list(index: &Index) -> String {
    index.columns.join(", ")
}

fn index_kind(index: &Index) -> &'static str {
    if index.unique {
        "unique index"
    } else {
        "index"
    }
}

fn with_article(index: &Index) -> &'static str {
    if index.unique {
        "a unique index"
    } else {
        "an index"
    }
}

fn reference(fk: &ForeignKey) -> String {
    format!("`{}.{}` ON DELETE {}", fk.table, fk.column, fk.on_delete)
}

fn default_text(default: &Option<String>) -> String {
    match default {
        Some(value) => format!("default `{value}`"),
        None => "no default".to_string(),
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Difference::*;
        match self {
            MissingTable { table } => write!(f, "table `{table}` is missing from the database"),
            ExtraTable { table } => write!(
                f,
                "table `{table}` is in the database but no applied migration creates it"
            ),
            MissingColumn { table, column } => {
                write!(f, "column `{table}.{column}` is missing from the database")
            }
            ExtraColumn { table, column } => write!(
                f,
                "column `{table}.{column}` is in the database but no applied migration adds it"
            ),
            ColumnType {
                table,
                column,
                expected,
                found,
            } => write!(
                f,
                "column `{table}.{column}` has type `{found}` in the database; the migrations say `{expected}`"
            ),
            Nullability {
                table,
                column,
                expected,
            } => {
                let (found, said) = if *expected {
                    ("is NOT NULL", "allow NULL")
                } else {
                    ("allows NULL", "say NOT NULL")
                };
                write!(
                    f,
                    "column `{table}.{column}` {found} in the database; the migrations {said}"
                )
            }
            Default {
                table,
                column,
                expected,
                found,
            } => write!(
                f,
                "column `{table}.{column}` has {} in the database; the migrations say {}",
                default_text(found),
                default_text(expected)
            ),
            PrimaryKey {
                table,
                expected,
                found,
            } => write!(
                f,
                "the primary key of `{table}` is ({}) in the database; the migrations say ({})",
                found.join(", "),
                expected.join(", ")
            ),
            MissingIndex { table, name, index } => write!(
                f,
                "{} `{name}` on `{table}` ({}) is missing from the database",
                index_kind(index),
                columns_list(index)
            ),
            ExtraIndex { table, name, index } => write!(
                f,
                "{} `{name}` on `{table}` ({}) is in the database but no applied migration makes it",
                index_kind(index),
                columns_list(index)
            ),
            IndexChanged {
                table,
                name,
                expected,
                found,
            } => write!(
                f,
                "index `{name}` on `{table}` is {} on ({}) in the database; the migrations say {} on ({})",
                with_article(found),
                columns_list(found),
                with_article(expected),
                columns_list(expected)
            ),
            MissingForeignKey {
                table,
                column,
                expected,
            } => write!(
                f,
                "foreign key `{table}.{column}` -> {} is missing from the database",
                reference(expected)
            ),
            ExtraForeignKey {
                table,
                column,
                found,
            } => write!(
                f,
                "foreign key `{table}.{column}` -> {} is in the database but no applied migration makes it",
                reference(found)
            ),
            ForeignKeyChanged {
                table,
                column,
                expected,
                found,
            } => write!(
                f,
                "foreign key `{table}.{column}` references {} in the database; the migrations say {}",
                reference(found),
                reference(expected)
            ),
            Migration { name, problem } => write!(f, "migration `{name}` {problem}"),
        }
    }
}

/// Every difference between `expected` (what the migrations say) and
/// `live` (what the database has), table by table in name order.
pub fn compare(expected: &Schema, live: &Schema) -> Vec<Difference> {
    let mut out = Vec::new();
    for (name, want) in &expected.tables {
        match live.tables.get(name) {
            Some(have) => compare_table(name, want, have, &mut out),
            None => out.push(Difference::MissingTable {
                table: name.clone(),
            }),
        }
    }
    for name in live.tables.keys() {
        if !expected.tables.contains_key(name) {
            out.push(Difference::ExtraTable {
                table: name.clone(),
            });
        }
    }
    out
}

fn compare_table(table: &str, want: &Table, have: &Table, out: &mut Vec<Difference>) {
    let t = || table.to_string();
    for (column, w) in &want.columns {
        let Some(h) = have.columns.get(column) else {
            out.push(Difference::MissingColumn {
                table: t(),
                column: column.clone(),
            });
            continue;
        };
        if w.ty != h.ty {
            out.push(Difference::ColumnType {
                table: t(),
                column: column.clone(),
                expected: w.ty.clone(),
                found: h.ty.clone(),
            });
        }
        if w.nullable != h.nullable {
            out.push(Difference::Nullability {
                table: t(),
                column: column.clone(),
                expected: w.nullable,
            });
        }
        if w.default != h.default {
            out.push(Difference::Default {
                table: t(),
                column: column.clone(),
                expected: w.default.clone(),
                found: h.default.clone(),
            });
        }
    }
    for column in have.columns.keys() {
        if !want.columns.contains_key(column) {
            out.push(Difference::ExtraColumn {
                table: t(),
                column: column.clone(),
            });
        }
    }
    if want.primary_key != have.primary_key {
        out.push(Difference::PrimaryKey {
            table: t(),
            expected: want.primary_key.clone(),
            found: have.primary_key.clone(),
        });
    }
    for (name, w) in &want.indexes {
        match have.indexes.get(name) {
            Some(h) if h == w => {}
            Some(h) => out.push(Difference::IndexChanged {
                table: t(),
                name: name.clone(),
                expected: w.clone(),
                found: h.clone(),
            }),
            None => out.push(Difference::MissingIndex {
                table: t(),
                name: name.clone(),
                index: w.clone(),
            }),
        }
    }
    for (name, h) in &have.indexes {
        if !want.indexes.contains_key(name) {
            out.push(Difference::ExtraIndex {
                table: t(),
                name: name.clone(),
                index: h.clone(),
            });
        }
    }
    for (column, w) in &want.foreign_keys {
        match have.foreign_keys.get(column) {
            Some(h) if h == w => {}
            Some(h) => out.push(Difference::ForeignKeyChanged {
                table: t(),
                column: column.clone(),
                expected: w.clone(),
                found: h.clone(),
            }),
            None => out.push(Difference::MissingForeignKey {
                table: t(),
                column: column.clone(),
                expected: w.clone(),
            }),
        }
    }
    for (column, h) in &have.foreign_keys {
        if !want.foreign_keys.contains_key(column) {
            out.push(Difference::ExtraForeignKey {
                table: t(),
                column: column.clone(),
                found: h.clone(),
            });
        }
    }
}

/// The text `manage check` prints: a line saying the database matches,
/// or one line per difference.
pub fn render(applied: usize, differences: &[Difference]) -> String {
    let migrations = if applied == 1 {
        "1 applied migration".to_string()
    } else {
        format!("{applied} applied migrations")
    };
    if differences.is_empty() {
        return format!("No drift: the database matches its {migrations}.\n");
    }
    let mut text = format!(
        "The database differs from its {migrations} in {} way{}:\n",
        differences.len(),
        if differences.len() == 1 { "" } else { "s" }
    );
    for difference in differences {
        text.push_str("  - ");
        text.push_str(&difference.to_string());
        text.push('\n');
    }
    text
}
