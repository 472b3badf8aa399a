//! DDL pieces shared by the operations: column definitions, `CREATE TABLE`,
//! foreign keys, unique constraints, indexes and SQLite's table rebuild.
//!
//! Every identifier goes through [`Dialect::quote_identifier`] and every
//! literal through [`Dialect::literal_sql`] / [`Dialect::default_clause`],
//! so names and defaults from the state can never become SQL text.
//!
//! Choices that hold on every dialect:
//! - Foreign keys are table constraints named `<table>_<column>_fk`;
//!   `protect` and `do_nothing` are `NO ACTION` in the database (strata
//!   enforces `protect` itself).
//! - A field's choices (an enum column) are a `CHECK (column IN (...))`
//!   named `<table>_<column>_choices`.
//! - An unsigned column is `UNSIGNED` on MySQL; elsewhere the next wider
//!   signed type with a `CHECK (column BETWEEN 0 AND max)` named
//!   `<table>_<column>_range`.
//! - A field's `unique` is a constraint named `<table>_<column>_uniq`. On
//!   SQLite every unique constraint is a `CREATE UNIQUE INDEX` (equivalent,
//!   and droppable without rebuilding the table).

use crate::state::naming;
use crate::state::{
    ConstraintKind, ConstraintState, DefaultValue, FieldState, IndexState, ModelState, ProjectState,
};
use strata::meta::OnDelete;
use strata::Dialect;

mod constraints;

/// Renders DDL for one dialect, resolving foreign-key targets in `state`
/// (and in `extra`, a model not yet in the state: the one being created).
pub(crate) struct Ddl<'a> {
    pub dialect: Dialect,
    pub state: &'a ProjectState,
    pub extra: Option<TableDef<'a>>,
}

/// What the DDL of a table needs of its model, borrowed from a
/// [`ModelState`] or from the operation creating it (which then needs no
/// copy of itself as a model).
#[derive(Debug, Clone, Copy)]
pub(crate) struct TableDef<'m> {
    pub name: &'m str,
    pub table: &'m str,
    pub fields: &'m [FieldState],
    pub indexes: &'m [IndexState],
    pub constraints: &'m [ConstraintState],
}

impl<'m> From<&'m ModelState> for TableDef<'m> {
    fn from(model: &'m ModelState) -> TableDef<'m> {
        TableDef {
            name: &model.name,
            table: &model.table,
            fields: &model.fields,
            indexes: &model.indexes,
            constraints: &model.constraints,
        }
    }
}

impl<'m> TableDef<'m> {
    /// The column named `column` (as [`ModelState::get_field`]).
    fn get_field(&self, column: &str) -> Option<&'m FieldState> {
        self.fields.iter().find(|f| f.column == column)
    }

    /// The primary-key column (as [`ModelState::primary_key`]).
    fn primary_key(&self) -> Option<&'m FieldState> {
        self.fields.iter().find(|f| f.primary_key)
    }
}

pub(crate) type DdlResult<T> = std::result::Result<T, String>;

impl<'a> Ddl<'a> {
    pub fn new(dialect: Dialect, state: &'a ProjectState) -> Ddl<'a> {
        Ddl {
            dialect,
            state,
            extra: None,
        }
    }

    pub fn with_extra(mut self, model: impl Into<TableDef<'a>>) -> Ddl<'a> {
        self.extra = Some(model.into());
        self
    }

    pub fn q(&self, name: &str) -> String {
        self.dialect.quote_identifier(name)
    }

    /// Appends `name` quoted.
    fn push_q(&self, out: &mut String, name: &str) {
        self.dialect.quote_identifier_into(out, name);
    }

    pub fn is(&self, dialect: Dialect) -> bool {
        self.dialect == dialect
    }

    fn model(&self, name: &str) -> DdlResult<TableDef<'a>> {
        if let Some(extra) = self.extra.filter(|m| m.name == name) {
            return Ok(extra);
        }
        self.state
            .models
            .get(name)
            .map(TableDef::from)
            .ok_or_else(|| format!("there is no model `{name}`"))
    }

    /// `"a", "b"`.
    pub fn column_list<S: AsRef<str>>(&self, columns: &[S]) -> String {
        let mut out = String::new();
        self.push_column_list(&mut out, columns);
        out
    }

    /// Appends [`Ddl::column_list`].
    fn push_column_list<S: AsRef<str>>(&self, out: &mut String, columns: &[S]) {
        for (i, column) in columns.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            self.push_q(out, column.as_ref());
        }
    }

