//! Typed querysets: fields, lookups, expressions and the compiler that
//! turns them into SQL for a dialect.

pub mod aggregate;
pub mod annotate;
mod assign;
pub(crate) mod compile;
mod condition;
pub(crate) mod expr;
mod field;
mod field_list;
pub(crate) mod in_list;
pub mod lookups;
mod order;
pub(crate) mod queryset;
#[cfg_attr(not(feature = "sea-query"), allow(dead_code))]
pub(crate) mod raw_condition;
pub mod scalar;
pub(crate) mod shape;
pub mod subquery;
pub mod values;
pub mod window;

pub use assign::Assignment;
pub use condition::{IntoCondition, Q};

pub use condition::exists;
pub(crate) use condition::{column_eq, pk_eq, reached_from};
pub(crate) use expr::{ColRef, CompareOp, Expr, InList, NO_COLUMN_META};
pub use field::{Field, IntoBind, TextField};
pub(crate) use field_list::own_columns;
pub use field_list::FieldList;
pub use in_list::MAX_PLACEHOLDER_LIST;
pub use lookups::{JsonField, JsonPath};
pub use order::{IntoOrderBy, OrderBy};
pub use queryset::{Annotated, ForUpdate, QuerySet, Union};
pub use queryset::{ModelStream, DEFAULT_CHUNK_SIZE};
pub use scalar::{value, when, Case, Expression, F};
