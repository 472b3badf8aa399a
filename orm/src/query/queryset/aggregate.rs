//! [`QuerySet::aggregate`]: one `SELECT` of aggregates over the
//! queryset's rows, decoded as a typed tuple.

use super::{limit_binds, QuerySet};
use crate::db::Db;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::model::Model;
use crate::query::aggregate::{AggregateNode, Aggregates, AggregatesInto, FromAggregates};
use crate::query::compile::{write_where, JoinPlan};
use crate::query::in_list::check_bind_count;
use crate::query::shape::{self, StatementKind};
use crate::writer::{SqlWriter, Statement};

impl<M: Model> QuerySet<M> {
    /// The `SELECT` [`aggregate`](QuerySet::aggregate) runs, without a
    /// database.
    pub fn aggregate_sql<A: Aggregates<M>>(
        &self,
        dialect: Dialect,
        aggregates: A,
    ) -> Result<Statement> {
        let nodes = aggregates.into_nodes();
        self.check_aggregates(dialect, &nodes)?;
        Ok(self.render_aggregate(dialect, &nodes))
    }

    /// Computes the aggregates over the matching rows in one query and
    /// returns their results as a tuple typed by the aggregates
    /// (`Count` an `i64`, `Sum(i32 field)` an `Option<i64>`, ...); see
    /// [`query::aggregate`](crate::query::aggregate) for an example.
    ///
    /// After `limit()`, `offset()` or `distinct()` the aggregates run over
    /// that subquery's rows, and may then only read the model's own
    /// fields.
    pub async fn aggregate<A: Aggregates<M>>(&self, db: &Db, aggregates: A) -> Result<A::Output> {
        let dialect = db.dialect();
        let nodes = aggregates.into_nodes();
        self.check_aggregates(dialect, &nodes)?;
        let stmt = shape::statement(
            dialect,
            StatementKind::Aggregate,
            |key| {
                self.encode_shape(key);
                key.push(nodes.len());
                for node in &nodes {
                    key.aggregate(&node.0);
                }
            },
            || self.render_aggregate(dialect, &nodes),
            |binds| {
                for node in &nodes {
                    node.0.collect_binds(dialect, binds);
                }
                self.filter_binds(dialect, binds);
                if self.wraps_for_aggregate() {
                    self.order_binds(dialect, binds);
                    limit_binds(binds, self.limit, self.offset);
                }
            },
        );
        check_bind_count(M::META.name, &stmt)?;
        let mut rows = db
            .fetch(stmt, |row| {
                A::decode(row).map_err(|(i, e)| Error::Decode {
                    model: M::META.name,
                    column: "aggregate",
                    dialect,
                    message: format!("aggregate {} of the tuple: {e}", i + 1),
                })
            })
            .await?;
        rows.pop().ok_or_else(|| Error::InvalidQuery {
            model: M::META.name,
            reason: "the aggregate query returned no row".into(),
        })
    }

