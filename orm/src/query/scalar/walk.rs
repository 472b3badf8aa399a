//! The walks over a [`Node`] that the compiler, the statement cache and
//! the value checks need, mirroring those of the condition tree.

use super::Node;
use crate::dialect::Dialect;
use crate::query::expr::{ColRef, Expr};
use crate::query::shape::{collect_binds, ShapeKey};
use crate::query::subquery::Sub;
use crate::relation::JoinPath;
use crate::value::Value;

impl Node {
    /// Calls `f` with every column reference of this query level (those
    /// inside a `CASE` condition's subqueries excepted).
    pub(crate) fn for_each_column(&self, f: &mut dyn FnMut(ColRef)) {
        match self {
            Node::Column(column) => f(*column),
            // An outer reference belongs to the enclosing query; a
            // subquery's outer references are columns of this one.
            Node::Value(_) | Node::Outer(_) => {}
            Node::Subquery(query) => query.for_each_outer_column(f),
            Node::ColumnArith { column, .. } => f(ColRef {
                column,
                path: JoinPath::EMPTY,
            }),
            Node::Arith { operands, .. } => {
                let [left, right] = &**operands;
                left.for_each_column(f);
                right.for_each_column(f);
            }
            Node::Func { args, .. } => args.iter().for_each(|a| a.for_each_column(f)),
            Node::Cast { inner, .. } | Node::DatePart { inner, .. } | Node::Trunc { inner, .. } => {
                inner.for_each_column(f)
            }
            Node::Case { whens, otherwise } => {
                for (condition, then) in whens {
                    condition.for_each_column(f);
                    then.for_each_column(f);
                }
                if let Some(otherwise) = otherwise {
                    otherwise.for_each_column(f);
                }
            }
        }
    }

    /// Calls `f` with every condition of a `CASE` in the tree.
    pub(crate) fn for_each_condition(&self, f: &mut dyn FnMut(&Expr)) {
        match self {
            Node::Column(_)
            | Node::Value(_)
            | Node::Subquery(_)
            | Node::Outer(_)
            | Node::ColumnArith { .. } => {}
            Node::Arith { operands, .. } => {
                let [left, right] = &**operands;
                left.for_each_condition(f);
                right.for_each_condition(f);
            }
            Node::Func { args, .. } => args.iter().for_each(|a| a.for_each_condition(f)),
            Node::Cast { inner, .. } | Node::DatePart { inner, .. } | Node::Trunc { inner, .. } => {
                inner.for_each_condition(f)
            }
            Node::Case { whens, otherwise } => {
                for (condition, then) in whens {
                    f(condition);
                    then.for_each_condition(f);
                }
                if let Some(otherwise) = otherwise {
                    otherwise.for_each_condition(f);
                }
            }
        }
    }

    /// Whether the tree holds a scalar subquery.
    fn contains_subquery(&self) -> bool {
        let mut any = false;
        self.for_each_scalar_subquery(&mut |_| any = true);
        any
    }

    /// Calls `f` with every scalar subquery of the tree (not those of its
    /// `CASE` conditions).
    pub(crate) fn for_each_scalar_subquery(&self, f: &mut dyn FnMut(&Sub)) {
        match self {
            Node::Subquery(query) => f(query),
            Node::Column(_) | Node::Value(_) | Node::Outer(_) | Node::ColumnArith { .. } => {}
            Node::Arith { operands, .. } => {
                let [left, right] = &**operands;
                left.for_each_scalar_subquery(f);
                right.for_each_scalar_subquery(f);
            }
            Node::Func { args, .. } => args.iter().for_each(|a| a.for_each_scalar_subquery(f)),
            Node::Cast { inner, .. } | Node::DatePart { inner, .. } | Node::Trunc { inner, .. } => {
                inner.for_each_scalar_subquery(f)
            }
            Node::Case { whens, otherwise } => {
                for (_, then) in whens {
                    then.for_each_scalar_subquery(f);
                }
                if let Some(o) = otherwise {
                    o.for_each_scalar_subquery(f);
                }
            }
        }
    }

    /// Calls `f` with every relation path of the tree, subqueries of
    /// `CASE` conditions included.
    pub(crate) fn for_each_path(&self, f: &mut dyn FnMut(JoinPath)) {
        self.for_each_column(&mut |c| f(c.path));
        self.for_each_condition(&mut |e| e.for_each_path(f));
    }

