//! Annotations: a value computed per row next to the model, with
//! [`QuerySet::annotate`](crate::QuerySet::annotate).
//!
//! An annotation is any typed expression of the queryset's model (a
//! field, an [`F`] expression such as `Post::likes() + Post::dislikes()`),
//! an aggregate over a multi-valued relation (`Author::posts().count()`,
//! `Author::posts().sum(Post::likes())`, see [`RelatedAggregates`]) or a
//! [`Window`](crate::query::window::Window) function. `annotate` takes one
//! of them or a tuple of up to six, and the rows come back as
//! `(model, value)` or `(model, (value, value, ..))`, each value typed by
//! its annotation: a count is an `i64` (0 where no row is related), a
//! `Sum` / `Min` / `Max` an `Option` (`None` where no row is related).
//!
//! Aggregates over relations are correlated subqueries, one per
//! annotation, so two relations never multiply each other's rows (the
//! `JOIN` fan-out that a `GROUP BY` over two joins has) and every
//! database computes the same answer.
//!
//! The annotations are referred to by position, [`Ann0`] to [`Ann5`]:
//! `filter(Ann0.gt(2))` keeps the rows whose first annotation is above 2,
//! `order_by(Ann1.desc())` orders by the second. A position the
//! queryset does not have does not compile, and neither does a value of
//! another type than the annotation's.
//!
//! ```
//! use strata::prelude::*;
//!
//! #[derive(Model, Debug, Clone)]
//! struct Author {
//!     id: i64,
//!     #[strata(max_length = 50)]
//!     name: String,
//! }
//!
//! #[derive(Model, Debug, Clone)]
//! struct Post {
//!     id: i64,
//!     #[strata(on_delete = cascade, related_name = "posts")]
//!     author: ForeignKey<Author>,
//!     likes: i32,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> strata::Result<()> {
//! let db = Db::connect("sqlite::memory:").await?;
//! db.create_tables(&[Author::META, Post::META]).await?;
//! let mut ann = Author { id: 0, name: "Ann".into() };
//! let mut bob = Author { id: 0, name: "Bob".into() };
//! ann.insert(&db).await?;
//! bob.insert(&db).await?;
//! for likes in [3, 4] {
//!     Post { id: 0, author: ForeignKey::from(&ann), likes }.insert(&db).await?;
//! }
//!
//! let rows = Author::objects()
//!     .annotate((Author::posts().count(), Author::posts().sum(Post::likes())))
//!     .order_by(Ann0.desc())
//!     .all(&db)
//!     .await?;
//! let counts: Vec<(&str, i64, Option<i64>)> =
//!     rows.iter().map(|(a, (n, likes))| (a.name.as_str(), *n, *likes)).collect();
//! assert_eq!(counts, [("Ann", 2, Some(7)), ("Bob", 0, None)]);
//!
//! // A filter on an annotation, an ordering by annotation and field.
//! let rows: Vec<(Author, (i64, Option<i64>))> = Author::objects()
//!     .annotate((Author::posts().count(), Author::posts().sum(Post::likes())))
//!     .filter(Ann0.gte(1))
//!     .order_by((Ann1.desc(), Author::name().asc()))
//!     .all(&db)
//!     .await?;
//! assert_eq!(rows.len(), 1);
//! assert_eq!((rows[0].0.name.as_str(), rows[0].1), ("Ann", (2, Some(7))));
//! # Ok(()) }
//! ```

mod markers;
mod named;
mod related;
mod select;
mod tuple;

pub use markers::{
    Ann0, Ann1, Ann2, Ann3, Ann4, Ann5, AnnotatedCondition, AnnotatedOrderTerm, AnnotatedOrdering,
    AnnotationCompare, AnnotationIndex, AnnotationOrder, Grouped, HasAnnotation,
};
pub(crate) use markers::{AnnotationOp, ConditionNode, OrderTerm};
#[doc(hidden)]
pub use markers::{ConditionExpr, NoValue, OrderExpr};
pub(crate) use named::{write_named_order, write_test};
pub(crate) use related::RelatedNode;
pub use related::{MultiValued, RelatedAggregate, RelatedAggregates, RelatedStringAgg};
#[doc(hidden)]
pub use select::AnnotationsOf;
pub use select::{AnnotatedSelection, AnnotatedValueList, Selectable};
pub use tuple::{Annotations, ChainAnnotations, SingleAnnotation};
#[doc(hidden)]
pub use tuple::{AsTuple, TupleAppend};

