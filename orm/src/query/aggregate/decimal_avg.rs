//! `Avg` of a decimal: the exact mean rounded half away from zero to the
//! argument's decimal places + 4, the same value and scale everywhere.
//!
//! No database's own `AVG` does that (PostgreSQL keeps about 16
//! significant digits, MySQL the places + `div_precision_increment`, and
//! rounding their result again could round twice), so strata divides the
//! exact `SUM` by the `COUNT` itself:
//!
//! - PostgreSQL and MySQL, with `U = SUM(x) * 10^S` and `n = COUNT(x)`:
//!   `ROUND(((U - MOD(U, n)) / n + <1 away from zero when 2|MOD(U, n)| >=
//!   n>) * 10^-S, S)`, exact decimal arithmetic throughout;
//! - SQLite, which stores a decimal of at most 15 significant digits as a
//!   number and has no decimal arithmetic: the sum of the values in
//!   integers of their smallest unit (exact for columns of at most 15
//!   `max_digits`; past `i64` SQLite raises "integer overflow"), divided
//!   in integers into a quotient and 4 rounded digits, and written as the
//!   decimal's text.

use super::{AggFunc, AggNode};
use crate::column_type::ColumnType;
use crate::dialect::Dialect;
use crate::query::compile::JoinPlan;
use crate::query::scalar::{write_node, ArithOp, Func, Node};
use crate::value::Value;
use crate::writer::SqlWriter;

/// The places an average adds to its argument's.
const EXTRA_PLACES: u32 = 4;
/// The most places a `rust_decimal::Decimal` holds.
const MAX_PLACES: u32 = 28;
/// The largest `max_digits` of a decimal column SQLite averages exactly.
const SQLITE_MAX_DIGITS: u8 = 15;

/// The decimal places of a decimal expression, where strata can tell.
fn places(node: &Node) -> Option<u32> {
    match node {
        Node::Column(c) => match c.column.ty {
            ColumnType::Decimal(_, s) => Some(u32::from(s)),
            _ => None,
        },
        Node::Value(Value::Decimal(Some(d))) => Some(d.scale()),
        Node::Value(Value::Decimal(None)) => Some(0),
        Node::ColumnArith { .. } => places(&node.expanded()),
        Node::Arith { op, operands, .. } => {
            let [left, right] = &**operands;
            let (l, r) = (places(left)?, places(right)?);
            match op {
                ArithOp::Add | ArithOp::Sub => Some(l.max(r)),
                ArithOp::Mul => Some(l + r),
                ArithOp::Div => None,
            }
        }
        Node::Func {
            func: Func::Coalesce,
            args,
        } => args.iter().try_fold(0, |m, a| Some(places(a)?.max(m))),
        Node::Case { whens, otherwise } => {
            let mut m = match otherwise {
                Some(o) => places(o)?,
                None => 0,
            };
            for (_, then) in whens {
                m = m.max(places(then)?);
            }
            Some(m)
        }
        _ => None,
    }
}

impl AggNode {
    /// Whether this is an `Avg` of a decimal.
    pub(crate) fn is_decimal_avg(&self) -> bool {
        self.func == AggFunc::Avg && self.cast == super::AggCast::Decimal
    }

    /// The places of the average: the argument's + 4, at most 28.
    pub(crate) fn decimal_avg_places(&self) -> Option<u32> {
        let arg = places(self.arg.as_deref()?)?;
        Some((arg + EXTRA_PLACES).min(MAX_PLACES))
    }

    /// Why this decimal `Avg` cannot be computed exactly on `dialect`.
    pub(crate) fn decimal_avg_refusal(&self, dialect: Dialect) -> Option<String> {
        if self.decimal_avg_places().is_none() {
            return Some(
                "Avg of a decimal needs an expression whose decimal places strata knows: a \
                 decimal field, a value, their sum, difference or product, a Coalesce or a Case \
                 of those (not a division or a subquery)"
                    .into(),
            );
        }
        if dialect != Dialect::Sqlite {
            return None;
        }
        match self.arg.as_deref() {
            Some(Node::Column(c)) => match c.column.ty {
                ColumnType::Decimal(p, _) if p <= SQLITE_MAX_DIGITS => None,
                _ => Some(format!(
                    "SQLite has no decimal arithmetic; strata averages a decimal exactly there \
                     only for a field of at most {SQLITE_MAX_DIGITS} max_digits, and {} has more",
                    c.column.field
                )),
            },
            _ => Some(
                "SQLite has no decimal arithmetic; strata averages a decimal exactly there only \
                 for a decimal field itself, not an expression"
                    .into(),
            ),
        }
    }

