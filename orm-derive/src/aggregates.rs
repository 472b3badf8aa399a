//! `#[derive(Aggregates)]` on a struct: the struct
//! `QuerySet::aggregate_into` fills, field by field in order, from a
//! tuple of aggregates of the same types.
//!
//! Parse and check (a struct of one to eight fields, no `strata`
//! attributes), then write one `FromAggregates` impl; every mistake is
//! spanned, with a help line.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields};

/// The most fields: `aggregate` takes tuples of up to eight aggregates.
const MAX_FIELDS: usize = 8;

/// Expands the derive, or the first error found.
pub fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    let fields = match &input.data {
        Data::Struct(s) => &s.fields,
        Data::Enum(e) => {
            return Err(syn::Error::new(
                e.enum_token.span,
                "`Aggregates` derives only on a struct\n  = help: write `struct Stats { n: i64, total: Option<i64> }`, one field per aggregate",
            ))
        }
        Data::Union(u) => {
            return Err(syn::Error::new(
                u.union_token.span,
                "`Aggregates` derives only on a struct\n  = help: write `struct Stats { n: i64, total: Option<i64> }`, one field per aggregate",
            ))
        }
    };
    let mut errors: Option<syn::Error> = None;
    let mut push = |e: syn::Error| match &mut errors {
        Some(all) => all.combine(e),
        None => errors = Some(e),
    };
    if fields.is_empty() || fields.len() > MAX_FIELDS {
        push(syn::Error::new(
            if fields.is_empty() {
                input.ident.span()
            } else {
                fields.span()
            },
            format!(
                "`Aggregates` needs one to {MAX_FIELDS} fields, one per aggregate, and `{}` has {}\n  = help: aggregate at most {MAX_FIELDS} values per query",
                input.ident,
                fields.len()
            ),
        ));
    }
    for attr in fields.iter().flat_map(|f| &f.attrs) {
        if attr.path().is_ident("strata") {
            push(syn::Error::new(
                attr.span(),
                "`Aggregates` takes no `#[strata(..)]` attributes: a field's place says which aggregate fills it",
            ));
        }
    }
    if let Some(errors) = errors {
        return Err(errors);
    }
    let name = &input.ident;
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    let types = fields.iter().map(|f| &f.ty);
    let values: Vec<_> = (0..fields.len()).map(|i| format_ident!("v{i}")).collect();
    let build = match fields {
        Fields::Named(named) => {
            let idents = named.named.iter().map(|f| &f.ident);
            quote!(#name { #(#idents: #values),* })
        }
        Fields::Unnamed(_) => quote!(#name ( #(#values),* )),
        Fields::Unit => unreachable_unit(),
    };
    Ok(quote! {
        const _: () = {
            impl #impl_generics ::strata::__private::FromAggregates for #name #type_generics #where_clause {
                type Row = (#(#types,)*);
                fn from_row(row: Self::Row) -> Self {
                    let (#(#values,)*) = row;
                    #build
                }
            }
        };
    })
}

/// A unit struct has no fields and was refused above.
fn unreachable_unit() -> TokenStream {
    quote!(::core::compile_error!(
        "a unit struct has no fields to aggregate into"
    ))
}
