//! Typed querysets: fields, lookups, expressions and the compiler that
//! turns them into SQL for a dialect.

pub mod aggregate;
mod assign;
pub(crate) mod compile;
pub(crate) mod expr;
mod field;
mod field_list;
pub(crate) mod in_list;
mod order;
pub(crate) mod queryset;
pub mod scalar;
pub(crate) mod shape;

pub use assign::Assignment;
pub use expr::{IntoCondition, Q};

pub use expr::exists;
pub(crate) use expr::{column_eq, pk_eq, reached_from};
pub use field::{Field, IntoBind, TextField};
pub(crate) use field_list::own_columns;
pub use field_list::FieldList;
pub use in_list::MAX_PLACEHOLDER_LIST;
pub use order::{IntoOrderBy, OrderBy};
pub use queryset::{ForUpdate, QuerySet};
pub use scalar::{value, when, Case, Expression, F};
