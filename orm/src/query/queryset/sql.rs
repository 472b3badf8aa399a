//! The SQL a queryset writes for its statements: the `SELECT` with its
//! joins and columns, and the `COUNT`, `EXISTS` and `DELETE` forms (the
//! `UPDATE` is in [`update`](super::update)).

use super::*;

impl<M: Model> QuerySet<M> {
    pub(super) fn write_select(&self, w: &mut SqlWriter, limit: Option<u64>) {
        self.write_select_of(w, limit, true);
    }

    /// Writes this queryset's `SELECT`; without `with_related`, only the
    /// model's own columns (and the ordering columns `DISTINCT` needs):
    /// the form `count()` and `exists()` wrap in a subquery, where the
    /// select_related columns would repeat column names (MySQL refuses a
    /// derived table with two `id`s) and add nothing to distinctness,
    /// since they follow single-valued relations.
    pub(super) fn write_select_of(
        &self,
        w: &mut SqlWriter,
        limit: Option<u64>,
        with_related: bool,
    ) {
        w.push_sql(if self.distinct {
            "SELECT DISTINCT "
        } else {
            "SELECT "
        });
        let plan = self.plan(with_related);
        let selected = if with_related {
            self.selected_paths(&plan)
        } else {
            Vec::new()
        };
        if plan.has_joins() {
            plan.write_all_columns(w, M::META, &JoinPath::EMPTY);
            for path in &selected {
                let target = (path.last().expect("not empty").to)();
                w.push_sql(", ");
                plan.write_all_columns(w, target, path);
            }
            self.write_distinct_order_columns(w, &plan, &selected);
        } else {
            w.push_sql(M::META.select_list.get(w.dialect()));
        }
        plan.write_from(w);
        write_where(w, &plan, &self.filters);
        write_order_by(w, &plan, &self.order);
        w.dialect().imp().write_limit_offset(w, limit, self.offset);
        if with_related {
            self.write_lock(w, &plan);
        }
    }

    /// See [`View::write_distinct_order_columns`](super::view::View).
    pub(super) fn write_distinct_order_columns(
        &self,
        w: &mut SqlWriter,
        plan: &JoinPlan,
        selected: &[JoinPath],
    ) {
        self.view().write_distinct_order_columns(w, plan, selected);
    }

    /// Writes `SELECT <primary key> FROM ... WHERE <filters>`.
    pub(super) fn write_keys(&self, w: &mut SqlWriter) {
        let plan = self.plan(false);
        w.push_sql("SELECT ");
        plan.write_column(
            w,
            ColRef {
                column: M::META.pk(),
                path: JoinPath::EMPTY,
            },
        );
        plan.write_from(w);
        write_where(w, &plan, &self.filters);
    }

    /// Appends ` WHERE ...` for an `UPDATE` / `DELETE`, whose statement
    /// cannot join: with joins the filter becomes a key subquery (wrapped
    /// once more, which MySQL requires to read the table it changes).
    pub(super) fn write_mutation_where(&self, w: &mut SqlWriter) {
        let plan = self.plan(false);
        if !plan.has_joins() && !self.filters.iter().any(Expr::has_subquery) {
            write_where(w, &plan, &self.filters);
            return;
        }
        let pk = ColRef {
            column: M::META.pk(),
            path: JoinPath::EMPTY,
        };
        w.push_sql(" WHERE ");
        w.push_identifier(M::META.pk().column);
        w.push_sql(" IN (SELECT ");
        w.push_identifier(M::META.pk().column);
        w.push_sql(" FROM (SELECT ");
        plan.write_column(w, pk);
        plan.write_from(w);
        write_where(w, &plan, &self.filters);
        w.push_sql(") ");
        w.push_identifier("subquery");
        w.push_sql(")");
    }

    /// The `SELECT COUNT(*)` of [`count`](QuerySet::count).
    pub fn count_sql(&self, dialect: Dialect) -> Statement {
        let mut w = SqlWriter::new(dialect);
        if self.distinct || self.is_sliced() {
            w.push_sql("SELECT COUNT(*) FROM (");
            self.write_select_of(&mut w, self.limit, false);
            w.push_sql(") ");
            w.push_identifier("subquery");
        } else {
            let plan = self.plan(false);
            w.push_sql("SELECT COUNT(*)");
            plan.write_from(&mut w);
            write_where(&mut w, &plan, &self.filters);
        }
        w.finish()
    }

    /// The query of [`exists`](QuerySet::exists).
    pub fn exists_sql(&self, dialect: Dialect) -> Statement {
        let mut w = SqlWriter::new(dialect);
        if self.is_sliced() {
            w.push_sql("SELECT 1 FROM (");
            self.write_select_of(&mut w, self.limit, false);
            w.push_sql(") ");
            w.push_identifier("subquery");
            dialect.imp().write_limit_offset(&mut w, Some(1), None);
        } else {
            let plan = self.plan(false);
            w.push_sql("SELECT 1");
            plan.write_from(&mut w);
            write_where(&mut w, &plan, &self.filters);
            dialect.imp().write_limit_offset(&mut w, Some(1), None);
        }
        w.finish()
    }

    pub(super) fn check_not_sliced(&self, what: &str) -> Result<()> {
        if self.is_sliced() || self.distinct {
            return Err(Error::InvalidQuery {
                model: M::META.name,
                reason: format!(
                    "{what} cannot follow limit(), offset() or distinct(); filter on the \
                     primary keys instead"
                ),
            });
        }
        Ok(())
    }

    /// The `DELETE` of [`delete`](QuerySet::delete).
    pub fn delete_sql(&self, dialect: Dialect) -> Result<Statement> {
        self.check_not_sliced("delete()")?;
        self.check_values(dialect)?;
        let mut w = SqlWriter::new(dialect);
        w.push_sql("DELETE FROM ");
        w.push_identifier(M::META.table);
        self.write_mutation_where(&mut w);
        Ok(w.finish())
    }
}