    /// [`aggregate`](QuerySet::aggregate) into a struct you name: its
    /// fields, in order, get the aggregates' results, and each must have
    /// its aggregate's type (a mismatch does not compile).
    ///
    /// ```
    /// use strata::prelude::*;
    /// use strata::query::aggregate::{Avg, Count, Sum};
    ///
    /// #[derive(Model, Debug)]
    /// struct Sale {
    ///     id: i64,
    ///     units: i32,
    /// }
    ///
    /// #[derive(strata::Aggregates, Debug, PartialEq)]
    /// struct Stats {
    ///     n: i64,
    ///     total: Option<i64>,
    ///     mean: Option<f64>,
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> strata::Result<()> {
    /// let db = Db::connect("sqlite::memory:").await?;
    /// db.create_tables(&[Sale::META]).await?;
    /// for units in [3, 4, 5] {
    ///     Sale { id: 0, units }.insert(&db).await?;
    /// }
    /// let stats = Sale::objects()
    ///     .aggregate_into::<Stats>(&db, (Count::all(), Sum(Sale::units()), Avg(Sale::units())))
    ///     .await?;
    /// assert_eq!(stats, Stats { n: 3, total: Some(12), mean: Some(4.0) });
    /// # Ok(()) }
    /// ```
    pub async fn aggregate_into<S: FromAggregates>(
        &self,
        db: &Db,
        aggregates: impl AggregatesInto<M, S>,
    ) -> Result<S> {
        self.aggregate_filling(db, aggregates).await
    }

    /// [`aggregate_into`](QuerySet::aggregate_into) with the tuple's type
    /// named.
    async fn aggregate_filling<S, A: AggregatesInto<M, S>>(
        &self,
        db: &Db,
        aggregates: A,
    ) -> Result<S> {
        let output = self.aggregate(db, aggregates).await?;
        Ok(A::fill(output))
    }

    /// Whether the aggregates run over a subquery of this queryset.
    fn wraps_for_aggregate(&self) -> bool {
        self.distinct || self.is_sliced()
    }

    /// An error for aggregates strata cannot compute the same way here.
    fn check_aggregates(&self, dialect: Dialect, nodes: &[AggregateNode]) -> Result<()> {
        self.check_values(dialect)?;
        self.check_paths()?;
        let invalid = |reason: String| Error::InvalidQuery {
            model: M::META.name,
            reason,
        };
        for node in nodes {
            let node = &node.0;
            node.check_values(dialect).map_err(|(column, refused)| {
                let name = match column {
                    Some(c) => format!("{}.{}", M::META.name, c.column.field),
                    None => format!("an aggregate of {}", M::META.name),
                };
                refused.into_error(name)
            })?;
            let mut deep = false;
            let mut related = false;
            node.for_each_path(&mut |p| {
                deep |= p.overflowed();
                related |= !p.is_empty();
            });
            if deep {
                return Err(invalid(format!(
                    "a relation path is longer than {} hops",
                    crate::relation::MAX_HOPS
                )));
            }
            let decimal_arithmetic = node
                .arg
                .as_ref()
                .is_some_and(|a| a.has_decimal_arithmetic())
                || node
                    .filter
                    .as_ref()
                    .is_some_and(|c| c.has_decimal_arithmetic());
            if decimal_arithmetic && dialect == Dialect::Sqlite {
                return Err(crate::query::queryset::sqlite_decimal_error(M::META.name));
            }
            if let Some(reason) = node.refusal(dialect) {
                return Err(invalid(reason));
            }
            if self.wraps_for_aggregate() && (related || node.has_subquery()) {
                return Err(invalid(
                    "after limit(), offset() or distinct(), aggregate() reads the model's own \
                     fields only"
                        .into(),
                ));
            }
        }
        Ok(())
    }

    /// Renders the aggregate `SELECT`.
    fn render_aggregate(&self, dialect: Dialect, nodes: &[AggregateNode]) -> Statement {
        let mut w = SqlWriter::new(dialect);
        let write_list = |w: &mut SqlWriter, plan: &JoinPlan| {
            for (i, node) in nodes.iter().enumerate() {
                if i > 0 {
                    w.push_sql(", ");
                }
                node.0.write(w, plan);
            }
        };
        w.push_sql("SELECT ");
        if self.wraps_for_aggregate() {
            // Unqualified columns read the derived table's.
            write_list(&mut w, &JoinPlan::new(M::META));
            w.push_sql(" FROM (");
            self.write_select_of(&mut w, self.limit, false);
            w.push_sql(") ");
            w.push_identifier("subquery");
        } else {
            let mut plan = self.plan(false);
            for node in nodes {
                node.0.for_each_column(&mut |c| plan.add_column(c));
                node.0.for_each_exists(&mut |p| {
                    let k = p.first_many().unwrap_or(0);
                    plan.add(p.prefix(k));
                });
            }
            write_list(&mut w, &plan);
            plan.write_from(&mut w);
            write_where(&mut w, &plan, &self.filters);
        }
        w.finish()
    }
}
