//! Conditions that reach other rows: `EXISTS` over a multi-valued path,
//! the correlation of a subquery with its outer row, and "reached from"
//! (the rows a given row's relation reaches).

use super::{write_expr, JoinPlan};
use crate::meta::ColumnMeta;
use crate::query::expr::{ColRef, Expr};
use crate::relation::{JoinPath, RelationKind, RelationMeta};
use crate::value::Value;
use crate::writer::SqlWriter;

/// The foreign-key column `hop` follows on its `from` model.
fn forward_column(hop: &RelationMeta) -> Option<&'static ColumnMeta> {
    (hop.from)().columns.iter().find(|c| c.column == hop.column)
}

/// `EXISTS (SELECT 1 FROM ... WHERE <correlation> AND <condition>)`: some
/// row reached through `path` satisfies `condition` (relative to the
/// path's last model). The subquery starts at the first multi-valued hop
/// (or the first hop); the hops before it are joined in `outer`.
pub(super) fn write_exists(w: &mut SqlWriter, outer: &JoinPlan, path: JoinPath, condition: &Expr) {
    let k = path.first_many().unwrap_or(0);
    let Some(hop) = path.hops().nth(k) else {
        // An empty path reaches the row itself.
        write_expr(w, outer, condition, false, true);
        return;
    };
    let before = path.prefix(k);
    let via = (hop.kind == RelationKind::ManyToMany).then_some(hop);
    let mut sub = outer.subquery((hop.to)(), via);
    let condition = condition.rebased(&path.suffix(k + 1));
    sub.add_condition(&condition);
    w.push_sql("EXISTS (SELECT 1");
    sub.write_from(w);
    w.push_sql(" WHERE ");
    write_correlation(w, outer, &sub, hop, before);
    w.push_sql(" AND ");
    write_expr(w, &sub, &condition, false, true);
    w.push_sql(")");
}

/// Appends the condition that ties a subquery's root, reached from the
/// outer row at `before` by the multi-valued `hop`, to that outer row.
pub(crate) fn write_correlation(
    w: &mut SqlWriter,
    outer: &JoinPlan,
    sub: &JoinPlan,
    hop: &'static RelationMeta,
    before: JoinPath,
) {
    let alias = sub.root_alias.clone().unwrap_or_default();
    let from_pk = ColRef {
        column: (hop.from)().pk(),
        path: before,
    };
    match hop.kind {
        RelationKind::Forward => {
            w.push_identifier(&alias);
            w.push_sql(".");
            w.push_identifier((hop.to)().pk().column);
            w.push_sql(" = ");
            match forward_column(hop) {
                Some(column) => outer.write_qualified_column(
                    w,
                    ColRef {
                        column,
                        path: before,
                    },
                ),
                None => w.push_sql("NULL"),
            }
        }
        RelationKind::Reverse => {
            w.push_identifier(&alias);
            w.push_sql(".");
            w.push_identifier(hop.column);
            w.push_sql(" = ");
            outer.write_qualified_column(w, from_pk);
        }
        RelationKind::ManyToMany => {
            w.push_identifier(&format!("{alias}_j"));
            w.push_sql(".");
            w.push_identifier(hop.join_from);
            w.push_sql(" = ");
            outer.write_qualified_column(w, from_pk);
        }
    }
}

/// `pk IN (SELECT <pk at the end of path> FROM <path's first model> AS s1
/// LEFT JOIN ... WHERE s1.pk = key)`: the rows `path` reaches from one
/// row.
pub(super) fn write_reached_from(w: &mut SqlWriter, plan: &JoinPlan, path: JoinPath, key: &Value) {
    let (Some(first), Some(last)) = (path.hops().next(), path.last()) else {
        w.push_sql("1 = 0");
        return;
    };
    let target = (last.to)();
    let mut sub = plan.subquery((first.from)(), None);
    sub.add(path);
    plan.write_column(
        w,
        ColRef {
            column: target.pk(),
            path: JoinPath::EMPTY,
        },
    );
    w.push_sql(" IN (SELECT ");
    let reached = ColRef {
        column: target.pk(),
        path,
    };
    sub.write_qualified_column(w, reached);
    sub.write_from(w);
    w.push_sql(" WHERE ");
    sub.write_qualified_column(
        w,
        ColRef {
            column: (first.from)().pk(),
            path: JoinPath::EMPTY,
        },
    );
    w.push_sql(" = ");
    w.push_bind(key.clone());
    w.push_sql(" AND ");
    sub.write_qualified_column(w, reached);
    w.push_sql(" IS NOT NULL)");
}
