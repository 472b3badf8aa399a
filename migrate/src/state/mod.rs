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

mod builders;
mod column_type;
mod erd;
pub mod naming;
mod validate;

pub use column_type::{column_type_name, parse_column_type};
pub use erd::{erd, PictureFormat};
pub(crate) use validate::check_model;

use crate::error::{Error, Result};
use column_type::{column_type_serde, on_delete_serde};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use strata::meta::{Literal, ModelMeta, OnDelete};
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
    /// The only values the column may hold (a `#[derive(FieldType)]`
    /// enum), enforced by a `CHECK` constraint named
    /// [`naming::choices_name`]: `choices = ["draft", "live"]` or
    /// `choices = [1, 2]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choices: Option<ChoicesState>,
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

/// The values an enum column may hold, as stored.
///
/// ```
/// use strata::ColumnType;
/// use strata_migrate::{ChoicesState, FieldState};
///
/// let stage = FieldState::new("stage", ColumnType::Varchar(5))
///     .choices(ChoicesState::Text(vec!["draft".into(), "live".into()]));
/// assert_eq!(
///     toml::to_string(&stage).unwrap(),
///     "column = \"stage\"\ntype = \"varchar(5)\"\nchoices = [\"draft\", \"live\"]\n"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ChoicesState {
    /// Text values (`stored_as = text`).
    Text(Vec<String>),
    /// Integer values (`stored_as = integer`).
    Integer(Vec<i64>),
}

impl ChoicesState {
    /// The owned form of an enum's choices.
    pub fn from_meta(choices: &strata::Choices) -> ChoicesState {
        match choices {
            strata::Choices::Text(values) => {
                ChoicesState::Text(values.iter().map(|v| v.to_string()).collect())
            }
            strata::Choices::Integer(values) => {
                ChoicesState::Integer(values.iter().map(|&v| v.into()).collect())
            }
        }
    }

    /// The literals of the `IN (...)` list.
    pub(crate) fn literals(&self) -> Vec<Literal<'_>> {
        match self {
            ChoicesState::Text(values) => values.iter().map(|v| Literal::Str(v)).collect(),
            ChoicesState::Integer(values) => values.iter().map(|&v| Literal::Int(v)).collect(),
        }
    }
}

/// A column default, owned: a literal, or the time of the insert
/// (`db_default = now`), written `default = { expression = "now" }` in
/// migration files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "DefaultRepr", into = "DefaultRepr")]
pub enum DefaultValue {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// The current time (UTC), computed by the database.
    Now,
}

/// How a [`DefaultValue`] is spelled in a migration file.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum DefaultRepr {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Expression { expression: String },
}

impl TryFrom<DefaultRepr> for DefaultValue {
    type Error = String;

    fn try_from(repr: DefaultRepr) -> std::result::Result<DefaultValue, String> {
        Ok(match repr {
            DefaultRepr::Bool(b) => DefaultValue::Bool(b),
            DefaultRepr::Int(i) => DefaultValue::Int(i),
            DefaultRepr::Float(f) => DefaultValue::Float(f),
            DefaultRepr::Str(s) => DefaultValue::Str(s),
            DefaultRepr::Expression { expression } if expression == "now" => DefaultValue::Now,
            DefaultRepr::Expression { expression } => {
                return Err(format!(
                    "unknown default expression `{expression}`; the one strata knows is \"now\""
                ))
            }
        })
    }
}

impl From<DefaultValue> for DefaultRepr {
    fn from(value: DefaultValue) -> DefaultRepr {
        match value {
            DefaultValue::Bool(b) => DefaultRepr::Bool(b),
            DefaultValue::Int(i) => DefaultRepr::Int(i),
            DefaultValue::Float(f) => DefaultRepr::Float(f),
            DefaultValue::Str(s) => DefaultRepr::Str(s),
            DefaultValue::Now => DefaultRepr::Expression {
                expression: "now".to_string(),
            },
        }
    }
}

impl DefaultValue {
    /// The borrowed form strata's dialects write.
    pub fn as_literal(&self) -> Literal<'_> {
        match self {
            DefaultValue::Bool(b) => Literal::Bool(*b),
            DefaultValue::Int(i) => Literal::Int(*i),
            DefaultValue::Float(f) => Literal::Float(*f),
            DefaultValue::Str(s) => Literal::Str(s),
            DefaultValue::Now => Literal::Now,
        }
    }

    /// The owned form of a derive's default.
    pub fn from_meta(value: &strata::meta::DefaultValue) -> DefaultValue {
        match value.as_literal() {
            Literal::Bool(b) => DefaultValue::Bool(b),
            Literal::Int(i) => DefaultValue::Int(i),
            Literal::Float(f) => DefaultValue::Float(f),
            Literal::Str(s) => DefaultValue::Str(s.to_string()),
            Literal::Now => DefaultValue::Now,
        }
    }

    /// A value of type `ty` written as a user would type it at a prompt:
    /// `true`/`false` for booleans, a number for numeric types, `now` (the
    /// time the migration runs) or any text for dates and times, and any
    /// text (optionally in quotes) for the others.
    pub fn parse_for(ty: &ColumnType, input: &str) -> Result<DefaultValue> {
        let text = input.trim();
        let invalid = |reason: &str| Error::InvalidAnswer {
            input: input.to_string(),
            reason: reason.to_string(),
        };
        let is_time = matches!(
            ty,
            ColumnType::Date | ColumnType::Time | ColumnType::DateTime | ColumnType::DateTimeUtc
        );
        if is_time && text.eq_ignore_ascii_case("now") {
            return Ok(DefaultValue::Now);
        }
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
            unsigned if unsigned.unsigned_max().is_some() => {
                let max = unsigned.unsigned_max().unwrap_or_default();
                text.parse::<i64>()
                    .ok()
                    .filter(|n| (0..=max).contains(n))
                    .map(DefaultValue::Int)
                    .ok_or_else(|| invalid(&format!("expected an integer from 0 to {max}")))
            }
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
            ColumnType::SmallInt
            | ColumnType::Integer
            | ColumnType::BigInt
            | ColumnType::UnsignedTinyInt
            | ColumnType::UnsignedSmallInt
            | ColumnType::UnsignedInt => DefaultValue::Int(0),
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
            DefaultValue::Now => f.write_str("now"),
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
