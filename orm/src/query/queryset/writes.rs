//! Writes that read first, as Django's: `get_or_create`,
//! `update_or_create`, and `in_bulk` for reading many rows by key.
//!
//! Both writes are correct when several tasks race to create the same
//! row, provided a unique constraint covers the lookup: the insert of the
//! task that loses fails with [`Error::UniqueViolation`], which is caught
//! (inside a savepoint when the caller is in a transaction, so the
//! transaction goes on) and answered by reading the winner's row.

use super::QuerySet;
use crate::db::Executor;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::query::expr::{ColRef, Expr, InList, IntoCondition, Q};
use crate::relation::JoinPath;
use crate::types::FieldType;
use std::collections::HashMap;
use std::hash::Hash;

impl<M: Model> QuerySet<M> {
    /// The one row matching this queryset and `lookup`, or a new one made
    /// by `create` and inserted: `(row, created)`.
    ///
    /// `create` builds the whole row; it should satisfy `lookup` (strata
    /// cannot merge a condition into a struct). With a unique constraint on
    /// the looked-up fields, two tasks racing to create the row end with
    /// one row: one creates it, the other gets it. Without one, both may
    /// insert, as in Django. Several matching rows are
    /// [`Error::MultipleObjectsReturned`].
    ///
    /// ```
    /// # use strata::prelude::*;
    /// #[derive(Model, Debug)]
    /// struct Tag {
    ///     id: i64,
    ///     #[strata(max_length = 40, unique)]
    ///     name: String,
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> strata::Result<()> {
    /// let db = Db::connect("sqlite::memory:").await?;
    /// db.create_tables(&[Tag::META]).await?;
    /// let new = || Tag { id: 0, name: "rust".into() };
    /// let (first, created) = Tag::objects().get_or_create(&db, Tag::name().eq("rust"), new).await?;
    /// assert!(created);
    /// let (again, created) = Tag::objects().get_or_create(&db, Tag::name().eq("rust"), new).await?;
    /// assert!(!created);
    /// assert_eq!(again.id, first.id);
    /// # Ok(()) }
    /// ```
    pub async fn get_or_create(
        &self,
        mut ex: impl Executor,
        lookup: impl IntoCondition<M>,
        create: impl FnOnce() -> M + Send,
    ) -> Result<(M, bool)> {
        let qs = self.clone().filter(lookup);
        match qs.get(&mut ex).await {
            Ok(found) => return Ok((found, false)),
            Err(Error::DoesNotExist { .. }) => {}
            Err(e) => return Err(e),
        }
        let mut obj = create();
        let inserted = if ex.in_transaction() {
            // A failed statement aborts a PostgreSQL transaction: the
            // insert gets a savepoint of its own to fail in.
            let mut sp = ex.begin().await?;
            match obj.insert(&mut sp).await {
                Ok(()) => sp.commit().await,
                Err(e) => {
                    sp.rollback().await?;
                    Err(e)
                }
            }
        } else {
            obj.insert(&mut ex).await
        };
        match inserted {
            Ok(()) => Ok((obj, true)),
            Err(duplicate @ Error::UniqueViolation { .. }) => {
                match qs.reread_after_conflict(&ex).get(&mut ex).await {
                    Ok(found) => Ok((found, false)),
                    // The conflict was on something the lookup does not match.
                    Err(Error::DoesNotExist { .. }) => Err(duplicate),
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// The one row matching this queryset and `lookup`, changed by
    /// `update` and saved, or, if there is none, a new row made by
    /// `create` and inserted: `(row, created)`.
    ///
    /// Runs in a transaction (a savepoint of the caller's, if any) and
    /// reads the row with `select_for_update` (on SQLite the transaction's
    /// write lock), so concurrent calls on the same row apply their
    /// updates one after the other. Racing creations end as in
    /// [`get_or_create`](Self::get_or_create): the loser updates the
    /// winner's row.
    pub async fn update_or_create(
        &self,
        mut ex: impl Executor,
        lookup: impl IntoCondition<M>,
        update: impl FnOnce(&mut M) + Send,
        create: impl FnOnce() -> M + Send,
    ) -> Result<(M, bool)> {
        let qs = self.clone().filter(lookup);
        let mut tx = ex.begin().await?;
        let locked = if tx.dialect() == Dialect::Sqlite {
            qs
        } else {
            qs.select_for_update()
        };
        let found = match locked.get(&mut tx).await {
            Ok(found) => Some(found),
            Err(Error::DoesNotExist { .. }) => None,
            Err(e) => return Err(e),
        };
        let (mut obj, created) = match found {
            Some(found) => (found, false),
            None => {
                let mut obj = create();
                let mut sp = tx.begin().await?;
                match obj.insert(&mut sp).await {
                    Ok(()) => {
                        sp.commit().await?;
                        tx.commit().await?;
                        return Ok((obj, true));
                    }
                    Err(duplicate @ Error::UniqueViolation { .. }) => {
                        sp.rollback().await?;
                        match locked.get(&mut tx).await {
                            Ok(found) => (found, false),
                            Err(Error::DoesNotExist { .. }) => return Err(duplicate),
                            Err(e) => return Err(e),
                        }
                    }
                    Err(e) => return Err(e),
                }
            }
        };
        update(&mut obj);
        obj.save(&mut tx).await?;
        tx.commit().await?;
        Ok((obj, created))
    }

    /// The query that reads the row another writer just created: on MySQL
    /// inside a transaction, a locking read, which sees the latest
    /// committed rows where a plain read would see the transaction's
    /// snapshot (InnoDB's repeatable read) and miss it.
    fn reread_after_conflict(&self, ex: &impl Executor) -> QuerySet<M> {
        if ex.in_transaction() && ex.dialect() == Dialect::MySql {
            self.clone().select_for_update()
        } else {
            self.clone()
        }
    }

    /// The rows of this queryset whose primary keys are in `keys`, by key;
    /// keys with no row are absent. No query runs for no keys. The keys go
    /// as one array or JSON parameter where the database allows, like any
    /// `is_in`.
    pub async fn in_bulk(
        &self,
        ex: impl Executor,
        keys: impl IntoIterator<Item = M::Key>,
    ) -> Result<HashMap<M::Key, M>>
    where
        M::Key: Hash + Eq,
    {
        let values: Vec<_> = keys.into_iter().map(|k| k.to_value()).collect();
        if values.is_empty() {
            return Ok(HashMap::new());
        }
        let by_key = Q::new(Expr::In {
            column: ColRef {
                column: M::META.pk(),
                path: JoinPath::EMPTY,
            },
            values: InList::new(values),
        });
        let rows = self.clone().filter(by_key).all(ex).await?;
        Ok(rows.into_iter().map(|m| (m.pk(), m)).collect())
    }
}
