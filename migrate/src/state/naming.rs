//! Names strata derives: tables, constraints, join tables, migrations,
//! and the recorder's own table.
//!
//! The rules live in `strata::naming`; constraint names follow the derive (`<table>_<columns>_<suffix>`,
//! shortened with a stable hash past 63 bytes) so the names in the
//! database are predictable and can be dropped or renamed later without
//! introspection.

pub use strata::naming::{constraint_name, snake_case};

/// The table that records which migrations a database has applied. The
/// recorder writes it; introspection leaves it out of the live schema. It
/// lives here, below both, so that neither imports the other for it.
pub const RECORDER_TABLE: &str = "strata_migrations";

/// The name of the foreign-key constraint of `table.column`, as
/// `strata::schema` names it.
pub fn foreign_key_name(table: &str, column: &str) -> String {
    strata::schema::foreign_key_name(table, column)
}

/// The name of the single-column unique constraint of `table.column`.
pub fn unique_name(table: &str, column: &str) -> String {
    constraint_name(table, &[column], "uniq")
}

/// The name of the `CHECK` constraint that keeps `table.column` to its
/// choices (an enum column).
pub fn choices_name(table: &str, column: &str) -> String {
    constraint_name(table, &[column], "choices")
}

/// The name of the `CHECK` constraint that keeps the unsigned column
/// `table.column` in its type's range (PostgreSQL, SQLite).
pub fn range_name(table: &str, column: &str) -> String {
    constraint_name(table, &[column], "range")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_constraint_names_are_shortened_stably() {
        let long = "a".repeat(70);
        let name = constraint_name(&long, &["b"], "fk");
        assert_eq!(name.len(), 63);
        assert!(name.ends_with("_fk"));
        assert_eq!(name, constraint_name(&long, &["b"], "fk"));
        assert_eq!(foreign_key_name("post", "author_id"), "post_author_id_fk");
    }

    #[test]
    fn struct_names_become_snake_case() {
        assert_eq!(snake_case("BlogPost"), "blog_post");
        assert_eq!(snake_case("HTTPRequest"), "http_request");
    }
}
