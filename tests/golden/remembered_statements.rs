//! Querysets, annotated querysets and values-querysets remember the
//! statement they rendered:
//! running the same value again takes its text from the value itself.
//! Every method that changes such a value must forget it, so a value
//! rendered, then changed, renders the statement of its new shape; a
//! clone keeps what the original remembered, and a remembered statement
//! still checks and binds the values of the call.

use rust_decimal::Decimal;
use strata::prelude::*;
use strata::query::aggregate::Count;
use strata::query::values::ValuesQuerySet;
use strata::query::Annotated;
use strata::{Dialect, Statement};
use strata_tests::annotated::{AnnAuthor, AnnPost};
use strata_tests::expressions::Review;

/// Asserts that `stmt` is what a fresh render of the value gives.
fn same(what: &str, stmt: Statement, fresh: Statement) {
    assert_eq!(stmt.sql(), fresh.sql(), "{what}: SQL");
    assert_eq!(stmt.binds(), fresh.binds(), "{what}: binds");
}

/// Renders `$make` twice, changes a clone with `$change`, and checks the
/// statements of the changed value and of the original against fresh
/// renders (`$sql` renders afresh, `$stmt` through the value's memory).
macro_rules! changed_after_rendering {
    ($dialect:expr, $make:expr, $stmt:ident, $sql:expr, [$($what:literal => |$q:ident| $change:expr),* $(,)?]) => {$({
        let d = $dialect;
        let qs = $make;
        same($what, qs.$stmt(d).unwrap(), $sql(&qs, d));
        same($what, qs.$stmt(d).unwrap(), $sql(&qs, d));
        let changed = {
            let $q = qs.clone();
            $change
        };
        same($what, changed.$stmt(d).unwrap(), $sql(&changed, d));
        same($what, qs.$stmt(d).unwrap(), $sql(&qs, d));
    })*};
}

#[test]
fn an_annotated_queryset_changed_after_rendering_renders_its_new_shape() {
    fn sql<M: Model, A: strata::query::annotate::Annotations<M>>(
        qs: &Annotated<M, A>,
        d: Dialect,
    ) -> Statement {
        qs.sql(d).unwrap()
    }
    for dialect in Dialect::ALL {
        changed_after_rendering!(
            dialect,
            AnnAuthor::objects().annotate(AnnAuthor::posts().count()),
            statement,
            sql,
            [
                "filter" => |qs| qs.filter(Ann0.gt(1)),
                "filter_field" => |qs| qs.filter(AnnAuthor::id().gt(3)),
                "exclude" => |qs| qs.exclude(AnnAuthor::id().eq(2)),
                "order_by" => |qs| qs.order_by(Ann0.desc()),
                "limit" => |qs| qs.limit(2),
                "offset" => |qs| qs.offset(1),
                "select_related" => |qs| qs.select_related(AnnAuthor::press()),
                "annotate" => |qs| qs.annotate(AnnAuthor::books().count()),
            ]
        );
    }
}

#[test]
fn an_annotated_queryset_remembers_per_dialect_and_binds_each_calls_values() {
    let qs = AnnPost::objects()
        .filter(AnnPost::likes().gt(5))
        .annotate(AnnPost::tags().count());
    for dialect in Dialect::ALL {
        same(
            "first",
            qs.statement(dialect).unwrap(),
            qs.sql(dialect).unwrap(),
        );
    }
    for dialect in Dialect::ALL {
        same(
            "again",
            qs.statement(dialect).unwrap(),
            qs.sql(dialect).unwrap(),
        );
    }
    let other = qs.clone().filter(AnnPost::likes().lt(9));
    let stmt = other.statement(Dialect::Postgres).unwrap();
    assert_eq!(stmt.binds().len(), 2, "{}", stmt.sql());
}

#[test]
fn a_remembered_values_queryset_still_refuses_a_value_it_cannot_send() {
    let dialect = Dialect::Postgres;
    let rows = |ratio: f64| {
        Review::objects()
            .filter(Review::ratio().gt(ratio))
            .values(Review::critic().id())
            .annotate(Count::all())
    };
    let good = rows(0.5);
    good.checked_statement(dialect).unwrap();
    good.checked_statement(dialect).unwrap();
    // The same shape, cached and checked before, with a value no database
    // stores: refused on every call.
    let bad = rows(f64::NAN);
    assert!(bad.checked_statement(dialect).is_err());
    assert!(bad.checked_statement(dialect).is_err());
}

