//! The original and the optimized operations, rendered to SQL and run on
//! every database: both end with the schema the state says, and the
//! original's backward SQL returns the database to where it was.

use crate::ops::*;
use crate::support::{each_db, Ctx};
use std::collections::BTreeMap;
use strata::ColumnType;
use strata_migrate::introspect::Schema;
use strata_migrate::loader::MigrationSet;
use strata_migrate::{
    autodetect, optimize, writer, DefaultValue, FieldState, Migration, Migrator, Operation,
    ProjectState, ScriptedQuestioner, Target,
};

fn set(migrations: Vec<Migration>) -> MigrationSet {
    MigrationSet {
        migrations: migrations
            .into_iter()
            .map(|m| (m.name.clone(), m))
            .collect::<BTreeMap<_, _>>(),
        ..MigrationSet::default()
    }
}

/// Foo, Bar (with a key to Foo), and operations of every foldable kind.
fn scenario() -> (ProjectState, Vec<Operation>) {
    let from = ProjectState::new()
        .with(model("Foo", vec![chars("name"), int("age")]))
        .with(model("Bar", vec![int("size"), fk("foo_id", "Foo")]));
    let ops = vec![
        create("Baz", vec![int("a"), int("b")]),
        add("Baz", int("c")),
        rename("Baz", "c", "d"),
        alter("Baz", FieldState::new("d", ColumnType::BigInt)),
        add_index("Baz", "baz_a_idx", &["a"]),
        rename_index("Baz", "baz_a_idx", "baz_a_2"),
        add_with_one_off("Foo", int("height"), DefaultValue::Int(5)),
        alter("Foo", int("height").default(DefaultValue::Int(1))),
        rename("Foo", "name", "x"),
        rename("Foo", "x", "title"),
        add("Bar", int("tmp").null()),
        remove("Bar", "tmp"),
        alter("Foo", int("age").null()),
        alter("Foo", FieldState::new("age", ColumnType::BigInt).null()),
        create("Qux", vec![chars("label")]),
        rename_model("Qux", "Quux"),
        alter_table("Quux", "quux_t"),
        add_index("Foo", "foo_title_idx", &["title"]),
        remove_index("Foo", "foo_title_idx"),
    ];
    (from, ops)
}

async fn live(ctx: &Ctx) -> Schema {
    Schema::introspect(&ctx.db)
        .await
        .unwrap_or_else(|e| panic!("introspecting {}: {e}", ctx.dialect()))
}

#[tokio::test]
async fn optimized_operations_leave_the_same_schema_as_the_originals() {
    let (from, ops) = scenario();
    let optimized = optimize(ops.clone(), &from).unwrap();
    // Baz, Qux: one CreateModel each; Foo: one AddField, one RenameField,
    // one AlterField; Bar's add and remove and Foo's index cancel.
    assert_eq!(
        optimized
            .iter()
            .map(Operation::describe)
            .collect::<Vec<_>>(),
        [
            "Create model Baz",
            "Add field height to Foo",
            "Rename field name on Foo to title",
            "Alter field age on Foo",
            "Create model Quux",
        ],
        "{} operations optimized to {optimized:#?}",
        ops.len()
    );
    let target = replay(&from, &ops);
    let setup_ops =
        autodetect(&ProjectState::new(), &from, &mut ScriptedQuestioner::new()).unwrap();
    let setup = writer::render("0001_setup", vec![], setup_ops, &ProjectState::new())
        .unwrap()
        .migration;
    let original = writer::render("0002_original", vec!["0001_setup".into()], ops, &from)
        .unwrap()
        .migration;
    let shorter = writer::render(
        "0002_optimized",
        vec!["0001_setup".into()],
        optimized,
        &from,
    )
    .unwrap()
    .migration;
    each_db("optimizer_same_schema", |ctx: Ctx| {
        let (setup, original, shorter, from, target) = (
            setup.clone(),
            original.clone(),
            shorter.clone(),
            from.clone(),
            target.clone(),
        );
        async move {
            let dialect = ctx.dialect();
            let expected = Schema::expected(&target, dialect).unwrap();
            let mut out = Vec::new();
            let first = Migrator::new(set(vec![setup.clone(), original]));
            first
                .migrate(&ctx.db, &Target::Latest, &mut out)
                .await
                .unwrap_or_else(|e| panic!("the original on {dialect}: {e}"));
            let after_original = live(&ctx).await;
            assert_eq!(after_original, expected, "the original on {dialect}");
            first
                .migrate(&ctx.db, &Target::Migration("0001_setup".into()), &mut out)
                .await
                .unwrap_or_else(|e| panic!("undoing the original on {dialect}: {e}"));
            assert_eq!(
                live(&ctx).await,
                Schema::expected(&from, dialect).unwrap(),
                "undoing the original on {dialect}"
            );
            let second = Migrator::new(set(vec![setup, shorter]));
            second
                .migrate(&ctx.db, &Target::Latest, &mut out)
                .await
                .unwrap_or_else(|e| panic!("the optimized on {dialect}: {e}"));
            assert_eq!(
                live(&ctx).await,
                after_original,
                "the optimized on {dialect}"
            );
            second
                .migrate(&ctx.db, &Target::Migration("0001_setup".into()), &mut out)
                .await
                .unwrap_or_else(|e| panic!("undoing the optimized on {dialect}: {e}"));
            assert_eq!(
                live(&ctx).await,
                Schema::expected(&from, dialect).unwrap(),
                "undoing the optimized on {dialect}"
            );
        }
    })
    .await;
}
