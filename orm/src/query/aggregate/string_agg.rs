//! [`StringAgg`]: the values of a text expression joined by a separator,
//! optionally in an order and over distinct values only.
//!
//! Written as `STRING_AGG(x, $1 ORDER BY ..)` on PostgreSQL,
//! `GROUP_CONCAT(x, ? ORDER BY ..)` on SQLite (3.44+, which strata's
//! bundled SQLite is) and `GROUP_CONCAT(x ORDER BY .. SEPARATOR X'..')` on
//! MySQL/MariaDB, whose separator must be a literal: strata writes it as a
//! hexadecimal string, which no separator and no `sql_mode` can break out
//! of. MySQL cuts a `GROUP_CONCAT` at `group_concat_max_len` (1024 bytes by
//! default) and at `max_allowed_packet` without an error, so strata raises
//! the first for the statement (`SET STATEMENT` on MariaDB, a `SET_VAR`
//! hint on MySQL 8) and makes a result that reaches either limit an
//! error, never a shortened string.

use super::{AggCast, AggFunc, AggNode, Aggregate, AggregateNode, StringAggOf};
use crate::dialect::Dialect;
use crate::query::compile::{write_condition, write_order_term_as, write_order_terms, JoinPlan};
use crate::query::expr::{ColRef, IntoCondition};
use crate::query::order::{IntoOrderBy, OrderBy};
use crate::query::scalar::{may_be_null, write_node, Expression, Node};
use crate::query::shape::{collect_binds, same_node};
use crate::value::Value;
use crate::writer::SqlWriter;
use std::marker::PhantomData;

/// How a dialect writes a `StringAgg`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StringAggSyntax {
    /// `STRING_AGG(x, $1 ORDER BY ..)` (PostgreSQL).
    StringAgg,
    /// `GROUP_CONCAT(x, ? ORDER BY ..)`, no separator when distinct
    /// (SQLite).
    GroupConcatBound,
    /// `GROUP_CONCAT(x ORDER BY .. SEPARATOR 'literal')` (MySQL/MariaDB).
    GroupConcatLiteral,
}

/// A `StringAgg`'s separator and the order of its values.
#[derive(Debug, Clone)]
pub(crate) struct Concat {
    pub separator: String,
    pub order: Vec<OrderBy<()>>,
}

/// The text of `expr` over the rows, joined by `separator`: made by
/// [`StringAgg`] and refined with [`order_by`](StringAggregate::order_by),
/// [`distinct`](StringAggregate::distinct) and
/// [`filter`](StringAggregate::filter).
pub struct StringAggregate<M> {
    pub(crate) node: AggNode,
    _marker: PhantomData<fn() -> M>,
}

impl<M> Clone for StringAggregate<M> {
    fn clone(&self) -> Self {
        StringAggregate {
            node: self.node.clone(),
            _marker: PhantomData,
        }
    }
}

impl<M> std::fmt::Debug for StringAggregate<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.node.fmt(f)
    }
}

