//! Golden SQL of models referring to themselves or to each other: their
//! DDL (a self reference inline on SQLite, every foreign key added after
//! the tables elsewhere), a select_related and filters joining a table to
//! itself under distinct aliases, and the prefetch of children.

use crate::{per_dialect, with_snapshots};
use strata::prelude::*;
use strata::relation::{RelationMeta, RelationPath};
use strata::schema::{create_table_sql, foreign_keys_sql};
use strata::{Dialect, Value};
use strata_tests::tree::*;

fn hop<M>(path: impl RelationPath<M>) -> &'static RelationMeta {
    path.join_path().last().expect("a relation path has a hop")
}

fn ddl(models: &[&strata::ModelMeta]) -> String {
    let mut out = String::new();
    for dialect in Dialect::ALL {
        out.push_str(&format!("-- {dialect}\n"));
        for model in models {
            for sql in create_table_sql(model, dialect).unwrap() {
                out.push_str(&format!("{sql};\n"));
            }
        }
        for model in models {
            for sql in foreign_keys_sql(model, dialect) {
                out.push_str(&format!("{sql};\n"));
            }
        }
    }
    out
}

#[test]
fn self_and_cyclic_foreign_keys_are_pinned_per_dialect() {
    let keys = [Value::I64(Some(1)), Value::I64(Some(2))];
    with_snapshots(|| {
        insta::assert_snapshot!("ddl_tree_and_cycle", ddl(&tree()));
        insta::assert_snapshot!(
            "select_related_self",
            per_dialect(|d| Category::objects()
                .select_related(Category::parent())
                .filter(Category::parent().parent().name().eq("a"))
                .order_by(Category::parent().name().asc())
                .sql(d))
        );
        insta::assert_snapshot!(
            "select_related_around_a_cycle",
            per_dialect(|d| Player::objects()
                .select_related(Player::team().captain())
                .filter(Player::team().captain().team().name().eq("red"))
                .sql(d))
        );
        insta::assert_snapshot!(
            "prefetch_children",
            per_dialect(|d| Category::objects().prefetch_sql(d, hop(Category::children()), &keys))
        );
    });
}
