//! [`Expr`]: the untyped condition tree the compiler walks, under the
//! typed [`Q`] of `super::condition`.

pub(crate) use super::condition::{IntoCondition, Q};
use super::raw_condition::RawCondition;
use super::scalar::Node;
use super::subquery::Sub;
use crate::dialect::TextLookup;
use crate::meta::ColumnMeta;
use crate::relation::JoinPath;
use crate::value::{Array, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CompareOp {
    Eq,
    Gt,
    Gte,
    Lt,
    Lte,
}

impl CompareOp {
    pub(crate) fn sql(self) -> &'static str {
        match self {
            CompareOp::Eq => " = ",
            CompareOp::Gt => " > ",
            CompareOp::Gte => " >= ",
            CompareOp::Lt => " < ",
            CompareOp::Lte => " <= ",
        }
    }
}

/// A column reached from the queryset's model through `path`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ColRef {
    pub column: &'static ColumnMeta,
    pub path: JoinPath,
}

/// The values of an `IN` lookup, as a list of values (bound one each) and,
/// when they are of one kind, also as one typed [`Array`] (bound as a
/// single parameter where the dialect allows). Keeping both makes either
/// form a plain clone when a cached statement collects its binds.
#[derive(Debug, Clone)]
pub(crate) struct InList {
    values: Vec<Value>,
    array: Option<Array>,
}

impl InList {
    /// The list of `values` without its `NULL`s, which never equal
    /// anything (as Django does): `x IN (1, NULL)` is `x IN (1)`, and its
    /// exclusion keeps the rows where `x` is 2 or `NULL`.
    pub(crate) fn new(mut values: Vec<Value>) -> InList {
        values.retain(|v| !v.is_null());
        let array = Array::from_values(&values);
        InList { values, array }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// How many values the list has.
    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }

    /// The form `dialect` sends the list in.
    pub(crate) fn form(&self, dialect: crate::Dialect) -> super::in_list::InForm<'_> {
        super::in_list::in_form(dialect, &self.values, self.array.as_ref())
    }

    /// Appends ` IN (...)` (or ` = ANY($n)`, or the one-value JSON form).
    pub(crate) fn write(&self, w: &mut crate::writer::SqlWriter) {
        super::in_list::write_in(w, &self.values, self.array.as_ref(), false);
    }

    /// The values [`write`](InList::write) binds on `dialect`, in order.
    pub(crate) fn collect_binds(&self, dialect: crate::Dialect, out: &mut Vec<Value>) {
        super::in_list::collect_in_binds(dialect, &self.values, self.array.as_ref(), out);
    }
}

/// The untyped condition tree.
#[derive(Debug, Clone)]
pub(crate) enum Expr {
    Compare {
        column: ColRef,
        op: CompareOp,
        value: Value,
    },
    IsNull {
        column: ColRef,
        negated: bool,
    },
    In {
        column: ColRef,
        values: InList,
    },
    Between {
        column: ColRef,
        low: Value,
        high: Value,
    },
    Text {
        column: ColRef,
        lookup: TextLookup,
        case_insensitive: bool,
        /// The text and its `LIKE` pattern, escaped once.
        text: super::lookups::LikeText,
    },
    /// A lookup each database spells its own way (regex, JSON).
    Lookup {
        column: ColRef,
        lookup: Box<super::lookups::Lookup>,
    },
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    /// Some row reached through `path` satisfies `condition`, whose
    /// columns are relative to the path's last model: an `EXISTS`
    /// subquery. Made by a path's `any(...)`, and by the compiler for a
    /// lookup through a multi-valued relation.
    Exists {
        path: JoinPath,
        condition: Box<Expr>,
    },
    /// The row is reached by walking `path` from the row of the path's
    /// first model whose primary key is `key`: `pk IN (SELECT ...)`. Made
    /// by [`Model::related`](crate::Model::related).
    ReachedFrom {
        path: JoinPath,
        key: Value,
    },
    /// `left op right` between two expressions (of single-valued paths).
    CompareNodes {
        left: Node,
        op: CompareOp,
        right: Node,
    },
    /// `node IS NULL` / `IS NOT NULL` for an expression.
    NodeIsNull {
        node: Node,
        negated: bool,
    },
    /// `column IN (SELECT ...)`: a one-column values-queryset.
    InSubquery {
        column: ColRef,
        query: Sub,
    },
    /// `EXISTS (SELECT 1 ...)` over another queryset.
    ExistsSubquery(Sub),
    /// A condition written ahead of time by an escape hatch (see
    /// [`RawCondition`]); its columns are as it names them.
    #[cfg_attr(not(feature = "sea-query"), allow(dead_code))]
    Raw(std::sync::Arc<RawCondition>),
}

