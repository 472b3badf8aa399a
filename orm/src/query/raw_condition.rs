//! [`RawCondition`]: a condition written ahead of time, per dialect, by an
//! escape hatch (the `sea-query` feature's
//! [`raw_expr`](crate::sea_query::raw_expr)), as SQL text with its values
//! kept apart as binds.

use super::expr::{Expr, Q};
use super::shape::ShapeKey;
use crate::dialect::Dialect;
use crate::value::Value;
use crate::writer::SqlWriter;

/// One piece of a [`Template`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Part {
    /// SQL text, written as it is.
    Sql(String),
    /// A value, bound as a parameter at its place.
    Bind(Value),
}

/// A condition's SQL for one dialect: text and binds in writing order.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Template {
    pub(crate) parts: Vec<Part>,
}

impl Template {
    /// Appends the text and binds the values, in order.
    pub(crate) fn write(&self, w: &mut SqlWriter) {
        for part in &self.parts {
            match part {
                Part::Sql(text) => w.push_text(text),
                Part::Bind(value) => w.push_bind(value.clone()),
            }
        }
    }
}

/// A condition that strata writes as given, with a template per dialect.
///
/// Its text takes part in the statement cache's shape key (it is what the
/// SQL depends on); its values are binds like any other.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawCondition {
    /// Indexed by [`slot`].
    templates: [Template; 3],
}

fn slot(dialect: Dialect) -> usize {
    match dialect {
        Dialect::Postgres => 0,
        Dialect::MySql => 1,
        Dialect::Sqlite => 2,
    }
}

impl RawCondition {
    /// A condition written by `render` for each dialect.
    pub(crate) fn new(mut render: impl FnMut(Dialect) -> Template) -> RawCondition {
        RawCondition {
            templates: [
                render(Dialect::Postgres),
                render(Dialect::MySql),
                render(Dialect::Sqlite),
            ],
        }
    }

    fn template(&self, dialect: Dialect) -> &Template {
        &self.templates[slot(dialect)]
    }

    /// The condition on model `M`.
    pub(crate) fn into_condition<M>(self) -> Q<M> {
        Q::new(Expr::Raw(std::sync::Arc::new(self)))
    }

    /// Appends the condition, in parentheses.
    pub(crate) fn write(&self, w: &mut SqlWriter) {
        w.push_sql("(");
        self.template(w.dialect()).write(w);
        w.push_sql(")");
    }

    /// The values [`write`](RawCondition::write) binds on `dialect`.
    pub(crate) fn collect_binds(&self, dialect: Dialect, out: &mut Vec<Value>) {
        for part in &self.template(dialect).parts {
            if let Part::Bind(value) = part {
                out.push(value.clone());
            }
        }
    }

    /// The values of the condition on `dialect`.
    pub(crate) fn values(&self, dialect: Dialect) -> impl Iterator<Item = &Value> {
        self.template(dialect).parts.iter().filter_map(|p| match p {
            Part::Bind(value) => Some(value),
            Part::Sql(_) => None,
        })
    }

    /// The shape of the SQL on the key's dialect: every text piece
    /// (length, then its bytes packed into words) and a mark per bind.
    pub(crate) fn key(&self, key: &mut ShapeKey<'_>) {
        let parts = &self.template(key.dialect()).parts;
        key.push(parts.len());
        for part in parts {
            match part {
                Part::Sql(text) => {
                    key.push(text.len());
                    for chunk in text.as_bytes().chunks(std::mem::size_of::<usize>()) {
                        let mut word = [0u8; std::mem::size_of::<usize>()];
                        word[..chunk.len()].copy_from_slice(chunk);
                        key.push(usize::from_ne_bytes(word));
                    }
                }
                Part::Bind(_) => key.push(usize::MAX),
            }
        }
    }
}
