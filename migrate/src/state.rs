//! The schema state of a project: every model's table, columns, relations,
//! indexes and constraints, as plain owned data that can be compared.
//!
//! The *new* state comes from the models linked into a binary
//! ([`ProjectState::from_registry`]); the *old* state is replayed from the
//! migration files ([`crate::loader`]). Neither ever comes from a database.
//!
//! Only what reaches the database is part of the state: a Rust field's name,
//! a reverse accessor's name or the order of the struct's fields are not, so
//! changing them produces no migration. Columns are identified by their
//! column name, models by their Rust name (which foreign keys refer to).
//!
//! Small states for tests and examples are written with the builder
//! methods:
//!
//! ```
//! use strata::meta::OnDelete;
//! use strata::ColumnType;
//! use strata_migrate::{FieldState, ModelState, ProjectState};
//!
//! let state = ProjectState::new()
//!     .with(ModelState::new("Author").pk("id").field("name", ColumnType::Varchar(100)))
//!     .with(
//!         ModelState::new("Post")
//!             .table("blog_post")
//!             .pk("id")
//!             .column(FieldState::new("title", ColumnType::Varchar(200)).unique())
//!             .fk("author_id", "Author", OnDelete::Cascade)
//!             .index("blog_post_title_idx", &["title"]),
//!     );
//! assert!(state.validate().is_ok());
//! assert_eq!(state.model("Post").unwrap().table, "blog_post");
//! ```

use crate::error::{Error, Result};
use crate::naming;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use strata::meta::{ColumnMeta, Literal, ModelMeta, OnDelete};
use strata::ColumnType;

/// The schema of every model of a project, keyed by model name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectState {
    /// Models by their Rust name.
    pub models: BTreeMap<String, ModelState>,
}

/// One model's table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelState {
    /// The Rust struct's name, which foreign keys refer to.
    pub name: String,
    /// The table name.
    pub table: String,
    /// Columns, in declaration order.
    pub fields: Vec<FieldState>,
    /// Indexes (single-column ones included).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<IndexState>,
    /// Multi-column unique constraints and check constraints.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<ConstraintState>,
    /// Many-to-many relations declared on this model.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub many_to_many: Vec<ManyToManyState>,
    /// The model's previous name: a hint that lets the autodetector rename
    /// without asking. Not part of the replayed state.
    #[serde(skip)]
    pub renamed_from: Option<String>,
}

/// One column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldState {
    /// The column name.
    pub column: String,
    /// The dialect-neutral type (`max_length` and decimal precision are
    /// part of it).
    #[serde(rename = "type", with = "column_type_serde")]
    pub ty: ColumnType,
    /// Whether `NULL` is allowed.
    #[serde(default, skip_serializing_if = "is_false")]
    pub null: bool,
    /// The database default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<DefaultValue>,
    /// A single-column unique constraint.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    /// Whether this column is the primary key.
    #[serde(default, skip_serializing_if = "is_false")]
    pub primary_key: bool,
    /// Whether the database generates the value.
    #[serde(default, skip_serializing_if = "is_false")]
    pub auto_increment: bool,
    /// Set on a foreign-key column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub foreign_key: Option<ForeignKeyState>,
    /// The column's previous name: a hint that lets the autodetector
    /// rename without asking. Not part of the replayed state.
    #[serde(skip)]
    pub renamed_from: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The target and behaviour of a foreign key. The referenced column is the
/// target model's primary key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForeignKeyState {
    /// The referenced model's name.
    pub to: String,
    /// What deleting the referenced row does.
    #[serde(with = "on_delete_serde")]
    pub on_delete: OnDelete,
}

/// An index on one or more columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexState {
    /// The index name (unique per database).
    pub name: String,
    /// Column names, in index order.
    pub columns: Vec<String>,
    /// A unique index.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
}

/// A named table constraint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConstraintState {
    /// The constraint name.
    pub name: String,
    /// What it enforces.
    #[serde(flatten)]
    pub kind: ConstraintKind,
}

/// What a [`ConstraintState`] enforces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConstraintKind {
    /// The columns are unique together.
    Unique(Vec<String>),
    /// A boolean SQL expression every row satisfies. It is written verbatim
    /// for every dialect, so use portable SQL and unquoted column names.
    Check(String),
}

