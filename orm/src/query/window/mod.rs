//! Window functions as annotations: [`RowNumber`], [`Rank`],
//! [`DenseRank`], [`Lag`] / [`Lead`] and any aggregate (a running `Sum`)
//! over a partition of the rows, in an order:
//! `Window::new(Sum(Post::likes())).partition_by(Post::author().id()).order_by(Post::id().asc())`.
//! The same on SQLite (3.25+), PostgreSQL and MySQL 8 / MariaDB 10.2+.
//!
//! A window sees the rows the queryset's `filter`s keep (windows are
//! computed after `WHERE`), before `limit` / `offset`. It cannot itself be
//! filtered on (that does not compile); order by it with `AnnN`.
//!
//! ```
//! use strata::prelude::*;
//! use strata::query::aggregate::Sum;
//! use strata::query::window::{Lag, RowNumber, Window};
//!
//! #[derive(Model, Debug, Clone)]
//! struct Sale {
//!     id: i64,
//!     #[strata(max_length = 10)]
//!     region: String,
//!     units: i32,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> strata::Result<()> {
//! let db = Db::connect("sqlite::memory:").await?;
//! db.create_tables(&[Sale::META]).await?;
//! for (region, units) in [("north", 3), ("south", 5), ("north", 4)] {
//!     Sale { id: 0, region: region.into(), units }.insert(&db).await?;
//! }
//! let rows = Sale::objects()
//!     .annotate((
//!         Window::new(RowNumber).partition_by(Sale::region()).order_by(Sale::id().asc()),
//!         Window::new(Sum(Sale::units())).partition_by(Sale::region()).order_by(Sale::id().asc()),
//!         Window::new(Lag(Sale::units(), 1).default(0)).order_by(Sale::id().asc()),
//!     ))
//!     .order_by(Sale::id().asc())
//!     .all(&db)
//!     .await?;
//! let values: Vec<(i64, Option<i64>, i32)> = rows.into_iter().map(|(_, v)| v).collect();
//! assert_eq!(values, [(1, Some(3), 0), (1, Some(5), 3), (2, Some(7), 5)]);
//! # Ok(()) }
//! ```

use super::aggregate::{Agg, AggNode};
use super::annotate::{check_node, check_node_shape, SingleAnnotation, Windowed};
use super::annotate::{invalid, Annotation, AnnotationExpr, AnnotationNode};
use super::compile::{write_order_terms, JoinPlan};
use super::field::IntoBind;
use super::order::{IntoOrderBy, OrderBy};
use super::scalar::{may_be_null, write_node, CastTarget, Expression, Node, SqlType};
use crate::dialect::Dialect;
use crate::error::Result;
use crate::query::shape::{Checks, ShapeKey};
use crate::types::FieldType;
use crate::value::Value;
use crate::writer::SqlWriter;
use std::marker::PhantomData;

/// A window function over rows of `M` with a value of Rust type `T`,
/// computed over its partition in its order: an annotation.
pub struct Window<M, T> {
    node: WindowNode,
    _marker: PhantomData<fn() -> (M, T)>,
}

impl<M, T> Clone for Window<M, T> {
    fn clone(&self) -> Self {
        Window {
            node: self.node.clone(),
            _marker: PhantomData,
        }
    }
}

impl<M, T> std::fmt::Debug for Window<M, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.node.fmt(f)
    }
}

impl<M, T> Window<M, T> {
    /// `function` over every row, in no particular order, until
    /// [`partition_by`](Window::partition_by) and
    /// [`order_by`](Window::order_by) say otherwise.
    pub fn new<W: WindowFunction<M, Output = T>>(function: W) -> Self {
        Window {
            node: WindowNode {
                func: function.into_window_function().0,
                partition: Vec::new(),
                order: Vec::new(),
            },
            _marker: PhantomData,
        }
    }

