//! SQLite's table rebuild: the way to make a change `ALTER TABLE` cannot.

use super::ddl::{Ddl, DdlResult};
use crate::state::ModelState;
use strata::meta::Literal;

impl Ddl<'_> {
    /// SQLite's way to make a change `ALTER TABLE` cannot: create the new
    /// table, copy every row, drop the old table, rename, recreate the
    /// indexes and check the foreign keys. `copies` lists, for each column
    /// of `after` that takes data, the SQL expression over the old table
    /// that fills it.
    ///
    /// An `AUTOINCREMENT` key's counter (its `sqlite_sequence` row) moves
    /// to the new table: copying the rows alone would restart it at the
    /// highest key left, and keys of deleted rows would be issued again
    /// (pointing old references at new rows). The old table's counter is
    /// never below a key it holds, so it replaces the one the copy set.
    ///
    /// The statements switch foreign-key enforcement off around the
    /// rebuild, so that dropping the old table neither fails nor cascades;
    /// SQLite ignores that pragma inside a transaction, so an executor runs
    /// these statements outside one (or switches enforcement off before
    /// `BEGIN`). `PRAGMA foreign_key_check` returns the rows that violate a
    /// foreign key; an executor treats any row as a failure.
    pub fn sqlite_rebuild(
        &self,
        after: &ModelState,
        old_table: &str,
        copies: &[(String, String)],
    ) -> DdlResult<Vec<String>> {
        let temp = format!("new__{}", after.table);
        let mut out = vec!["PRAGMA foreign_keys = OFF".to_string()];
        out.push(self.create_table_statement(after, &temp)?);
        if !copies.is_empty() {
            let targets: Vec<&str> = copies.iter().map(|(c, _)| c.as_str()).collect();
            let sources: Vec<&str> = copies.iter().map(|(_, e)| e.as_str()).collect();
            out.push(format!(
                "INSERT INTO {} ({}) SELECT {} FROM {}",
                self.q(&temp),
                self.column_list(&targets),
                sources.join(", "),
                self.q(old_table)
            ));
        }
        if after.fields.iter().any(|f| f.auto_increment) {
            // `sqlite_sequence` exists: `temp` has an AUTOINCREMENT key.
            let temp_name = self.dialect.literal_sql(Literal::Str(&temp));
            out.push(format!(
                "DELETE FROM sqlite_sequence WHERE name = {temp_name}"
            ));
            out.push(format!(
                "INSERT INTO sqlite_sequence (name, seq) SELECT {temp_name}, seq \
                 FROM sqlite_sequence WHERE name = {}",
                self.dialect.literal_sql(Literal::Str(old_table))
            ));
        }
        out.push(self.drop_table(old_table));
        out.push(format!(
            "ALTER TABLE {} RENAME TO {}",
            self.q(&temp),
            self.q(&after.table)
        ));
        out.extend(self.table_indexes(after)?);
        out.push(format!(
            "PRAGMA foreign_key_check({})",
            self.q(&after.table)
        ));
        out.push("PRAGMA foreign_keys = ON".to_string());
        Ok(out)
    }

    /// Copies that keep every column `after` shares with `before` by name.
    pub fn same_name_copies(
        &self,
        before: &ModelState,
        after: &ModelState,
    ) -> Vec<(String, String)> {
        after
            .fields
            .iter()
            .filter(|f| before.get_field(&f.column).is_some())
            .map(|f| (f.column.clone(), self.q(&f.column)))
            .collect()
    }
}