    /// Whether the tree (conditions of its `CASE`s included) computes
    /// decimal arithmetic, which SQLite would do in floating point.
    pub(crate) fn has_decimal_arithmetic(&self) -> bool {
        let mut found = matches!(
            self,
            Node::Arith {
                kind: super::NumKind::Decimal,
                ..
            } | Node::ColumnArith {
                kind: super::NumKind::Decimal,
                ..
            }
        );
        match self {
            Node::Column(_) | Node::Value(_) | Node::Outer(_) | Node::ColumnArith { .. } => {}
            Node::Subquery(query) => found |= query.has_decimal_arithmetic(),
            Node::Arith { operands, .. } => {
                let [left, right] = &**operands;
                found |= left.has_decimal_arithmetic() || right.has_decimal_arithmetic()
            }
            Node::Func { args, .. } => found |= args.iter().any(Node::has_decimal_arithmetic),
            Node::Cast { inner, .. } | Node::DatePart { inner, .. } | Node::Trunc { inner, .. } => {
                found |= inner.has_decimal_arithmetic()
            }
            Node::Case { whens, otherwise } => {
                for (condition, then) in whens {
                    found |= condition.has_decimal_arithmetic() || then.has_decimal_arithmetic();
                }
                if let Some(o) = otherwise {
                    found |= o.has_decimal_arithmetic();
                }
            }
        }
        found
    }

    /// Whether writing the tree needs a subquery.
    pub(crate) fn has_subquery(&self) -> bool {
        if self.contains_subquery() {
            return true;
        }
        let mut any = false;
        self.for_each_condition(&mut |e| any |= e.has_subquery());
        any
    }

    /// The same tree with every column path prefixed by `prefix`.
    pub(crate) fn rebased(&self, prefix: &JoinPath) -> Node {
        match self {
            Node::Column(c) => Node::Column(ColRef {
                column: c.column,
                path: prefix.join(&c.path),
            }),
            Node::Value(_) | Node::Outer(_) => self.clone(),
            Node::ColumnArith { .. } if prefix.is_empty() && !prefix.overflowed() => self.clone(),
            Node::ColumnArith { .. } => self.expanded().rebased(prefix),
            Node::Subquery(query) => Node::Subquery(query.rebased(prefix)),
            Node::Arith { op, kind, operands } => {
                let [left, right] = &**operands;
                Node::Arith {
                    op: *op,
                    kind: *kind,
                    operands: Box::new([left.rebased(prefix), right.rebased(prefix)]),
                }
            }
            Node::Func { func, args } => Node::Func {
                func: *func,
                args: args.iter().map(|a| a.rebased(prefix)).collect(),
            },
            Node::Cast {
                target,
                truncate,
                inner,
            } => Node::Cast {
                target: *target,
                truncate: *truncate,
                inner: Box::new(inner.rebased(prefix)),
            },
            Node::DatePart { part, kind, inner } => Node::DatePart {
                part: *part,
                kind: *kind,
                inner: Box::new(inner.rebased(prefix)),
            },
            Node::Trunc { unit, kind, inner } => Node::Trunc {
                unit: *unit,
                kind: *kind,
                inner: Box::new(inner.rebased(prefix)),
            },
            Node::Case { whens, otherwise } => Node::Case {
                whens: whens
                    .iter()
                    .map(|(c, t)| (c.rebased(prefix), t.rebased(prefix)))
                    .collect(),
                otherwise: otherwise.as_ref().map(|o| Box::new(o.rebased(prefix))),
            },
        }
    }

