//! [`DynColumn`] and [`DynCondition`]: a column found in a model's
//! metadata at run time, and the conditions built from it.

use crate::dialect::TextLookup;
use crate::error::{Error, Result};
use crate::meta::{ColumnMeta, ModelMeta};
use crate::query::expr::{ColRef, CompareOp, Expr, InList};
use crate::relation::JoinPath;
use crate::types::null_of;
use crate::value::Value;

/// A column of a model, looked up by its Rust field name at run time.
#[derive(Debug, Clone, Copy)]
pub struct DynColumn {
    model: &'static ModelMeta,
    column: &'static ColumnMeta,
}

impl DynColumn {
    /// The column of `model` whose Rust field name is `field`; an
    /// [`Error::InvalidQuery`] naming the model when there is none.
    pub fn of(model: &'static ModelMeta, field: &str) -> Result<DynColumn> {
        match model.column_by_field(field) {
            Some(column) => Ok(DynColumn { model, column }),
            None => Err(Error::InvalidQuery {
                model: model.name,
                reason: format!("`{}` has no field `{}`", model.name, field.escape_debug()),
            }),
        }
    }

    /// The column `column`, which must be one of `model`'s columns (it is
    /// compared by address); an [`Error::InvalidQuery`] otherwise.
    pub fn from_meta(model: &'static ModelMeta, column: &'static ColumnMeta) -> Result<DynColumn> {
        if model.columns.iter().any(|c| std::ptr::eq(c, column)) {
            Ok(DynColumn { model, column })
        } else {
            Err(Error::InvalidQuery {
                model: model.name,
                reason: format!("`{}` is not a column of `{}`", column.field, model.name),
            })
        }
    }

    /// The model the column belongs to.
    pub fn model(&self) -> &'static ModelMeta {
        self.model
    }

    /// The column's metadata.
    pub fn meta(&self) -> &'static ColumnMeta {
        self.column
    }

    pub(crate) fn col_ref(&self) -> ColRef {
        ColRef {
            column: self.column,
            path: JoinPath::EMPTY,
        }
    }

    /// Refuses a value of another kind than the column's (an `i32` for a
    /// text column) and a `NULL` for a column that takes none.
    pub fn check_kind(&self, value: &Value) -> Result<()> {
        let expected = null_of(&self.column.ty);
        if std::mem::discriminant(&expected) != std::mem::discriminant(value) {
            return Err(self.invalid(format!(
                "expects a {} value, got a {} value",
                expected.kind_name(),
                value.kind_name()
            )));
        }
        if value.is_null() && !self.column.nullable {
            return Err(self.invalid("is not nullable".into()));
        }
        Ok(())
    }

    /// [`check_kind`](DynColumn::check_kind), then whether the column can
    /// hold `value` exactly on `dialect` (as typed writes check: decimal
    /// places and digits, years 1 to 9999, finite floats).
    pub fn check_value(&self, value: &Value, dialect: crate::Dialect) -> Result<()> {
        self.check_kind(value)?;
        crate::value::check::for_column(value, &self.column.ty, dialect).map_err(|refused| {
            refused.into_error(format!("{}.{}", self.model.name, self.column.field))
        })
    }

    fn invalid(&self, what: String) -> Error {
        Error::InvalidQuery {
            model: self.model.name,
            reason: format!("`{}.{}` {what}", self.model.name, self.column.field),
        }
    }

    fn compare(&self, op: CompareOp, value: Value) -> Result<DynCondition> {
        if value.is_null() {
            return Err(self.invalid("cannot be compared with NULL (use is_null)".into()));
        }
        self.check_kind(&value)?;
        Ok(DynCondition(Expr::Compare {
            column: self.col_ref(),
            op,
            value,
        }))
    }

    /// `column = value`.
    pub fn eq(&self, value: Value) -> Result<DynCondition> {
        self.compare(CompareOp::Eq, value)
    }

    /// `column >= value`.
    pub fn gte(&self, value: Value) -> Result<DynCondition> {
        self.compare(CompareOp::Gte, value)
    }

    /// `column <= value`.
    pub fn lte(&self, value: Value) -> Result<DynCondition> {
        self.compare(CompareOp::Lte, value)
    }

    /// `column IN (values)`; `NULL`s in the list match nothing.
    pub fn is_in(&self, values: Vec<Value>) -> Result<DynCondition> {
        for value in values.iter().filter(|v| !v.is_null()) {
            self.check_kind(value)?;
        }
        Ok(DynCondition(Expr::In {
            column: self.col_ref(),
            values: InList::new(values),
        }))
    }

    /// `column IS NULL` (`IS NOT NULL` when `null` is false).
    pub fn is_null(&self, null: bool) -> DynCondition {
        DynCondition(Expr::IsNull {
            column: self.col_ref(),
            negated: !null,
        })
    }

    /// Contains `text`, ignoring case, as the typed `icontains`; only for
    /// text columns.
    pub fn icontains(&self, text: &str) -> Result<DynCondition> {
        if !self.column.ty.is_text() {
            return Err(self.invalid("is not a text field".into()));
        }
        Ok(DynCondition(Expr::Text {
            column: self.col_ref(),
            lookup: TextLookup::Contains,
            case_insensitive: true,
            text: crate::query::lookups::LikeText::new(TextLookup::Contains, text),
        }))
    }
}

/// A condition on the rows of a model chosen at run time, made by
/// [`DynColumn`]'s lookups and combined with [`and`](DynCondition::and) /
/// [`or`](DynCondition::or).
#[derive(Debug, Clone)]
pub struct DynCondition(pub(crate) Expr);

impl DynCondition {
    /// Both conditions hold.
    pub fn and(self, other: DynCondition) -> DynCondition {
        DynCondition(Expr::And(vec![self.0, other.0]))
    }

    /// Either condition holds.
    pub fn or(self, other: DynCondition) -> DynCondition {
        DynCondition(Expr::Or(vec![self.0, other.0]))
    }

    /// The condition does not hold (rows where it is unknown, a compared
    /// column being `NULL`, are kept, as the typed `not` does).
    pub fn negate(self) -> DynCondition {
        DynCondition(Expr::Not(Box::new(self.0)))
    }

    /// Any of `conditions` holds; `None` for an empty list.
    pub fn any(conditions: Vec<DynCondition>) -> Option<DynCondition> {
        match conditions.len() {
            0 => None,
            1 => conditions.into_iter().next(),
            _ => Some(DynCondition(Expr::Or(
                conditions.into_iter().map(|c| c.0).collect(),
            ))),
        }
    }
}
