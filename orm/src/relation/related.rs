//! [`RelatedRows`]: the rows related to one model instance, from
//! [`Model::related`](crate::Model::related).

use super::key::{Key, KeySet};
use super::path::{JoinPath, RelationKind, RelationMeta};
use crate::db::Executor;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::query::{reached_from, QuerySet};
use crate::value::Value;
use crate::writer::{SqlWriter, Statement};
use std::marker::PhantomData;

/// The rows of `T` reached from one row of `M` along a relation path.
pub struct RelatedRows<M, T> {
    path: JoinPath,
    key: Value,
    _marker: PhantomData<fn() -> (M, T)>,
}

impl<M: Model, T: Model> RelatedRows<M, T> {
    pub(crate) fn new(path: JoinPath, key: Value) -> Self {
        RelatedRows {
            path,
            key,
            _marker: PhantomData,
        }
    }

    /// A queryset of the related rows, to filter, order and run.
    pub fn objects(&self) -> QuerySet<T> {
        let mut hops = self.path.hops();
        if let (Some(hop), None) = (hops.next(), hops.next()) {
            if hop.kind == RelationKind::Reverse {
                if let Some(column) = T::META.columns.iter().find(|c| c.column == hop.column) {
                    return T::objects()
                        .filter(crate::query::column_eq::<T>(column, self.key.clone()));
                }
            }
        }
        T::objects().filter(reached_from::<T>(self.path, self.key.clone()))
    }

    /// Runs [`objects`](Self::objects) and returns every related row.
    pub async fn all(&self, ex: impl Executor) -> Result<Vec<T>> {
        self.objects().all(ex).await
    }

    /// The many-to-many hop whose join table strata manages, or an error.
    fn join(&self, what: &str) -> Result<&'static RelationMeta> {
        let mut hops = self.path.hops();
        let hop = match (hops.next(), hops.next()) {
            (Some(hop), None) if hop.kind == RelationKind::ManyToMany => hop,
            _ => {
                return Err(Error::InvalidQuery {
                    model: M::META.name,
                    reason: format!(
                        "{what}() works on one many-to-many relation, not on `{:?}`",
                        self.path
                    ),
                })
            }
        };
        if let Some(through) = hop.through {
            return Err(Error::InvalidQuery {
                model: M::META.name,
                reason: format!(
                    "`{}` goes through the model `{}`: create or delete `{}` rows instead of {what}()",
                    hop.name,
                    through().name,
                    through().name
                ),
            });
        }
        Ok(hop)
    }

    /// The keys of the rows currently related.
    async fn current<E: Executor>(&self, ex: &mut E, hop: &'static RelationMeta) -> Result<KeySet> {
        let mut w = SqlWriter::new(ex.dialect());
        w.push_sql("SELECT ");
        w.push_identifier(hop.join_to);
        w.push_sql(" FROM ");
        w.push_identifier(hop.join_table());
        w.push_sql(" WHERE ");
        w.push_identifier(hop.join_from);
        w.push_sql(" = ");
        w.push_bind(self.key.clone());
        ex.fetch(w.finish(), |row| {
            let key = crate::model::decode_field::<T::Key>(row, 0, T::META, T::META.primary_key)?;
            Ok(Key::from(crate::types::FieldType::to_value(&key)))
        })
        .await
        .map(|keys| keys.into_iter().collect())
    }

    /// Relates `targets` to this row; pairs that already exist are left
    /// alone. Two queries: one to read the existing pairs, one insert.
    pub async fn add(&self, mut ex: impl Executor, targets: &[&T]) -> Result<()> {
        let hop = self.join("add")?;
        let existing = self.current(&mut ex, hop).await?;
        let mut seen = KeySet::default();
        let new: Vec<Value> = targets
            .iter()
            .map(|t| t.pk_value())
            .filter(|k| {
                let key = Key::from(k.clone());
                !existing.contains(&key) && seen.insert(key)
            })
            .collect();
        let dialect = ex.dialect();
        for chunk in new.chunks((dialect.max_bind_params() / 2).max(1)) {
            ex.execute(self.insert_pairs(dialect, hop, chunk)).await?;
        }
        Ok(())
    }

    fn insert_pairs(&self, dialect: Dialect, hop: &RelationMeta, targets: &[Value]) -> Statement {
        let mut w = SqlWriter::new(dialect);
        w.push_sql("INSERT INTO ");
        w.push_identifier(hop.join_table());
        w.push_sql(" (");
        w.push_identifier(hop.join_from);
        w.push_sql(", ");
        w.push_identifier(hop.join_to);
        w.push_sql(") VALUES ");
        for (i, target) in targets.iter().enumerate() {
            if i > 0 {
                w.push_sql(", ");
            }
            w.push_sql("(");
            w.push_bind(self.key.clone());
            w.push_sql(", ");
            w.push_bind(target.clone());
            w.push_sql(")");
        }
        w.finish()
    }

    /// Unrelates `targets` from this row (the rows themselves stay).
    pub async fn remove(&self, mut ex: impl Executor, targets: &[&T]) -> Result<u64> {
        let hop = self.join("remove")?;
        let keys: Vec<Value> = targets.iter().map(|t| t.pk_value()).collect();
        let mut removed = 0;
        let dialect = ex.dialect();
        let chunk = if dialect.binds_arrays() {
            keys.len().max(1)
        } else {
            (dialect.max_bind_params() - 1).max(1)
        };
        for chunk in keys.chunks(chunk) {
            let mut w = self.delete_pairs(dialect, hop);
            w.push_sql(" AND ");
            w.push_identifier(hop.join_to);
            w.push_in_values(chunk, false);
            removed += ex.execute(w.finish()).await?.rows_affected;
        }
        Ok(removed)
    }

    fn delete_pairs(&self, dialect: Dialect, hop: &RelationMeta) -> SqlWriter {
        let mut w = SqlWriter::new(dialect);
        w.push_sql("DELETE FROM ");
        w.push_identifier(hop.join_table());
        w.push_sql(" WHERE ");
        w.push_identifier(hop.join_from);
        w.push_sql(" = ");
        w.push_bind(self.key.clone());
        w
    }

    /// Unrelates every row from this one.
    pub async fn clear(&self, mut ex: impl Executor) -> Result<u64> {
        let hop = self.join("clear")?;
        let dialect = ex.dialect();
        Ok(ex
            .execute(self.delete_pairs(dialect, hop).finish())
            .await?
            .rows_affected)
    }

    /// Makes `targets` exactly the related rows: removes the others, adds
    /// the missing ones.
    pub async fn set(&self, mut ex: impl Executor, targets: &[&T]) -> Result<()> {
        let hop = self.join("set")?;
        let existing = self.current(&mut ex, hop).await?;
        let wanted: KeySet = targets.iter().map(|t| Key::from(t.pk_value())).collect();
        if existing.iter().any(|k| !wanted.contains(k)) {
            let mut w = self.delete_pairs(ex.dialect(), hop);
            let keep: Vec<Value> = targets.iter().map(|t| t.pk_value()).collect();
            if !keep.is_empty() {
                w.push_sql(" AND ");
                w.push_identifier(hop.join_to);
                w.push_in_values(&keep, true);
            }
            ex.execute(w.finish()).await?;
        }
        self.add(ex, targets).await
    }
}