    /// Appends the average (`over` follows each aggregate call, for a
    /// window).
    pub(crate) fn write_decimal_avg(
        &self,
        w: &mut SqlWriter,
        plan: &JoinPlan,
        over: Option<&dyn Fn(&mut SqlWriter)>,
    ) {
        let Some(arg) = self.arg.as_deref() else {
            return;
        };
        // Refused by the checks when unknown; never written.
        let places = self.decimal_avg_places().unwrap_or(MAX_PLACES);
        let sum = |w: &mut SqlWriter| self.write_call(w, plan, "SUM(", arg, over);
        let count = |w: &mut SqlWriter| self.write_call(w, plan, "COUNT(", arg, over);
        if w.dialect() == Dialect::Sqlite {
            self.write_sqlite_decimal_avg(w, plan, arg, places, over);
            return;
        }
        let scaled = |w: &mut SqlWriter| {
            w.push_sql("(");
            sum(w);
            w.push_sql(" * 1");
            w.push_text(&"0".repeat(places as usize));
            w.push_sql(")");
        };
        let rest = |w: &mut SqlWriter| {
            w.push_sql("MOD(");
            scaled(w);
            w.push_sql(", ");
            count(w);
            w.push_sql(")");
        };
        w.push_sql("ROUND(((");
        scaled(w);
        w.push_sql(" - ");
        rest(w);
        w.push_sql(") / ");
        count(w);
        w.push_sql(" + CASE WHEN 2 * ABS(");
        rest(w);
        w.push_sql(") >= ");
        count(w);
        w.push_sql(" THEN SIGN(");
        rest(w);
        w.push_sql(") ELSE 0 END) * 0.");
        w.push_text(&"0".repeat(places as usize - 1));
        w.push_sql("1, ");
        w.push_text(&places.to_string());
        w.push_sql(")");
    }

    /// The SQLite form: integer sums of the smallest unit, divided into
    /// text.
    fn write_sqlite_decimal_avg(
        &self,
        w: &mut SqlWriter,
        plan: &JoinPlan,
        arg: &Node,
        places: u32,
        over: Option<&dyn Fn(&mut SqlWriter)>,
    ) {
        let arg_places = places - EXTRA_PLACES;
        let unit = format!("1{}", "0".repeat(arg_places as usize));
        let digits = format!("1{}", "0".repeat(EXTRA_PLACES as usize));
        let units = |w: &mut SqlWriter| {
            w.push_sql("CAST(ROUND(");
            write_node(w, plan, arg);
            w.push_sql(" * ");
            w.push_text(&unit);
            w.push_sql(") AS INTEGER)");
        };
        let sum = |w: &mut SqlWriter| self.write_call_with(w, plan, "SUM(", &units, over);
        let count = |w: &mut SqlWriter| self.write_call(w, plan, "COUNT(", arg, over);
        // The rounded digits after the quotient, 0 to 10^4 (a carry).
        let fraction = |w: &mut SqlWriter| {
            w.push_sql("((2 * ABS(");
            sum(w);
            w.push_sql(" % ");
            count(w);
            w.push_sql(") * ");
            w.push_text(&digits);
            w.push_sql(" + ");
            count(w);
            w.push_sql(") / (2 * ");
            count(w);
            w.push_sql("))");
        };
        let whole = |w: &mut SqlWriter| {
            w.push_sql("PRINTF('%0");
            w.push_text(&(arg_places + 1).to_string());
            w.push_sql("d', ABS(");
            sum(w);
            w.push_sql(" / ");
            count(w);
            w.push_sql(") + ");
            fraction(w);
            w.push_sql(" / ");
            w.push_text(&digits);
            w.push_sql(")");
        };
        w.push_sql("CASE WHEN ");
        count(w);
        w.push_sql(" = 0 THEN NULL ELSE CASE WHEN ");
        sum(w);
        w.push_sql(" < 0 AND (ABS(");
        sum(w);
        w.push_sql(" / ");
        count(w);
        w.push_sql(") > 0 OR ");
        fraction(w);
        w.push_sql(" > 0) THEN '-' ELSE '' END || SUBSTR(");
        whole(w);
        w.push_sql(", 1, LENGTH(");
        whole(w);
        w.push_text(&format!(") - {arg_places}) || '.' || SUBSTR("));
        whole(w);
        w.push_sql(", LENGTH(");
        whole(w);
        w.push_text(&format!(
            ") - {arg_places} + 1) || PRINTF('%0{EXTRA_PLACES}d', "
        ));
        fraction(w);
        w.push_sql(" % ");
        w.push_text(&digits);
        w.push_sql(") END");
    }

    /// Appends the values [`write_decimal_avg`](AggNode::write_decimal_avg)
    /// binds, in its order: those of each aggregate call it writes.
    pub(crate) fn decimal_avg_binds(&self, dialect: Dialect, out: &mut Vec<Value>) {
        // Calls written: PostgreSQL/MySQL 4 SUM + 4 COUNT interleaved,
        // SQLite see below; every call binds the same values, so only
        // their number matters.
        let calls = if dialect == Dialect::Sqlite {
            // count, sum, sum, count, fraction(sum, count x3) and
            // 4 x whole(sum, count, fraction) + fraction.
            let fraction = 4;
            let whole = 2 + fraction;
            1 + 3 + fraction + 4 * whole + fraction
        } else {
            // scaled, rest(scaled, count), count, rest, count, rest.
            1 + 2 + 1 + 2 + 1 + 2
        };
        for _ in 0..calls {
            self.call_binds(dialect, out);
        }
    }
}