    /// Computes the function separately for each value of `expr` (a field
    /// or expression of `M`); several calls partition by all of them.
    pub fn partition_by(mut self, expr: impl Expression<M>) -> Self {
        self.node.partition.push(expr.into_expr_node().0);
        self
    }

    /// The order the function walks each partition in (replacing an
    /// earlier one): a running `Sum`, a `RowNumber`, a `Lag`.
    pub fn order_by(mut self, order: impl IntoOrderBy<M>) -> Self {
        self.node.order = order
            .into_order_by()
            .into_iter()
            .map(OrderBy::erase)
            .collect();
        self
    }
}

impl<M, T: FieldType + Send> Annotation<M> for Window<M, T> {
    type Output = T;
    type Kind = Windowed;
    fn into_annotation(self) -> AnnotationExpr {
        AnnotationExpr(AnnotationNode::Window(self.node))
    }
}

impl<M, T> SingleAnnotation for Window<M, T> {}

/// What [`Window::new`] takes: [`RowNumber`], [`Rank`], [`DenseRank`],
/// [`Lag`], [`Lead`], or an aggregate (`Sum(..)`, `Count::all()`, ...).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a window function on `{M}`",
    label = "expected `RowNumber`, `Rank`, `DenseRank`, `Lag(..)`, `Lead(..)` or an aggregate",
    note = "a window computes a ranking, a neighbouring row's value or an aggregate such as `Sum({M}::field())` over a partition of `{M}`'s rows"
)]
pub trait WindowFunction<M> {
    /// The Rust type of its value.
    type Output;
    /// The untyped function.
    #[doc(hidden)]
    fn into_window_function(self) -> WindowFunctionNode;
}

/// The function a [`WindowFunction`] stands for; opaque.
#[doc(hidden)]
pub struct WindowFunctionNode(pub(crate) WindowFunc);

/// `ROW_NUMBER()`: 1, 2, 3, .. in the window's order within each
/// partition (ties numbered in an order the database picks).
#[derive(Debug, Clone, Copy)]
pub struct RowNumber;

/// `RANK()`: 1 plus the number of rows before this one in the window's
/// order; ties share a rank and leave gaps (1, 1, 3).
#[derive(Debug, Clone, Copy)]
pub struct Rank;

/// `DENSE_RANK()`: like [`Rank`] without gaps (1, 1, 2).
#[derive(Debug, Clone, Copy)]
pub struct DenseRank;

macro_rules! rankings {
    ($($name:ident => $func:ident,)*) => {$(
        impl<M> WindowFunction<M> for $name {
            type Output = i64;
            fn into_window_function(self) -> WindowFunctionNode {
                WindowFunctionNode(WindowFunc::$func)
            }
        }
    )*};
}

rankings! {
    RowNumber => RowNumber,
    Rank => Rank,
    DenseRank => DenseRank,
}

impl<M, T> WindowFunction<M> for Agg<M, T> {
    type Output = T;
    fn into_window_function(self) -> WindowFunctionNode {
        WindowFunctionNode(WindowFunc::Aggregate(self.node))
    }
}

/// The value of an expression `offset` rows before ([`Lag`]) or after
/// ([`Lead`]) this one in the window's order, with type `T`: `None` past
/// the partition's edge unless a [`default`](Shift::default) is given.
pub struct Shift<M, S, T> {
    lead: bool,
    arg: Node,
    offset: u32,
    default: Option<Node>,
    _marker: ShiftMarker<M, S, T>,
}

/// Ties a shift to its model, expression type and value type.
type ShiftMarker<M, S, T> = PhantomData<fn() -> (M, S, T)>;

/// `LAG(expr, offset)`: the value of `expr` `offset` rows earlier in the
/// window's order; `None` for the first rows of each partition.
#[allow(non_snake_case)]
pub fn Lag<M, E: Expression<M>>(
    expr: E,
    offset: u32,
) -> Shift<M, E::Sql, Option<<E::Sql as SqlType>::NotNull>> {
    shift(false, expr, offset)
}

