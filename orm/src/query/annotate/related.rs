//! Aggregates over a multi-valued relation (`Author::posts().count()`),
//! written as correlated subqueries: each one reads only its own
//! relation's rows, so two of them never multiply each other.

use super::{
    check_node, check_node_shape, invalid, Annotation, AnnotationExpr, AnnotationNode, Scalar,
};
use super::{SingleAnnotation, SQLITE_DECIMAL};
use crate::dialect::Dialect;
use crate::error::Result;
use crate::query::aggregate::{AggCast, AggFunc, AggNode, AvgOf, MinMaxOf, StringAggOf, SumOf};
use crate::query::compile::{write_condition, write_correlation, JoinPlan};
use crate::query::expr::{ColRef, IntoCondition, NO_COLUMN};
use crate::query::order::{IntoOrderBy, OrderBy};
use crate::query::scalar::{Expression, Node, SqlType};
use crate::query::shape::{collect_binds, Checks, ShapeKey};
use crate::query::subquery::{Sub, SubqueryBody, SubqueryUse};
use crate::relation::{JoinPath, Many, RelationKind, RelationMeta, RelationPath};
use crate::types::FieldType;
use crate::value::check::Refused;
use crate::value::Value;
use crate::writer::SqlWriter;
use std::marker::PhantomData;
use std::sync::Arc;

/// An aggregate of the `T` rows a relation reaches from each row of `R`,
/// with a value of Rust type `O`: made by the methods of
/// [`RelatedAggregates`] and used in
/// [`QuerySet::annotate`](crate::QuerySet::annotate).
pub struct RelatedAggregate<R, T, O> {
    node: RelatedNode,
    _marker: Marker<R, T, O>,
}

/// Ties an aggregate to its models and value type.
type Marker<R, T, O> = PhantomData<fn() -> (R, T, O)>;

impl<R, T, O> Clone for RelatedAggregate<R, T, O> {
    fn clone(&self) -> Self {
        RelatedAggregate {
            node: self.node.clone(),
            _marker: PhantomData,
        }
    }
}

impl<R, T, O> std::fmt::Debug for RelatedAggregate<R, T, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.node.fmt(f)
    }
}

impl<R, T, O> RelatedAggregate<R, T, O> {
    /// Over the related rows matching `condition` only (Django's
    /// `Count("posts", filter=Q(..))`); several filters must all hold.
    /// The condition may follow single-valued relations of `T`.
    pub fn filter(mut self, condition: impl IntoCondition<T>) -> Self {
        self.node.agg.add_filter(condition.into_condition().expr);
        self
    }

    /// Over the distinct values only (`COUNT(DISTINCT ..)`).
    pub fn distinct(mut self) -> Self {
        self.node.agg.distinct = true;
        self
    }
}

impl<R, T, O: FieldType + Send> Annotation<R> for RelatedAggregate<R, T, O> {
    type Output = O;
    type Kind = Scalar;
    fn into_annotation(self) -> AnnotationExpr {
        AnnotationExpr(AnnotationNode::Related(self.node))
    }
}

impl<R, T, O> SingleAnnotation for RelatedAggregate<R, T, O> {}

/// Aggregates over the rows a multi-valued relation path reaches
/// (a reverse foreign key or a many-to-many, possibly continued with
/// `then`): `Author::posts().count()`, `Author::posts().sum(Post::likes())`.
/// Each is one correlated subquery per row; a row with no related rows
/// gets 0 from `count` and `None` from the others.
///
/// In the prelude. A target model's field named `count`, `sum`, `avg`,
/// `min` or `max` takes precedence over the method of the same name.
pub trait RelatedAggregates<R>: RelationPath<R> + Sized {
    /// How many related rows (`COUNT`); 0 for none.
    fn count(self) -> RelatedAggregate<R, Self::Target, i64>
    where
        Self::Card: MultiValued,
    {
        related(self.join_path(), AggFunc::Count, None, AggCast::None)
    }

    /// The sum of `expr` over the related rows: `i64` for integers, `f64`
    /// for floats, `Decimal` for decimals (not on SQLite); `None` for no
    /// rows.
    fn sum<E: Expression<Self::Target>>(
        self,
        expr: E,
    ) -> RelatedAggregate<R, Self::Target, Option<<E::Sql as SumOf>::Output>>
    where
        E::Sql: SumOf,
        Self::Card: MultiValued,
    {
        let arg = expr.into_expr_node().0;
        related(
            self.join_path(),
            AggFunc::Sum,
            Some(arg),
            <E::Sql as SumOf>::CAST,
        )
    }

