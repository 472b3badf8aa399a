//! [`DynQuery`]: a `SELECT` over a model chosen at run time.

use super::condition::{DynColumn, DynCondition};
use crate::db::Executor;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::meta::{ColumnMeta, ModelMeta};
use crate::query::compile::{write_where, JoinPlan};
use crate::query::expr::Expr;
use crate::types::{decode_value, FieldType};
use crate::value::Value;
use crate::writer::{SqlWriter, Statement};

/// A query over the rows of a model known only by its metadata: filters,
/// ordering, a page (`limit` / `offset`) and `select_related` of foreign
/// keys, which joins their targets into the same query.
///
/// Rows come back as [`DynRow`]s: one [`Value`] per column. The order is
/// always completed by the primary key, so pages never overlap.
#[derive(Debug, Clone)]
pub struct DynQuery {
    model: &'static ModelMeta,
    filters: Vec<Expr>,
    order: Vec<(&'static ColumnMeta, bool)>,
    related: Vec<&'static ColumnMeta>,
    limit: Option<u64>,
    offset: Option<u64>,
}

/// One row of a [`DynQuery`]: the values of the model's columns, in
/// declaration order, and the rows joined by `select_related`.
#[derive(Debug, Clone, PartialEq)]
pub struct DynRow {
    /// One value per column of the model.
    pub values: Vec<Value>,
    /// Per `select_related` column, in the order they were asked for: the
    /// target's values, or `None` when the key is `NULL`.
    pub related: Vec<(&'static str, Option<Vec<Value>>)>,
}

impl DynRow {
    /// The value of `column`.
    pub fn get(&self, column: DynColumn) -> Option<&Value> {
        let index = column
            .model()
            .columns
            .iter()
            .position(|c| std::ptr::eq(c, column.meta()))?;
        self.values.get(index)
    }

    /// The joined target row of the foreign key `field`, if it was
    /// selected and is not `NULL`.
    pub fn related(&self, field: &str) -> Option<&[Value]> {
        self.related
            .iter()
            .find(|(f, _)| *f == field)
            .and_then(|(_, v)| v.as_deref())
    }
}

impl DynQuery {
    /// Every row of `model`, in primary-key order.
    pub fn new(model: &'static ModelMeta) -> DynQuery {
        DynQuery {
            model,
            filters: Vec::new(),
            order: Vec::new(),
            related: Vec::new(),
            limit: None,
            offset: None,
        }
    }

    /// The model queried.
    pub fn model(&self) -> &'static ModelMeta {
        self.model
    }

    /// Keeps the rows where `condition` holds (conditions add up with
    /// `AND`). The condition's columns must be of this query's model.
    pub fn filter(mut self, condition: DynCondition) -> DynQuery {
        self.filters.push(condition.0);
        self
    }

    /// Orders by `column` (descending when `descending`), after any order
    /// given before.
    pub fn order_by(mut self, column: DynColumn, descending: bool) -> DynQuery {
        self.order.push((column.meta(), descending));
        self
    }

    /// Joins the target of the foreign key `column` into the query, so a
    /// list showing it costs no query per row.
    pub fn select_related(mut self, column: DynColumn) -> Result<DynQuery> {
        if column.meta().foreign_key.is_none() {
            return Err(Error::InvalidQuery {
                model: self.model.name,
                reason: format!(
                    "`{}.{}` is not a foreign key; select_related needs one",
                    self.model.name,
                    column.meta().field
                ),
            });
        }
        if !self.related.iter().any(|c| std::ptr::eq(*c, column.meta())) {
            self.related.push(column.meta());
        }
        Ok(self)
    }

    /// At most `n` rows.
    pub fn limit(mut self, n: u64) -> DynQuery {
        self.limit = Some(n);
        self
    }

    /// Skips the first `n` rows.
    pub fn offset(mut self, n: u64) -> DynQuery {
        self.offset = Some(n);
        self
    }

    fn plan(&self) -> JoinPlan {
        let mut plan = JoinPlan::new(self.model);
        plan.force_qualify();
        plan
    }

    fn write_joins(&self, w: &mut SqlWriter) {
        for (i, column) in self.related.iter().enumerate() {
            let Some(fk) = &column.foreign_key else {
                continue;
            };
            let target = (fk.target)();
            let alias = format!("r{}", i + 1);
            w.push_sql(" LEFT JOIN ");
            w.push_identifier(target.table);
            w.push_sql(" AS ");
            w.push_identifier(&alias);
            w.push_sql(" ON ");
            w.push_identifier(&alias);
            w.push_sql(".");
            w.push_identifier(target.pk().column);
            w.push_sql(" = ");
            w.push_identifier(self.model.table);
            w.push_sql(".");
            w.push_identifier(column.column);
        }
    }