    pub fn check_indexable<'m>(
        &self,
        model: impl Into<TableDef<'m>>,
        columns: &[String],
    ) -> DdlResult<()> {
        let model = model.into();
        for column in columns {
            if let Some(field) = model.get_field(column) {
                self.dialect.check_indexable(column, &field.ty)?;
            }
        }
        Ok(())
    }

    /// Appends `TYPE [NOT NULL] [PRIMARY KEY] [DEFAULT x]`, after the column
    /// name.
    /// `default` replaces the field's own default (a one-off default).
    fn push_column_spec(
        &self,
        sql: &mut String,
        field: &FieldState,
        default: Option<&DefaultValue>,
    ) -> DdlResult<()> {
        if field.auto_increment {
            sql.push_str(&self.dialect.auto_pk_sql(&field.ty));
            return Ok(());
        }
        sql.push_str(&self.dialect.column_type_sql(&field.ty));
        if !field.null {
            sql.push_str(" NOT NULL");
        } else if self.is(Dialect::MySql) {
            // Explicit, so that `MODIFY` never inherits a TIMESTAMP quirk.
            sql.push_str(" NULL");
        }
        if field.primary_key {
            self.dialect.check_indexable(&field.column, &field.ty)?;
            sql.push_str(" PRIMARY KEY");
        }
        if let Some(value) = default.or(field.default.as_ref()) {
            sql.push_str(&self.dialect.default_clause(&field.ty, value.as_literal()));
        }
        Ok(())
    }

    /// `"name" TYPE ...`.
    pub fn column_def(
        &self,
        field: &FieldState,
        default: Option<&DefaultValue>,
    ) -> DdlResult<String> {
        let mut sql = String::new();
        self.push_column_def(&mut sql, field, default)?;
        Ok(sql)
    }

    /// Appends [`Ddl::column_def`].
    fn push_column_def(
        &self,
        sql: &mut String,
        field: &FieldState,
        default: Option<&DefaultValue>,
    ) -> DdlResult<()> {
        self.push_q(sql, &field.column);
        sql.push(' ');
        self.push_column_spec(sql, field, default)
    }

    /// The `ON DELETE` action, as strata's ORM expects it: where the
    /// database takes no action (`protect`, `do_nothing`, and `set_default`
    /// on MySQL, whose InnoDB rejects `SET DEFAULT`), the ORM enforces the
    /// behaviour before deleting (see `strata::schema::on_delete_sql`).
    pub fn on_delete_sql(&self, on_delete: OnDelete) -> DdlResult<&'static str> {
        Ok(strata::schema::on_delete_sql(self.dialect, on_delete).unwrap_or("NO ACTION"))
    }

    /// `FOREIGN KEY ("c") REFERENCES "t" ("pk") ON DELETE ...`, or `None`
    /// for a column without a foreign key.
    pub fn fk_body(&self, field: &FieldState) -> DdlResult<Option<String>> {
        let mut sql = String::new();
        Ok(self.push_fk_body(&mut sql, field)?.then_some(sql))
    }

    /// Appends [`Ddl::fk_body`]; `false` (nothing appended) for a column
    /// without a foreign key.
    fn push_fk_body(&self, sql: &mut String, field: &FieldState) -> DdlResult<bool> {
        let Some(fk) = &field.foreign_key else {
            return Ok(false);
        };
        let target = self.model(&fk.to)?;
        let pk = target
            .primary_key()
            .ok_or_else(|| format!("model `{}` has no primary key", target.name))?;
        sql.push_str("FOREIGN KEY (");
        self.push_q(sql, &field.column);
        sql.push_str(") REFERENCES ");
        self.push_q(sql, target.table);
        sql.push_str(" (");
        self.push_q(sql, &pk.column);
        sql.push_str(") ON DELETE ");
        sql.push_str(self.on_delete_sql(fk.on_delete)?);
        Ok(true)
    }

    /// Adds a unique constraint: a table constraint, or a unique index on
    /// SQLite.
    pub fn add_unique<'m>(
        &self,
        model: impl Into<TableDef<'m>>,
        name: &str,
        columns: &[String],
    ) -> DdlResult<String> {
        let model = model.into();
        self.check_indexable(model, columns)?;
        let mut sql = String::new();
        match self.dialect {
            Dialect::Sqlite => {
                sql.push_str("CREATE UNIQUE INDEX ");
                self.push_q(&mut sql, name);
                sql.push_str(" ON ");
                self.push_q(&mut sql, model.table);
            }
            _ => {
                sql.push_str("ALTER TABLE ");
                self.push_q(&mut sql, model.table);
                sql.push_str(" ADD CONSTRAINT ");
                self.push_q(&mut sql, name);
                sql.push_str(" UNIQUE");
            }
        }
        sql.push_str(" (");
        self.push_column_list(&mut sql, columns);
        sql.push(')');
        Ok(sql)
    }

    /// Drops a unique constraint made by [`Ddl::add_unique`].
    pub fn drop_unique(&self, table: &str, name: &str) -> String {
        match self.dialect {
            Dialect::Sqlite => format!("DROP INDEX {}", self.q(name)),
            Dialect::MySql => format!("ALTER TABLE {} DROP INDEX {}", self.q(table), self.q(name)),
            Dialect::Postgres => {
                format!(
                    "ALTER TABLE {} DROP CONSTRAINT {}",
                    self.q(table),
                    self.q(name)
                )
            }
        }
    }

    pub fn create_index<'m>(
        &self,
        model: impl Into<TableDef<'m>>,
        index: &IndexState,
    ) -> DdlResult<String> {
        let model = model.into();
        self.check_indexable(model, &index.columns)?;
        let mut sql = String::from(if index.unique {
            "CREATE UNIQUE INDEX "
        } else {
            "CREATE INDEX "
        });
        self.push_q(&mut sql, &index.name);
        sql.push_str(" ON ");
        self.push_q(&mut sql, model.table);
        sql.push_str(" (");
        self.push_column_list(&mut sql, &index.columns);
        sql.push(')');
        Ok(sql)
    }

    /// Drops an index or unique constraint over `columns` of `model` with
    /// `drop` (a statement of [`Ddl::drop_index`] or [`Ddl::drop_unique`]).
    ///
    /// On MySQL, when the first column carries a foreign key, the drop is
    /// wrapped in dropping and re-adding the foreign key: InnoDB needs an
    /// index that starts with a foreign-key column, drops the one it made
    /// for the constraint as soon as another index can serve it, and then
    /// refuses to drop that other index (error 1553, "needed in a foreign
    /// key constraint"). Re-adding the constraint makes InnoDB create its
    /// own index again where no other one serves, so the schema is the one
    /// a fresh `CREATE TABLE` gives. This is Django's way too; it checks
    /// the rows against the constraint again.
    ///
    /// Where another index of the model (or the column's own unique
    /// constraint) starts with the column, it serves the foreign key and
    /// the drop is left alone.
    pub fn drop_index_keeping_fk<'m>(
        &self,
        model: impl Into<TableDef<'m>>,
        name: &str,
        columns: &[String],
        drop: String,
    ) -> DdlResult<Vec<String>> {
        let model = model.into();
        let fk_field = columns
            .first()
            .and_then(|column| model.get_field(column))
            .filter(|field| field.foreign_key.is_some() && self.is(Dialect::MySql));
        let Some(field) = fk_field else {
            return Ok(vec![drop]);
        };
        let leads =
            |other: &str, first: Option<&String>| other != name && first == Some(&field.column);
        let served_elsewhere = field.unique
            || model
                .indexes
                .iter()
                .any(|i| leads(&i.name, i.columns.first()))
            || model.constraints.iter().any(|c| match &c.kind {
                ConstraintKind::Unique(cols) => leads(&c.name, cols.first()),
                ConstraintKind::Check(_) => false,
            });
        if served_elsewhere {
            return Ok(vec![drop]);
        }
        let mut out = vec![self.drop_fk(model.table, &field.column), drop];
        out.extend(self.add_fk(model.table, field)?);
        Ok(out)
    }

    pub fn drop_index(&self, table: &str, name: &str) -> String {
        match self.dialect {
            Dialect::MySql => format!("DROP INDEX {} ON {}", self.q(name), self.q(table)),
            _ => format!("DROP INDEX {}", self.q(name)),
        }
    }

    /// `CREATE TABLE` for `model` under the name `table`, without the
    /// statements that follow it. Constraints are named after the model's
    /// own table whatever `table` is, so that a table built under a
    /// temporary name (SQLite's rebuild) ends up with the names a fresh
    /// `CREATE TABLE` gives.
    pub fn create_table_statement<'m>(
        &self,
        model: impl Into<TableDef<'m>>,
        table: &str,
    ) -> DdlResult<String> {
        let model = model.into();
        let mut sql = String::with_capacity(64 * (model.fields.len() + 2));
        sql.push_str("CREATE TABLE ");
        self.push_q(&mut sql, table);
        sql.push_str(" (");
        // One definition a line, `,` between them.
        let mut lines = 0;
        let mut line = |sql: &mut String| {
            sql.push_str(if lines == 0 { "\n    " } else { ",\n    " });
            lines += 1;
        };
        for field in model.fields {
            line(&mut sql);
            self.push_column_def(&mut sql, field, None)?;
        }
        for field in model.fields.iter().filter(|f| f.foreign_key.is_some()) {
            line(&mut sql);
            sql.push_str("CONSTRAINT ");
            self.push_q(
                &mut sql,
                &naming::foreign_key_name(model.table, &field.column),
            );
            sql.push(' ');
            self.push_fk_body(&mut sql, field)?;
        }
        if !self.is(Dialect::Sqlite) {
            for field in model.fields.iter().filter(|f| f.unique) {
                self.dialect.check_indexable(&field.column, &field.ty)?;
                line(&mut sql);
                sql.push_str("CONSTRAINT ");
                self.push_q(&mut sql, &naming::unique_name(model.table, &field.column));
                sql.push_str(" UNIQUE (");
                self.push_q(&mut sql, &field.column);
                sql.push(')');
            }
        }
        for field in model.fields {
            if let Some(body) =
                strata::schema::unsigned_check(self.dialect, &field.column, &field.ty)
            {
                line(&mut sql);
                sql.push_str("CONSTRAINT ");
                self.push_q(&mut sql, &naming::range_name(model.table, &field.column));
                sql.push(' ');
                sql.push_str(&body);
            }
            if let Some(body) = self.choices_body(field) {
                line(&mut sql);
                sql.push_str("CONSTRAINT ");
                self.push_q(&mut sql, &naming::choices_name(model.table, &field.column));
                sql.push(' ');
                sql.push_str(&body);
            }
        }
        for constraint in model.constraints {
            match &constraint.kind {
                ConstraintKind::Unique(columns) if !self.is(Dialect::Sqlite) => {
                    self.check_indexable(model, columns)?;
                    line(&mut sql);
                    sql.push_str("CONSTRAINT ");
                    self.push_q(&mut sql, &constraint.name);
                    sql.push_str(" UNIQUE (");
                    self.push_column_list(&mut sql, columns);
                    sql.push(')');
                }
                ConstraintKind::Unique(_) => {}
                ConstraintKind::Check(expression) => {
                    line(&mut sql);
                    sql.push_str("CONSTRAINT ");
                    self.push_q(&mut sql, &constraint.name);
                    sql.push_str(" CHECK (");
                    sql.push_str(expression);
                    sql.push(')');
                }
            }
        }
        if lines == 0 {
            sql.push_str("\n    ");
        }
        sql.push_str("\n)");
        sql.push_str(self.dialect.table_options_sql());
        Ok(sql)
    }

    /// The statements after `CREATE TABLE`: SQLite's unique indexes, then
    /// the model's indexes.
    pub fn table_indexes<'m>(&self, model: impl Into<TableDef<'m>>) -> DdlResult<Vec<String>> {
        let model = model.into();
        let mut out = Vec::new();
        if self.is(Dialect::Sqlite) {
            for field in model.fields.iter().filter(|f| f.unique) {
                out.push(self.add_unique(
                    model,
                    &naming::unique_name(model.table, &field.column),
                    std::slice::from_ref(&field.column),
                )?);
            }
            for constraint in model.constraints {
                if let ConstraintKind::Unique(columns) = &constraint.kind {
                    out.push(self.add_unique(model, &constraint.name, columns)?);
                }
            }
        }
        for index in model.indexes {
            out.push(self.create_index(model, index)?);
        }
        Ok(out)
    }

    /// `CREATE TABLE` and its indexes.
    pub fn create_table<'m>(&self, model: impl Into<TableDef<'m>>) -> DdlResult<Vec<String>> {
        let model = model.into();
        let mut out = vec![self.create_table_statement(model, model.table)?];
        out.extend(self.table_indexes(model)?);
        Ok(out)
    }

    pub fn drop_table(&self, table: &str) -> String {
        format!("DROP TABLE {}", self.q(table))
    }
}
