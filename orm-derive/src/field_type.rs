//! `#[derive(FieldType)]` on a fieldless enum: a column holding one of a
//! fixed set of values (Django's `choices`), stored as text (each variant's
//! snake_case name, or `#[strata(value = "..")]`) or as an integer
//! (`#[strata(stored_as = integer)]`: the variant's discriminant, or
//! `#[strata(value = N)]`).
//!
//! Parse (`parse`), validate (`check`), then write tokens (`expand`); every
//! mistake is collected and reported, spanned, with a help line.

use crate::attr::Spanned;
use crate::ctxt::Ctxt;
use crate::naming::snake_case;
use proc_macro2::{Span, TokenStream};
use quote::quote;
use std::collections::HashMap;
use syn::spanned::Spanned as _;
use syn::{Data, DeriveInput, Expr, ExprLit, ExprUnary, Fields, Ident, Lit, UnOp};

const ENUM_KEYS: &str = "stored_as = text | integer";
const VARIANT_KEYS: &str = "value = \"text\" | value = N";

/// How the column stores the enum.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Storage {
    Text,
    Integer,
}

/// A variant's value as written in `#[strata(value = ..)]`.
enum Written {
    Text(String),
    Int(i64),
}

struct Variant<'a> {
    ident: &'a Ident,
    /// The explicit `= N` discriminant, if a literal.
    discriminant: Option<Spanned<i64>>,
    value: Option<Spanned<Written>>,
}

/// The value a checked variant is stored as.
enum Stored {
    Text(String),
    Int(i32),
}

pub(crate) fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    let cx = Ctxt::default();
    let parsed = parse(&cx, input);
    let checked = parsed.and_then(|(storage, variants)| check(&cx, storage, &variants));
    cx.finish()?;
    let Some((storage, values)) = checked else {
        return Err(syn::Error::new(Span::call_site(), "invalid FieldType enum"));
    };
    Ok(expand(input, storage, &values))
}

fn parse<'a>(cx: &Ctxt, input: &'a DeriveInput) -> Option<(Storage, Vec<Variant<'a>>)> {
    let mut storage = None;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("strata")) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("stored_as") {
                let expr: Expr = meta.value()?.parse()?;
                let name = match &expr {
                    Expr::Path(p) => p.path.get_ident().map(|i| i.to_string()),
                    _ => None,
                };
                let value = match name.as_deref() {
                    Some("text") => Storage::Text,
                    Some("integer") => Storage::Integer,
                    _ => {
                        cx.error(
                            &expr,
                            "unknown storage\n  = help: write `stored_as = text` or `stored_as = integer`",
                        );
                        return Ok(());
                    }
                };
                if storage.replace(value).is_some() {
                    cx.error(&meta.path, "duplicate strata attribute `stored_as`");
                }
            } else {
                let path = &meta.path;
                cx.error(
                    path,
                    format!(
                        "unknown strata attribute `{}` on a FieldType enum\n  = help: valid keys: {ENUM_KEYS}",
                        quote!(#path).to_string().replace(' ', "")
                    ),
                );
                if meta.input.peek(syn::Token![=]) {
                    let _: Expr = meta.value()?.parse()?;
                }
            }
            Ok(())
        });
        if let Err(e) = result {
            cx.syn_error(e);
        }
    }
    if !input.generics.params.is_empty() {
        cx.error(
            &input.generics,
            "a FieldType enum cannot be generic\n  = help: remove the type parameters",
        );
    }
    let data = match &input.data {
        Data::Enum(data) => data,
        _ => {
            cx.error(
                &input.ident,
                "#[derive(FieldType)] works on enums whose variants have no fields\n  = help: for a struct, implement `strata::FieldType` by hand (its docs have an example)",
            );
            return None;
        }
    };
    if data.variants.is_empty() {
        cx.error(
            &input.ident,
            "a FieldType enum needs at least one variant: a column of it could hold no value",
        );
        return None;
    }
    let mut variants = Vec::new();
    for v in &data.variants {
        if !matches!(v.fields, Fields::Unit) {
            cx.error(
                &v.fields,
                format!(
                    "variant `{}` has fields; a FieldType enum stores one value per variant\n  = help: remove the fields, or store the data in columns of its own",
                    v.ident
                ),
            );
        }
        let discriminant = v.discriminant.as_ref().and_then(|(_, expr)| {
            let parsed = int_literal(expr);
            if parsed.is_none() {
                cx.error(
                    expr,
                    "the discriminant of a FieldType enum must be an integer literal",
                );
            }
            parsed.map(|value| Spanned {
                value,
                span: expr.span(),
            })
        });
        let mut value = None;
        for attr in v.attrs.iter().filter(|a| a.path().is_ident("strata")) {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("value") {
                    let expr: Expr = meta.value()?.parse()?;
                    let written = match &expr {
                        Expr::Lit(ExprLit {
                            lit: Lit::Str(s), ..
                        }) => Some(Written::Text(s.value())),
                        other => int_literal(other).map(Written::Int),
                    };
                    match written {
                        Some(written) => {
                            let spanned = Spanned {
                                value: written,
                                span: expr.span(),
                            };
                            if value.replace(spanned).is_some() {
                                cx.error(&meta.path, "duplicate strata attribute `value`");
                            }
                        }
                        None => cx.error(
                            &expr,
                            format!("`value` takes a string or an integer\n  = help: write {VARIANT_KEYS}"),
                        ),
                    }
                } else {
                    let path = &meta.path;
                    cx.error(
                        path,
                        format!(
                            "unknown strata attribute `{}` on a variant\n  = help: valid keys: {VARIANT_KEYS}",
                            quote!(#path).to_string().replace(' ', "")
                        ),
                    );
                    if meta.input.peek(syn::Token![=]) {
                        let _: Expr = meta.value()?.parse()?;
                    }
                }
                Ok(())
            });
            if let Err(e) = result {
                cx.syn_error(e);
            }
        }
        variants.push(Variant {
            ident: &v.ident,
            discriminant,
            value,
        });
    }
    Some((storage.unwrap_or(Storage::Text), variants))
}

