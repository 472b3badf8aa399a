//! The `static` baseline and strata's cases of a queryset shape.

use super::Case;
use std::hint::black_box;
use strata::query::annotate::Annotations;
use strata::query::values::ValuesQuerySet;
use strata::query::Annotated;
use strata::{Dialect, Model, QuerySet, Statement, Value};

/// The physical limit: the finished SQL (a `&'static str`) copied into a
/// fresh `String`, and the binds cloned. Measured once per shape (mode
/// `cold`): the one baseline every table and ratio divides by, whatever
/// the mode, so no ratio rests on a second measurement of the same work.
pub fn static_case(out: &mut Vec<Case>, shape: &str, dialect: Dialect, stmt: Statement) {
    let sql: &'static str = Box::leak(stmt.sql.into_boxed_str());
    let binds: Vec<Value> = stmt.binds;
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

    fn executed(&self, dialect: Dialect) -> Statement {
        self.statement(dialect)
    }
}

impl<M: Model, R: 'static> StrataQuery for ValuesQuerySet<M, R> {
    fn render(&self, dialect: Dialect) -> Statement {
        self.sql(dialect)
    }

    fn executed(&self, dialect: Dialect) -> Statement {
        self.statement(dialect)
    }
}

/// `Annotated::all` renders its statement on every call (annotated
/// querysets have no statement cache), so both are `sql()`.
impl<M: Model, A: Annotations<M> + 'static> StrataQuery for Annotated<M, A> {
    fn render(&self, dialect: Dialect) -> Statement {
        self.sql(dialect).expect("the annotated queryset renders")
    }

    fn executed(&self, dialect: Dialect) -> Statement {
        self.sql(dialect).expect("the annotated queryset renders")
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
        stmt.sql,
        build().executed(dialect).sql,
        "{shape}: the cached statement is the rendered one"
    );
    static_case(out, shape, dialect, stmt.clone());
    let warm = build();
    let rebuild = build.clone();
    let runs: [(&'static str, Box<dyn FnMut()>); 3] = [
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
            sql: stmt.sql.clone(),
            binds: stmt.binds.len(),
        });
    }
}