/// `STRING_AGG(x, separator)`: the non-`NULL` values of the text
/// expression `x` joined by `separator`, in an order the database picks
/// unless [`order_by`](StringAggregate::order_by) says; `None` for an
/// empty set or all `NULL`s. A number or date does not compile.
///
/// ```
/// use strata::prelude::*;
/// use strata::query::aggregate::{Count, StringAgg};
///
/// #[derive(Model, Debug)]
/// struct Tag {
///     id: i64,
///     #[strata(max_length = 20)]
///     name: String,
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> strata::Result<()> {
/// let db = Db::connect("sqlite::memory:").await?;
/// db.create_tables(&[Tag::META]).await?;
/// for name in ["rust", "sql", "orm"] {
///     Tag { id: 0, name: name.into() }.insert(&db).await?;
/// }
/// let (n, names) = Tag::objects()
///     .aggregate(
///         &db,
///         (Count::all(), StringAgg(Tag::name(), ", ").order_by(Tag::name().asc())),
///     )
///     .await?;
/// assert_eq!((n, names.as_deref()), (3, Some("orm, rust, sql")));
///
/// let (none,) = Tag::objects()
///     .filter(Tag::id().lt(0))
///     .aggregate(&db, (StringAgg(Tag::name(), ", "),))
///     .await?;
/// assert_eq!(none, None);
/// # Ok(()) }
/// ```
#[allow(non_snake_case)]
pub fn StringAgg<M, E: Expression<M>>(expr: E, separator: impl Into<String>) -> StringAggregate<M>
where
    E::Sql: StringAggOf,
{
    StringAggregate {
        node: AggNode::string_agg(expr.into_expr_node().0, separator.into()),
        _marker: PhantomData,
    }
}

impl<M> StringAggregate<M> {
    /// Joins the values in this order (replacing an earlier one):
    /// `.order_by(Post::title().asc())`, or several terms in an array.
    pub fn order_by(mut self, order: impl IntoOrderBy<M>) -> Self {
        self.node.set_concat_order(
            order
                .into_order_by()
                .into_iter()
                .map(OrderBy::erase)
                .collect(),
        );
        self
    }

    /// Joins each distinct value once. PostgreSQL orders a distinct
    /// aggregate only by its own value, so a distinct `StringAgg` may be
    /// ordered only by the expression it joins; SQLite joins distinct
    /// values only with its default separator `","`. Anything else is an
    /// error naming the database.
    pub fn distinct(mut self) -> Self {
        self.node.distinct = true;
        self
    }

    /// Over the rows matching `condition` only; several filters must all
    /// hold.
    pub fn filter(mut self, condition: impl IntoCondition<M>) -> Self {
        self.node.add_filter(condition.into_condition().expr);
        self
    }
}

impl<M> Aggregate<M> for StringAggregate<M> {
    type Output = Option<String>;
    fn into_agg(self) -> AggregateNode {
        AggregateNode(self.node)
    }
}

/// What MySQL/MariaDB `GROUP_CONCAT` may return at most: above its
/// `group_concat_max_len` or `max_allowed_packet` (less a character's 4
/// bytes, as the cut ends on a character) it would have been cut.
const MYSQL_LIMIT: &str = "LEAST(@@group_concat_max_len, @@max_allowed_packet) - 4";

/// The error a `GROUP_CONCAT` at its limit raises: an unsigned overflow,
/// whose message quotes this text.
const MYSQL_CUT: &str = "strata: StringAgg result reached MySQL group_concat_max_len or \
                         max_allowed_packet and would be cut";

impl AggNode {
    /// A `StringAgg` of `arg`.
    pub(crate) fn string_agg(arg: crate::query::scalar::Node, separator: String) -> AggNode {
        AggNode {
            func: AggFunc::StringAgg,
            arg: Some(Box::new(arg)),
            cast: AggCast::None,
            distinct: false,
            filter: None,
            concat: Some(Box::new(Concat {
                separator,
                order: Vec::new(),
            })),
        }
    }

    /// Sets a `StringAgg`'s order.
    pub(crate) fn set_concat_order(&mut self, order: Vec<OrderBy<()>>) {
        if let Some(concat) = &mut self.concat {
            concat.order = order;
        }
    }

    /// Appends a `StringAgg`.
    pub(crate) fn write_string_agg(&self, w: &mut SqlWriter, plan: &JoinPlan, concat: &Concat) {
        match w.dialect().imp().string_agg_syntax() {
            StringAggSyntax::StringAgg | StringAggSyntax::GroupConcatBound => {
                self.write_bound_string_agg(w, plan, concat);
            }
            StringAggSyntax::GroupConcatLiteral => {
                w.raise_group_concat_max_len();
                w.push_sql("CASE WHEN LENGTH(");
                self.write_group_concat(w, plan, concat);
                w.push_sql(") > ");
                w.push_sql(MYSQL_LIMIT);
                w.push_sql(" THEN CAST(~0 + LENGTH('");
                w.push_sql(MYSQL_CUT);
                w.push_sql("') * (LENGTH(");
                self.write_group_concat(w, plan, concat);
                w.push_sql(") > 0) AS CHAR) ELSE ");
                self.write_group_concat(w, plan, concat);
                w.push_sql(" END");
            }
        }
    }

    /// `STRING_AGG(x, $1 ORDER BY ..) FILTER (WHERE ..)` (PostgreSQL) or
    /// `GROUP_CONCAT(x, ? ORDER BY ..) FILTER (WHERE ..)` (SQLite, whose
    /// distinct form takes no separator).
    fn write_bound_string_agg(&self, w: &mut SqlWriter, plan: &JoinPlan, concat: &Concat) {
        let syntax = w.dialect().imp().string_agg_syntax();
        w.push_sql(match syntax {
            StringAggSyntax::StringAgg => "STRING_AGG(",
            _ => "GROUP_CONCAT(",
        });
        if self.distinct {
            w.push_sql("DISTINCT ");
        }
        let arg_start = w.sql_len();
        if let Some(arg) = &self.arg {
            write_node(w, plan, arg);
        }
        let arg_text = arg_start..w.sql_len();
        if !(self.distinct && syntax == StringAggSyntax::GroupConcatBound) {
            w.push_sql(", ");
            w.push_bind(Value::String(Some(concat.separator.clone())));
        }
        if !concat.order.is_empty() {
            w.push_sql(" ORDER BY ");
            for (i, term) in concat.order.iter().enumerate() {
                if i > 0 {
                    w.push_sql(", ");
                }
                match self.replayed_arg(w.dialect(), term) {
                    Some(arg) => write_order_term_as(
                        w,
                        &|w: &mut SqlWriter| w.repeat_sql(arg_text.clone()),
                        may_be_null(arg),
                        term.descending,
                        term.nulls_first,
                    ),
                    None => write_order_terms(w, plan, std::slice::from_ref(term)),
                }
            }
        }
        w.push_sql(")");
        if let Some(condition) = &self.filter {
            w.push_sql(" FILTER (WHERE ");
            write_condition(w, plan, condition);
            w.push_sql(")");
        }
    }

    /// The argument, when `term` orders a distinct `STRING_AGG` by it on
    /// PostgreSQL: the term is then written as the argument's text again,
    /// whose placeholders name the argument's own parameters. PostgreSQL
    /// takes two parameters for two expressions, so `concat(note, $1)`
    /// ordered by `concat(note, $3)` would be refused even for equal
    /// values.
    fn replayed_arg(&self, dialect: Dialect, term: &OrderBy<()>) -> Option<&Node> {
        let arg = self.arg.as_deref()?;
        let replays = self.distinct
            && dialect.imp().string_agg_syntax() == StringAggSyntax::StringAgg
            && ordered_by(dialect, term, arg);
        replays.then_some(arg)
    }

    /// `GROUP_CONCAT([DISTINCT] [CASE WHEN .. THEN] x [END] ORDER BY ..
    /// SEPARATOR X'..')`.
    fn write_group_concat(&self, w: &mut SqlWriter, plan: &JoinPlan, concat: &Concat) {
        w.push_sql("GROUP_CONCAT(");
        if self.distinct {
            w.push_sql("DISTINCT ");
        }
        if let Some(condition) = &self.filter {
            w.push_sql("CASE WHEN ");
            write_condition(w, plan, condition);
            w.push_sql(" THEN ");
        }
        if let Some(arg) = &self.arg {
            write_node(w, plan, arg);
        }
        if self.filter.is_some() {
            w.push_sql(" END");
        }
        if !concat.order.is_empty() {
            w.push_sql(" ORDER BY ");
            write_order_terms(w, plan, &concat.order);
        }
        w.push_sql(" SEPARATOR ");
        push_hex_string(w, &concat.separator);
        w.push_sql(")");
    }

    /// Appends the values [`write_string_agg`](AggNode::write_string_agg)
    /// binds, in its order.
    pub(crate) fn string_agg_binds(&self, dialect: Dialect, concat: &Concat, out: &mut Vec<Value>) {
        let syntax = dialect.imp().string_agg_syntax();
        let order_binds = |out: &mut Vec<Value>| {
            for term in &concat.order {
                if self.replayed_arg(dialect, term).is_none() {
                    term.collect_binds(dialect, out);
                }
            }
        };
        match syntax {
            StringAggSyntax::StringAgg | StringAggSyntax::GroupConcatBound => {
                if let Some(arg) = &self.arg {
                    arg.collect_binds(dialect, out);
                }
                if !(self.distinct && syntax == StringAggSyntax::GroupConcatBound) {
                    out.push(Value::String(Some(concat.separator.clone())));
                }
                order_binds(out);
                if let Some(condition) = &self.filter {
                    collect_binds(dialect, condition, out);
                }
            }
            StringAggSyntax::GroupConcatLiteral => {
                // The GROUP_CONCAT is written three times.
                for _ in 0..3 {
                    if let Some(condition) = &self.filter {
                        collect_binds(dialect, condition, out);
                    }
                    if let Some(arg) = &self.arg {
                        arg.collect_binds(dialect, out);
                    }
                    order_binds(out);
                }
            }
        }
    }

    /// Why this `StringAgg` cannot run on `dialect`, if it cannot.
    pub(crate) fn string_agg_refusal(&self, dialect: Dialect, concat: &Concat) -> Option<String> {
        if concat.separator.contains('\0') {
            return Some(
                "a StringAgg separator cannot contain a NUL character (PostgreSQL text cannot \
                 hold one)"
                    .into(),
            );
        }
        if !self.distinct {
            return None;
        }
        if dialect.imp().string_agg_syntax() == StringAggSyntax::GroupConcatBound
            && concat.separator != ","
        {
            return Some(format!(
                "SQLite joins distinct values only with its default separator \",\", not {:?}; \
                 drop distinct() or use \",\"",
                concat.separator
            ));
        }
        let foreign = concat.order.iter().any(|term| {
            !self
                .arg
                .as_deref()
                .is_some_and(|arg| ordered_by(dialect, term, arg))
        });
        foreign.then(|| {
            "PostgreSQL orders a distinct StringAgg only by the expression it joins; order by \
             that expression, or drop distinct()"
                .into()
        })
    }
}

/// Whether `term` orders by exactly `node`: the same expression (or
/// column) holding equal values.
fn ordered_by(dialect: Dialect, term: &OrderBy<()>, node: &Node) -> bool {
    match &term.expr {
        Some(expr) => same_node(dialect, expr, node),
        None => same_node(
            dialect,
            &Node::Column(ColRef {
                column: term.column,
                path: term.path,
            }),
            node,
        ),
    }
}

/// Appends `X'..'`: the UTF-8 bytes of `text` as a hexadecimal string
/// literal, which needs no escaping under any `sql_mode`.
fn push_hex_string(w: &mut SqlWriter, text: &str) {
    use std::fmt::Write;
    let mut hex = String::with_capacity(3 + 2 * text.len());
    hex.push_str("X'");
    for byte in text.bytes() {
        let _ = write!(hex, "{byte:02x}");
    }
    hex.push('\'');
    w.push_text(&hex);
}
