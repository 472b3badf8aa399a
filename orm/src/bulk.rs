//! Bulk writes beyond `bulk_create`: upserts ([`OnConflict`]) and
//! `bulk_update`.

use crate::db::Executor;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::meta::{ColumnMeta, ModelMeta};
use crate::model::{
    bulk_batches, check_column_values, check_insert_values, generated_key, render_insert_with,
    Model,
};
use crate::query::{own_columns, FieldList};
use crate::types::decode_value;
use crate::value::Value;
use crate::writer::{SqlWriter, Statement};
use std::collections::HashMap;
use std::marker::PhantomData;

/// The `INSERT` statements of [`Model::bulk_create`], one per batch that
/// fits the dialect's bind-parameter limit, rendered as they are taken
/// (see [`Model::bulk_create_statements`]).
pub struct BulkStatements<'a, M> {
    batches: std::slice::Chunks<'a, M>,
    dialect: Dialect,
}

impl<'a, M: Model> BulkStatements<'a, M> {
    pub(crate) fn new(objects: &'a [M], dialect: Dialect) -> Self {
        BulkStatements {
            batches: bulk_batches(objects, dialect),
            dialect,
        }
    }
}

impl<M: Model> Iterator for BulkStatements<'_, M> {
    type Item = Statement;

    fn next(&mut self) -> Option<Statement> {
        let batch = self.batches.next()?;
        Some(crate::model::insert_batch(batch, self.dialect))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.batches.size_hint()
    }
}

impl<M: Model> ExactSizeIterator for BulkStatements<'_, M> {}

impl<M> std::fmt::Debug for BulkStatements<'_, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BulkStatements")
            .field("batches_left", &self.batches.len())
            .field("dialect", &self.dialect)
            .finish()
    }
}

/// Rows one `bulk_update` statement writes at most: each row's `CASE`
/// is searched linearly, so a statement costs rows × rows comparisons
/// (updating 14,000 rows in statements of up to 13,107 rows took about
/// 100 s over the three test databases; in statements of 500, 1,200 rows
/// take 1 s); the bind limit caps it further for many fields.
const BULK_UPDATE_ROWS: usize = 500;