/// A many-to-many relation and its join table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManyToManyState {
    /// The Rust field name on the declaring model.
    pub field: String,
    /// The related model's name.
    pub to: String,
    /// The join table.
    pub join_table: String,
    /// The join table's column pointing at the declaring model.
    pub source_column: String,
    /// The join table's column pointing at the related model.
    pub target_column: String,
    /// The explicit `through` model; the join table is then that model's
    /// table and has no SQL of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub through: Option<String>,
}

/// A literal column default, owned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DefaultValue {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

impl DefaultValue {
    /// The borrowed form strata's dialects write.
    pub fn as_literal(&self) -> Literal<'_> {
        match self {
            DefaultValue::Bool(b) => Literal::Bool(*b),
            DefaultValue::Int(i) => Literal::Int(*i),
            DefaultValue::Float(f) => Literal::Float(*f),
            DefaultValue::Str(s) => Literal::Str(s),
        }
    }

    /// The owned form of a derive's default.
    pub fn from_meta(value: &strata::meta::DefaultValue) -> DefaultValue {
        match value.as_literal() {
            Literal::Bool(b) => DefaultValue::Bool(b),
            Literal::Int(i) => DefaultValue::Int(i),
            Literal::Float(f) => DefaultValue::Float(f),
            Literal::Str(s) => DefaultValue::Str(s.to_string()),
        }
    }

    /// A value of type `ty` written as a user would type it at a prompt:
    /// `true`/`false` for booleans, a number for numeric types, and any text
    /// (optionally in quotes) for the others.
    pub fn parse_for(ty: &ColumnType, input: &str) -> Result<DefaultValue> {
        let text = input.trim();
        let invalid = |reason: &str| Error::InvalidAnswer {
            input: input.to_string(),
            reason: reason.to_string(),
        };
        match ty {
            ColumnType::Boolean => match text.to_ascii_lowercase().as_str() {
                "true" | "1" => Ok(DefaultValue::Bool(true)),
                "false" | "0" => Ok(DefaultValue::Bool(false)),
                _ => Err(invalid("expected true or false")),
            },
            ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt => text
                .parse::<i64>()
                .map(DefaultValue::Int)
                .map_err(|_| invalid("expected an integer")),
            ColumnType::Float | ColumnType::Double => text
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(DefaultValue::Float)
                .ok_or_else(|| invalid("expected a number")),
            ColumnType::Decimal(..) => {
                if text.parse::<f64>().is_ok_and(f64::is_finite) {
                    Ok(DefaultValue::Str(text.to_string()))
                } else {
                    Err(invalid("expected a decimal number"))
                }
            }
            _ => {
                let unquoted = ['\'', '"']
                    .iter()
                    .find_map(|q| {
                        text.strip_prefix(*q)
                            .and_then(|rest| rest.strip_suffix(*q))
                            .filter(|_| text.len() >= 2)
                    })
                    .unwrap_or(text);
                Ok(DefaultValue::Str(unquoted.to_string()))
            }
        }
    }

    /// A value of `ty` that existing rows can take when a reverse migration
    /// restores a NOT NULL column without a default: zero, empty, false or
    /// the epoch. `None` for custom types.
    pub fn zero_for(ty: &ColumnType) -> Option<DefaultValue> {
        Some(match ty {
            ColumnType::SmallInt | ColumnType::Integer | ColumnType::BigInt => DefaultValue::Int(0),
            ColumnType::Float | ColumnType::Double => DefaultValue::Float(0.0),
            ColumnType::Decimal(..) => DefaultValue::Str("0".into()),
            ColumnType::Boolean => DefaultValue::Bool(false),
            ColumnType::Text | ColumnType::Varchar(_) | ColumnType::Bytes => {
                DefaultValue::Str(String::new())
            }
            ColumnType::Date => DefaultValue::Str("1970-01-01".into()),
            ColumnType::Time => DefaultValue::Str("00:00:00".into()),
            ColumnType::DateTime | ColumnType::DateTimeUtc => {
                DefaultValue::Str("1970-01-01 00:00:00".into())
            }
            ColumnType::Uuid => DefaultValue::Str("00000000-0000-0000-0000-000000000000".into()),
            ColumnType::Json => DefaultValue::Str("null".into()),
            _ => return None,
        })
    }
}