/// `LEAD(expr, offset)`: the value of `expr` `offset` rows later in the
/// window's order; `None` for the last rows of each partition.
#[allow(non_snake_case)]
pub fn Lead<M, E: Expression<M>>(
    expr: E,
    offset: u32,
) -> Shift<M, E::Sql, Option<<E::Sql as SqlType>::NotNull>> {
    shift(true, expr, offset)
}

fn shift<M, E: Expression<M>, T>(lead: bool, expr: E, offset: u32) -> Shift<M, E::Sql, T> {
    Shift {
        lead,
        arg: expr.into_expr_node().0,
        offset,
        default: None,
        _marker: PhantomData,
    }
}

impl<M, S, T> Shift<M, S, T> {
    /// The value past the partition's edge instead of `NULL` (a bound
    /// parameter of the expression's type); the result then has the
    /// expression's own type.
    pub fn default(self, value: impl IntoBind<S>) -> Shift<M, S, S> {
        Shift {
            lead: self.lead,
            arg: self.arg,
            offset: self.offset,
            default: Some(Node::Value(value.into_bind())),
            _marker: PhantomData,
        }
    }
}

impl<M, S, T> WindowFunction<M> for Shift<M, S, T> {
    type Output = T;
    fn into_window_function(self) -> WindowFunctionNode {
        WindowFunctionNode(WindowFunc::Shift {
            lead: self.lead,
            arg: Box::new(self.arg),
            offset: self.offset,
            default: self.default.map(Box::new),
        })
    }
}

/// A window function, untyped.
#[derive(Debug, Clone)]
pub(crate) enum WindowFunc {
    RowNumber,
    Rank,
    DenseRank,
    Shift {
        lead: bool,
        arg: Box<Node>,
        offset: u32,
        default: Option<Box<Node>>,
    },
    Aggregate(AggNode),
}

/// A window: its function, partition and order.
#[derive(Debug, Clone)]
pub(crate) struct WindowNode {
    func: WindowFunc,
    partition: Vec<Node>,
    order: Vec<OrderBy<()>>,
}

impl WindowNode {
    /// Appends ` OVER (PARTITION BY .. ORDER BY ..)`.
    fn write_over(&self, w: &mut SqlWriter, plan: &JoinPlan) {
        self.write_over_frame(w, plan, None);
    }

    /// Appends ` OVER (PARTITION BY .. ORDER BY .. <frame>)`.
    fn write_over_frame(&self, w: &mut SqlWriter, plan: &JoinPlan, frame: Option<&str>) {
        w.push_sql(" OVER (");
        for (i, node) in self.partition.iter().enumerate() {
            w.push_sql(if i == 0 { "PARTITION BY " } else { ", " });
            write_node(w, plan, node);
        }
        if !self.order.is_empty() {
            if !self.partition.is_empty() {
                w.push_sql(" ");
            }
            w.push_sql("ORDER BY ");
            write_order_terms(w, plan, &self.order);
        }
        if let Some(frame) = frame {
            w.push_text(frame);
        }
        w.push_sql(")");
    }

    /// Appends the window function with its `OVER` clause.
    pub(crate) fn write(&self, w: &mut SqlWriter, plan: &JoinPlan) {
        let ranking = match &self.func {
            WindowFunc::RowNumber => "ROW_NUMBER()",
            WindowFunc::Rank => "RANK()",
            WindowFunc::DenseRank => "DENSE_RANK()",
            WindowFunc::Shift {
                lead,
                arg,
                offset,
                default,
            } => {
                self.write_shift(w, plan, *lead, arg, *offset, default.as_deref());
                return;
            }
            WindowFunc::Aggregate(agg) => {
                agg.write_over(w, plan, Some(&|w: &mut SqlWriter| self.write_over(w, plan)));
                return;
            }
        };
        // A signed 64-bit integer everywhere (MySQL's are unsigned).
        w.push_sql("CAST(");
        w.push_sql(ranking);
        self.write_over(w, plan);
        w.push_sql(" AS ");
        w.push_sql(w.dialect().imp().cast_type(CastTarget::BigInt));
        w.push_sql(")");
    }