use super::compile::JoinPlan;
use super::field::Field;
use super::scalar::{may_be_null, write_node, Node, SqlType, F};
use super::window::WindowNode;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::query::shape::{Checks, ShapeKey};
use crate::relation::SingleValuedField;
use crate::types::FieldType;
use crate::value::Value;
use crate::writer::SqlWriter;

/// Marks an annotation that can be filtered on (computed before `WHERE`).
pub enum Scalar {}

/// Marks a window annotation, computed after `WHERE` and so not
/// filterable in the same query.
pub enum Windowed {}

/// The kinds of annotation a `filter` can test.
#[diagnostic::on_unimplemented(
    message = "a window annotation cannot be filtered on",
    label = "this annotation is a `Window`",
    note = "databases compute window functions after `WHERE`; filter the loaded rows in Rust, or filter on the expressions the window reads"
)]
pub trait Filterable {}

impl Filterable for Scalar {}

/// A value computed per row of `M` by [`QuerySet::annotate`](crate::QuerySet::annotate).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot annotate a queryset of `{M}`",
    label = "not an annotation on `{M}`",
    note = "annotate takes a field or expression of `{M}` (e.g. `{M}::field() + 1`), an aggregate over a relation of `{M}` (e.g. `{M}::<relation>().count()`), a `Window`, or a tuple of up to six of those"
)]
pub trait Annotation<M> {
    /// The Rust type of the value.
    type Output: FieldType + Send;
    /// [`Scalar`] or [`Windowed`].
    type Kind;
    /// The untyped annotation.
    #[doc(hidden)]
    fn into_annotation(self) -> AnnotationExpr;
}

/// The annotation an [`Annotation`] stands for; opaque.
#[doc(hidden)]
pub struct AnnotationExpr(pub(crate) AnnotationNode);

impl<M, T: SqlType + Send> Annotation<M> for F<M, T> {
    type Output = T;
    type Kind = Scalar;
    fn into_annotation(self) -> AnnotationExpr {
        AnnotationExpr(AnnotationNode::Scalar(self.node))
    }
}

impl<M, T: SqlType + Send, C: SingleValuedField> Annotation<M> for Field<M, T, C> {
    type Output = T;
    type Kind = Scalar;
    fn into_annotation(self) -> AnnotationExpr {
        AnnotationExpr(AnnotationNode::Scalar(Node::Column(self.col_ref())))
    }
}

impl<M, T> SingleAnnotation for F<M, T> {}
impl<M, T, C: SingleValuedField> SingleAnnotation for Field<M, T, C> {}

/// One annotation, as the compiler writes it.
#[derive(Debug, Clone)]
pub(crate) enum AnnotationNode {
    /// An expression of the row.
    Scalar(Node),
    /// An aggregate over a relation: a correlated subquery.
    Related(RelatedNode),
    /// A window function.
    Window(WindowNode),
}

impl AnnotationNode {
    /// Appends the annotation's value.
    pub(crate) fn write(&self, w: &mut SqlWriter, plan: &JoinPlan) {
        match self {
            AnnotationNode::Scalar(node) => write_node(w, plan, node),
            AnnotationNode::Related(related) => related.write(w, plan),
            AnnotationNode::Window(window) => window.write(w, plan),
        }
    }

    /// Joins what the annotation reads in the outer query.
    pub(crate) fn add_to_plan(&self, plan: &mut JoinPlan) {
        match self {
            AnnotationNode::Scalar(node) => {
                node.for_each_column(&mut |c| plan.add_column(c));
                node.for_each_condition(&mut |e| plan.add_condition(e));
            }
            AnnotationNode::Related(related) => {
                if let Some(key) = related.outer_key() {
                    plan.add_column(key);
                }
            }
            AnnotationNode::Window(window) => window.add_to_plan(plan),
        }
    }