impl fmt::Display for DefaultValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DefaultValue::Bool(b) => write!(f, "{b}"),
            DefaultValue::Int(i) => write!(f, "{i}"),
            DefaultValue::Float(x) => write!(f, "{x:?}"),
            DefaultValue::Str(s) => write!(f, "{s:?}"),
        }
    }
}

impl ProjectState {
    /// An empty project.
    pub fn new() -> ProjectState {
        ProjectState::default()
    }

    /// This state with `model` added (or replaced).
    pub fn with(mut self, model: ModelState) -> ProjectState {
        self.models.insert(model.name.clone(), model);
        self
    }

    /// The state of every model registered in this binary.
    pub fn from_registry() -> Result<ProjectState> {
        Self::from_models(&strata::registry::models())
    }

    /// The state of `models`. Two models with the same name are an error.
    pub fn from_models(models: &[&ModelMeta]) -> Result<ProjectState> {
        let mut state = ProjectState::new();
        for meta in models {
            if let Some(existing) = state.models.get(meta.name) {
                return Err(Error::InvalidState {
                    reason: format!(
                        "two models are named `{}` (tables `{}` and `{}`); migrations refer to \
                         models by name, so rename one of them",
                        meta.name, existing.table, meta.table
                    ),
                });
            }
            state
                .models
                .insert(meta.name.to_string(), ModelState::from_meta(meta));
        }
        state.validate()?;
        Ok(state)
    }

    /// The model named `name`.
    pub fn model(&self, name: &str) -> Option<&ModelState> {
        self.models.get(name)
    }

    /// The model named `name`, or an explanation.
    pub(crate) fn require(&self, name: &str) -> std::result::Result<&ModelState, String> {
        self.models
            .get(name)
            .ok_or_else(|| format!("there is no model `{name}`"))
    }

    pub(crate) fn require_mut(
        &mut self,
        name: &str,
    ) -> std::result::Result<&mut ModelState, String> {
        self.models
            .get_mut(name)
            .ok_or_else(|| format!("there is no model `{name}`"))
    }

    /// Checks that every reference resolves: foreign keys and relations to
    /// existing models with a primary key, indexes and constraints on
    /// existing columns, unique table and constraint names, one primary
    /// key per model.
    pub fn validate(&self) -> Result<()> {
        let invalid = |reason: String| Err(Error::InvalidState { reason });
        let mut tables: HashSet<&str> = HashSet::with_capacity(self.models.len() * 2);
        for model in self.models.values() {
            if !tables.insert(&model.table) {
                return invalid(format!("two models use the table `{}`", model.table));
            }
        }
        for model in self.models.values() {
            check_model(model, |name| self.models.contains_key(name))?;
            for m2m in model.many_to_many.iter().filter(|r| r.through.is_none()) {
                if !tables.insert(&m2m.join_table) {
                    return invalid(format!(
                        "the join table `{}` of `{}.{}` is already a table",
                        m2m.join_table, model.name, m2m.field
                    ));
                }
            }
        }
        Ok(())
    }

    /// A copy with the parts that carry no schema removed or put in a fixed
    /// order: fields, indexes, constraints and relations sorted by name and
    /// the `renamed_from` hints cleared. Two states describe the same
    /// schema when their normalized forms are equal.
    pub fn normalized(&self) -> ProjectState {
        let mut out = self.clone();
        for model in out.models.values_mut() {
            model.renamed_from = None;
            model.fields.sort_by(|a, b| a.column.cmp(&b.column));
            for field in &mut model.fields {
                field.renamed_from = None;
            }
            model.indexes.sort_by(|a, b| a.name.cmp(&b.name));
            model.constraints.sort_by(|a, b| a.name.cmp(&b.name));
            model.many_to_many.sort_by(|a, b| a.field.cmp(&b.field));
        }
        out
    }

    /// Whether `self` and `other` describe the same schema: whether their
    /// [`normalized`](ProjectState::normalized) forms are equal (compared
    /// without making them).
    pub fn same_schema(&self, other: &ProjectState) -> bool {
        self.models.len() == other.models.len()
            && self
                .models
                .iter()
                .zip(&other.models)
                .all(|((a_name, a), (b_name, b))| a_name == b_name && a.same_schema(b))
    }
}