impl Expr {
    /// Checks every value of the tree (see [`crate::value::check::value`]);
    /// on a refused one, the column it is compared with.
    pub(crate) fn check_values(
        &self,
        dialect: crate::Dialect,
    ) -> Result<(), (ColRef, crate::value::check::Refused)> {
        let value = |v| crate::value::check::for_filter(v, dialect);
        let at = |column: &ColRef| {
            let column = *column;
            move |r| (column, r)
        };
        match self {
            Expr::Compare {
                column, value: v, ..
            } => value(v).map_err(at(column)),
            Expr::In { column, values } => {
                if values
                    .array
                    .as_ref()
                    .is_some_and(|a| !crate::value::check::filter_may_refuse_kind(a))
                {
                    return Ok(());
                }
                for v in &values.values {
                    value(v).map_err(at(column))?;
                }
                Ok(())
            }
            Expr::Between { column, low, high } => {
                value(low).map_err(at(column))?;
                value(high).map_err(at(column))
            }
            Expr::IsNull { .. }
            | Expr::Text { .. }
            | Expr::Lookup { .. }
            | Expr::ReachedFrom { .. } => Ok(()),
            Expr::And(items) | Expr::Or(items) => {
                items.iter().try_for_each(|e| e.check_values(dialect))
            }
            Expr::Not(inner) => inner.check_values(dialect),
            Expr::Exists { condition, .. } => condition.check_values(dialect),
            Expr::CompareNodes { left, right, .. } => {
                let fallback = self.first_column();
                let locate = |(c, r): (Option<ColRef>, _)| (c.or(fallback).unwrap_or(NO_COLUMN), r);
                left.check_values(dialect).map_err(locate)?;
                right.check_values(dialect).map_err(locate)
            }
            Expr::NodeIsNull { node, .. } => {
                let fallback = self.first_column();
                node.check_values(dialect)
                    .map_err(|(c, r)| (c.or(fallback).unwrap_or(NO_COLUMN), r))
            }
            Expr::InSubquery { query, .. } | Expr::ExistsSubquery(query) => {
                query.check_values(dialect)
            }
            Expr::Raw(raw) => raw
                .values(dialect)
                .try_for_each(value)
                .map_err(|r| (NO_COLUMN, r)),
        }
    }

    /// Why a lookup of the tree cannot run on `dialect`, if one cannot.
    pub(crate) fn lookup_refusal(&self, dialect: crate::Dialect) -> Option<String> {
        match self {
            Expr::Lookup { lookup, .. } => lookup.refusal(dialect),
            Expr::And(items) | Expr::Or(items) => {
                items.iter().find_map(|e| e.lookup_refusal(dialect))
            }
            Expr::Not(inner) => inner.lookup_refusal(dialect),
            Expr::Exists { condition, .. } => condition.lookup_refusal(dialect),
            _ => None,
        }
    }

    /// Calls `f` with every column reference of the tree.
    pub(crate) fn for_each_column(&self, f: &mut dyn FnMut(ColRef)) {
        match self {
            Expr::Compare { column, .. }
            | Expr::IsNull { column, .. }
            | Expr::In { column, .. }
            | Expr::Between { column, .. }
            | Expr::Text { column, .. }
            | Expr::Lookup { column, .. } => f(*column),
            Expr::And(items) | Expr::Or(items) => {
                for item in items {
                    item.for_each_column(f);
                }
            }
            Expr::Not(inner) => inner.for_each_column(f),
            // Their columns live in a subquery of their own, or are
            // written as given.
            Expr::Exists { .. } | Expr::ReachedFrom { .. } | Expr::Raw(_) => {}
            Expr::CompareNodes { left, right, .. } => {
                left.for_each_column(f);
                right.for_each_column(f);
            }
            Expr::NodeIsNull { node, .. } => node.for_each_column(f),
            // The subquery's own columns live in it; its outer references
            // are columns of this query.
            Expr::InSubquery { column, query } => {
                f(*column);
                query.for_each_outer_column(f);
            }
            Expr::ExistsSubquery(query) => query.for_each_outer_column(f),
        }
    }

