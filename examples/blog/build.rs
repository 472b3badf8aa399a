// The migrations are compiled into the program (see `src/main.rs`): build
// again when a migration file is added or removed, not only edited.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
