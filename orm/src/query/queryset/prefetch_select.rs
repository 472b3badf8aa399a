//! The `SELECT` of one prefetch level run with a custom queryset: the rows
//! a relation reaches from a batch of parents, the queryset's filters,
//! ordering and select_related applied, the parent key selected last.
//!
//! A `limit` / `offset` applies to each parent's rows, as Django does: the
//! rows are numbered per parent with a window function (`ROW_NUMBER()
//! OVER (PARTITION BY <parent key> ORDER BY <ordering>, <primary key>)`,
//! which PostgreSQL, MySQL 8, MariaDB 10.2+ and SQLite 3.25+ all have) in
//! a subquery, and the outer query keeps the numbers in the slice.

use super::view::View;
use crate::query::compile::{write_conditions, write_order_by, write_order_terms, JoinPlan};
use crate::relation::{JoinPath, RelationKind, RelationMeta};
use crate::value::Value;
use crate::writer::SqlWriter;

/// The alias of the table that links a parent key to the rows
/// (many-to-many join table, or the parent's table for a forward key).
const LINK: &str = "strata_link";
/// The per-parent row number of a sliced prefetch.
const ROW: &str = "strata_row";
/// The parent key column of a sliced prefetch's subquery.
const KEY: &str = "strata_key";

impl View<'_> {
    /// Writes the `SELECT` of the rows `hop` reaches from the parents with
    /// primary keys `keys`.
    pub(super) fn write_prefetch_select(
        &self,
        w: &mut SqlWriter,
        hop: &'static RelationMeta,
        keys: &[Value],
    ) {
        if self.is_sliced() {
            self.write_sliced_prefetch_select(w, hop, keys);
            return;
        }
        w.push_sql(if self.distinct {
            "SELECT DISTINCT "
        } else {
            "SELECT "
        });
        let mut plan = self.plan(true);
        plan.force_qualify();
        let selected = self.write_prefetch_columns(w, &plan, None);
        self.write_distinct_order_columns(w, &plan, &selected);
        w.push_sql(", ");
        write_parent_key(w, hop, self.meta.table);
        self.write_prefetch_from_where(w, &plan, hop, keys);
        write_order_by(w, &plan, self.order);
    }

    /// Writes the model's and the select_related columns, each aliased
    /// `c0`, `c1`, ... when `aliases` is given; returns the selected paths.
    fn write_prefetch_columns(
        &self,
        w: &mut SqlWriter,
        plan: &JoinPlan,
        mut aliases: Option<&mut usize>,
    ) -> Vec<JoinPath> {
        let selected = self.selected_paths(plan);
        let models = std::iter::once((self.meta, JoinPath::EMPTY)).chain(
            selected
                .iter()
                .map(|p| ((p.last().expect("joined paths are not empty").to)(), *p)),
        );
        for (i, (meta, path)) in models.enumerate() {
            if i > 0 {
                w.push_sql(", ");
            }
            match aliases.as_deref_mut() {
                None => plan.write_all_columns(w, meta, &path),
                Some(next) => {
                    for (j, column) in meta.columns.iter().enumerate() {
                        if j > 0 {
                            w.push_sql(", ");
                        }
                        plan.write_column(w, crate::query::expr::ColRef { column, path });
                        w.push_sql(" AS ");
                        w.push_identifier(&format!("c{next}"));
                        *next += 1;
                    }
                }
            }
        }
        selected
    }

    /// ` FROM ... [INNER JOIN <link>] WHERE <key> IN (...) AND <filters>`.
    fn write_prefetch_from_where(
        &self,
        w: &mut SqlWriter,
        plan: &JoinPlan,
        hop: &'static RelationMeta,
        keys: &[Value],
    ) {
        let root = self.meta.table;
        plan.write_from(w);
        let (link_table, link_column) = match hop.kind {
            RelationKind::Reverse => ("", ""),
            RelationKind::ManyToMany => (hop.join_table(), hop.join_to),
            RelationKind::Forward => ((hop.from)().table, hop.column),
        };
        if !link_table.is_empty() {
            w.push_sql(" INNER JOIN ");
            w.push_identifier(link_table);
            w.push_sql(" AS ");
            w.push_identifier(LINK);
            w.push_sql(" ON ");
            w.push_identifier(LINK);
            w.push_sql(".");
            w.push_identifier(link_column);
            w.push_sql(" = ");
            w.push_identifier(root);
            w.push_sql(".");
            w.push_identifier(self.meta.pk().column);
        }
        w.push_sql(" WHERE ");
        write_parent_key(w, hop, root);
        w.push_in_values(keys, false);
        if !self.filters.is_empty() {
            w.push_sql(" AND ");
            write_conditions(w, plan, self.filters, true);
        }
    }

    /// The sliced form:
    /// `SELECT [DISTINCT] c0, ..., strata_row, strata_key FROM (SELECT
    /// <columns AS c0, ...>, <parent key> AS strata_key, ROW_NUMBER() OVER
    /// (PARTITION BY <parent key> ORDER BY <ordering>, <pk>) AS strata_row
    /// FROM ... WHERE ...) AS strata_window WHERE strata_row > <offset> AND
    /// strata_row <= <offset + limit> ORDER BY strata_row`.
    ///
    /// The primary key ends the window's ordering so that ties are broken
    /// the same way on every database. With `distinct()`, `DENSE_RANK()`
    /// numbers the rows instead: repeated rows (same primary key, hence
    /// the same values) share a number, and the outer `DISTINCT` keeps
    /// one of them.
    fn write_sliced_prefetch_select(
        &self,
        w: &mut SqlWriter,
        hop: &'static RelationMeta,
        keys: &[Value],
    ) {
        let mut plan = self.plan(true);
        plan.force_qualify();
        let root = self.meta.table;
        let columns = self.meta.columns.len()
            + self
                .selected_paths(&plan)
                .iter()
                .map(|p| {
                    (p.last().expect("joined paths are not empty").to)()
                        .columns
                        .len()
                })
                .sum::<usize>();
        w.push_sql(if self.distinct {
            "SELECT DISTINCT "
        } else {
            "SELECT "
        });
        for i in 0..columns {
            w.push_identifier(&format!("c{i}"));
            w.push_sql(", ");
        }
        w.push_identifier(ROW);
        w.push_sql(", ");
        w.push_identifier(KEY);
        w.push_sql(" FROM (SELECT ");
        self.write_prefetch_columns(w, &plan, Some(&mut 0));
        w.push_sql(", ");
        write_parent_key(w, hop, root);
        w.push_sql(" AS ");
        w.push_identifier(KEY);
        w.push_sql(if self.distinct {
            ", DENSE_RANK() OVER (PARTITION BY "
        } else {
            ", ROW_NUMBER() OVER (PARTITION BY "
        });
        write_parent_key(w, hop, root);
        w.push_sql(" ORDER BY ");
        if !self.order.is_empty() {
            write_order_terms(w, &plan, self.order);
            w.push_sql(", ");
        }
        w.push_identifier(root);
        w.push_sql(".");
        w.push_identifier(self.meta.pk().column);
        w.push_sql(" ASC) AS ");
        w.push_identifier(ROW);
        self.write_prefetch_from_where(w, &plan, hop, keys);
        w.push_sql(") AS ");
        w.push_identifier("strata_window");
        let mut joiner = " WHERE ";
        if let Some(offset) = self.offset {
            w.push_sql(joiner);
            w.push_identifier(ROW);
            w.push_sql(" > ");
            w.push_bind(Value::I64(Some(crate::dialect::clamp_i64(offset))));
            joiner = " AND ";
        }
        if let Some(limit) = self.limit {
            let end = self.offset.unwrap_or(0).saturating_add(limit);
            w.push_sql(joiner);
            w.push_identifier(ROW);
            w.push_sql(" <= ");
            w.push_bind(Value::I64(Some(crate::dialect::clamp_i64(end))));
        }
        w.push_sql(" ORDER BY ");
        w.push_identifier(ROW);
    }

    /// How many binds a prefetch statement needs besides the keys.
    pub(super) fn prefetch_extra_binds(&self, dialect: crate::Dialect) -> usize {
        let mut w = SqlWriter::new(dialect);
        let plan = self.plan(true);
        crate::query::compile::write_where(&mut w, &plan, self.filters);
        let slice = if self.is_sliced() {
            usize::from(self.offset.is_some()) + usize::from(self.limit.is_some())
        } else {
            0
        };
        w.bind_count() + slice
    }
}

/// Writes the column that holds a row's parent key.
fn write_parent_key(w: &mut SqlWriter, hop: &'static RelationMeta, root: &str) {
    match hop.kind {
        RelationKind::Reverse => {
            w.push_identifier(root);
            w.push_sql(".");
            w.push_identifier(hop.column);
        }
        RelationKind::ManyToMany => {
            w.push_identifier(LINK);
            w.push_sql(".");
            w.push_identifier(hop.join_from);
        }
        RelationKind::Forward => {
            w.push_identifier(LINK);
            w.push_sql(".");
            w.push_identifier((hop.from)().pk().column);
        }
    }
}