    /// The average of `expr`: an `f64` of integers or floats, an exact
    /// `Decimal` of decimals (see [`Avg`](crate::query::aggregate::Avg));
    /// `None` for no rows.
    fn avg<E: Expression<Self::Target>>(
        self,
        expr: E,
    ) -> RelatedAggregate<R, Self::Target, Option<<E::Sql as AvgOf>::Output>>
    where
        E::Sql: AvgOf,
        Self::Card: MultiValued,
    {
        let arg = expr.into_expr_node().0;
        related(
            self.join_path(),
            AggFunc::Avg,
            Some(arg),
            <E::Sql as AvgOf>::CAST,
        )
    }

    /// The text of `expr` over the related rows joined by `separator`
    /// (see [`StringAgg`](crate::query::aggregate::StringAgg)); `None` for
    /// no rows. Order the values with
    /// [`order_by`](RelatedStringAgg::order_by).
    fn string_agg<E: Expression<Self::Target>>(
        self,
        expr: E,
        separator: impl Into<String>,
    ) -> RelatedStringAgg<R, Self::Target>
    where
        E::Sql: StringAggOf,
        Self::Card: MultiValued,
    {
        RelatedStringAgg {
            node: RelatedNode {
                path: self.join_path(),
                agg: AggNode::string_agg(expr.into_expr_node().0, separator.into()),
            },
            _marker: PhantomData,
        }
    }

    /// The smallest value of `expr`; `None` for no rows.
    #[allow(clippy::type_complexity)]
    fn min<E: Expression<Self::Target>>(
        self,
        expr: E,
    ) -> RelatedAggregate<R, Self::Target, Option<<E::Sql as SqlType>::NotNull>>
    where
        E::Sql: MinMaxOf,
        Self::Card: MultiValued,
    {
        let arg = expr.into_expr_node().0;
        related(self.join_path(), AggFunc::Min, Some(arg), AggCast::None)
    }

    /// The largest value of `expr`; `None` for no rows.
    #[allow(clippy::type_complexity)]
    fn max<E: Expression<Self::Target>>(
        self,
        expr: E,
    ) -> RelatedAggregate<R, Self::Target, Option<<E::Sql as SqlType>::NotNull>>
    where
        E::Sql: MinMaxOf,
        Self::Card: MultiValued,
    {
        let arg = expr.into_expr_node().0;
        related(self.join_path(), AggFunc::Max, Some(arg), AggCast::None)
    }
}

impl<R, P: RelationPath<R>> RelatedAggregates<R> for P {}

/// The cardinality of a path an aggregate runs over: [`Many`].
#[diagnostic::on_unimplemented(
    message = "an aggregate over a relation needs a multi-valued relation path",
    label = "this path follows `ForeignKey` / `OneToOne` fields only, so it reaches at most one row",
    note = "aggregate the rows of a reverse relation or a many-to-many, e.g. `Author::posts().count()`; a single related row's field is an expression of its own, e.g. `Post::author().name()`"
)]
pub trait MultiValued {}

impl MultiValued for Many {}

fn related<R, T, O>(
    path: JoinPath,
    func: AggFunc,
    arg: Option<Node>,
    cast: AggCast,
) -> RelatedAggregate<R, T, O> {
    RelatedAggregate {
        node: RelatedNode {
            path,
            agg: AggNode {
                func,
                arg: arg.map(Box::new),
                cast,
                distinct: false,
                filter: None,
                concat: None,
            },
        },
        _marker: PhantomData,
    }
}

/// The text of the `T` rows a relation reaches from each row of `R`,
/// joined: made by [`RelatedAggregates::string_agg`] and used in
/// [`QuerySet::annotate`](crate::QuerySet::annotate).
pub struct RelatedStringAgg<R, T> {
    node: RelatedNode,
    _marker: Marker<R, T, ()>,
}

impl<R, T> Clone for RelatedStringAgg<R, T> {
    fn clone(&self) -> Self {
        RelatedStringAgg {
            node: self.node.clone(),
            _marker: PhantomData,
        }
    }
}

impl<R, T> std::fmt::Debug for RelatedStringAgg<R, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.node.fmt(f)
    }
}

impl<R, T> RelatedStringAgg<R, T> {
    /// Joins the values in this order of `T`'s fields (replacing an
    /// earlier one); it may follow single-valued relations of `T`.
    pub fn order_by(mut self, order: impl IntoOrderBy<T>) -> Self {
        let order = order.into_order_by().into_iter().map(OrderBy::erase);
        self.node.agg.set_concat_order(order.collect());
        self
    }

    /// Joins each distinct value once (see
    /// [`StringAggregate::distinct`](crate::query::aggregate::StringAggregate::distinct)).
    pub fn distinct(mut self) -> Self {
        self.node.agg.distinct = true;
        self
    }

