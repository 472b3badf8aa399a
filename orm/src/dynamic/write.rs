//! Writes to a model chosen at run time: insert, update and delete by
//! primary key, and the keys of a many-to-many relation.

use super::condition::DynColumn;
use crate::db::Executor;
use crate::error::{Error, Result};
use crate::meta::{AutoNow, ManyToManyMeta, ModelMeta};
use crate::types::decode_value;
use crate::value::Value;
use crate::writer::SqlWriter;

/// Checks `values` against their columns and adds the `auto_now` stamps
/// (`inserting`: `auto_now_add` ones too) the caller did not give.
fn checked_values(
    model: &'static ModelMeta,
    values: Vec<(DynColumn, Value)>,
    dialect: crate::Dialect,
    inserting: bool,
) -> Result<Vec<(DynColumn, Value)>> {
    let mut out = Vec::with_capacity(values.len());
    for (column, value) in values {
        if !std::ptr::eq(column.model(), model) {
            return Err(Error::InvalidQuery {
                model: model.name,
                reason: format!(
                    "`{}` is a field of `{}`, not of `{}`",
                    column.meta().field,
                    column.model().name,
                    model.name
                ),
            });
        }
        column.check_value(&value, dialect)?;
        out.push((column, value));
    }
    for column in model.columns {
        let stamped = match column.auto_now {
            AutoNow::Never => false,
            AutoNow::OnInsert => inserting,
            AutoNow::Always => true,
        };
        if stamped && !out.iter().any(|(c, _)| std::ptr::eq(c.meta(), column)) {
            if let Some(now) = crate::types::auto_now::now_value(&column.ty) {
                out.push((DynColumn::from_meta(model, column)?, now));
            }
        }
    }
    Ok(out)
}

/// Inserts one row of `model` with `values` (columns not given take their
/// database default) and returns its primary key: the generated one for
/// an auto-increment key.
pub async fn insert_row(
    mut ex: impl Executor,
    model: &'static ModelMeta,
    values: Vec<(DynColumn, Value)>,
) -> Result<Value> {
    let dialect = ex.dialect();
    let values = checked_values(model, values, dialect, true)?;
    let pk = model.pk();
    let given_pk = values
        .iter()
        .find(|(c, _)| std::ptr::eq(c.meta(), pk))
        .map(|(_, v)| v.clone());
    let mut w = SqlWriter::new(dialect);
    w.push_sql("INSERT INTO ");
    w.push_identifier(model.table);
    if values.is_empty() {
        w.push_sql(dialect.imp().insert_default_values());
    } else {
        w.push_sql(" (");
        for (i, (column, _)) in values.iter().enumerate() {
            if i > 0 {
                w.push_sql(", ");
            }
            w.push_identifier(column.meta().column);
        }
        w.push_sql(") VALUES (");
        for (i, (_, value)) in values.into_iter().enumerate() {
            if i > 0 {
                w.push_sql(", ");
            }
            w.push_bind(value);
        }
        w.push_sql(")");
    }
    if let Some(pk) = given_pk.filter(|_| !pk.auto_increment) {
        ex.execute(w.finish()).await?;
        return Ok(pk);
    }
    let id = if dialect.imp().returns_inserted_keys() {
        w.push_sql(" RETURNING ");
        w.push_identifier(pk.column);
        let keys = ex
            .fetch(w.finish(), |row| {
                decode_value(row, 0, &pk.ty).map_err(|e| Error::Decode {
                    model: model.name,
                    column: pk.column,
                    dialect,
                    message: e.to_string(),
                })
            })
            .await?;
        keys.into_iter().next()
    } else {
        let id = ex.execute(w.finish()).await?.last_insert_id;
        id.map(|id| match crate::types::null_of(&pk.ty) {
            Value::I16(_) => {
                i16::try_from(id).map_or(Value::I64(Some(id)), |v| Value::I16(Some(v)))
            }
            Value::I32(_) => {
                i32::try_from(id).map_or(Value::I64(Some(id)), |v| Value::I32(Some(v)))
            }
            _ => Value::I64(Some(id)),
        })
    };
    id.ok_or_else(|| Error::InvalidQuery {
        model: model.name,
        reason: "the database returned no generated key".into(),
    })
}

/// Sets `values` on the row of `model` whose primary key is `pk`
/// (`auto_now` columns are stamped); returns the rows matched.
pub async fn update_row(
    mut ex: impl Executor,
    model: &'static ModelMeta,
    pk: Value,
    values: Vec<(DynColumn, Value)>,
) -> Result<u64> {
    let dialect = ex.dialect();
    let pk_column = DynColumn::from_meta(model, model.pk())?;
    pk_column.check_kind(&pk)?;
    let values = checked_values(model, values, dialect, false)?;
    if values.is_empty() {
        return Ok(0);
    }
    let mut w = SqlWriter::new(dialect);
    w.push_sql("UPDATE ");
    w.push_identifier(model.table);
    w.push_sql(" SET ");
    for (i, (column, value)) in values.into_iter().enumerate() {
        if i > 0 {
            w.push_sql(", ");
        }
        w.push_identifier(column.meta().column);
        w.push_sql(" = ");
        w.push_bind(value);
    }
    w.push_sql(" WHERE ");
    w.push_identifier(model.pk().column);
    w.push_sql(" = ");
    w.push_bind(pk);
    Ok(ex.execute(w.finish()).await?.rows_affected)
}