    /// Whether an expression of the tree computes decimal arithmetic
    /// (see [`Node::has_decimal_arithmetic`]).
    pub(crate) fn has_decimal_arithmetic(&self) -> bool {
        match self {
            Expr::And(items) | Expr::Or(items) => items.iter().any(Expr::has_decimal_arithmetic),
            Expr::Not(inner) => inner.has_decimal_arithmetic(),
            Expr::Exists { condition, .. } => condition.has_decimal_arithmetic(),
            Expr::CompareNodes { left, right, .. } => {
                left.has_decimal_arithmetic() || right.has_decimal_arithmetic()
            }
            Expr::NodeIsNull { node, .. } => node.has_decimal_arithmetic(),
            Expr::InSubquery { query, .. } | Expr::ExistsSubquery(query) => {
                query.has_decimal_arithmetic()
            }
            _ => false,
        }
    }

    /// The first column an expression comparison reads, to name in an
    /// error about one of its values.
    fn first_column(&self) -> Option<ColRef> {
        let mut first = None;
        self.for_each_column(&mut |c| {
            first.get_or_insert(c);
        });
        first
    }

    /// The column of a lookup (a leaf of the tree).
    pub(crate) fn leaf_column(&self) -> Option<ColRef> {
        match self {
            Expr::Compare { column, .. }
            | Expr::IsNull { column, .. }
            | Expr::In { column, .. }
            | Expr::InSubquery { column, .. }
            | Expr::Between { column, .. }
            | Expr::Text { column, .. }
            | Expr::Lookup { column, .. } => Some(*column),
            _ => None,
        }
    }

    /// A lookup with its column reached through `path` instead.
    pub(crate) fn rebased_leaf(&self, path: JoinPath) -> Expr {
        let mut out = self.clone();
        match &mut out {
            Expr::Compare { column, .. }
            | Expr::IsNull { column, .. }
            | Expr::In { column, .. }
            | Expr::InSubquery { column, .. }
            | Expr::Between { column, .. }
            | Expr::Text { column, .. }
            | Expr::Lookup { column, .. } => column.path = path,
            _ => {}
        }
        out
    }

    /// Calls `f` with the path of every `EXISTS` of this query level.
    pub(crate) fn for_each_exists(&self, f: &mut impl FnMut(JoinPath)) {
        match self {
            Expr::And(items) | Expr::Or(items) => {
                for item in items {
                    item.for_each_exists(f);
                }
            }
            Expr::Not(inner) => inner.for_each_exists(f),
            Expr::Exists { path, .. } => f(*path),
            Expr::CompareNodes { left, right, .. } => {
                for node in [left, right] {
                    node.for_each_condition(&mut |e| e.for_each_exists(f));
                }
            }
            Expr::NodeIsNull { node, .. } => node.for_each_condition(&mut |e| e.for_each_exists(f)),
            _ => {}
        }
    }

    /// Calls `f` with every relation path of the tree, subqueries
    /// included, as walked from the queryset's model.
    pub(crate) fn for_each_path(&self, f: &mut dyn FnMut(JoinPath)) {
        match self {
            Expr::Compare { column, .. }
            | Expr::IsNull { column, .. }
            | Expr::In { column, .. }
            | Expr::Between { column, .. }
            | Expr::Text { column, .. }
            | Expr::Lookup { column, .. } => f(column.path),
            Expr::And(items) | Expr::Or(items) => {
                for item in items {
                    item.for_each_path(f);
                }
            }
            Expr::Not(inner) => inner.for_each_path(f),
            Expr::Exists { path, condition } => {
                f(*path);
                condition.for_each_path(&mut |inner| f(path.join(&inner)));
            }
            Expr::ReachedFrom { path, .. } => f(*path),
            Expr::CompareNodes { left, right, .. } => {
                left.for_each_path(f);
                right.for_each_path(f);
            }
            Expr::NodeIsNull { node, .. } => node.for_each_path(f),
            Expr::InSubquery { column, query } => {
                f(column.path);
                query.for_each_outer_column(&mut |c| f(c.path));
            }
            Expr::ExistsSubquery(query) => query.for_each_outer_column(&mut |c| f(c.path)),
            Expr::Raw(_) => {}
        }
    }

