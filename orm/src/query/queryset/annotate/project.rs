//! An annotated queryset as another statement: `count()`, `exists()`
//! and `values(..)`, where each annotation is the expression it stands
//! for (a scalar subquery for an aggregate over a relation).

use super::Annotated;
use crate::db::Executor;
use crate::dialect::Dialect;
use crate::error::Result;
use crate::model::Model;
use crate::query::annotate::{
    invalid, AnnotatedSelection, AnnotatedValueList, AnnotationNode, AnnotationOp, Annotations,
    AnnotationsOf, ConditionNode, OrderTerm,
};
use crate::query::expr::{CompareOp, Expr};
use crate::query::order::OrderBy;
use crate::query::scalar::Node;
use crate::query::values::{Body, Flat, ValuesQuerySet};
use crate::query::QuerySet;
use crate::writer::Statement;

impl<M: Model, A: Annotations<M>> Annotated<M, A> {
    /// The number of rows [`all`](Annotated::all) returns, counted by the
    /// database: `SELECT COUNT(*)` over the filters, a tested annotation
    /// being the expression it stands for. Through the statement cache.
    pub async fn count(&self, ex: impl Executor) -> Result<u64> {
        self.check(ex.dialect())?;
        self.filtered()?.count(ex).await
    }

    /// Whether [`all`](Annotated::all) returns any row (`SELECT 1 ..
    /// LIMIT 1`). Through the statement cache.
    pub async fn exists(&self, ex: impl Executor) -> Result<bool> {
        self.check(ex.dialect())?;
        self.filtered()?.exists(ex).await
    }

    /// The `SELECT COUNT(*)` of [`count`](Annotated::count), without a
    /// database.
    ///
    /// ```
    /// use strata::prelude::*;
    ///
    /// #[derive(Model, Debug)]
    /// struct Author {
    ///     id: i64,
    /// }
    ///
    /// #[derive(Model, Debug)]
    /// struct Book {
    ///     id: i64,
    ///     #[strata(on_delete = cascade, related_name = "books")]
    ///     author: ForeignKey<Author>,
    /// }
    ///
    /// let stmt = Author::objects()
    ///     .annotate(Author::books().count())
    ///     .filter(Ann0.gte(2))
    ///     .count_sql(Dialect::Sqlite)
    ///     .unwrap();
    /// assert_eq!(
    ///     stmt.sql(),
    ///     r#"SELECT COUNT(*) FROM "author" WHERE (SELECT COUNT(*) FROM "book" AS "s1" WHERE "s1"."author_id" = "author"."id") >= ?"#
    /// );
    /// ```
    pub fn count_sql(&self, dialect: Dialect) -> Result<Statement> {
        self.check(dialect)?;
        Ok(self.filtered()?.count_sql(dialect))
    }

    /// The query of [`exists`](Annotated::exists), without a database.
    pub fn exists_sql(&self, dialect: Dialect) -> Result<Statement> {
        self.check(dialect)?;
        Ok(self.filtered()?.exists_sql(dialect))
    }

    /// The rows as tuples of `fields`: fields and expressions of `M` and
    /// the annotations by position (`Ann0`), each typed by what it
    /// selects, as [`QuerySet::values`] does. The filters (on fields and
    /// on annotations) and the ordering stay; a window annotation cannot
    /// be selected (that does not compile) nor order the values (an
    /// error when the query runs).
    ///
    /// ```
    /// use strata::prelude::*;
    ///
    /// #[derive(Model, Debug)]
    /// struct Author {
    ///     id: i64,
    ///     #[strata(max_length = 50)]
    ///     name: String,
    /// }
    ///
    /// #[derive(Model, Debug)]
    /// struct Book {
    ///     id: i64,
    ///     #[strata(on_delete = cascade, related_name = "books")]
    ///     author: ForeignKey<Author>,
    /// }
    ///
    /// // Rows of `(String, i64)`: each name with its number of books.
    /// let stmt = Author::objects()
    ///     .annotate(Author::books().count())
    ///     .filter(Ann0.gt(0))
    ///     .values((Author::name(), Ann0))
    ///     .sql(Dialect::Sqlite);
    /// let books = r#"(SELECT COUNT(*) FROM "book" AS "s1" WHERE "s1"."author_id" = "author"."id")"#;
    /// assert_eq!(
    ///     stmt.sql(),
    ///     format!(r#"SELECT "name", {books} FROM "author" WHERE {books} > ?"#)
    /// );
    /// ```
    pub fn values<V: AnnotatedValueList<M, A>>(self, fields: V) -> ValuesQuerySet<M, V::Row> {
        let select = fields.into_nodes(AnnotationsOf(&self.annotations));
        self.project(select.into_iter().map(|s| s.0).collect())
    }

