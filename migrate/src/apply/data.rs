//! Typed querysets on a data migration's transaction.
//!
//! A `#[data_migration]` function gets the migration's
//! [`Transaction`]; these helpers run a [`QuerySet`]'s statements on it, so
//! that a backfill reads and writes through the same typed API as the
//! application, inside the migration (and rolled back with it).
//!
//! ```ignore
//! #[strata_migrate::data_migration]
//! async fn backfill_slugs(tx: &mut strata::Transaction<'_>) -> strata::Result<()> {
//!     let untitled = Post::objects().filter(Post::slug().eq(""));
//!     for post in strata_migrate::data::all(tx, &untitled).await? {
//!         let one = Post::objects().filter(Post::id().eq(post.id));
//!         strata_migrate::data::update(tx, &one, [Post::slug().set(slugify(&post.title))]).await?;
//!     }
//!     Ok(())
//! }
//! ```
//!
//! Until the ORM's querysets take an executor that a transaction
//! implements, these cover reading rows of the model itself, counting,
//! updating and deleting: `all` decodes the queryset's own model and
//! loads no `select_related` / `prefetch_related` relations (filters
//! across relations work). Anything else is a statement
//! ([`Transaction::execute`] / [`Transaction::fetch`], e.g. with
//! `model.insert_sql(tx.dialect())`).

use strata::query::Assignment;
use strata::{Model, QuerySet, Result, Transaction};

/// Every row `queryset` matches, decoded as `M`.
pub async fn all<M: Model>(tx: &mut Transaction<'_>, queryset: &QuerySet<M>) -> Result<Vec<M>> {
    let stmt = queryset.sql(tx.dialect());
    tx.fetch(stmt, |row| M::from_row(row, 0)).await
}

/// How many rows `queryset` matches.
pub async fn count<M: Model>(tx: &mut Transaction<'_>, queryset: &QuerySet<M>) -> Result<u64> {
    let stmt = queryset.count_sql(tx.dialect());
    let counts = tx
        .fetch(stmt, |row| {
            <i64 as strata::FieldType>::decode(row, 0).map_err(|e| strata::Error::Decode {
                model: M::META.name,
                column: "COUNT(*)",
                dialect: row.dialect(),
                message: e.to_string(),
            })
        })
        .await?;
    Ok(counts.first().map_or(0, |&n| u64::try_from(n).unwrap_or(0)))
}

/// Sets `assignments` on every row `queryset` matches; the number of rows.
pub async fn update<M: Model>(
    tx: &mut Transaction<'_>,
    queryset: &QuerySet<M>,
    assignments: impl IntoIterator<Item = Assignment<M>>,
) -> Result<u64> {
    let stmt = queryset.update_sql(tx.dialect(), assignments)?;
    Ok(tx.execute(stmt).await?.rows_affected)
}

/// Deletes every row `queryset` matches (no cascades are followed: the
/// database's own `ON DELETE` rules apply); the number of rows.
pub async fn delete<M: Model>(tx: &mut Transaction<'_>, queryset: &QuerySet<M>) -> Result<u64> {
    let stmt = queryset.delete_sql(tx.dialect())?;
    Ok(tx.execute(stmt).await?.rows_affected)
}

/// Writes every column of `model` to its row (by primary key).
pub async fn save<M: Model>(tx: &mut Transaction<'_>, model: &M) -> Result<()> {
    if let Some(stmt) = model.save_sql(tx.dialect()) {
        tx.execute(stmt).await?;
    }
    Ok(())
}