/// Deletes the rows of `model` whose primary keys are `pks`, through the
/// same deletion collector as `QuerySet::delete`: protected rows refuse
/// the delete ([`Error::Protected`]), the database cascades the rest.
/// Returns the rows of `model` deleted.
pub async fn delete_rows(
    mut ex: impl Executor,
    model: &'static ModelMeta,
    pks: Vec<Value>,
) -> Result<u64> {
    let pk_column = DynColumn::from_meta(model, model.pk())?;
    for pk in &pks {
        pk_column.check_kind(pk)?;
    }
    if pks.is_empty() {
        return Ok(0);
    }
    let dialect = ex.dialect();
    let write_pk_filter = |w: &mut SqlWriter| {
        w.push_identifier(model.pk().column);
        w.push_in_values(&pks, false);
    };
    let root_keys = |w: &mut SqlWriter| {
        w.push_sql("SELECT ");
        w.push_identifier(model.pk().column);
        w.push_sql(" FROM ");
        w.push_identifier(model.table);
        w.push_sql(" WHERE ");
        write_pk_filter(w);
    };
    let mut w = SqlWriter::new(dialect);
    w.push_sql("DELETE FROM ");
    w.push_identifier(model.table);
    w.push_sql(" WHERE ");
    write_pk_filter(&mut w);
    crate::relation::deletion::delete(&mut ex, model, &root_keys, w.finish()).await
}

/// The keys of the rows `m2m` (a many-to-many relation declared on
/// `model`) links to the row whose key is `pk`.
pub async fn m2m_keys(
    mut ex: impl Executor,
    model: &'static ModelMeta,
    m2m: &'static ManyToManyMeta,
    pk: Value,
) -> Result<Vec<Value>> {
    let dialect = ex.dialect();
    let target = (m2m.target)();
    let mut w = SqlWriter::new(dialect);
    w.push_sql("SELECT ");
    w.push_identifier(m2m.target_column);
    w.push_sql(" FROM ");
    w.push_identifier(m2m.table());
    w.push_sql(" WHERE ");
    w.push_identifier(m2m.source_column);
    w.push_sql(" = ");
    w.push_bind(pk);
    w.push_sql(" ORDER BY ");
    w.push_identifier(m2m.target_column);
    ex.fetch(w.finish(), |row| {
        decode_value(row, 0, &target.pk().ty).map_err(|e| Error::Decode {
            model: model.name,
            column: m2m.target_column,
            dialect,
            message: e.to_string(),
        })
    })
    .await
}

/// Makes `keys` the rows `m2m` links to the row `pk` of `model`: deletes
/// the links to other rows and adds the missing ones. Only for automatic
/// join tables (a `through` model is edited as a model of its own).
pub async fn set_m2m_keys(
    mut ex: impl Executor,
    model: &'static ModelMeta,
    m2m: &'static ManyToManyMeta,
    pk: Value,
    keys: Vec<Value>,
) -> Result<()> {
    if m2m.through.is_some() {
        return Err(Error::InvalidQuery {
            model: model.name,
            reason: format!(
                "`{}.{}` goes through a model: edit that model's rows instead",
                model.name, m2m.field
            ),
        });
    }
    let target = (m2m.target)();
    let target_pk = DynColumn::from_meta(target, target.pk())?;
    for key in &keys {
        target_pk.check_kind(key)?;
    }
    let current = m2m_keys(&mut ex, model, m2m, pk.clone()).await?;
    let dialect = ex.dialect();
    let stale: Vec<Value> = current
        .iter()
        .filter(|k| !keys.contains(k))
        .cloned()
        .collect();
    if !stale.is_empty() {
        let mut w = SqlWriter::new(dialect);
        w.push_sql("DELETE FROM ");
        w.push_identifier(m2m.join_table);
        w.push_sql(" WHERE ");
        w.push_identifier(m2m.source_column);
        w.push_sql(" = ");
        w.push_bind(pk.clone());
        w.push_sql(" AND ");
        w.push_identifier(m2m.target_column);
        w.push_in_values(&stale, false);
        ex.execute(w.finish()).await?;
    }
    let mut added: Vec<&Value> = Vec::new();
    for key in &keys {
        if !current.contains(key) && !added.contains(&key) {
            added.push(key);
        }
    }
    for key in added {
        let mut w = SqlWriter::new(dialect);
        w.push_sql("INSERT INTO ");
        w.push_identifier(m2m.join_table);
        w.push_sql(" (");
        w.push_identifier(m2m.source_column);
        w.push_sql(", ");
        w.push_identifier(m2m.target_column);
        w.push_sql(") VALUES (");
        w.push_bind(pk.clone());
        w.push_sql(", ");
        w.push_bind(key.clone());
        w.push_sql(")");
        ex.execute(w.finish()).await?;
    }
    Ok(())
}