fn int_literal(expr: &Expr) -> Option<i64> {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Int(i), ..
        }) => i.base10_parse().ok(),
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr,
            ..
        }) => int_literal(expr).map(|v| -v),
        Expr::Group(g) => int_literal(&g.expr),
        _ => None,
    }
}

/// Each variant's stored value: of the right kind, fitting the column,
/// and different from every other.
fn check<'a>(
    cx: &Ctxt,
    storage: Storage,
    variants: &[Variant<'a>],
) -> Option<(Storage, Vec<(&'a Ident, Stored)>)> {
    let mut out = Vec::new();
    let mut seen: HashMap<String, &Ident> = HashMap::new();
    let mut next_discriminant = 0i64;
    for v in variants {
        let implicit = match &v.discriminant {
            Some(d) => d.value,
            None => next_discriminant,
        };
        next_discriminant = implicit.saturating_add(1);
        let span = v.value.as_ref().map_or(v.ident.span(), |w| w.span);
        let stored = match (storage, v.value.as_ref().map(|w| &w.value)) {
            (Storage::Text, Some(Written::Int(_))) => {
                cx.error_at(span, "this enum is stored as text, so `value` takes a string\n  = help: write `value = \"...\"`, or put #[strata(stored_as = integer)] on the enum");
                continue;
            }
            (Storage::Integer, Some(Written::Text(_))) => {
                cx.error_at(span, "this enum is stored as an integer, so `value` takes a number\n  = help: write `value = 1`, or remove `stored_as = integer` to store text");
                continue;
            }
            (Storage::Text, Some(Written::Text(text))) => {
                if text.is_empty() || text.contains('\0') {
                    cx.error_at(
                        span,
                        "a stored value cannot be empty or hold a NUL character",
                    );
                    continue;
                }
                Stored::Text(text.clone())
            }
            (Storage::Text, None) => Stored::Text(snake_case(&crate::ast::field_name(v.ident))),
            (Storage::Integer, written) => {
                let n = match written {
                    Some(Written::Int(n)) => *n,
                    _ => implicit,
                };
                match i32::try_from(n) {
                    Ok(n) => Stored::Int(n),
                    Err(_) => {
                        cx.error_at(
                            span,
                            format!(
                                "{n} does not fit the enum's INTEGER column (a 32-bit integer)"
                            ),
                        );
                        continue;
                    }
                }
            }
        };
        let key = match &stored {
            Stored::Text(t) => t.clone(),
            Stored::Int(n) => n.to_string(),
        };
        if let Some(previous) = seen.insert(key.clone(), v.ident) {
            cx.error_at(
                span,
                format!("`{}` is stored as `{key}`, like `{previous}`\n  = help: give one of them another #[strata(value = ...)]", v.ident),
            );
        }
        out.push((v.ident, stored));
    }
    Some((storage, out))
}

fn expand(input: &DeriveInput, storage: Storage, values: &[(&Ident, Stored)]) -> TokenStream {
    let s = quote!(::strata);
    let ident = &input.ident;
    let name = ident.to_string();
    let listed: Vec<String> = values
        .iter()
        .map(|(_, v)| match v {
            Stored::Text(t) => t.clone(),
            Stored::Int(n) => n.to_string(),
        })
        .collect();
    let valid = listed.join(", ");
    let variants: Vec<&Ident> = values.iter().map(|(i, _)| *i).collect();
    let (column, to_arms, from_match, check_values) = match storage {
        Storage::Text => {
            let longest = listed.iter().map(|t| t.chars().count()).max().unwrap_or(1) as u32;
            let texts: Vec<&String> = listed.iter().collect();
            (
                quote!(#s::ColumnType::Varchar(#longest)),
                quote!(#(Self::#variants => #s::Value::String(::core::option::Option::Some(::std::string::String::from(#texts))),)*),
                quote! {
                    match value {
                        #s::Value::String(::core::option::Option::Some(text)) => match text.as_str() {
                            #(#texts => ::core::result::Result::Ok(Self::#variants),)*
                            other => ::core::result::Result::Err(::std::format!(
                                "`{}` is not a value of {} (one of: {})", other, #name, #valid
                            ).into()),
                        },
                        other => ::core::result::Result::Err(::std::format!(
                            "expected the text of a {}, got {}", #name, other
                        ).into()),
                    }
                },
                quote!(#s::Choices::Text(&[#(#texts),*])),
            )
        }
        Storage::Integer => {
            let ints: Vec<i32> = values
                .iter()
                .filter_map(|(_, v)| match v {
                    Stored::Int(n) => Some(*n),
                    Stored::Text(_) => None,
                })
                .collect();
            (
                quote!(#s::ColumnType::Integer),
                quote!(#(Self::#variants => #s::Value::I32(::core::option::Option::Some(#ints)),)*),
                quote! {
                    let number: ::core::option::Option<i64> = match value {
                        #s::Value::I16(::core::option::Option::Some(n)) => ::core::option::Option::Some(n.into()),
                        #s::Value::I32(::core::option::Option::Some(n)) => ::core::option::Option::Some(n.into()),
                        #s::Value::I64(::core::option::Option::Some(n)) => ::core::option::Option::Some(n),
                        _ => ::core::option::Option::None,
                    };
                    match number {
                        #(::core::option::Option::Some(n) if n == #ints as i64 => ::core::result::Result::Ok(Self::#variants),)*
                        ::core::option::Option::Some(n) => ::core::result::Result::Err(::std::format!(
                            "{} is not a value of {} (one of: {})", n, #name, #valid
                        ).into()),
                        ::core::option::Option::None => ::core::result::Result::Err(::std::format!(
                            "expected the integer of a {}, got {}", #name, value
                        ).into()),
                    }
                },
                quote!(#s::Choices::Integer(&[#(#ints),*])),
            )
        }
    };
    quote! {
        #[allow(clippy::all)]
        const _: () = {
            impl #s::FieldType for #ident {
                const COLUMN: #s::ColumnType = #column;

                const CHOICES: ::core::option::Option<#s::Choices> = ::core::option::Option::Some(#check_values);

                fn to_value(&self) -> #s::Value {
                    match self {
                        #to_arms
                    }
                }

                #[allow(unreachable_patterns)]
                fn from_value(value: #s::Value) -> ::core::result::Result<Self, #s::DecodeError> {
                    #from_match
                }
            }
        };
    }
}
