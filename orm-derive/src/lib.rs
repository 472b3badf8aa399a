//! `#[derive(Model)]` for strata.
//!
//! The derive parses the struct (`attr`, `ast`), validates it as a whole
//! (`check`), and only then writes code (`expand`). Every problem found is
//! reported, each spanned on the offending tokens with a hint; nothing here
//! panics on user input.

mod aggregates;
mod ast;
mod attr;
mod check;
mod ctxt;
mod expand;
mod field_type;
mod naming;
mod types;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Derives `strata::Model`; see the `strata` crate for the attributes.
#[proc_macro_derive(Model, attributes(strata))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives `strata::FieldType` for an enum whose variants have no fields:
/// stored as text (`#[strata(stored_as = text)]`, the default: each
/// variant's snake_case name or its `#[strata(value = "..")]`) or as an
/// integer (`#[strata(stored_as = integer)]`: its discriminant or
/// `#[strata(value = N)]`).
#[proc_macro_derive(FieldType, attributes(strata))]
pub fn derive_field_type(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    field_type::derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives `strata::query::aggregate::FromAggregates` on a struct of one
/// to eight fields, which `QuerySet::aggregate_into` fills in order from
/// a tuple of aggregates of the same types.
#[proc_macro_derive(Aggregates, attributes(strata))]
pub fn derive_aggregates(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    aggregates::derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
