//! After each migration of a multi-step history, forwards and backwards,
//! the introspected schema is what the replayed state says (in the
//! normalized form of `strata_migrate::introspect`).

use crate::fixtures::history;
use crate::support::{each_db, Ctx};
use strata_migrate::introspect::Schema;
use strata_migrate::{Migrator, ProjectState, Target};

async fn assert_schema(ctx: &Ctx, state: &ProjectState, when: &str) {
    let live = Schema::introspect(&ctx.db)
        .await
        .unwrap_or_else(|e| panic!("introspecting {}: {e}", ctx.dialect()));
    let expected = Schema::expected(state, ctx.dialect()).unwrap();
    if live != expected {
        for (name, table) in &expected.tables {
            match live.tables.get(name) {
                Some(found) if found == table => {}
                Some(found) => {
                    eprintln!("table {name}:\n  live:     {found:?}\n  expected: {table:?}")
                }
                None => eprintln!("table {name} is missing"),
            }
        }
        for name in live.tables.keys() {
            if !expected.tables.contains_key(name) {
                eprintln!("table {name} is not expected");
            }
        }
        panic!("{} schema differs from the state {when}", ctx.dialect());
    }
}

#[tokio::test]
async fn the_live_schema_matches_the_state_after_every_migration() {
    each_db("schema_each_step", |ctx: Ctx| async move {
        let history = history();
        let migrator = Migrator::new(history.set());
        for (name, state) in &history.steps {
            let mut out = Vec::new();
            migrator
                .migrate(&ctx.db, &Target::Migration(name.clone()), &mut out)
                .await
                .unwrap_or_else(|e| panic!("applying {name} on {}: {e}", ctx.dialect()));
            assert_schema(&ctx, state, &format!("after applying {name}")).await;
        }
        for i in (0..history.steps.len() - 1).rev() {
            let (name, state) = &history.steps[i];
            let mut out = Vec::new();
            migrator
                .migrate(&ctx.db, &Target::Migration(name.clone()), &mut out)
                .await
                .unwrap_or_else(|e| panic!("moving back to {name} on {}: {e}", ctx.dialect()));
            assert_schema(&ctx, state, &format!("after moving back to {name}")).await;
        }
    })
    .await;
}
