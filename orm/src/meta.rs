//! Static model metadata, written by `#[derive(Model)]` at compile time.
//!
//! The migration engine reads these structures (through the
//! [`registry`](crate::registry)) to build the schema state of the code.

use crate::column_type::ColumnType;
use crate::dialect::Dialect;

/// Everything strata knows about a model.
#[derive(Debug)]
pub struct ModelMeta {
    /// The Rust struct's name, e.g. `"Post"`.
    pub name: &'static str,
    /// `module_path!()` of the struct, to tell models of the same name apart.
    pub module_path: &'static str,
    /// The table name (default: the struct name in snake_case).
    pub table: &'static str,
    /// Columns in declaration order.
    pub columns: &'static [ColumnMeta],
    /// Index into `columns` of the primary key.
    pub primary_key: usize,
    /// Indexes, single-column (`#[strata(index)]`) and composite.
    pub indexes: &'static [IndexMeta],
    /// Multi-column unique constraints.
    pub unique_constraints: &'static [UniqueMeta],
    /// Many-to-many relations declared on this model.
    pub many_to_many: &'static [ManyToManyMeta],
    /// The model's previous name, from `#[strata(renamed_from = "...")]`:
    /// tells `makemigrations` this is a rename, without asking.
    pub renamed_from: Option<&'static str>,
    /// The column list of a `SELECT`, quoted for each dialect, computed by
    /// the derive so a query does not re-quote it at run time.
    pub select_list: QuotedList,
    /// The default ordering, from `#[strata(ordering(created_at desc))]`
    /// (Django's `Meta.ordering`): used by a queryset that names none.
    pub ordering: &'static [OrderingMeta],
}

/// One term of a model's default ordering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderingMeta {
    /// Index into `ModelMeta::columns`.
    pub column: usize,
    pub descending: bool,
}

/// A string that differs between the two quoting styles.
#[derive(Debug, Clone, Copy)]
pub struct QuotedList {
    /// Quoted with `"` (PostgreSQL, SQLite).
    pub ansi: &'static str,
    /// Quoted with `` ` `` (MySQL/MariaDB).
    pub mysql: &'static str,
}

impl QuotedList {
    /// The list quoted for `dialect`.
    pub fn get(&self, dialect: Dialect) -> &'static str {
        match dialect {
            Dialect::MySql => self.mysql,
            Dialect::Postgres | Dialect::Sqlite => self.ansi,
        }
    }
}

/// One column of a model.
#[derive(Debug)]
pub struct ColumnMeta {
    /// The Rust field name.
    pub field: &'static str,
    /// The column name.
    pub column: &'static str,
    /// The dialect-neutral type.
    pub ty: ColumnType,
    /// Whether `NULL` is allowed (the field is an `Option`).
    pub nullable: bool,
    /// Whether this column is the primary key.
    pub primary_key: bool,
    /// Whether the database generates the value (an integer `id`).
    pub auto_increment: bool,
    /// A single-column unique constraint.
    pub unique: bool,
    /// A single-column index (its name is in `ModelMeta::indexes`).
    pub index: bool,
    /// The database default, from `#[strata(default = ...)]` or
    /// `#[strata(db_default = ...)]`.
    pub default: Option<DefaultValue>,
    /// `#[strata(db_default = ...)]`: the database fills this column when a
    /// row is inserted. `insert` and `bulk_create` leave it out of the
    /// `INSERT` and read the value the database chose back into the object.
    pub db_default: bool,
    /// Set when this column is a `ForeignKey<T>` / `OneToOne<T>`.
    pub foreign_key: Option<ForeignKeyMeta>,
    /// The column's previous name, from `#[strata(renamed_from = "...")]`:
    /// tells `makemigrations` this is a rename, without asking.
    pub renamed_from: Option<&'static str>,
    /// Whether strata writes the current time here itself
    /// (`#[strata(auto_now)]` / `#[strata(auto_now_add)]`).
    pub auto_now: AutoNow,
    /// The values an enum column may hold (`#[derive(FieldType)]` enums),
    /// checked by a `CHECK` constraint.
    pub choices: Option<crate::types::Choices>,
}

/// When strata stamps a date or time column with the current time.
///
/// Nothing in the schema changes: the time is computed by strata (in
/// UTC, to the microsecond every database keeps) and bound like any
/// other value, so the object and the row hold the same value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AutoNow {
    /// An ordinary column.
    Never,
    /// `auto_now_add`: set by `insert` and `bulk_create`.
    OnInsert,
    /// `auto_now`: set by `insert`, `bulk_create`, `save` and queryset
    /// `update` (unless the update assigns it).
    Always,
}

/// The target and behaviour of a foreign-key column.
#[derive(Debug)]
pub struct ForeignKeyMeta {
    /// The referenced model (a function, so models may refer to each other
    /// in cycles).
    pub target: fn() -> &'static ModelMeta,
    /// What deleting the referenced row does.
    pub on_delete: OnDelete,
    /// The name of the reverse accessor on the target (`posts`).
    pub related_name: &'static str,
    /// `OneToOne`: the column is also unique.
    pub one_to_one: bool,
}