    /// Whether the value may be `NULL`.
    pub(crate) fn may_be_null(&self) -> bool {
        match self {
            AnnotationNode::Scalar(node) => may_be_null(node),
            AnnotationNode::Related(related) => related.may_be_null(),
            AnnotationNode::Window(window) => window.may_be_null(),
        }
    }

    /// The annotation as an expression of the row, for the statements
    /// that test or select it where no select-list alias names it; `None`
    /// for a window, which is no expression of one row.
    pub(crate) fn to_node(&self) -> Option<Node> {
        match self {
            AnnotationNode::Scalar(node) => Some(node.clone()),
            AnnotationNode::Related(related) => Some(related.to_node()),
            AnnotationNode::Window(_) => None,
        }
    }

    /// Whether it is a window function.
    pub(crate) fn is_window(&self) -> bool {
        matches!(self, AnnotationNode::Window(_))
    }

    /// The annotation's shape (see [`crate::query::shape`]).
    pub(crate) fn encode(&self, key: &mut ShapeKey<'_>) {
        match self {
            AnnotationNode::Scalar(node) => {
                key.push(1);
                key.node(node);
            }
            AnnotationNode::Related(related) => {
                key.push(2);
                related.encode(key);
            }
            AnnotationNode::Window(window) => {
                key.push(3);
                window.encode(key);
            }
        }
    }

    /// Appends the values [`write`](AnnotationNode::write) binds, in its
    /// order.
    pub(crate) fn collect_binds(&self, dialect: Dialect, out: &mut Vec<Value>) {
        match self {
            AnnotationNode::Scalar(node) => node.collect_binds(dialect, out),
            AnnotationNode::Related(related) => related.collect_binds(dialect, out),
            AnnotationNode::Window(window) => window.collect_binds(dialect, out),
        }
    }

    /// An error for an annotation of `model` this database cannot
    /// compute as strata promises.
    ///
    /// With [`Checks::Values`], only the checks of the bound values.
    pub(crate) fn check(
        &self,
        model: &'static str,
        dialect: Dialect,
        checks: Checks,
    ) -> Result<()> {
        match self {
            AnnotationNode::Scalar(node) => check_node(node, model, dialect, checks),
            AnnotationNode::Related(related) => related.check(model, dialect, checks),
            AnnotationNode::Window(window) => window.check(model, dialect, checks),
        }
    }
}

/// An [`Error::InvalidQuery`] on `model`.
pub(crate) fn invalid(model: &'static str, reason: impl Into<String>) -> Error {
    Error::InvalidQuery {
        model,
        reason: reason.into(),
    }
}

/// The checks every expression of an annotation passes: values strata
/// sends, paths it can follow, and no decimal arithmetic on SQLite; with
/// [`Checks::Values`], the values only.
pub(crate) fn check_node(
    node: &Node,
    model: &'static str,
    dialect: Dialect,
    checks: Checks,
) -> Result<()> {
    if checks.shape() {
        check_node_shape(node, model, dialect)?;
    }
    node.check_values(dialect)
        .map_err(|(_, refused)| refused.into_error(format!("an annotation of {model}")))
}

/// The checks of an expression's shape (see [`check_node`]).
pub(crate) fn check_node_shape(node: &Node, model: &'static str, dialect: Dialect) -> Result<()> {
    if node.has_decimal_arithmetic() && dialect == Dialect::Sqlite {
        return Err(invalid(model, SQLITE_DECIMAL));
    }
    let mut deep = false;
    node.for_each_path(&mut |p| deep |= p.overflowed());
    if deep {
        return Err(invalid(
            model,
            format!(
                "a relation path is longer than {} hops",
                crate::relation::MAX_HOPS
            ),
        ));
    }
    Ok(())
}

/// Why SQLite refuses decimal arithmetic.
pub(crate) const SQLITE_DECIMAL: &str =
    "SQLite computes decimal arithmetic in floating point, so it would not be exact there; \
     compute it in Rust, or store the amount as an integer of its smallest unit";