impl ModelState {
    /// Whether the normalized forms of `self` and `other` are equal.
    fn same_schema(&self, other: &ModelState) -> bool {
        self.name == other.name
            && self.table == other.table
            && same_when_sorted(
                &self.fields,
                &other.fields,
                |f| &f.column,
                |a, b| a.column == b.column && a.same_definition(b),
            )
            && same_when_sorted(&self.indexes, &other.indexes, |i| &i.name, PartialEq::eq)
            && same_when_sorted(
                &self.constraints,
                &other.constraints,
                |c| &c.name,
                PartialEq::eq,
            )
            && same_when_sorted(
                &self.many_to_many,
                &other.many_to_many,
                |r| &r.field,
                PartialEq::eq,
            )
    }
}

/// Whether `a` and `b`, each stably sorted by `key`, are equal item by
/// item under `eq` (which implies equal keys). Lists already in the same
/// order are compared without sorting: equal keys at every position give
/// both lists the same sorting permutation.
fn same_when_sorted<T>(
    a: &[T],
    b: &[T],
    key: impl Fn(&T) -> &String,
    eq: impl Fn(&T, &T) -> bool,
) -> bool {
    if a.len() != b.len() {
        return false;
    }
    if a.iter().zip(b).all(|(x, y)| eq(x, y)) {
        return true;
    }
    let mut a: Vec<&T> = a.iter().collect();
    let mut b: Vec<&T> = b.iter().collect();
    a.sort_by(|x, y| key(x).cmp(key(y)));
    b.sort_by(|x, y| key(x).cmp(key(y)));
    a.into_iter().zip(b).all(|(x, y)| eq(x, y))
}

/// Checks one model on its own: one primary key, distinct columns,
/// references to models that `exists` knows, indexes and constraints on
/// existing columns.
pub(crate) fn check_model(model: &ModelState, exists: impl Fn(&str) -> bool) -> Result<()> {
    let invalid = |reason: String| Err(Error::InvalidState { reason });
    let name = &model.name;
    let pks = model.fields.iter().filter(|f| f.primary_key).count();
    if pks != 1 {
        return invalid(format!(
            "model `{name}` has {pks} primary-key columns; exactly one is needed"
        ));
    }
    let mut columns = Seen::default();
    for field in &model.fields {
        if !columns.insert(&field.column) {
            return invalid(format!("model `{name}` has two columns `{}`", field.column));
        }
        if let Some(fk) = &field.foreign_key {
            if fk.to != *name && !exists(&fk.to) {
                return invalid(format!(
                    "`{name}.{}` refers to the unknown model `{}`",
                    field.column, fk.to
                ));
            }
            if fk.on_delete == OnDelete::SetNull && !field.null {
                return invalid(format!(
                    "`{name}.{}` is ON DELETE SET NULL but NOT NULL; make it an Option",
                    field.column
                ));
            }
            if fk.on_delete == OnDelete::SetDefault && field.default.is_none() {
                return invalid(format!(
                    "`{name}.{}` is ON DELETE SET DEFAULT but has no default",
                    field.column
                ));
            }
        }
        if field.auto_increment && !(field.primary_key && field.ty.is_integer()) {
            return invalid(format!(
                "`{name}.{}` is auto-increment but not an integer primary key",
                field.column
            ));
        }
    }
    let mut names = Seen::default();
    for index in &model.indexes {
        if !names.insert(&index.name) {
            return invalid(format!("model `{name}` has two indexes `{}`", index.name));
        }
        check_columns(model, &index.columns, &index.name)?;
    }
    for constraint in &model.constraints {
        if !names.insert(&constraint.name) {
            return invalid(format!(
                "model `{name}` has two indexes or constraints named `{}`",
                constraint.name
            ));
        }
        if let ConstraintKind::Unique(cols) = &constraint.kind {
            check_columns(model, cols, &constraint.name)?;
        }
    }
    let mut relations = Seen::default();
    for m2m in &model.many_to_many {
        if !relations.insert(&m2m.field) {
            return invalid(format!("model `{name}` has two relations `{}`", m2m.field));
        }
        if m2m.to != *name && !exists(&m2m.to) {
            return invalid(format!(
                "`{name}.{}` relates to the unknown model `{}`",
                m2m.field, m2m.to
            ));
        }
        if let Some(through) = m2m.through.as_deref().filter(|t| !exists(t)) {
            return invalid(format!(
                "`{name}.{}` goes through the unknown model `{through}`",
                m2m.field
            ));
        }
    }
    Ok(())
}