    /// Over the related rows matching `condition` only.
    pub fn filter(mut self, condition: impl IntoCondition<T>) -> Self {
        self.node.agg.add_filter(condition.into_condition().expr);
        self
    }
}

impl<R, T> Annotation<R> for RelatedStringAgg<R, T> {
    type Output = Option<String>;
    type Kind = Scalar;
    fn into_annotation(self) -> AnnotationExpr {
        AnnotationExpr(AnnotationNode::Related(self.node))
    }
}

impl<R, T> SingleAnnotation for RelatedStringAgg<R, T> {}

/// An aggregate over the rows `path` reaches; the aggregate's columns are
/// relative to the path's last model.
#[derive(Debug, Clone)]
pub(crate) struct RelatedNode {
    pub path: JoinPath,
    pub agg: AggNode,
}

impl RelatedNode {
    /// The first multi-valued hop and its position.
    fn first_many(&self) -> Option<(usize, &'static RelationMeta)> {
        let k = self.path.first_many()?;
        self.path.hops().nth(k).map(|hop| (k, hop))
    }

    /// The outer row's key the subquery is correlated with, reached
    /// through the single-valued hops before it (no join when that key
    /// is a foreign-key column of the queryset's own table).
    pub(crate) fn outer_key(&self) -> Option<ColRef> {
        let (k, hop) = self.first_many()?;
        Some(ColRef {
            column: (hop.from)().pk(),
            path: self.path.prefix(k),
        })
    }

    /// Whether the value may be `NULL`: everything but a count.
    pub(crate) fn may_be_null(&self) -> bool {
        self.agg.func != AggFunc::Count
    }

    /// `(SELECT <aggregate> FROM <target> AS s1 [JOIN ..] WHERE
    /// <correlation> [AND <filter>])`.
    pub(crate) fn write(&self, w: &mut SqlWriter, outer: &JoinPlan) {
        w.push_sql("(");
        self.write_select(w, outer);
        w.push_sql(")");
    }

    /// The `SELECT` of [`write`](RelatedNode::write), without parentheses.
    fn write_select(&self, w: &mut SqlWriter, outer: &JoinPlan) {
        let Some((k, hop)) = self.first_many() else {
            // Refused by `check`; never written.
            w.push_sql("SELECT NULL");
            return;
        };
        let rest = self.path.suffix(k + 1);
        let via = (hop.kind == RelationKind::ManyToMany).then_some(hop);
        let mut sub = outer.subquery((hop.to)(), via);
        let arg = match (&self.agg.arg, rest.last()) {
            (Some(arg), _) => Some(arg.rebased(&rest)),
            // Past the first hop the joins are LEFT JOINs: count the rows
            // found, not the rows that found none.
            (None, Some(last)) => Some(Node::Column(ColRef {
                column: (last.to)().pk(),
                path: rest,
            })),
            (None, None) => None,
        };
        let filter = self.agg.filter.as_ref().map(|f| f.rebased(&rest));
        sub.add(rest);
        if let Some(arg) = &arg {
            arg.for_each_column(&mut |c| sub.add_column(c));
        }
        if let Some(filter) = &filter {
            sub.add_condition(filter);
        }
        let concat = self.agg.concat.as_ref().map(|c| {
            let mut c = (**c).clone();
            for term in &mut c.order {
                term.path = rest.join(&term.path);
                term.expr = term.expr.as_ref().map(|e| Box::new(e.rebased(&rest)));
                term.for_each_column(&mut |col| sub.add_column(col));
            }
            Box::new(c)
        });
        let agg = AggNode {
            arg: arg.map(Box::new),
            filter: None,
            concat,
            ..self.agg.clone()
        };
        w.push_sql("SELECT ");
        agg.write(w, &sub);
        sub.write_from(w);
        w.push_sql(" WHERE ");
        write_correlation(w, outer, &sub, hop, self.path.prefix(k));
        if let Some(filter) = &filter {
            w.push_sql(" AND ");
            write_condition(w, &sub, filter);
        }
    }

    /// Appends the values [`write`](RelatedNode::write) binds, in its
    /// order: the aggregate's argument, then its filter.
    pub(crate) fn collect_binds(&self, dialect: Dialect, out: &mut Vec<Value>) {
        if let Some(arg) = &self.agg.arg {
            arg.collect_binds(dialect, out);
        }
        if let Some(filter) = &self.agg.filter {
            collect_binds(dialect, filter, out);
        }
    }

    /// The shape of the aggregate (see [`crate::query::shape`]).
    pub(crate) fn encode(&self, key: &mut ShapeKey<'_>) {
        key.path(&self.path);
        key.aggregate(&self.agg);
    }

