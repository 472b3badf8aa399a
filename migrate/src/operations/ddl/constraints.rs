//! The named constraints strata derives from a field (foreign keys,
//! enum choices, unsigned ranges): adding, dropping and renaming them
//! with their table or column, per dialect.

use super::{Ddl, DdlResult};
use crate::state::{naming, FieldState, ModelState};
use strata::Dialect;

impl Ddl<'_> {
    /// `CHECK ("c" IN (...))` for a column with choices (an enum), or
    /// `None`. The values are literals (DDL takes no binds), quoted by
    /// the dialect.
    pub fn choices_body(&self, field: &FieldState) -> Option<String> {
        let choices = field.choices.as_ref()?;
        let mut sql = String::from("CHECK (");
        self.push_q(&mut sql, &field.column);
        sql.push_str(" IN (");
        for (i, literal) in choices.literals().into_iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&self.dialect.literal_sql(literal));
        }
        sql.push_str("))");
        Some(sql)
    }

    /// `ALTER TABLE t ADD CONSTRAINT <t>_<c>_choices CHECK (...)`
    /// (PostgreSQL, MySQL), or `None` for a column without choices.
    pub fn add_choices(&self, table: &str, field: &FieldState) -> Option<String> {
        self.choices_body(field).map(|body| {
            format!(
                "ALTER TABLE {} ADD CONSTRAINT {} {body}",
                self.q(table),
                self.q(&naming::choices_name(table, &field.column))
            )
        })
    }

    /// `ALTER TABLE t ADD CONSTRAINT <t>_<c>_range CHECK (c BETWEEN 0 AND
    /// max)` for an unsigned column on PostgreSQL; `None` elsewhere (MySQL
    /// has `UNSIGNED` types, SQLite rebuilds the table) and for other
    /// columns.
    pub fn add_range(&self, table: &str, field: &FieldState) -> Option<String> {
        if !self.is(Dialect::Postgres) {
            return None;
        }
        strata::schema::unsigned_check(self.dialect, &field.column, &field.ty).map(|body| {
            format!(
                "ALTER TABLE {} ADD CONSTRAINT {} {body}",
                self.q(table),
                self.q(&naming::range_name(table, &field.column))
            )
        })
    }

    /// Drops the range `CHECK` of the unsigned column `table.column`.
    pub fn drop_range(&self, table: &str, column: &str) -> String {
        format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            self.q(table),
            self.q(&naming::range_name(table, column))
        )
    }

    /// Drops the choices `CHECK` of `table.column` (PostgreSQL, MySQL).
    pub fn drop_choices(&self, table: &str, column: &str) -> String {
        format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            self.q(table),
            self.q(&naming::choices_name(table, column))
        )
    }

    /// `ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY ...` (PostgreSQL, MySQL).
    pub fn add_fk(&self, table: &str, field: &FieldState) -> DdlResult<Option<String>> {
        Ok(self.fk_body(field)?.map(|body| {
            format!(
                "ALTER TABLE {} ADD CONSTRAINT {} {body}",
                self.q(table),
                self.q(&naming::foreign_key_name(table, &field.column))
            )
        }))
    }

    /// Drops the foreign key of `table.column` (PostgreSQL, MySQL).
    pub fn drop_fk(&self, table: &str, column: &str) -> String {
        let name = self.q(&naming::foreign_key_name(table, column));
        match self.dialect {
            Dialect::MySql => format!("ALTER TABLE {} DROP FOREIGN KEY {name}", self.q(table)),
            _ => format!("ALTER TABLE {} DROP CONSTRAINT {name}", self.q(table)),
        }
    }

    /// The statements that rename the constraints whose names derive from
    /// the table and column names (foreign keys, single-column uniques),
    /// after a table or column rename turned `before` into `after`. Fields
    /// are matched by position.
    pub fn rename_derived_constraints(
        &self,
        before: &ModelState,
        after: &ModelState,
    ) -> DdlResult<Vec<String>> {
        let mut out = Vec::new();
        for (old, new) in before.fields.iter().zip(&after.fields) {
            if new.foreign_key.is_some() {
                let (old_name, new_name) = (
                    naming::foreign_key_name(&before.table, &old.column),
                    naming::foreign_key_name(&after.table, &new.column),
                );
                if old_name != new_name {
                    match self.dialect {
                        Dialect::Postgres => {
                            out.push(self.rename_constraint(&after.table, &old_name, &new_name))
                        }
                        Dialect::MySql => {
                            out.push(format!(
                                "ALTER TABLE {} DROP FOREIGN KEY {}",
                                self.q(&after.table),
                                self.q(&old_name)
                            ));
                            out.extend(self.add_fk(&after.table, new)?);
                        }
                        // SQLite never refers to a foreign key by name.
                        Dialect::Sqlite => {}
                    }
                }
            }
            if new.ty.unsigned_max().is_some() && self.is(Dialect::Postgres) {
                let (old_name, new_name) = (
                    naming::range_name(&before.table, &old.column),
                    naming::range_name(&after.table, &new.column),
                );
                if old_name != new_name {
                    out.push(self.rename_constraint(&after.table, &old_name, &new_name));
                }
            }
            if new.choices.is_some() {
                let (old_name, new_name) = (
                    naming::choices_name(&before.table, &old.column),
                    naming::choices_name(&after.table, &new.column),
                );
                if old_name != new_name {
                    match self.dialect {
                        Dialect::Postgres => {
                            out.push(self.rename_constraint(&after.table, &old_name, &new_name))
                        }
                        // MySQL cannot rename a check constraint.
                        Dialect::MySql => {
                            out.push(format!(
                                "ALTER TABLE {} DROP CONSTRAINT {}",
                                self.q(&after.table),
                                self.q(&old_name)
                            ));
                            out.extend(self.add_choices(&after.table, new));
                        }
                        // SQLite never refers to a check by name; a rebuild
                        // names it from the state.
                        Dialect::Sqlite => {}
                    }
                }
            }
            if new.unique {
                let (old_name, new_name) = (
                    naming::unique_name(&before.table, &old.column),
                    naming::unique_name(&after.table, &new.column),
                );
                if old_name != new_name {
                    match self.dialect {
                        Dialect::Postgres => {
                            out.push(self.rename_constraint(&after.table, &old_name, &new_name))
                        }
                        Dialect::MySql => out.push(format!(
                            "ALTER TABLE {} RENAME INDEX {} TO {}",
                            self.q(&after.table),
                            self.q(&old_name),
                            self.q(&new_name)
                        )),
                        Dialect::Sqlite => {
                            out.push(format!("DROP INDEX {}", self.q(&old_name)));
                            out.push(self.add_unique(
                                after,
                                &new_name,
                                std::slice::from_ref(&new.column),
                            )?);
                        }
                    }
                }
            }
        }
        Ok(out)
    }

    /// `ALTER TABLE t RENAME CONSTRAINT old TO new` (PostgreSQL).
    fn rename_constraint(&self, table: &str, old: &str, new: &str) -> String {
        format!(
            "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
            self.q(table),
            self.q(old),
            self.q(new)
        )
    }
}
