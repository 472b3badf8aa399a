//! Querysets and conditions as sea-query values (the `sea-query`
//! feature; the public functions are in [`crate::sea_query`]).

use super::*;
use crate::query::compile::write_conditions;
use crate::query::scalar::{may_be_null, write_node};
use crate::sea_query::to_sea;
use sea_query::{NullOrdering, Order};

/// What strata wrote for `dialect`, as a sea-query custom expression with
/// its values: the text's placeholders are the dialect's (`$n` on
/// PostgreSQL, `?` elsewhere), which sea-query's builder for the same
/// backend fills with the values in order.
fn custom(statement: Statement) -> sea_query::Expr {
    let Statement { sql, binds, .. } = statement;
    sea_query::Expr::cust_with_values(sql.into_string(), binds.into_iter().map(to_sea))
}

fn needs_join(model: &str, what: &str) -> Error {
    Error::SeaQuery {
        what: format!("a {what} of a {model} queryset"),
        reason: "it reads through a foreign key, which needs a join a sea-query \
                 condition cannot carry; filter on the key column, or join in sea-query"
            .into(),
    }
}

/// `filters` (all of them hold) on `M`, columns qualified by the table.
pub(crate) fn sea_conditions<M: Model>(
    filters: &[Expr],
    dialect: Dialect,
) -> Result<sea_query::Expr> {
    let mut plan = JoinPlan::new(M::META);
    for filter in filters {
        plan.add_condition(filter);
    }
    if plan.has_joins() {
        return Err(needs_join(M::META.name, "filter"));
    }
    plan.force_qualify();
    let mut queryset = QuerySet::<M>::new();
    queryset.filters = filters.to_vec();
    queryset.check_values(dialect)?;
    let mut w = SqlWriter::new(dialect);
    write_conditions(&mut w, &plan, filters, false);
    Ok(custom(w.finish()))
}

impl<M: Model> QuerySet<M> {
    pub(crate) fn to_sea_select(&self, dialect: Dialect) -> Result<sea_query::SelectStatement> {
        let refuse = |what: &str| Error::SeaQuery {
            what: format!("a {} queryset with {what}", M::META.name),
            reason: "a sea-query SELECT of the model carries its filters, ordering, \
                     DISTINCT, LIMIT and OFFSET only"
                .into(),
        };
        if !self.related.is_empty() {
            return Err(refuse("select_related"));
        }
        if !self.prefetch.is_empty() {
            return Err(refuse("prefetch_related"));
        }
        if self.lock.is_some() {
            return Err(refuse("select_for_update"));
        }
        self.check_values(dialect)?;
        let mut plan = self.plan(false);
        if plan.has_joins() {
            return Err(needs_join(M::META.name, "filter or ordering"));
        }
        plan.force_qualify();
        let table = M::META.table;
        let mut select = sea_query::Query::select();
        for column in M::META.columns {
            select.column((table, column.column));
        }
        select.from(table);
        if self.distinct {
            select.distinct();
        }
        if !self.filters.is_empty() {
            let mut w = SqlWriter::new(dialect);
            write_conditions(&mut w, &plan, &self.filters, false);
            select.and_where(custom(w.finish()));
        }
        for term in &self.order {
            let column = ColRef {
                column: term.column,
                path: term.path,
            };
            let mut w = SqlWriter::new(dialect);
            match &term.expr {
                Some(expr) => write_node(&mut w, &plan, expr),
                None => plan.write_column(&mut w, column),
            }
            let order = if term.descending {
                Order::Desc
            } else {
                Order::Asc
            };
            // strata's placement of NULL: where asked, else (for what may
            // be NULL) as the smallest value, on every database.
            let may_be_null = match &term.expr {
                Some(expr) => may_be_null(expr),
                None => crate::query::compile::nullable(column),
            };
            let nulls_first = term.nulls_first.or(may_be_null.then_some(!term.descending));
            let expr = custom(w.finish());
            match nulls_first {
                Some(true) => select.order_by_expr_with_nulls(expr, order, NullOrdering::First),
                Some(false) => select.order_by_expr_with_nulls(expr, order, NullOrdering::Last),
                None => select.order_by_expr(expr, order),
            };
        }
        match (self.limit, self.offset) {
            (Some(limit), _) => {
                select.limit(limit);
            }
            // SQLite and MySQL take `OFFSET` only after a `LIMIT`: the
            // largest one every database binds.
            (None, Some(_)) if dialect != Dialect::Postgres => {
                select.limit(i64::MAX as u64);
            }
            (None, _) => {}
        }
        if let Some(offset) = self.offset {
            select.offset(offset);
        }
        Ok(select)
    }
}