    /// The aggregate as an expression of the outer row: a scalar
    /// subquery, for the statements that test or select it without a
    /// select-list alias to name (`count()`, `values()`).
    pub(crate) fn to_node(&self) -> Node {
        let outer = self.outer_key().into_iter().collect();
        Node::Subquery(Sub::from_body(
            Arc::new(RelatedBody(self.clone())),
            SubqueryUse::Scalar,
            outer,
        ))
    }

    /// An error for an aggregate strata cannot compute the same way on
    /// every database.
    ///
    /// With [`Checks::Values`], only the checks of the bound values.
    pub(crate) fn check(
        &self,
        model: &'static str,
        dialect: Dialect,
        checks: Checks,
    ) -> Result<()> {
        if checks.shape() {
            self.check_shape(model, dialect)?;
        }
        if let Some(arg) = &self.agg.arg {
            check_node(arg, model, dialect, Checks::Values)?;
        }
        if let Some(filter) = &self.agg.filter {
            filter
                .check_values(dialect)
                .map_err(|(_, refused)| refused.into_error(format!("a filter of {model}")))?;
        }
        Ok(())
    }

    /// The checks of the aggregate's shape (see [`check`](Self::check)).
    fn check_shape(&self, model: &'static str, dialect: Dialect) -> Result<()> {
        if self.path.overflowed() {
            return Err(invalid(
                model,
                format!(
                    "a relation path is longer than {} hops",
                    crate::relation::MAX_HOPS
                ),
            ));
        }
        if self.first_many().is_none() {
            return Err(invalid(
                model,
                "an aggregate over a relation needs a multi-valued relation",
            ));
        }
        if let Some(reason) = self.agg.refusal(dialect) {
            return Err(invalid(model, reason));
        }
        let mut many = false;
        self.agg
            .for_each_path(&mut |p| many |= p.first_many().is_some() || p.overflowed());
        if many {
            return Err(invalid(
                model,
                "an aggregate over a relation orders and reads single-valued relations only; \
                 continue the path with `then` instead",
            ));
        }
        if let Some(arg) = &self.agg.arg {
            check_node_shape(arg, model, dialect)?;
            let mut many = false;
            arg.for_each_path(&mut |p| many |= p.first_many().is_some());
            if many {
                return Err(invalid(
                    model,
                    "the expression an aggregate over a relation reads may follow \
                     single-valued relations only; continue the path with `then` instead",
                ));
            }
        }
        if let Some(filter) = &self.agg.filter {
            if filter.has_decimal_arithmetic() && dialect == Dialect::Sqlite {
                return Err(invalid(model, SQLITE_DECIMAL));
            }
            let mut many = false;
            filter.for_each_path(&mut |p| many |= p.first_many().is_some() || p.overflowed());
            if many {
                return Err(invalid(
                    model,
                    "the filter of an aggregate over a relation may follow single-valued \
                     relations only (a multi-valued one would count rows twice)",
                ));
            }
        }
        Ok(())
    }
}

/// An aggregate over a relation as the body of a scalar subquery.
#[derive(Debug)]
struct RelatedBody(RelatedNode);

impl SubqueryBody for RelatedBody {
    fn write(&self, w: &mut SqlWriter, outer: &JoinPlan, prefix: JoinPath, _usage: SubqueryUse) {
        if prefix.is_empty() {
            self.0.write_select(w, outer);
        } else {
            RelatedNode {
                path: prefix.join(&self.0.path),
                agg: self.0.agg.clone(),
            }
            .write_select(w, outer);
        }
    }

    fn encode(&self, key: &mut ShapeKey<'_>) {
        self.0.encode(key);
    }

    fn collect_binds(&self, dialect: Dialect, _usage: SubqueryUse, out: &mut Vec<Value>) {
        self.0.collect_binds(dialect, out);
    }

    fn check_values(&self, dialect: Dialect) -> std::result::Result<(), (ColRef, Refused)> {
        self.0
            .agg
            .check_values(dialect)
            .map_err(|(c, r)| (c.unwrap_or(NO_COLUMN), r))
    }

    fn has_decimal_arithmetic(&self) -> bool {
        self.0.agg.cast == AggCast::Decimal
            || self
                .0
                .agg
                .arg
                .as_ref()
                .is_some_and(|a| a.has_decimal_arithmetic())
            || self
                .0
                .agg
                .filter
                .as_ref()
                .is_some_and(|f| f.has_decimal_arithmetic())
    }

    fn table(&self) -> &'static str {
        self.0.first_many().map_or("", |(_, hop)| (hop.to)().table)
    }
}
