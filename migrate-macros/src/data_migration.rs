//! `#[data_migration]`: parse the attribute and the function, check the
//! function's shape, then register a wrapper of it with `inventory`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, LitStr, ReturnType};

/// The attribute's arguments: an optional `name = "..."`.
fn parse_name(args: TokenStream, item: &ItemFn) -> syn::Result<LitStr> {
    let mut name = None;
    if !args.is_empty() {
        let parser = syn::meta::parser(|meta| {
            if meta.path.is_ident("name") {
                let value: LitStr = meta.value()?.parse()?;
                let text = value.value();
                if !is_identifier(&text) {
                    return Err(syn::Error::new(
                        value.span(),
                        "the name must be a Rust identifier (letters, digits and `_`)",
                    ));
                }
                name = Some(value);
                Ok(())
            } else {
                Err(meta.error(
                    "unknown argument of #[data_migration]\n\
                     help: the only argument is `name = \"...\"`, the name migration files \
                     call the function by",
                ))
            }
        });
        syn::parse::Parser::parse2(parser, args)?;
    }
    let ident = &item.sig.ident;
    let raw = ident.to_string();
    Ok(name.unwrap_or_else(|| LitStr::new(raw.strip_prefix("r#").unwrap_or(&raw), ident.span())))
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Every problem with the function's shape, collected before stopping.
fn check(item: &ItemFn) -> syn::Result<()> {
    let shape =
        "help: write `async fn name(tx: &mut strata::Transaction<'_>) -> strata::Result<()>`";
    let mut errors: Vec<syn::Error> = Vec::new();
    let sig = &item.sig;
    if sig.asyncness.is_none() {
        errors.push(syn::Error::new(
            sig.fn_token.span(),
            format!("a data migration must be an `async fn`\n{shape}"),
        ));
    }
    if sig.inputs.len() != 1 || matches!(sig.inputs.first(), Some(FnArg::Receiver(_))) {
        let span = if sig.inputs.is_empty() {
            sig.paren_token.span.join()
        } else {
            sig.inputs.span()
        };
        errors.push(syn::Error::new(
            span,
            format!("a data migration takes exactly one argument, the transaction\n{shape}"),
        ));
    }
    if let Some(param) = sig.generics.type_params().next() {
        errors.push(syn::Error::new(
            param.span(),
            format!("a data migration cannot be generic\n{shape}"),
        ));
    }
    if matches!(sig.output, ReturnType::Default) {
        errors.push(syn::Error::new(
            sig.span(),
            format!("a data migration returns `strata::Result<()>`\n{shape}"),
        ));
    }
    let mut errors = errors.into_iter();
    match errors.next() {
        None => Ok(()),
        Some(mut first) => {
            errors.for_each(|e| first.combine(e));
            Err(first)
        }
    }
}

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let item: ItemFn = syn::parse2(item)?;
    let name = parse_name(args, &item)?;
    check(&item)?;
    let ident = &item.sig.ident;
    // A wrong argument type is reported on the user's type, not on the
    // attribute.
    let arg_span = match item.sig.inputs.first() {
        Some(FnArg::Typed(arg)) => arg.ty.span(),
        _ => ident.span(),
    };
    let tx = quote_spanned!(arg_span=> tx);
    let p = quote!(::strata_migrate::__private);
    Ok(quote! {
        #item

        const _: () = {
            fn __strata_data_migration<'a, 'c>(
                tx: &'a mut #p::Transaction<'c>,
            ) -> #p::DataMigrationFuture<'a> {
                #p::Box::pin(#ident(#tx))
            }
            #p::inventory::submit! {
                #p::DataMigration::__new(#name, ::core::module_path!(), __strata_data_migration)
            }
        };
    })
}
