//! The `static` baseline and strata's cases of a queryset shape.

use super::Case;
use std::hint::black_box;
use strata::query::annotate::Annotations;
use strata::query::values::ValuesQuerySet;
use strata::query::Annotated;
use strata::{Dialect, Model, QuerySet, Statement};

/// The physical limit: the finished SQL (a `&'static str`) copied into a
/// fresh `String`, and the binds cloned. Measured once per shape (mode
/// `cold`): the one baseline every table and ratio divides by, whatever
/// the mode, so no ratio rests on a second measurement of the same work.
pub fn static_case(out: &mut Vec<Case>, shape: &str, dialect: Dialect, stmt: Statement) {
    let (sql, binds) = stmt.into_parts();
    let sql: &'static str = Box::leak(sql.into_boxed_str());
    let count = binds.len();
    out.push(Case {
        shape: shape.to_string(),
        dialect,
        side: "static",
        mode: "cold",
        run: Box::new(move || {
            black_box((String::from(black_box(sql)), black_box(&binds).clone()));
        }),
        sql: sql.to_string(),
        binds: count,
    });
}

/// One measured closure.
type MeasuredRun = Box<dyn FnMut()>;

/// A strata query value: how it renders from scratch, and what its
/// terminal call runs per execution.
pub trait StrataQuery: 'static {
    /// The statement rendered afresh, no cache involved.
    fn render(&self, dialect: Dialect) -> Statement;
    /// The statement the terminal call (`all()`) builds: through the
    /// statement cache where this kind of queryset has one.
    fn executed(&self, dialect: Dialect) -> Statement;
}

impl<M: Model> StrataQuery for QuerySet<M> {
    fn render(&self, dialect: Dialect) -> Statement {
        self.sql(dialect)
    }

    /// What `all()` runs: the checks, then the statement (remembered by
    /// the value after its first render).
    fn executed(&self, dialect: Dialect) -> Statement {
        self.checked_statement(dialect)
            .expect("the queryset renders")
    }
}

impl<M: Model, R: 'static, G: 'static> StrataQuery for ValuesQuerySet<M, R, G> {
    fn render(&self, dialect: Dialect) -> Statement {
        self.sql(dialect)
    }

    /// What `all()` runs: the checks, then the statement (remembered by
    /// the value after its first render).
    fn executed(&self, dialect: Dialect) -> Statement {
        self.checked_statement(dialect)
            .expect("the values-queryset renders")
    }
}

/// An annotated queryset renders afresh with `sql()`, and its terminal
/// calls go through the statement cache (`statement()`, remembered by the
/// value after its first render).
impl<M: Model, A: Annotations<M> + 'static> StrataQuery for Annotated<M, A> {
    fn render(&self, dialect: Dialect) -> Statement {
        self.sql(dialect).expect("the annotated queryset renders")
    }

    fn executed(&self, dialect: Dialect) -> Statement {
        self.statement(dialect)
            .expect("the annotated queryset renders")
    }
}

/// Pushes the static baseline and strata's cold, warm and rebuilt cases
/// of a query-building closure.
pub fn strata_cases<Q: StrataQuery>(
    out: &mut Vec<Case>,
    shape: &str,
    dialect: Dialect,
    build: impl Fn() -> Q + Clone + 'static,
) {
    let stmt = build().render(dialect);
    assert_eq!(
        stmt.sql(),
        build().executed(dialect).sql(),
        "{shape}: the cached statement is the rendered one"
    );
    static_case(out, shape, dialect, stmt.clone());
    let warm = build();
    let rebuild = build.clone();
    let runs: [(&'static str, MeasuredRun); 3] = [
        (
            "cold",
            Box::new(move || {
                black_box(build().render(black_box(dialect)));
            }),
        ),
        (
            "warm",
            Box::new(move || {
                black_box(black_box(&warm).executed(black_box(dialect)));
            }),
        ),
        (
            "rebuilt",
            Box::new(move || {
                black_box(rebuild().executed(black_box(dialect)));
            }),
        ),
    ];
    for (mode, run) in runs {
        out.push(Case {
            shape: shape.to_string(),
            dialect,
            side: "strata",
            mode,
            run,
            sql: stmt.sql().to_string(),
            binds: stmt.binds().len(),
        });
    }
}