    /// The values of one field, expression or annotation, flat:
    /// `values_list(Ann0)` returns `Vec<i64>` for a count.
    pub fn values_list<S: AnnotatedSelection<M, A>>(
        self,
        field: S,
    ) -> ValuesQuerySet<M, Flat<S::Value>> {
        let select = field.into_selected(AnnotationsOf(&self.annotations)).0;
        self.project(vec![select])
    }

    /// The values-queryset selecting `select`, with the filters and the
    /// ordering of this one.
    fn project<R>(self, select: Vec<Node>) -> ValuesQuerySet<M, R> {
        let mut refusal = None;
        let mut qs = match self.filtered() {
            Ok(qs) => qs,
            Err(_) => {
                refusal = Some("a window annotation cannot be tested");
                self.qs.clone()
            }
        };
        if let Some(order) = &self.order {
            let mut terms = Vec::with_capacity(order.len());
            for term in order {
                match term {
                    OrderTerm::Fields(order) => terms.push(order.clone()),
                    OrderTerm::Annotation {
                        index,
                        descending,
                        nulls_first,
                    } => match self
                        .annotations
                        .get(*index)
                        .and_then(AnnotationNode::to_node)
                    {
                        Some(node) => {
                            let mut order = OrderBy::expr(node, *descending);
                            order.nulls_first = *nulls_first;
                            terms.push(order);
                        }
                        None => {
                            refusal = Some(
                                "values() cannot keep an ordering by a window annotation; \
                                 order the values by fields or by other annotations",
                            );
                        }
                    },
                }
            }
            qs.order = terms;
        } else {
            qs.order = self.qs.order.clone();
        }
        let mut body = Body::new(qs, select);
        body.checks = self.annotations;
        body.refusal = refusal;
        ValuesQuerySet::from_body(body)
    }

    /// The queryset with every condition as a filter (an annotation as
    /// the expression it stands for), unordered and without relations to
    /// load: what `count()` and `exists()` run.
    fn filtered(&self) -> Result<QuerySet<M>> {
        let mut qs = self.qs.clone();
        qs.order = Vec::new();
        qs.related = Vec::new();
        qs.prefetch = Vec::new();
        for condition in &self.conditions {
            qs.filters.push(self.condition_expr(condition)?);
        }
        Ok(qs)
    }

    /// A condition as a filter of the model's rows.
    fn condition_expr(&self, condition: &ConditionNode) -> Result<Expr> {
        let (index, op, value) = match condition {
            ConditionNode::Fields(expr) => return Ok(expr.clone()),
            ConditionNode::Annotation { index, op, value } => (*index, *op, value),
        };
        let Some(node) = self
            .annotations
            .get(index)
            .and_then(AnnotationNode::to_node)
        else {
            // The types refuse a test of a window annotation.
            return Err(invalid(
                M::META.name,
                "a window annotation cannot be tested",
            ));
        };
        let compare = |op: CompareOp, value: &crate::value::Value| Expr::CompareNodes {
            left: node.clone(),
            op,
            right: Node::Value(value.clone()),
        };
        Ok(match (op, value) {
            (AnnotationOp::Compare(op), Some(value)) => compare(op, value),
            // Under `NOT`, an unknown comparison keeps the row, as the
            // annotated queryset's own `ne` does.
            (AnnotationOp::NotEqual, Some(value)) => {
                Expr::Not(Box::new(compare(CompareOp::Eq, value)))
            }
            (AnnotationOp::IsNull(is_null), _) => Expr::NodeIsNull {
                node,
                negated: !is_null,
            },
            (_, None) => {
                return Err(invalid(
                    M::META.name,
                    "a comparison of an annotation needs a value",
                ))
            }
        })
    }
}
