//! `embed_migrations!`: compiles a crate's migration files into its binary,
//! so that a deployed program can migrate its database at start-up without
//! the source tree. Use it through `strata_migrate::embed_migrations!`,
//! whose documentation has an example.
//!
//! `#[data_migration]`: registers an `async fn` as a data migration that
//! migration files call by name (`strata_migrate::data_migration`).

mod data_migration;

use proc_macro::TokenStream;
use quote::quote;
use std::path::{Path, PathBuf};
use syn::{parse_macro_input, LitStr};

/// `embed_migrations!("migrations")`: every `NNNN_name.toml` file of the
/// directory (relative to the invoking crate's `Cargo.toml`) as a
/// `strata_migrate::embed::EmbeddedMigrations`.
///
/// Each file is included with `include_str!`, so editing one rebuilds the
/// crate; a build script with `cargo:rerun-if-changed=migrations` also
/// catches files being added or removed.
#[proc_macro]
pub fn embed_migrations(input: TokenStream) -> TokenStream {
    let dir = parse_macro_input!(input as LitStr);
    expand(&dir)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// `#[data_migration]` (or `#[data_migration(name = "...")]`) on
/// `async fn f(tx: &mut strata::Transaction<'_>) -> strata::Result<()>`:
/// registers `f` under its name for migrations' `run_rust` operations.
#[proc_macro_attribute]
pub fn data_migration(args: TokenStream, item: TokenStream) -> TokenStream {
    data_migration::expand(args.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

fn expand(dir: &LitStr) -> syn::Result<proc_macro2::TokenStream> {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .ok_or_else(|| {
            syn::Error::new(
                dir.span(),
                "CARGO_MANIFEST_DIR is not set; build with cargo",
            )
        })?;
    let path = manifest_dir.join(dir.value());
    let files = migration_files(&path).map_err(|e| {
        syn::Error::new(
            dir.span(),
            format!(
                "cannot read the migrations directory `{}`: {e}\n\
                 help: the path is relative to the crate's Cargo.toml; create the first \
                 migration with `manage makemigrations`",
                path.display()
            ),
        )
    })?;
    let entries = files.iter().map(|(name, file)| {
        let file = file.to_string_lossy().into_owned();
        quote! { (#name, ::core::include_str!(#file)) }
    });
    let shown = path.to_string_lossy().into_owned();
    Ok(quote! {
        ::strata_migrate::embed::EmbeddedMigrations::new(#shown, &[#(#entries),*])
    })
}

/// `(name, path)` of each migration file of `dir`, sorted by name.
fn migration_files(dir: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if is_migration_name(stem) {
            out.push((stem.to_string(), path.clone()));
        }
    }
    out.sort();
    Ok(out)
}

/// Four digits, `_`, then ASCII letters, digits and `_` (the rule of
/// `strata_migrate::loader::is_migration_name`).
fn is_migration_name(stem: &str) -> bool {
    let bytes = stem.as_bytes();
    bytes.len() > 5
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'_'
        && bytes[5..]
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'_')
}
