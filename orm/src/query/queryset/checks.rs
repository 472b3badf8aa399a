//! The checks a queryset passes before it runs: values strata can send,
//! what the dialect can compute, paths it can follow. The checks of the
//! shape are apart from those of the values, so that a shape checked
//! before checks only its values (see [`Checks`]).

use super::*;

impl<M: Model> QuerySet<M> {
    /// An error for a filter value strata refuses to send (a year outside
    /// 1..=9999, a leap second, a non-finite float), naming its field.
    pub(super) fn check_values(&self, dialect: Dialect) -> Result<()> {
        self.check_filters(dialect, Checks::All)
    }

    /// [`check_values`](Self::check_values), or with [`Checks::Values`]
    /// only the checks of the bound values (for a shape checked before).
    pub(super) fn check_filters(&self, dialect: Dialect, checks: Checks) -> Result<()> {
        if !checks.own_values() {
            return Ok(());
        }
        if checks.shape() {
            self.check_filter_shape(dialect)?;
        }
        // A lookup's refusal can depend on its value (a JSON document
        // SQLite cannot test containment of), so it runs on every call.
        if let Some(reason) = self.filters.iter().find_map(|f| f.lookup_refusal(dialect)) {
            return Err(Error::InvalidQuery {
                model: M::META.name,
                reason,
            });
        }
        for filter in &self.filters {
            filter.check_values(dialect).map_err(|(column, refused)| {
                let name = if column.path.is_empty() {
                    format!("{}.{}", M::META.name, column.column.field)
                } else {
                    format!("`{}` of a related model", column.column.field)
                };
                refused.into_error(name)
            })?;
        }
        for term in &self.order {
            if let Some(expr) = &term.expr {
                expr.check_values(dialect).map_err(|(_, refused)| {
                    refused.into_error(format!("an ordering of {}", M::META.name))
                })?;
            }
        }
        Ok(())
    }

    /// The checks of the filters' and orderings' shape: what the dialect
    /// can compute.
    pub(super) fn check_filter_shape(&self, dialect: Dialect) -> Result<()> {
        let decimal = self.filters.iter().any(Expr::has_decimal_arithmetic)
            || self
                .order
                .iter()
                .any(|o| o.expr.as_ref().is_some_and(|e| e.has_decimal_arithmetic()));
        if decimal && dialect == Dialect::Sqlite {
            return Err(sqlite_decimal_error(M::META.name));
        }
        if self.distinct && self.order.iter().any(|o| o.expr.is_some()) {
            return Err(Error::InvalidQuery {
                model: M::META.name,
                reason: "distinct() cannot be ordered by an expression; order by fields".into(),
            });
        }
        Ok(())
    }

    /// An error for paths deeper than a query can follow.
    pub(super) fn check_paths(&self) -> Result<()> {
        let mut deep = self.related.iter().any(JoinPath::overflowed);
        for filter in &self.filters {
            filter.for_each_path(&mut |p| deep |= p.overflowed());
        }
        for term in &self.order {
            term.for_each_path(&mut |p| deep |= p.overflowed());
        }
        if deep {
            return Err(Error::InvalidQuery {
                model: M::META.name,
                reason: format!(
                    "a relation path is longer than {} hops",
                    crate::relation::MAX_HOPS
                ),
            });
        }
        Ok(())
    }

    /// An error for prefetch paths too deep to follow.
    pub(super) fn check_prefetch(&self) -> Result<()> {
        if self.prefetch.iter().any(|p| p.path.overflowed()) {
            return Err(Error::InvalidQuery {
                model: M::META.name,
                reason: format!(
                    "a prefetch path is longer than {} hops",
                    crate::relation::MAX_HOPS
                ),
            });
        }
        Ok(())
    }
}
