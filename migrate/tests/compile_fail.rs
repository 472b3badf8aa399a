//! Misuse of `#[strata_migrate::data_migration]` is a compile error that
//! shows the right shape. One file per misuse under `tests/ui/`, with its
//! expected compiler output committed next to it.

#[test]
fn data_migration_misuse_is_a_compile_error() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
