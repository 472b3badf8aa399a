//! The `UPDATE` of [`update`](QuerySet::update): its checks, its SQL, and
//! its path through the statement cache.
//!
//! Every check runs before the statement is rendered or taken from the
//! cache (the values on every call, as they differ between calls of one
//! shape; the rest when the shape is first rendered, see
//! [`checked_statement`](crate::query::shape::checked_statement)), so
//! writing the SQL itself cannot fail.

use super::*;
use crate::query::scalar::{check_update_value, write_update_value, Node};
use smallvec::SmallVec;

impl<M: Model> QuerySet<M> {
    /// The `UPDATE` of [`update`](QuerySet::update), rendered afresh:
    /// the `sql()` of an update. [`update_statement`](Self::update_statement)
    /// is the same statement through the statement cache.
    pub fn update_sql(
        &self,
        dialect: Dialect,
        assignments: impl IntoIterator<Item = Assignment<M>>,
    ) -> Result<Statement> {
        let mut assignments = collect_assignments(assignments);
        self.stamp_assignments(&mut assignments)?;
        self.check_update(dialect, &assignments, Checks::All)?;
        Ok(self.render_update(dialect, &assignments))
    }

    /// The statement [`update`](QuerySet::update) runs: the same as
    /// [`update_sql`](Self::update_sql), with the SQL text taken from this
    /// thread's statement cache when an update of the same shape (the same
    /// filters, the same fields set, each from a value or from an
    /// expression of the same form) was rendered before, and only the
    /// bound values collected (and checked) afresh.
    ///
    /// ```
    /// # use strata::prelude::*;
    /// #[derive(Model, Debug)]
    /// struct Page {
    ///     id: i64,
    ///     views: i32,
    /// }
    ///
    /// let bump = |id: i64| {
    ///     Page::objects()
    ///         .filter(Page::id().eq(id))
    ///         .update_statement(Dialect::Postgres, [Page::views().set(Page::views() + 1)])
    /// };
    /// let (first, second) = (bump(1)?, bump(2)?);
    /// assert_eq!(first.sql(), second.sql());
    /// assert_eq!(
    ///     second.sql(),
    ///     r#"UPDATE "page" SET "views" = ("views" + $1) WHERE "id" = $2"#
    /// );
    /// assert_eq!(second.binds()[1], strata::Value::I64(Some(2)));
    /// # Ok::<(), strata::Error>(())
    /// ```
    pub fn update_statement(
        &self,
        dialect: Dialect,
        assignments: impl IntoIterator<Item = Assignment<M>>,
    ) -> Result<Statement> {
        let mut assignments = collect_assignments(assignments);
        self.stamp_assignments(&mut assignments)?;
        shape::memoized_with_args(
            &self.memo,
            dialect,
            StatementKind::Update,
            |key| encode_assignments(key, &assignments),
            |key| self.encode_update(key, &assignments),
            |checks| self.check_update(dialect, &assignments, checks),
            || self.render_update(dialect, &assignments),
            |binds| {
                for assignment in &assignments {
                    assignment.node.collect_binds(dialect, binds);
                }
                self.filter_binds(dialect, binds);
            },
        )
    }

    /// Adds to the assignments of an `UPDATE` the current time for the
    /// `auto_now` fields the caller did not set; an error for no
    /// assignment, or for a field of a related model.
    fn stamp_assignments(&self, assignments: &mut Assignments<M>) -> Result<()> {
        if assignments.is_empty() {
            return Err(Error::InvalidQuery {
                model: M::META.name,
                reason: "update() needs at least one field to set".into(),
            });
        }
        // Rarely any: a `Vec` that allocates only then.
        let mut stamps = Vec::new();
        crate::types::update_stamps(
            M::META,
            |column| assignments.iter().any(|a| a.column.column == column),
            |column, value| stamps.push(Assignment::new(column, value, false)),
        );
        if !stamps.is_empty() {
            assignments.extend(stamps);
        }
        if let Some(joined) = assignments.iter().find(|a| a.joined) {
            return Err(Error::InvalidQuery {
                model: M::META.name,
                reason: format!(
                    "update() can only set fields of {} itself, not `{}` of a related model",
                    M::META.name,
                    joined.column.field
                ),
            });
        }
        Ok(())
    }

    /// The checks of an `UPDATE` of `assignments` (with
    /// [`Checks::Values`], those of the bound values only).
    fn check_update(
        &self,
        dialect: Dialect,
        assignments: &[Assignment<M>],
        checks: Checks,
    ) -> Result<()> {
        // The queryset's own checks, which a remembered one passed.
        if checks.own_values() {
            self.check_not_sliced("update()")?;
            self.check_filters(dialect, checks)?;
        }
        for assignment in assignments {
            let name = || format!("{}.{}", M::META.name, assignment.column.field);
            match &assignment.node {
                Node::Value(value) => {
                    crate::value::check::for_column(value, &assignment.column.ty, dialect)
                        .map_err(|refused| refused.into_error(name()))?
                }
                // `field op value` of the model's own field: its shape
                // passed; only its value is new.
                Node::ColumnArith { value, .. } if !checks.shape() => {
                    crate::value::check::for_filter(value, dialect)
                        .map_err(|refused| refused.into_error(name()))?
                }
                expr => check_update_value(dialect, M::META, expr, checks)
                    .map_err(|e| e.into_error(M::META.name, name()))?,
            }
        }
        Ok(())
    }

    /// Writes the shape of an `UPDATE` of `assignments` (see [`shape`]).
    fn encode_update(&self, key: &mut ShapeKey<'_>, assignments: &[Assignment<M>]) {
        key.model(M::META);
        encode_assignments(key, assignments);
        key.exprs(&self.filters);
    }

    /// Renders the `UPDATE` of checked `assignments`.
    fn render_update(&self, dialect: Dialect, assignments: &[Assignment<M>]) -> Statement {
        let mut w = SqlWriter::new(dialect);
        w.push_sql("UPDATE ");
        w.push_identifier(M::META.table);
        w.push_sql(" SET ");
        for (i, assignment) in assignments.iter().enumerate() {
            if i > 0 {
                w.push_sql(", ");
            }
            w.push_identifier(assignment.column.column);
            w.push_sql(" = ");
            match &assignment.node {
                Node::Value(value) => w.push_bind(value.clone()),
                expr => write_update_value(&mut w, M::META, expr),
            }
        }
        self.write_mutation_where(&mut w);
        w.finish()
    }
}

/// The assignments of one `update()`, kept inline for the one or two
/// fields an update usually sets (no allocation per call).
type Assignments<M> = SmallVec<[Assignment<M>; 2]>;

/// The assignments of one call. The list is extended in place: its
/// `collect` returns it by a copy of the whole inline buffer.
#[inline(always)]
fn collect_assignments<M>(assignments: impl IntoIterator<Item = Assignment<M>>) -> Assignments<M> {
    let mut list = Assignments::new();
    list.extend(assignments);
    list
}

/// Writes the shape of `assignments`: the fields set, each from a value or
/// from an expression of its form.
fn encode_assignments<M>(key: &mut ShapeKey<'_>, assignments: &[Assignment<M>]) {
    key.push(assignments.len());
    for assignment in assignments {
        let column = assignment.column as *const crate::meta::ColumnMeta as usize;
        match &assignment.node {
            Node::Value(_) => key.push_all(&[column, 0]),
            expr => {
                key.push_all(&[column, 1]);
                key.node(expr);
            }
        }
    }
}