    /// Appends `LAG` / `LEAD`. Where the database takes no default
    /// argument, a non-`NULL` expression gets `COALESCE(.., default)`,
    /// and a nullable one a `CASE` on whether the row `offset` away
    /// exists (counted over the same order), so that a `NULL` value of
    /// that row stays `NULL`.
    fn write_shift(
        &self,
        w: &mut SqlWriter,
        plan: &JoinPlan,
        lead: bool,
        arg: &Node,
        offset: u32,
        default: Option<&Node>,
    ) {
        let native = w.dialect().imp().window_shift_default();
        let shift = |w: &mut SqlWriter, default: Option<&Node>| {
            w.push_sql(if lead { "LEAD(" } else { "LAG(" });
            write_node(w, plan, arg);
            // A literal: MySQL takes no parameter for the offset, and it
            // is a number of the program's (a `u32`), never text.
            w.push_text(&format!(", {offset}"));
            if let Some(default) = default {
                w.push_sql(", ");
                write_node(w, plan, default);
            }
            w.push_sql(")");
            self.write_over(w, plan);
        };
        match default {
            None => shift(w, None),
            Some(default) if native => shift(w, Some(default)),
            Some(default) if !may_be_null(arg) => {
                w.push_sql("COALESCE(");
                shift(w, None);
                w.push_sql(", ");
                write_node(w, plan, default);
                w.push_sql(")");
            }
            Some(default) => {
                w.push_sql("CASE WHEN COUNT(*)");
                self.write_over_frame(
                    w,
                    plan,
                    Some(if lead {
                        " ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING"
                    } else {
                        " ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
                    }),
                );
                w.push_text(&format!(" > {offset} THEN "));
                shift(w, None);
                w.push_sql(" ELSE ");
                write_node(w, plan, default);
                w.push_sql(" END");
            }
        }
    }

    /// The window's shape (see [`crate::query::shape`]): its function,
    /// partition and order.
    pub(crate) fn encode(&self, key: &mut ShapeKey<'_>) {
        match &self.func {
            WindowFunc::RowNumber => key.push(1),
            WindowFunc::Rank => key.push(2),
            WindowFunc::DenseRank => key.push(3),
            WindowFunc::Shift {
                lead,
                arg,
                offset,
                default,
            } => {
                key.push(4);
                key.flag(*lead);
                // Written as a literal, so part of the text.
                key.push(*offset as usize);
                key.node(arg);
                key.flag(default.is_some());
                if let Some(default) = default {
                    key.node(default);
                }
            }
            WindowFunc::Aggregate(agg) => {
                key.push(5);
                key.aggregate(agg);
            }
        }
        key.push(self.partition.len());
        for node in &self.partition {
            key.node(node);
        }
        key.push(self.order.len());
        for term in &self.order {
            term.encode(key);
        }
    }

    /// Appends the values of ` OVER (..)`, in order.
    fn collect_over_binds(&self, dialect: Dialect, out: &mut Vec<Value>) {
        for node in &self.partition {
            node.collect_binds(dialect, out);
        }
        for term in &self.order {
            term.collect_binds(dialect, out);
        }
    }