/// What [`Model::bulk_create_on_conflict`] does with a row that collides
/// with an existing one on a unique constraint.
///
/// - PostgreSQL and SQLite: `ON CONFLICT (<unique fields>) DO NOTHING` or
///   `DO UPDATE SET f = EXCLUDED.f`. The generated keys of the rows
///   written (inserted, or updated by an upsert) are read back with
///   `RETURNING` and stored in the objects, matched by the values of the
///   unique fields; with `ignore`, a skipped row keeps its key as it was.
/// - MySQL/MariaDB: `ON DUPLICATE KEY UPDATE f = VALUES(f)` (for
///   `ignore`, a no-op `pk = pk`: unlike `INSERT IGNORE` it leaves every
///   other error an error). MySQL applies it to a collision on *any*
///   unique key, whatever `unique_fields` says, and reports no keys of an
///   upsert: the objects' keys are left as they were.
///
/// ```
/// # use strata::prelude::*;
/// # use strata::OnConflict;
/// #[derive(Model, Debug)]
/// #[strata(unique(fields(sku)))]
/// struct Stock {
///     id: i64,
///     #[strata(max_length = 20)]
///     sku: String,
///     qty: i32,
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> strata::Result<()> {
/// let db = Db::connect("sqlite::memory:").await?;
/// db.create_tables(&[Stock::META]).await?;
/// let mut first = vec![Stock { id: 0, sku: "pen".into(), qty: 5 }];
/// Stock::bulk_create(&db, &mut first).await?;
/// // An upsert: "pen" exists and gets the new quantity, "ink" is new.
/// let mut rows = vec![
///     Stock { id: 0, sku: "pen".into(), qty: 7 },
///     Stock { id: 0, sku: "ink".into(), qty: 1 },
/// ];
/// let upsert = OnConflict::update(Stock::qty()).unique_fields(Stock::sku());
/// Stock::bulk_create_on_conflict(&db, &mut rows, upsert).await?;
/// assert_eq!(rows[0].id, first[0].id); // the existing row's key
/// let pen = Stock::objects().filter(Stock::sku().eq("pen")).get(&db).await?;
/// assert_eq!(pen.qty, 7);
/// assert_eq!(Stock::objects().count(&db).await?, 2);
/// # Ok(()) }
/// ```
pub struct OnConflict<M> {
    update: Option<Vec<&'static ColumnMeta>>,
    unique: Vec<&'static ColumnMeta>,
    /// A bad field list, reported when the statement is built.
    problem: Option<String>,
    _model: PhantomData<fn() -> M>,
}

impl<M: Model> OnConflict<M> {
    /// Keep the existing row; the colliding new one is not written.
    pub fn ignore() -> Self {
        OnConflict {
            update: None,
            unique: Vec::new(),
            problem: None,
            _model: PhantomData,
        }
    }

    /// Overwrite `fields` (one field or a tuple) of the existing row with
    /// the new row's values. Needs [`unique_fields`](Self::unique_fields).
    pub fn update(fields: impl FieldList<M>) -> Self {
        let mut out = Self::ignore();
        match own_columns::<M>(fields, "on_conflict update()", false) {
            Ok(columns) => out.update = Some(columns),
            Err(e) => {
                out.update = Some(Vec::new());
                out.problem = Some(e.to_string());
            }
        }
        out
    }

    /// The fields of the unique constraint (or primary key) whose
    /// collisions are resolved: the conflict target of PostgreSQL and
    /// SQLite, which must be exactly the fields of one unique constraint.
    pub fn unique_fields(mut self, fields: impl FieldList<M>) -> Self {
        match own_columns::<M>(fields, "unique_fields()", true) {
            Ok(columns) => self.unique = columns,
            Err(e) => self.problem = Some(e.to_string()),
        }
        self
    }

    /// The checked clause, or an error naming what is wrong.
    fn resolve(&self) -> Result<Conflict> {
        let meta = M::META;
        let refuse = |reason: String| Error::InvalidQuery {
            model: meta.name,
            reason,
        };
        if let Some(problem) = &self.problem {
            return Err(refuse(problem.clone()));
        }
        if self.update.is_some() && self.unique.is_empty() {
            return Err(refuse(
                "on_conflict(update(..)) needs .unique_fields(..): the unique constraint whose \
                 collisions it resolves"
                    .into(),
            ));
        }
        if !self.unique.is_empty() && !is_unique_set(meta, &self.unique) {
            let names: Vec<&str> = self.unique.iter().map(|c| c.field).collect();
            return Err(refuse(format!(
                "unique_fields({}) are not the fields of a unique constraint or the primary key \
                 of {}; a conflict target must be one",
                names.join(", "),
                meta.name
            )));
        }
        Ok(Conflict {
            update: self
                .update
                .as_ref()
                .map(|c| c.iter().map(|c| c.column).collect())
                .unwrap_or_default(),
            unique: self.unique.clone(),
        })
    }
}

/// Whether `columns` are exactly the primary key, a unique column or the
/// columns of a `unique(fields(...))` constraint.
fn is_unique_set(meta: &ModelMeta, columns: &[&'static ColumnMeta]) -> bool {
    if let [one] = columns {
        if one.primary_key || one.unique {
            return true;
        }
    }
    meta.unique_constraints.iter().any(|u| {
        u.columns.len() == columns.len()
            && u.columns
                .iter()
                .all(|name| columns.iter().any(|c| c.column == *name))
    })
}

/// A resolved `ON CONFLICT` / `ON DUPLICATE KEY` clause.
pub(crate) struct Conflict {
    /// The columns to overwrite; empty to keep the existing row.
    update: Vec<&'static str>,
    unique: Vec<&'static ColumnMeta>,
}

impl Conflict {
    /// Appends the clause after the `VALUES`.
    pub(crate) fn write(&self, w: &mut SqlWriter, meta: &ModelMeta) {
        let unique: Vec<&str> = self.unique.iter().map(|c| c.column).collect();
        w.dialect()
            .imp()
            .write_upsert(w, meta.pk().column, &unique, &self.update);
    }

    /// Appends ` RETURNING "pk", "u1", ...` where the written rows can be
    /// matched to the objects by their unique values.
    pub(crate) fn write_returning(&self, w: &mut SqlWriter, meta: &ModelMeta) {
        if !self.matches_by_value(meta) {
            return;
        }
        w.push_sql(" RETURNING ");
        w.push_identifier(meta.pk().column);
        for column in &self.unique {
            w.push_sql(", ");
            w.push_identifier(column.column);
        }
    }

    /// Whether every unique column is written by the insert, so returned
    /// rows can be told apart by value.
    fn matches_by_value(&self, meta: &ModelMeta) -> bool {
        !self.unique.is_empty()
            && self
                .unique
                .iter()
                .all(|u| meta.insert_columns().any(|c| std::ptr::eq(c, *u)))
    }
}

/// The statements of an upsert, one per batch.
pub(crate) fn upsert_statements<M: Model>(
    objects: &[M],
    dialect: Dialect,
    on_conflict: &OnConflict<M>,
) -> Result<Vec<Statement>> {
    let conflict = on_conflict.resolve()?;
    Ok(bulk_batches(objects, dialect)
        .map(|batch| {
            let mut values = Vec::new();
            for obj in batch {
                obj.write_insert_values(&mut values);
            }
            render_insert_with::<M>(dialect, values, batch.len(), Some(&conflict))
        })
        .collect())
}

/// A set of unique values as a map key (`Value` has no `Hash`; its
/// `Debug` text is as distinct as the values).
fn value_key(values: &[Value]) -> String {
    format!("{values:?}")
}

pub(crate) async fn bulk_create_on_conflict<M: Model>(
    mut ex: impl Executor,
    objects: &mut [M],
    on_conflict: &OnConflict<M>,
) -> Result<()> {
    let dialect = ex.dialect();
    let conflict = on_conflict.resolve()?;
    let statements = upsert_statements(objects, dialect, on_conflict)?;
    for stmt in &statements {
        check_insert_values(M::META, &stmt.binds, dialect)?;
    }
    let read_keys = M::META.pk().auto_increment
        && dialect.imp().has_returning()
        && conflict.matches_by_value(M::META);
    // Where each unique column sits among the insert values.
    let positions: Vec<usize> = conflict
        .unique
        .iter()
        .filter_map(|u| M::META.insert_columns().position(|c| std::ptr::eq(c, *u)))
        .collect();
    let lengths: Vec<usize> = bulk_batches(objects, dialect).map(<[M]>::len).collect();
    let mut start = 0;
    for (stmt, len) in statements.into_iter().zip(lengths) {
        let batch = &mut objects[start..start + len];
        start += len;
        if !read_keys {
            ex.execute(stmt).await?;
            continue;
        }
        let unique = &conflict.unique;
        let written = ex
            .fetch(stmt, |row| {
                let id = generated_key::<M>(row, dialect)?;
                let mut values = Vec::with_capacity(unique.len());
                for (i, column) in unique.iter().enumerate() {
                    values.push(decode_value(row, i + 1, &column.ty).map_err(|e| {
                        Error::Decode {
                            model: M::META.name,
                            column: column.column,
                            dialect,
                            message: e.to_string(),
                        }
                    })?);
                }
                Ok((value_key(&values), id))
            })
            .await?;
        let keys: HashMap<String, i64> = written.into_iter().collect();
        for obj in batch.iter_mut() {
            let mut values = Vec::new();
            obj.write_insert_values(&mut values);
            let unique_values: Vec<Value> = positions.iter().map(|&p| values[p].clone()).collect();
            if let Some(&id) = keys.get(&value_key(&unique_values)) {
                obj.set_generated_pk(id)?;
            }
        }
    }
    Ok(())
}

/// The `UPDATE ... CASE` statements of `bulk_update`, one per batch that
/// fits the bind limit.
pub(crate) fn bulk_update_statements<M: Model>(
    objects: &[M],
    dialect: Dialect,
    fields: impl FieldList<M>,
) -> Result<Vec<Statement>> {
    let meta = M::META;
    let columns = own_columns::<M>(fields, "bulk_update()", false)?;
    let non_pk: Vec<&ColumnMeta> = meta.columns.iter().filter(|c| !c.primary_key).collect();
    let positions: Vec<usize> = columns
        .iter()
        .map(|c| {
            non_pk
                .iter()
                .position(|n| std::ptr::eq(*n, *c))
                .expect("own columns that are not the key")
        })
        .collect();
    // Per object: a key and a value for each field, and the key once more
    // in the `IN` list.
    let per_object = 2 * columns.len() + 1;
    let batch_len = (dialect.max_bind_params() / per_object).clamp(1, BULK_UPDATE_ROWS);
    let mut statements = Vec::new();
    for batch in objects.chunks(batch_len) {
        let mut rows: Vec<(Value, Vec<Value>)> = Vec::with_capacity(batch.len());
        for obj in batch {
            let mut values = Vec::with_capacity(non_pk.len());
            obj.write_update_values(&mut values);
            let picked: Vec<Value> = positions.iter().map(|&p| values[p].clone()).collect();
            check_column_values(meta, columns.iter().copied(), &picked, dialect)?;
            rows.push((obj.pk_value(), picked));
        }
        let mut w = SqlWriter::new(dialect);
        w.push_sql("UPDATE ");
        w.push_identifier(meta.table);
        w.push_sql(" SET ");
        for (i, column) in columns.iter().enumerate() {
            if i > 0 {
                w.push_sql(", ");
            }
            w.push_identifier(column.column);
            w.push_sql(" = CASE ");
            w.push_identifier(meta.pk().column);
            for (key, values) in &rows {
                w.push_sql(" WHEN ");
                w.push_bind(key.clone());
                w.push_sql(" THEN ");
                w.push_bind(values[i].clone());
            }
            w.push_sql(" ELSE ");
            w.push_identifier(column.column);
            w.push_sql(" END");
        }
        w.push_sql(" WHERE ");
        w.push_identifier(meta.pk().column);
        let keys: Vec<Value> = rows.into_iter().map(|(k, _)| k).collect();
        w.push_in_values(&keys, false);
        statements.push(w.finish());
    }
    Ok(statements)
}

/// Runs the statements of `bulk_update`; several in one transaction (a
/// savepoint inside the caller's).
pub(crate) async fn run_bulk_update(
    mut ex: impl Executor,
    statements: Vec<Statement>,
) -> Result<u64> {
    let mut matched = 0;
    if statements.len() <= 1 {
        for stmt in statements {
            matched += ex.execute(stmt).await?.rows_affected;
        }
        return Ok(matched);
    }
    let mut tx = ex.begin().await?;
    for stmt in statements {
        matched += tx.execute(stmt).await?.rows_affected;
    }
    tx.commit().await?;
    Ok(matched)
}

/// The statements of [`Model::bulk_create_sql`] rendered from scratch,
/// without the statement cache that `bulk_create_sql` and every
/// `bulk_create` take their SQL text from: for benchmarks that measure
/// what building an `INSERT` costs (the same statements, see the
/// `statement_cache` golden tests).
#[doc(hidden)]
pub fn bulk_create_sql_uncached<M: Model>(objects: &[M], dialect: Dialect) -> Vec<Statement> {
    bulk_batches(objects, dialect)
        .map(|batch| {
            let mut values = Vec::new();
            for obj in batch {
                obj.write_insert_values(&mut values);
            }
            render_insert_with::<M>(dialect, values, batch.len(), None)
        })
        .collect()
}