#[test]
fn a_values_queryset_changed_after_rendering_renders_its_new_shape() {
    fn sql<M: Model, R, G>(qs: &ValuesQuerySet<M, R, G>, d: Dialect) -> Statement {
        qs.sql(d)
    }
    for dialect in Dialect::ALL {
        changed_after_rendering!(
            dialect,
            Review::objects()
                .values(Review::critic().id())
                .annotate(Count::all()),
            checked_statement,
            sql,
            [
                "filter" => |qs| qs.filter(Review::likes().gt(1)),
                "having" => |qs| qs.filter(Ann0.gt(1)),
                "exclude" => |qs| qs.exclude(Review::likes().eq(2)),
                "order_by" => |qs| qs.order_by(Ann0.desc()),
                "limit" => |qs| qs.limit(2),
                "offset" => |qs| qs.offset(1),
                "distinct" => |qs| qs.distinct(),
                "annotate" => |qs| qs.annotate(Count::all()),
            ]
        );
        changed_after_rendering!(
            dialect,
            Review::objects().values((Review::critic().id(), Review::likes())),
            checked_statement,
            sql,
            [
                "plain_filter" => |qs| qs.filter(Review::likes().gt(1)),
                "plain_order_by" => |qs| qs.order_by(Review::likes().desc()),
            ]
        );
    }
}

#[test]
fn a_queryset_changed_after_rendering_renders_its_new_shape() {
    fn sql<M: Model>(qs: &QuerySet<M>, d: Dialect) -> Statement {
        qs.sql(d)
    }
    for dialect in Dialect::ALL {
        changed_after_rendering!(
            dialect,
            AnnPost::objects().filter(AnnPost::likes().gt(1)),
            checked_statement,
            sql,
            [
                "filter" => |qs| qs.filter(AnnPost::dislikes().lt(3)),
                "exclude" => |qs| qs.exclude(AnnPost::id().eq(2)),
                "order_by" => |qs| qs.order_by(AnnPost::likes().desc()),
                "reverse" => |qs| qs.order_by(AnnPost::likes().desc()).reverse(),
                "limit" => |qs| qs.limit(2),
                "offset" => |qs| qs.offset(1),
                "distinct" => |qs| qs.distinct(),
                "none" => |qs| qs.none(),
                "select_related" => |qs| qs.select_related(AnnPost::author()),
                "select_for_update" => |qs| qs.select_for_update(),
            ]
        );
    }
}

#[test]
fn a_queryset_remembers_its_update_for_the_same_assignments_only() {
    let one = |qs: &QuerySet<AnnPost>, d: Dialect, n: i32| {
        let set = || match n {
            0 => [AnnPost::likes().set(AnnPost::likes() + 1)],
            1 => [AnnPost::likes().set(AnnPost::likes() * 2)],
            2 => [AnnPost::likes().set(7)],
            _ => [AnnPost::dislikes().set(AnnPost::likes() + 1)],
        };
        same(
            &format!("update {n} on {d}"),
            qs.update_statement(d, set()).unwrap(),
            qs.update_sql(d, set()).unwrap(),
        );
    };
    for dialect in Dialect::ALL {
        let qs = AnnPost::objects().filter(AnnPost::id().eq(3));
        // Remembered from the second run on; then other assignments, of
        // other forms and fields, and the first ones again.
        for n in [0, 0, 0, 1, 2, 3, 0, 1] {
            one(&qs, dialect, n);
        }
        // The queryset changed after its update was remembered.
        let changed = qs.clone().filter(AnnPost::dislikes().gt(1));
        for n in [0, 0, 2] {
            one(&changed, dialect, n);
        }
        one(&qs, dialect, 0);
    }
}

#[test]
fn a_remembered_update_still_refuses_a_value_it_cannot_send() {
    let dialect = Dialect::Postgres;
    let qs = Review::objects().filter(Review::likes().gt(1));
    let set = |ratio: f64| [Review::ratio().set(Review::ratio() + ratio)];
    qs.update_statement(dialect, set(0.5)).unwrap();
    qs.update_statement(dialect, set(0.5)).unwrap();
    assert!(qs.update_statement(dialect, set(f64::INFINITY)).is_err());
    assert!(qs.update_statement(dialect, set(f64::NAN)).is_err());
    qs.update_statement(dialect, set(0.25)).unwrap();
}