    /// Checks every value of the tree (see [`crate::value::check::value`]).
    pub(crate) fn check_values(
        &self,
        dialect: Dialect,
    ) -> Result<(), (Option<ColRef>, crate::value::check::Refused)> {
        match self {
            Node::Column(_) | Node::Outer(_) => Ok(()),
            Node::Subquery(query) => query.check_values(dialect).map_err(|(c, r)| (Some(c), r)),
            Node::Value(v) | Node::ColumnArith { value: v, .. } => {
                crate::value::check::for_filter(v, dialect).map_err(|r| (None, r))
            }
            Node::Arith { operands, .. } => {
                let [left, right] = &**operands;
                left.check_values(dialect)?;
                right.check_values(dialect)
            }
            Node::Func { args, .. } => args.iter().try_for_each(|a| a.check_values(dialect)),
            Node::Cast { inner, .. } | Node::DatePart { inner, .. } | Node::Trunc { inner, .. } => {
                inner.check_values(dialect)
            }
            Node::Case { whens, otherwise } => {
                for (condition, then) in whens {
                    condition
                        .check_values(dialect)
                        .map_err(|(c, r)| (Some(c), r))?;
                    then.check_values(dialect)?;
                }
                match otherwise {
                    Some(o) => o.check_values(dialect),
                    None => Ok(()),
                }
            }
        }
    }

    /// Appends the values the compiler binds for the tree, in order.
    pub(crate) fn collect_binds(&self, dialect: Dialect, out: &mut Vec<Value>) {
        match self {
            Node::Column(_) | Node::Outer(_) => {}
            Node::Subquery(query) => query.collect_binds(dialect, out),
            Node::Value(v) | Node::ColumnArith { value: v, .. } => out.push(v.clone()),
            Node::Arith { operands, .. } => {
                let [left, right] = &**operands;
                left.collect_binds(dialect, out);
                right.collect_binds(dialect, out);
            }
            Node::Func { args, .. } => args.iter().for_each(|a| a.collect_binds(dialect, out)),
            Node::Cast { inner, .. } | Node::DatePart { inner, .. } | Node::Trunc { inner, .. } => {
                inner.collect_binds(dialect, out)
            }
            Node::Case { whens, otherwise } => {
                for (condition, then) in whens {
                    collect_binds(dialect, condition, out);
                    then.collect_binds(dialect, out);
                }
                if let Some(o) = otherwise {
                    o.collect_binds(dialect, out);
                }
            }
        }
    }
}

impl ShapeKey<'_> {
    /// An expression tree, prefix-encoded like conditions. A value's
    /// nullness is part of the shape: it decides how a negated comparison
    /// is guarded (see `may_be_null`).
    pub(crate) fn node(&mut self, node: &Node) {
        match node {
            Node::Column(column) => {
                self.push(1);
                self.column(column.column);
                self.path(&column.path);
            }
            Node::Value(v) => {
                self.push(2);
                self.flag(v.is_null());
            }
            Node::Arith { op, kind, operands } => {
                let [left, right] = &**operands;
                self.push(3);
                self.push(*op as usize);
                self.push(*kind as usize);
                self.node(left);
                self.node(right);
            }
            // The words of the `Arith` it stands for.
            Node::ColumnArith {
                op,
                kind,
                column,
                value,
            } => self.push_all(&[
                3,
                *op as usize,
                *kind as usize,
                1,
                *column as *const crate::meta::ColumnMeta as usize,
                // `path(&JoinPath::EMPTY)`
                0,
                2,
                usize::from(value.is_null()),
            ]),
            Node::Func { func, args } => {
                self.push(4);
                self.push(*func as usize);
                self.push(args.len());
                for arg in args {
                    self.node(arg);
                }
            }
            Node::Cast {
                target,
                truncate,
                inner,
            } => {
                self.push(5);
                self.push(*target as usize);
                self.flag(*truncate);
                self.node(inner);
            }
            Node::DatePart { part, kind, inner } => {
                self.push(7);
                self.push(*part as usize);
                self.push(*kind as usize);
                self.node(inner);
            }
            Node::Trunc { unit, kind, inner } => {
                self.push(8);
                self.push(*unit as usize);
                self.push(*kind as usize);
                self.node(inner);
            }
            // Tags far from the others', so that variants added elsewhere
            // in parallel do not reuse them.
            Node::Subquery(query) => {
                self.push(101);
                query.encode(self);
            }
            Node::Outer(column) => {
                self.push(102);
                self.column(column.column);
                self.path(&column.path);
            }
            Node::Case { whens, otherwise } => {
                self.push(6);
                self.push(whens.len());
                for (condition, then) in whens {
                    self.expr(condition);
                    self.node(then);
                }
                self.flag(otherwise.is_some());
                if let Some(o) = otherwise {
                    self.node(o);
                }
            }
        }
    }
}