/// Names seen so far, to find a repeated one: the first few in a list
/// (models have few columns, indexes and relations: no hashing, no
/// allocation), the others in a hash set.
#[derive(Default)]
struct Seen<'a> {
    few: [&'a str; 16],
    len: usize,
    many: HashSet<&'a str>,
}

impl<'a> Seen<'a> {
    /// Adds `name`; `false` if it was seen before.
    fn insert(&mut self, name: &'a str) -> bool {
        if self.few[..self.len].contains(&name) {
            return false;
        }
        if self.len < self.few.len() {
            self.few[self.len] = name;
            self.len += 1;
            true
        } else {
            self.many.insert(name)
        }
    }
}

fn check_columns(model: &ModelState, columns: &[String], what: &str) -> Result<()> {
    if columns.is_empty() {
        return Err(Error::InvalidState {
            reason: format!("`{what}` of model `{}` has no columns", model.name),
        });
    }
    for column in columns {
        if model.get_field(column).is_none() {
            return Err(Error::InvalidState {
                reason: format!(
                    "`{what}` of model `{}` names the unknown column `{column}`",
                    model.name
                ),
            });
        }
    }
    Ok(())
}

impl ModelState {
    /// A model named `name` with the table the derive would give it
    /// (`BlogPost` -> `blog_post`) and no columns yet.
    pub fn new(name: &str) -> ModelState {
        ModelState {
            name: name.to_string(),
            table: naming::snake_case(name),
            fields: Vec::new(),
            indexes: Vec::new(),
            constraints: Vec::new(),
            many_to_many: Vec::new(),
            renamed_from: None,
        }
    }

    /// The state of one model from its metadata.
    pub fn from_meta(meta: &ModelMeta) -> ModelState {
        ModelState {
            name: meta.name.to_string(),
            table: meta.table.to_string(),
            fields: meta.columns.iter().map(FieldState::from_meta).collect(),
            indexes: meta
                .indexes
                .iter()
                .map(|i| IndexState {
                    name: i.name.to_string(),
                    columns: i.columns.iter().map(|c| c.to_string()).collect(),
                    unique: i.unique,
                })
                .collect(),
            constraints: meta
                .unique_constraints
                .iter()
                .map(|u| ConstraintState {
                    name: u.name.to_string(),
                    kind: ConstraintKind::Unique(u.columns.iter().map(|c| c.to_string()).collect()),
                })
                .collect(),
            many_to_many: meta
                .many_to_many
                .iter()
                .map(|m| ManyToManyState {
                    field: m.field.to_string(),
                    to: (m.target)().name.to_string(),
                    join_table: m.table().to_string(),
                    source_column: m.source_column.to_string(),
                    target_column: m.target_column.to_string(),
                    through: m.through.map(|t| t().name.to_string()),
                })
                .collect(),
            renamed_from: meta.renamed_from.map(str::to_string),
        }
    }

    /// Sets the table name.
    pub fn table(mut self, table: &str) -> ModelState {
        self.table = table.to_string();
        self
    }

    /// Adds an auto-increment `BIGINT` primary key named `column`.
    pub fn pk(self, column: &str) -> ModelState {
        self.column(FieldState::auto_pk(column))
    }

    /// Adds a column.
    pub fn column(mut self, field: FieldState) -> ModelState {
        self.fields.push(field);
        self
    }

    /// Adds a NOT NULL column of type `ty`.
    pub fn field(self, column: &str, ty: ColumnType) -> ModelState {
        self.column(FieldState::new(column, ty))
    }

    /// Adds a NOT NULL `BIGINT` foreign key to `to`'s primary key.
    pub fn fk(self, column: &str, to: &str, on_delete: OnDelete) -> ModelState {
        self.column(FieldState::new(column, ColumnType::BigInt).references(to, on_delete))
    }