    /// The `SELECT` this query runs on `dialect`.
    pub fn sql(&self, dialect: Dialect) -> Statement {
        let plan = self.plan();
        let mut w = SqlWriter::new(dialect);
        w.push_sql("SELECT ");
        for (i, column) in self.model.columns.iter().enumerate() {
            if i > 0 {
                w.push_sql(", ");
            }
            w.push_identifier(self.model.table);
            w.push_sql(".");
            w.push_identifier(column.column);
        }
        for (i, column) in self.related.iter().enumerate() {
            let Some(fk) = &column.foreign_key else {
                continue;
            };
            let alias = format!("r{}", i + 1);
            for target_column in (fk.target)().columns {
                w.push_sql(", ");
                w.push_identifier(&alias);
                w.push_sql(".");
                w.push_identifier(target_column.column);
            }
        }
        w.push_sql(" FROM ");
        w.push_identifier(self.model.table);
        self.write_joins(&mut w);
        write_where(&mut w, &plan, &self.filters);
        w.push_sql(" ORDER BY ");
        let pk = self.model.pk();
        let mut terms: Vec<(&ColumnMeta, bool)> = self.order.clone();
        if !terms.iter().any(|(c, _)| std::ptr::eq(*c, pk)) {
            terms.push((pk, false));
        }
        for (i, (column, descending)) in terms.iter().enumerate() {
            if i > 0 {
                w.push_sql(", ");
            }
            w.push_identifier(self.model.table);
            w.push_sql(".");
            w.push_identifier(column.column);
            w.push_sql(if *descending { " DESC" } else { " ASC" });
        }
        dialect
            .imp()
            .write_limit_offset(&mut w, self.limit, self.offset);
        w.finish()
    }

    /// The `SELECT COUNT(*)` of the rows this query's filters keep
    /// (ignoring its page).
    pub fn count_sql(&self, dialect: Dialect) -> Statement {
        let plan = self.plan();
        let mut w = SqlWriter::new(dialect);
        w.push_sql("SELECT COUNT(*) FROM ");
        w.push_identifier(self.model.table);
        write_where(&mut w, &plan, &self.filters);
        w.finish()
    }

    /// Runs the query.
    pub async fn all(&self, mut ex: impl Executor) -> Result<Vec<DynRow>> {
        let dialect = ex.dialect();
        let model = self.model;
        let related: Vec<(&'static str, &'static ModelMeta)> = self
            .related
            .iter()
            .filter_map(|c| c.foreign_key.as_ref().map(|fk| (c.field, (fk.target)())))
            .collect();
        ex.fetch(self.sql(dialect), move |row| {
            let values = decode_columns(row, 0, model, dialect)?;
            let mut offset = model.columns.len();
            let mut joined = Vec::with_capacity(related.len());
            for (field, target) in &related {
                let values = decode_columns(row, offset, target, dialect)?;
                offset += target.columns.len();
                let present = values.get(target.primary_key).is_some_and(|v| !v.is_null());
                joined.push((*field, present.then_some(values)));
            }
            Ok(DynRow {
                values,
                related: joined,
            })
        })
        .await
    }

    /// How many rows the filters keep.
    pub async fn count(&self, mut ex: impl Executor) -> Result<u64> {
        let dialect = ex.dialect();
        let model = self.model;
        let counts = ex
            .fetch(self.count_sql(dialect), move |row| {
                i64::decode(row, 0).map_err(|e| Error::Decode {
                    model: model.name,
                    column: "COUNT(*)",
                    dialect,
                    message: e.to_string(),
                })
            })
            .await?;
        Ok(counts.first().copied().unwrap_or(0).max(0) as u64)
    }
}

/// Decodes `model`'s columns from `row`, starting at `offset`.
pub(super) fn decode_columns(
    row: &crate::db::Row,
    offset: usize,
    model: &'static ModelMeta,
    dialect: Dialect,
) -> Result<Vec<Value>> {
    model
        .columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            decode_value(row, offset + i, &column.ty).map_err(|e| Error::Decode {
                model: model.name,
                column: column.column,
                dialect,
                message: e.to_string(),
            })
        })
        .collect()
}