#[test]
fn a_field_plus_a_value_is_checked_like_any_expression() {
    use strata_tests::aggregated::Volume;
    // `price + 1` is kept without an allocation; it is still decimal
    // arithmetic, which SQLite would compute in floating point.
    let qs = Volume::objects().filter(Volume::pages().gt(1));
    let bump = || [Volume::price().set(Volume::price() + Decimal::ONE)];
    for _ in 0..3 {
        let err = qs.update_statement(Dialect::Sqlite, bump()).unwrap_err();
        assert!(err.to_string().contains("SQLite"), "{err}");
    }
    for _ in 0..3 {
        let stmt = qs.update_statement(Dialect::Postgres, bump()).unwrap();
        assert_eq!(
            stmt.sql(),
            qs.update_sql(Dialect::Postgres, bump()).unwrap().sql()
        );
    }
    // Through a relation, in a filter: the same SQL as written out.
    let through = Volume::objects().filter((Volume::id() + 2).gt(Volume::shelf().id() + 1));
    for d in Dialect::ALL {
        assert_eq!(through.statement(d).sql(), through.sql(d).sql());
    }
}

#[test]
fn a_remembered_queryset_still_refuses_a_value_it_cannot_send() {
    let above = |ratio: f64| Review::objects().filter(Review::ratio().gt(ratio));
    for dialect in Dialect::ALL {
        let good = above(0.5);
        good.checked_statement(dialect).unwrap();
        good.checked_statement(dialect).unwrap();
        // The same shape, checked before: the value is still refused, on
        // a new value and on one remembered.
        let bad = above(f64::NAN);
        let err = bad.checked_statement(dialect).unwrap_err();
        assert!(err.to_string().contains("Review.ratio"), "{err}");
        assert!(bad.checked_statement(dialect).is_err());
    }
}

#[test]
fn a_remembered_value_skips_its_checks_only_until_it_changes() {
    for dialect in Dialect::ALL {
        let good = Review::objects().filter(Review::ratio().gt(0.5));
        good.checked_statement(dialect).unwrap();
        good.checked_statement(dialect).unwrap();
        // A clone keeps the memo, and the values it was checked with.
        assert!(good.clone().checked_statement(dialect).is_ok());
        // A change forgets it: the new value is checked.
        let err = good
            .clone()
            .filter(Review::ratio().lt(f64::INFINITY))
            .checked_statement(dialect)
            .unwrap_err();
        assert!(err.to_string().contains("Review.ratio"), "{err}");
        // The same for a values-queryset.
        let values = good.clone().values_list(Review::id());
        values.checked_statement(dialect).unwrap();
        values.checked_statement(dialect).unwrap();
        let err = values
            .filter(Review::ratio().lt(f64::NAN))
            .checked_statement(dialect)
            .unwrap_err();
        assert!(err.to_string().contains("Review.ratio"), "{err}");
    }
}

#[test]
fn a_shape_checked_before_still_refuses_a_lookup_value_the_database_cannot_test() {
    use strata_tests::day_one::Doc;
    let containing = |doc: serde_json::Value| Doc::objects().filter(Doc::data().json_contains(doc));
    // Objects of one key: one shape, whatever the key's value.
    let scalar = containing(serde_json::json!({"tags": "x"}));
    scalar.checked_statement(Dialect::Sqlite).unwrap();
    scalar.checked_statement(Dialect::Sqlite).unwrap();
    let array = containing(serde_json::json!({"tags": ["x"]}));
    let err = array.checked_statement(Dialect::Sqlite).unwrap_err();
    assert!(err.to_string().contains("containment"), "{err}");
    assert!(array.checked_statement(Dialect::Postgres).is_ok());
}

#[test]
fn a_queryset_shown_before_it_runs_still_gets_its_shape_checked() {
    use strata_tests::aggregated::Volume;
    // Decimal arithmetic, which SQLite would compute in floating point: a
    // shape check refuses it.
    let qs = Volume::objects().filter((Volume::price() + Volume::price()).gt(Decimal::ONE));
    // Shown (not run) twice, as `statement()` does for a caller that only
    // prints the SQL.
    qs.statement(Dialect::Sqlite);
    qs.statement(Dialect::Sqlite);
    let err = qs.checked_statement(Dialect::Sqlite).unwrap_err();
    assert!(err.to_string().contains("SQLite"), "{err}");
}