    /// Adds an index.
    pub fn index(mut self, name: &str, columns: &[&str]) -> ModelState {
        self.indexes.push(IndexState {
            name: name.to_string(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            unique: false,
        });
        self
    }

    /// Adds a unique index.
    pub fn unique_index(mut self, name: &str, columns: &[&str]) -> ModelState {
        self.indexes.push(IndexState {
            name: name.to_string(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            unique: true,
        });
        self
    }

    /// Adds a multi-column unique constraint.
    pub fn unique_together(mut self, name: &str, columns: &[&str]) -> ModelState {
        self.constraints.push(ConstraintState {
            name: name.to_string(),
            kind: ConstraintKind::Unique(columns.iter().map(|c| c.to_string()).collect()),
        });
        self
    }

    /// Adds a check constraint.
    pub fn check(mut self, name: &str, expression: &str) -> ModelState {
        self.constraints.push(ConstraintState {
            name: name.to_string(),
            kind: ConstraintKind::Check(expression.to_string()),
        });
        self
    }

    /// Adds a many-to-many relation to `to` with an automatic join table
    /// `<table>_<field>` and columns `<model>_id` / `<target>_id`
    /// (`from_<model>_id` / `to_<model>_id` for a relation to itself).
    pub fn m2m(mut self, field: &str, to: &str) -> ModelState {
        let source = naming::snake_case(&self.name);
        let target = naming::snake_case(to);
        let (source_column, target_column) = if source == target {
            (format!("from_{source}_id"), format!("to_{target}_id"))
        } else {
            (format!("{source}_id"), format!("{target}_id"))
        };
        self.many_to_many.push(ManyToManyState {
            field: field.to_string(),
            to: to.to_string(),
            join_table: format!("{}_{field}", self.table),
            source_column,
            target_column,
            through: None,
        });
        self
    }

    /// Adds a many-to-many relation to `to` through the model `through`.
    pub fn m2m_through(
        mut self,
        field: &str,
        to: &str,
        through: &ModelState,
        source_column: &str,
        target_column: &str,
    ) -> ModelState {
        self.many_to_many.push(ManyToManyState {
            field: field.to_string(),
            to: to.to_string(),
            join_table: through.table.clone(),
            source_column: source_column.to_string(),
            target_column: target_column.to_string(),
            through: Some(through.name.clone()),
        });
        self
    }

    /// Records the model's previous name.
    pub fn renamed_from(mut self, old_name: &str) -> ModelState {
        self.renamed_from = Some(old_name.to_string());
        self
    }

    /// The column named `column`.
    pub fn get_field(&self, column: &str) -> Option<&FieldState> {
        self.fields.iter().find(|f| f.column == column)
    }

    pub(crate) fn field_mut(&mut self, column: &str) -> Option<&mut FieldState> {
        self.fields.iter_mut().find(|f| f.column == column)
    }

    /// The primary-key column, if the model has one.
    pub fn primary_key(&self) -> Option<&FieldState> {
        self.fields.iter().find(|f| f.primary_key)
    }

    /// Whether an index or constraint uses `column`.
    pub(crate) fn users_of_column(&self, column: &str) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .indexes
            .iter()
            .filter(|i| i.columns.iter().any(|c| c == column))
            .map(|i| i.name.as_str())
            .collect();
        out.extend(
            self.constraints
                .iter()
                .filter(|c| matches!(&c.kind, ConstraintKind::Unique(cols) if cols.iter().any(|c| c == column)))
                .map(|c| c.name.as_str()),
        );
        out
    }
}

impl FieldState {
    /// A NOT NULL column with no default, constraint or relation.
    pub fn new(column: &str, ty: ColumnType) -> FieldState {
        FieldState {
            column: column.to_string(),
            ty,
            null: false,
            default: None,
            unique: false,
            primary_key: false,
            auto_increment: false,
            foreign_key: None,
            renamed_from: None,
        }
    }

    /// An auto-increment `BIGINT` primary key.
    pub fn auto_pk(column: &str) -> FieldState {
        FieldState {
            primary_key: true,
            auto_increment: true,
            ..FieldState::new(column, ColumnType::BigInt)
        }
    }

    /// The state of one column from its metadata.
    pub fn from_meta(c: &ColumnMeta) -> FieldState {
        FieldState {
            column: c.column.to_string(),
            ty: c.ty,
            null: c.nullable,
            default: c.default.as_ref().map(DefaultValue::from_meta),
            unique: (c.unique || c.foreign_key.as_ref().is_some_and(|f| f.one_to_one))
                && !c.primary_key,
            primary_key: c.primary_key,
            auto_increment: c.auto_increment,
            foreign_key: c.foreign_key.as_ref().map(|fk| ForeignKeyState {
                to: (fk.target)().name.to_string(),
                on_delete: fk.on_delete,
            }),
            renamed_from: c.renamed_from.map(str::to_string),
        }
    }

