//! Columns the database fills on insert (`#[strata(db_default = ...)]`):
//! `insert` and `bulk_create` leave them out of the `INSERT` and read back
//! what the database chose, with `RETURNING` where the database has it
//! (PostgreSQL, SQLite) and with one `SELECT` by key afterwards where it
//! has not (MySQL/MariaDB).

use crate::db::{Executor, Row};
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::meta::ModelMeta;
use crate::model::Model;
use crate::types::decode_value;
use crate::value::Value;
use crate::writer::{SqlWriter, Statement};

/// What an `INSERT` of a model returns on one dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Returning {
    /// The generated key comes first.
    pub key: bool,
    /// Then this many `db_default` columns.
    pub defaults: usize,
}

impl Returning {
    /// Whether the `INSERT` has a `RETURNING` clause at all.
    pub fn any(self) -> bool {
        self.key || self.defaults > 0
    }
}

/// The `RETURNING` list an `INSERT` (without an upsert clause) of `meta`
/// carries on `dialect`.
pub(crate) fn returning(meta: &ModelMeta, dialect: Dialect) -> Returning {
    let imp = dialect.imp();
    let defaults = if imp.has_returning() {
        meta.db_default_columns().count()
    } else {
        0
    };
    let auto = meta.pk().auto_increment;
    Returning {
        key: auto && (imp.returns_inserted_keys() || defaults > 0),
        defaults,
    }
}

/// Appends ` RETURNING "id", "d1", ...` as [`returning`] says.
pub(crate) fn write_returning(w: &mut SqlWriter, meta: &ModelMeta, plan: Returning) {
    if !plan.any() {
        return;
    }
    w.push_sql(" RETURNING ");
    let mut first = true;
    let key = plan.key.then(|| meta.pk());
    let defaults = meta.db_default_columns().take(plan.defaults);
    for column in key.into_iter().chain(defaults) {
        if !first {
            w.push_sql(", ");
        }
        first = false;
        w.push_identifier(column.column);
    }
}

/// One returned row: the generated key (when returned) and the values of
/// the `db_default` columns.
pub(crate) fn decode_returned<M: Model>(
    row: &Row,
    dialect: Dialect,
    plan: Returning,
) -> Result<(Option<i64>, Vec<Value>)> {
    let key = if plan.key {
        Some(crate::model::generated_key::<M>(row, dialect)?)
    } else {
        None
    };
    let start = usize::from(plan.key);
    let values = decode_defaults::<M>(row, start, plan.defaults)?;
    Ok((key, values))
}

/// The `count` `db_default` columns of `row` from column `start` on.
fn decode_defaults<M: Model>(row: &Row, start: usize, count: usize) -> Result<Vec<Value>> {
    M::META
        .db_default_columns()
        .take(count)
        .enumerate()
        .map(|(i, column)| {
            decode_value(row, start + i, &column.ty).map_err(|e| Error::Decode {
                model: M::META.name,
                column: column.column,
                dialect: row.dialect(),
                message: e.to_string(),
            })
        })
        .collect()
}

/// `SELECT "pk", "d1", ... FROM "t" WHERE "pk" IN (...)`.
fn reselect_statement<M: Model>(dialect: Dialect, keys: Vec<Value>) -> Statement {
    let meta = M::META;
    let mut w = SqlWriter::new(dialect);
    w.push_sql("SELECT ");
    w.push_identifier(meta.pk().column);
    for column in meta.db_default_columns() {
        w.push_sql(", ");
        w.push_identifier(column.column);
    }
    w.push_sql(" FROM ");
    w.push_identifier(meta.table);
    w.push_sql(" WHERE ");
    w.push_identifier(meta.pk().column);
    w.push_sql(" IN (");
    for (i, key) in keys.into_iter().enumerate() {
        if i > 0 {
            w.push_sql(", ");
        }
        w.push_bind(key);
    }
    w.push_sql(")");
    w.finish()
}

/// Reads the `db_default` columns of the just inserted `objects` back by
/// their keys, where the `INSERT` could not return them. Nothing to do
/// for a model without such columns or a dialect with `RETURNING`.
pub(crate) async fn reselect<M: Model>(ex: &mut impl Executor, objects: &mut [M]) -> Result<()> {
    let dialect = ex.dialect();
    let count = M::META.db_default_columns().count();
    if count == 0 || returning(M::META, dialect).defaults == count || objects.is_empty() {
        return Ok(());
    }
    let keys: Vec<Value> = objects.iter().map(Model::pk_value).collect();
    let stmt = reselect_statement::<M>(dialect, keys);
    let pk = M::META.pk();
    let rows = ex
        .fetch(stmt, |row| {
            let key = decode_value(row, 0, &pk.ty).map_err(|e| Error::Decode {
                model: M::META.name,
                column: pk.column,
                dialect,
                message: e.to_string(),
            })?;
            Ok((key, decode_defaults::<M>(row, 1, count)?))
        })
        .await?;
    for obj in objects.iter_mut() {
        let key = obj.pk_value();
        let values = rows
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, values)| values.clone())
            .ok_or(Error::DoesNotExist {
                model: M::META.name,
            })?;
        obj.__set_db_defaults(values, dialect)?;
    }
    Ok(())
}

/// Stores the values of the `db_default` columns, in their order, in the
/// fields of `obj`. Used by generated code.
#[doc(hidden)]
pub fn db_default_value<M: Model, T: crate::FieldType>(
    values: &mut std::vec::IntoIter<Value>,
    column: usize,
    dialect: Dialect,
) -> Result<T> {
    let meta = M::META;
    let value = values.next().ok_or_else(|| Error::InvalidQuery {
        model: meta.name,
        reason: format!(
            "the database returned no value for `{}`",
            meta.columns[column].column
        ),
    })?;
    T::from_value(value).map_err(|e| Error::Decode {
        model: meta.name,
        column: meta.columns[column].column,
        dialect,
        message: e.to_string(),
    })
}