/// What deleting a referenced row does to the rows that refer to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OnDelete {
    Cascade,
    SetNull,
    SetDefault,
    /// The database refuses the delete.
    Restrict,
    /// strata refuses the delete, naming the rows that protect it.
    Protect,
    DoNothing,
}

impl OnDelete {
    /// The lowercase name used in attributes and migration files.
    pub fn name(self) -> &'static str {
        match self {
            OnDelete::Cascade => "cascade",
            OnDelete::SetNull => "set_null",
            OnDelete::SetDefault => "set_default",
            OnDelete::Restrict => "restrict",
            OnDelete::Protect => "protect",
            OnDelete::DoNothing => "do_nothing",
        }
    }

    /// The `OnDelete` named `name`.
    pub fn from_name(name: &str) -> Option<OnDelete> {
        [
            OnDelete::Cascade,
            OnDelete::SetNull,
            OnDelete::SetDefault,
            OnDelete::Restrict,
            OnDelete::Protect,
            OnDelete::DoNothing,
        ]
        .into_iter()
        .find(|o| o.name() == name)
    }
}

/// A many-to-many relation and its join table.
#[derive(Debug)]
pub struct ManyToManyMeta {
    /// The Rust field name on the declaring model.
    pub field: &'static str,
    /// The related model.
    pub target: fn() -> &'static ModelMeta,
    /// The automatic join table (`<table>_<field>`); empty when the
    /// relation goes `through` a model, whose table is the join table (see
    /// [`ManyToManyMeta::table`]).
    pub join_table: &'static str,
    /// The join table's column pointing at the declaring model.
    pub source_column: &'static str,
    /// The join table's column pointing at the related model.
    pub target_column: &'static str,
    /// The explicit `through` model, if any; without one the join table is
    /// managed by strata (two FK columns with `ON DELETE CASCADE` and a
    /// unique pair).
    pub through: Option<fn() -> &'static ModelMeta>,
    /// The reverse accessor on the target.
    pub related_name: &'static str,
}

/// A column default: a literal, or the current time.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum DefaultValue {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'static str),
    /// The time of the insert, in UTC (`db_default = now`), as each
    /// database computes it for the column's type (see
    /// [`Dialect::value_sql`](crate::Dialect::value_sql)).
    Now,
}

impl DefaultValue {
    /// A borrowed view, as the dialects' DDL writers take it.
    pub fn as_literal(&self) -> Literal<'static> {
        match *self {
            DefaultValue::Bool(b) => Literal::Bool(b),
            DefaultValue::Int(i) => Literal::Int(i),
            DefaultValue::Float(f) => Literal::Float(f),
            DefaultValue::Str(s) => Literal::Str(s),
            DefaultValue::Now => Literal::Now,
        }
    }
}

/// A literal written into DDL (defaults), where binds are not allowed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Literal<'a> {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
    /// The current time (UTC) for a date or time column: an expression,
    /// not a constant, written per dialect and column type.
    Now,
}

/// An index on one or more columns.
#[derive(Debug)]
pub struct IndexMeta {
    pub name: &'static str,
    /// Column names, in index order.
    pub columns: &'static [&'static str],
    pub unique: bool,
}

/// A unique constraint on several columns.
#[derive(Debug)]
pub struct UniqueMeta {
    pub name: &'static str,
    pub columns: &'static [&'static str],
}

impl ModelMeta {
    /// The primary-key column.
    pub fn pk(&self) -> &'static ColumnMeta {
        &self.columns[self.primary_key]
    }

    /// A column by its Rust field name.
    pub fn column_by_field(&self, field: &str) -> Option<&'static ColumnMeta> {
        self.columns.iter().find(|c| c.field == field)
    }

    /// The columns an `INSERT` writes: all but a generated key and the
    /// columns the database fills (`db_default`).
    pub fn insert_columns(&self) -> impl Iterator<Item = &'static ColumnMeta> {
        self.columns
            .iter()
            .filter(|c| !c.auto_increment && !c.db_default)
    }

    /// The columns the database fills on insert (`db_default`), which
    /// `insert` reads back.
    pub fn db_default_columns(&self) -> impl Iterator<Item = &'static ColumnMeta> {
        self.columns.iter().filter(|c| c.db_default)
    }
}

/// Whether `meta` has a column named `column`; usable in constants, so the
/// derive can check a `through` model at compile time.
#[doc(hidden)]
pub const fn has_column(meta: &ModelMeta, column: &str) -> bool {
    let mut i = 0;
    while i < meta.columns.len() {
        let name = meta.columns[i].column.as_bytes();
        let wanted = column.as_bytes();
        if name.len() == wanted.len() {
            let mut j = 0;
            while j < name.len() && name[j] == wanted[j] {
                j += 1;
            }
            if j == name.len() {
                return true;
            }
        }
        i += 1;
    }
    false
}

impl ManyToManyMeta {
    /// The join table: the automatic one, or the `through` model's table.
    pub fn table(&self) -> &'static str {
        match self.through {
            Some(through) => through().table,
            None => self.join_table,
        }
    }
}