    /// Allows `NULL`.
    pub fn null(mut self) -> FieldState {
        self.null = true;
        self
    }

    /// Sets the database default.
    pub fn default(mut self, value: DefaultValue) -> FieldState {
        self.default = Some(value);
        self
    }

    /// Adds a single-column unique constraint.
    pub fn unique(mut self) -> FieldState {
        self.unique = true;
        self
    }

    /// Makes this (non-generated) column the primary key.
    pub fn primary_key(mut self) -> FieldState {
        self.primary_key = true;
        self
    }

    /// Makes this column a foreign key to `to`'s primary key.
    pub fn references(mut self, to: &str, on_delete: OnDelete) -> FieldState {
        self.foreign_key = Some(ForeignKeyState {
            to: to.to_string(),
            on_delete,
        });
        self
    }

    /// Records the column's previous name.
    pub fn renamed_from(mut self, old_column: &str) -> FieldState {
        self.renamed_from = Some(old_column.to_string());
        self
    }

    /// Whether two fields are defined alike apart from their names (the
    /// test for a rename).
    pub(crate) fn same_definition(&self, other: &FieldState) -> bool {
        self.ty == other.ty
            && self.null == other.null
            && self.default == other.default
            && self.unique == other.unique
            && self.primary_key == other.primary_key
            && self.auto_increment == other.auto_increment
            && self.foreign_key == other.foreign_key
    }
}

/// The canonical spelling of a column type in migration files:
/// `bigint`, `varchar(100)`, `decimal(15, 4)`, ...
pub fn column_type_name(ty: &ColumnType) -> String {
    match ty {
        ColumnType::SmallInt => "smallint".into(),
        ColumnType::Integer => "integer".into(),
        ColumnType::BigInt => "bigint".into(),
        ColumnType::Float => "float".into(),
        ColumnType::Double => "double".into(),
        ColumnType::Boolean => "boolean".into(),
        ColumnType::Text => "text".into(),
        ColumnType::Varchar(n) => format!("varchar({n})"),
        ColumnType::Bytes => "bytes".into(),
        ColumnType::Date => "date".into(),
        ColumnType::Time => "time".into(),
        ColumnType::DateTime => "datetime".into(),
        ColumnType::DateTimeUtc => "datetime_utc".into(),
        ColumnType::Uuid => "uuid".into(),
        ColumnType::Decimal(p, s) => format!("decimal({p}, {s})"),
        ColumnType::Json => "json".into(),
        ColumnType::Custom(c) => format!("custom({})", c.name),
        other => format!("{other:?}").to_ascii_lowercase(),
    }
}

/// Parses [`column_type_name`]'s spelling (custom types excepted).
pub fn parse_column_type(text: &str) -> std::result::Result<ColumnType, String> {
    let t = text.trim().to_ascii_lowercase();
    let args = |prefix: &str| -> Option<Vec<String>> {
        let inner = t
            .strip_prefix(prefix)?
            .trim()
            .strip_prefix('(')?
            .strip_suffix(')')?;
        Some(inner.split(',').map(|s| s.trim().to_string()).collect())
    };
    let simple = match t.as_str() {
        "smallint" => Some(ColumnType::SmallInt),
        "integer" => Some(ColumnType::Integer),
        "bigint" => Some(ColumnType::BigInt),
        "float" => Some(ColumnType::Float),
        "double" => Some(ColumnType::Double),
        "boolean" => Some(ColumnType::Boolean),
        "text" => Some(ColumnType::Text),
        "bytes" => Some(ColumnType::Bytes),
        "date" => Some(ColumnType::Date),
        "time" => Some(ColumnType::Time),
        "datetime" => Some(ColumnType::DateTime),
        "datetime_utc" => Some(ColumnType::DateTimeUtc),
        "uuid" => Some(ColumnType::Uuid),
        "json" => Some(ColumnType::Json),
        _ => None,
    };
    if let Some(ty) = simple {
        return Ok(ty);
    }
    if let Some(a) = args("varchar") {
        if let [n] = a.as_slice() {
            if let Ok(n) = n.parse::<u32>() {
                return Ok(ColumnType::Varchar(n));
            }
        }
        return Err(format!("`{text}`: expected varchar(<length>)"));
    }
    if let Some(a) = args("decimal") {
        if let [p, s] = a.as_slice() {
            if let (Ok(p), Ok(s)) = (p.parse::<u8>(), s.parse::<u8>()) {
                return Ok(ColumnType::Decimal(p, s));
            }
        }
        return Err(format!("`{text}`: expected decimal(<digits>, <places>)"));
    }
    Err(format!(
        "unknown column type `{text}`; expected one of smallint, integer, bigint, float, double, \
         boolean, text, varchar(n), bytes, date, time, datetime, datetime_utc, uuid, \
         decimal(p, s), json, or a table {{ custom = ..., postgres = ..., mysql = ..., sqlite = ... }}"
    ))
}

/// Interns a custom type read from a file, so that it has the `'static`
/// lifetime `ColumnType::Custom` needs. Each distinct type is leaked once.
fn intern_custom(
    name: String,
    postgres: String,
    mysql: String,
    sqlite: String,
) -> &'static strata::CustomColumnType {
    use std::sync::{Mutex, OnceLock};
    static TYPES: OnceLock<Mutex<Vec<&'static strata::CustomColumnType>>> = OnceLock::new();
    let mut types = TYPES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(found) = types.iter().find(|c| {
        c.name == name && c.postgres == postgres && c.mysql == mysql && c.sqlite == sqlite
    }) {
        return found;
    }
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let ty: &'static strata::CustomColumnType = Box::leak(Box::new(strata::CustomColumnType {
        name: leak(name),
        postgres: leak(postgres),
        mysql: leak(mysql),
        sqlite: leak(sqlite),
    }));
    types.push(ty);
    ty
}

