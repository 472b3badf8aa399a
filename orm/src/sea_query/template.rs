//! sea-query rendering into strata's [`Template`]: sea-query writes the
//! text, and every value it would bind becomes a strata bind at its place.

use super::value::from_sea;
use crate::dialect::Dialect;
use crate::error::{Error, Result};
use crate::query::raw_condition::{Part, Template};
use sea_query::{MysqlQueryBuilder, PostgresQueryBuilder, QueryBuilder, SqliteQueryBuilder};
use std::fmt;

/// A sea-query `SqlWriter` that records text and values apart.
#[derive(Default)]
pub struct TemplateWriter {
    parts: Vec<Part>,
    /// The first value strata cannot bind.
    refused: Option<Error>,
}

impl TemplateWriter {
    pub(crate) fn finish(self) -> Result<Template> {
        match self.refused {
            Some(e) => Err(e),
            None => Ok(Template { parts: self.parts }),
        }
    }
}

impl fmt::Write for TemplateWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        match self.parts.last_mut() {
            Some(Part::Sql(text)) => text.push_str(s),
            _ => self.parts.push(Part::Sql(s.to_owned())),
        }
        Ok(())
    }
}

/// The text with `?` for each value, for `ToString`, which sea-query's
/// trait asks for.
impl fmt::Display for TemplateWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in &self.parts {
            match part {
                Part::Sql(text) => f.write_str(text)?,
                Part::Bind(_) => f.write_str("?")?,
            }
        }
        Ok(())
    }
}

impl sea_query::SqlWriter for TemplateWriter {
    fn push_param<T: QueryBuilder>(&mut self, value: sea_query::Value, _: &T) {
        match from_sea(value) {
            Ok(value) => self.parts.push(Part::Bind(value)),
            Err(e) => {
                self.refused.get_or_insert(e);
            }
        }
    }

    fn as_writer(&mut self) -> &mut dyn fmt::Write {
        self as _
    }
}

/// Renders with the sea-query backend of `dialect`.
pub(crate) fn render(
    dialect: Dialect,
    write: impl Fn(&dyn Backend, &mut TemplateWriter),
) -> Result<Template> {
    let mut w = TemplateWriter::default();
    match dialect {
        Dialect::Postgres => write(&PostgresQueryBuilder, &mut w),
        Dialect::MySql => write(&MysqlQueryBuilder, &mut w),
        Dialect::Sqlite => write(&SqliteQueryBuilder, &mut w),
    }
    w.finish()
}

/// What strata asks of a sea-query backend, object-safe so one closure
/// serves all three.
pub trait Backend {
    fn expr(&self, expr: &sea_query::Expr, w: &mut TemplateWriter);
    fn select(&self, stmt: &sea_query::SelectStatement, w: &mut TemplateWriter);
    fn insert(&self, stmt: &sea_query::InsertStatement, w: &mut TemplateWriter);
    fn update(&self, stmt: &sea_query::UpdateStatement, w: &mut TemplateWriter);
    fn delete(&self, stmt: &sea_query::DeleteStatement, w: &mut TemplateWriter);
}

impl<B: QueryBuilder> Backend for B {
    fn expr(&self, expr: &sea_query::Expr, w: &mut TemplateWriter) {
        self.prepare_expr(expr, w);
    }
    fn select(&self, stmt: &sea_query::SelectStatement, w: &mut TemplateWriter) {
        self.prepare_select_statement(stmt, w);
    }
    fn insert(&self, stmt: &sea_query::InsertStatement, w: &mut TemplateWriter) {
        self.prepare_insert_statement(stmt, w);
    }
    fn update(&self, stmt: &sea_query::UpdateStatement, w: &mut TemplateWriter) {
        self.prepare_update_statement(stmt, w);
    }
    fn delete(&self, stmt: &sea_query::DeleteStatement, w: &mut TemplateWriter) {
        self.prepare_delete_statement(stmt, w);
    }
}