    /// Appends the values [`write`](WindowNode::write) binds, in its
    /// order.
    pub(crate) fn collect_binds(&self, dialect: Dialect, out: &mut Vec<Value>) {
        match &self.func {
            WindowFunc::RowNumber | WindowFunc::Rank | WindowFunc::DenseRank => {
                self.collect_over_binds(dialect, out)
            }
            WindowFunc::Aggregate(agg) => {
                agg.collect_binds(dialect, out);
                self.collect_over_binds(dialect, out);
            }
            WindowFunc::Shift { arg, default, .. } => {
                let native = dialect.imp().window_shift_default();
                match default.as_deref() {
                    None => {
                        arg.collect_binds(dialect, out);
                        self.collect_over_binds(dialect, out);
                    }
                    Some(default) if native => {
                        arg.collect_binds(dialect, out);
                        default.collect_binds(dialect, out);
                        self.collect_over_binds(dialect, out);
                    }
                    Some(default) if !may_be_null(arg) => {
                        arg.collect_binds(dialect, out);
                        self.collect_over_binds(dialect, out);
                        default.collect_binds(dialect, out);
                    }
                    Some(default) => {
                        self.collect_over_binds(dialect, out);
                        arg.collect_binds(dialect, out);
                        self.collect_over_binds(dialect, out);
                        default.collect_binds(dialect, out);
                    }
                }
            }
        }
    }

    /// Every expression the window reads in the outer query.
    fn nodes(&self) -> Vec<&Node> {
        let mut nodes: Vec<&Node> = self.partition.iter().collect();
        nodes.extend(self.order.iter().filter_map(|o| o.expr.as_deref()));
        match &self.func {
            WindowFunc::Shift { arg, default, .. } => {
                nodes.push(arg);
                nodes.extend(default.as_deref());
            }
            WindowFunc::Aggregate(agg) => nodes.extend(agg.arg.as_deref()),
            WindowFunc::RowNumber | WindowFunc::Rank | WindowFunc::DenseRank => {}
        }
        nodes
    }

    /// Joins what the window reads.
    pub(crate) fn add_to_plan(&self, plan: &mut JoinPlan) {
        for node in self.nodes() {
            node.for_each_column(&mut |c| plan.add_column(c));
            node.for_each_condition(&mut |e| plan.add_condition(e));
        }
        for term in &self.order {
            term.for_each_column(&mut |c| plan.add_column(c));
        }
        if let WindowFunc::Aggregate(agg) = &self.func {
            if let Some(filter) = &agg.filter {
                plan.add_condition(filter);
            }
        }
    }

    /// Whether the value may be `NULL`.
    pub(crate) fn may_be_null(&self) -> bool {
        match &self.func {
            WindowFunc::RowNumber | WindowFunc::Rank | WindowFunc::DenseRank => false,
            WindowFunc::Shift { arg, default, .. } => {
                may_be_null(arg) || default.as_deref().is_none_or(may_be_null)
            }
            WindowFunc::Aggregate(agg) => agg.func != super::aggregate::AggFunc::Count,
        }
    }

    /// An error for a window strata cannot compute the same way on every
    /// database.
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
        for node in self.nodes() {
            check_node(node, model, dialect, Checks::Values)?;
        }
        if let WindowFunc::Aggregate(agg) = &self.func {
            if let Some(filter) = &agg.filter {
                filter
                    .check_values(dialect)
                    .map_err(|(_, refused)| refused.into_error(format!("a filter of {model}")))?;
            }
        }
        Ok(())
    }

    /// The checks of the window's shape (see [`check`](Self::check)).
    fn check_shape(&self, model: &'static str, dialect: Dialect) -> Result<()> {
        for node in self.nodes() {
            check_node_shape(node, model, dialect)?;
        }
        let mut many = false;
        for term in &self.order {
            term.for_each_path(&mut |p| many |= p.first_many().is_some() || p.overflowed());
        }
        if many {
            return Err(invalid(
                model,
                "a window orders by single-valued relations only",
            ));
        }
        if let WindowFunc::Aggregate(agg) = &self.func {
            if agg.distinct {
                return Err(invalid(
                    model,
                    "no database computes a distinct aggregate over a window; drop \
                     `distinct()` or aggregate without a window",
                ));
            }
            if let Some(reason) = agg.refusal(dialect) {
                return Err(invalid(model, reason));
            }
        }
        Ok(())
    }
}