mod column_type_serde {
    use super::{column_type_name, intern_custom, parse_column_type};
    use serde::de::{self, MapAccess, Visitor};
    use serde::ser::SerializeMap;
    use serde::{Deserializer, Serializer};
    use std::fmt;
    use strata::ColumnType;

    pub fn serialize<S: Serializer>(ty: &ColumnType, s: S) -> Result<S::Ok, S::Error> {
        match ty {
            ColumnType::Custom(c) => {
                let mut map = s.serialize_map(Some(4))?;
                map.serialize_entry("custom", c.name)?;
                map.serialize_entry("postgres", c.postgres)?;
                map.serialize_entry("mysql", c.mysql)?;
                map.serialize_entry("sqlite", c.sqlite)?;
                map.end()
            }
            other => s.serialize_str(&column_type_name(other)),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<ColumnType, D::Error> {
        d.deserialize_any(TypeVisitor)
    }

    struct TypeVisitor;

    impl<'de> Visitor<'de> for TypeVisitor {
        type Value = ColumnType;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(
                "a column type such as \"bigint\" or \"varchar(100)\", or a custom type table",
            )
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<ColumnType, E> {
            parse_column_type(v).map_err(E::custom)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ColumnType, A::Error> {
            let (mut name, mut pg, mut my, mut lite) = (None, None, None, None);
            while let Some(key) = map.next_key::<String>()? {
                let slot = match key.as_str() {
                    "custom" => &mut name,
                    "postgres" => &mut pg,
                    "mysql" => &mut my,
                    "sqlite" => &mut lite,
                    other => {
                        return Err(de::Error::unknown_field(
                            other,
                            &["custom", "postgres", "mysql", "sqlite"],
                        ))
                    }
                };
                *slot = Some(map.next_value::<String>()?);
            }
            match (name, pg, my, lite) {
                (Some(n), Some(p), Some(m), Some(s)) => {
                    Ok(ColumnType::Custom(intern_custom(n, p, m, s)))
                }
                _ => Err(de::Error::custom(
                    "a custom type needs `custom`, `postgres`, `mysql` and `sqlite`",
                )),
            }
        }
    }
}

mod on_delete_serde {
    use serde::{Deserialize, Deserializer, Serializer};
    use strata::meta::OnDelete;

    pub fn serialize<S: Serializer>(v: &OnDelete, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(v.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OnDelete, D::Error> {
        let name = String::deserialize(d)?;
        OnDelete::from_name(&name).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown on_delete `{name}`; expected cascade, set_null, set_default, restrict, \
                 protect or do_nothing"
            ))
        })
    }
}