    /// Whether writing the tree needs a subquery (which MySQL forbids
    /// next to an `UPDATE` / `DELETE` of a table it reads).
    pub(crate) fn has_subquery(&self) -> bool {
        match self {
            Expr::Compare { column, .. }
            | Expr::IsNull { column, .. }
            | Expr::In { column, .. }
            | Expr::Between { column, .. }
            | Expr::Text { column, .. }
            | Expr::Lookup { column, .. } => column.path.first_many().is_some(),
            Expr::And(items) | Expr::Or(items) => items.iter().any(Expr::has_subquery),
            Expr::Not(inner) => inner.has_subquery(),
            Expr::Exists { .. } | Expr::ReachedFrom { .. } => true,
            Expr::CompareNodes { left, right, .. } => left.has_subquery() || right.has_subquery(),
            Expr::NodeIsNull { node, .. } => node.has_subquery(),
            Expr::InSubquery { .. } | Expr::ExistsSubquery(_) => true,
            Expr::Raw(_) => false,
        }
    }

    /// The same tree with every column path prefixed by `prefix`.
    pub(crate) fn rebased(&self, prefix: &JoinPath) -> Expr {
        let col = |c: &ColRef| ColRef {
            column: c.column,
            path: prefix.join(&c.path),
        };
        match self {
            Expr::Compare { column, op, value } => Expr::Compare {
                column: col(column),
                op: *op,
                value: value.clone(),
            },
            Expr::IsNull { column, negated } => Expr::IsNull {
                column: col(column),
                negated: *negated,
            },
            Expr::In { column, values } => Expr::In {
                column: col(column),
                values: values.clone(),
            },
            Expr::Between { column, low, high } => Expr::Between {
                column: col(column),
                low: low.clone(),
                high: high.clone(),
            },
            Expr::Text {
                column,
                lookup,
                case_insensitive,
                text,
            } => Expr::Text {
                column: col(column),
                lookup: *lookup,
                case_insensitive: *case_insensitive,
                text: text.clone(),
            },
            Expr::Lookup { column, lookup } => Expr::Lookup {
                column: col(column),
                lookup: lookup.clone(),
            },
            Expr::And(items) => Expr::And(items.iter().map(|e| e.rebased(prefix)).collect()),
            Expr::Or(items) => Expr::Or(items.iter().map(|e| e.rebased(prefix)).collect()),
            Expr::Not(inner) => Expr::Not(Box::new(inner.rebased(prefix))),
            Expr::Exists { path, condition } => Expr::Exists {
                path: prefix.join(path),
                condition: condition.clone(),
            },
            // Only ever a top-level filter of a `related()` queryset, which
            // no condition of another model can contain.
            Expr::ReachedFrom { .. } => self.clone(),
            Expr::CompareNodes { left, op, right } => Expr::CompareNodes {
                left: left.rebased(prefix),
                op: *op,
                right: right.rebased(prefix),
            },
            Expr::NodeIsNull { node, negated } => Expr::NodeIsNull {
                node: node.rebased(prefix),
                negated: *negated,
            },
            Expr::InSubquery { column, query } => Expr::InSubquery {
                column: col(column),
                query: query.rebased(prefix),
            },
            Expr::ExistsSubquery(query) => Expr::ExistsSubquery(query.rebased(prefix)),
            // Written as given: its columns are as it names them.
            Expr::Raw(_) => self.clone(),
        }
    }
}

/// Where a refused value of an expression with no column is reported:
/// the error names the model only.
pub(crate) static NO_COLUMN_META: ColumnMeta = ColumnMeta {
    field: "(an expression)",
    column: "",
    ty: crate::column_type::ColumnType::Text,
    nullable: false,
    primary_key: false,
    auto_increment: false,
    unique: false,
    index: false,
    default: None,
    db_default: false,
    foreign_key: None,
    renamed_from: None,
    auto_now: crate::meta::AutoNow::Never,
    choices: None,
};
pub(crate) const NO_COLUMN: ColRef = ColRef {
    column: &NO_COLUMN_META,
    path: JoinPath::EMPTY,
};
