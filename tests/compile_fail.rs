//! Misuse of `#[derive(Model)]` and of typed querysets is a compile error
//! with a readable message. One file per misuse under `tests/ui/`, with its
//! expected compiler output committed next to it.

#[test]
fn misuse_is_a_compile_error() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*.rs");
}
