//! Code generation from a checked model. Everything is named through
//! `::strata::__private` and lives inside `const _: () = { ... };`.

use crate::ast::{field_name, Holder, HolderKind, Model};
use crate::attr::lit;
use crate::check::{check, Checked, CheckedHolder};
use crate::ctxt::Ctxt;
use crate::naming::quoted;
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::DeriveInput;

mod column_meta;
mod relations;

use column_meta::{column_tokens, ColumnTokens};

use relations::{
    expand_many_to_many, optional_str, path_lookup_methods, relation_static, relation_target,
    Holds, RelStatic,
};

pub(crate) fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    let cx = Ctxt::default();
    let checked = Model::from_input(&cx, input).and_then(|model| check(&cx, model));
    if let Some(checked) = &checked {
        check_no_derived_default(&cx, input, checked);
    }
    cx.finish()?;
    // `check` returns None only after recording an error.
    let Some(checked) = checked else {
        return Err(syn::Error::new(Span::call_site(), "invalid model"));
    };
    Ok(expand(&checked))
}

/// A model with a `default_fn` gets its `Default` from the derive, so a
/// `#[derive(Default)]` beside it would be a second one.
fn check_no_derived_default(cx: &Ctxt, input: &DeriveInput, checked: &Checked) {
    let Some(field) = checked
        .model
        .fields
        .iter()
        .find(|f| f.attrs.default_fn.is_some())
    else {
        return;
    };
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("derive")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("Default") {
                cx.error(
                    &meta.path,
                    format!(
                        "`{}` has a `default_fn` field (`{}`), so #[derive(Model)] writes its `Default`\n  = help: remove `Default` from this derive; the generated one fills `default_fn` fields from their function and the others with their type's default",
                        checked.model.ident,
                        field_name(field.ident)
                    ),
                );
            }
            Ok(())
        });
    }
}

fn expand(checked: &Checked) -> TokenStream {
    let p = quote!(::strata::__private);
    let model = &checked.model;
    let ident = model.ident;
    let model_vis = model.vis;
    let name = lit(&ident.to_string());
    let table = lit(&checked.table);
    let column_count = checked.columns.len();
    let pk = checked.primary_key;

    let mut column_metas = Vec::new();
    let mut assertions = Vec::new();
    let mut accessors = Vec::new();
    let mut decoders = Vec::new();
    let mut decoded = Vec::new();
    let mut insert_values = Vec::new();
    let mut update_values = Vec::new();
    let mut relation_statics = Vec::new();
    let mut path_methods = Vec::new();
    let mut reverse_impls = Vec::new();
    let mut key_column = quote!();
    let mut stamps = Vec::new();
    let mut unset_checks = Vec::new();
    let mut db_default_reads = Vec::new();
    let mut default_inits = Vec::new();
    for (i, (field, column)) in model.fields.iter().zip(&checked.columns).enumerate() {
        let ty = field.ty;
        let field_ident = field.ident;
        let vis = field.vis;
        let field_lit = lit(&field_name(field_ident));
        let column_lit = lit(&column.name);
        let ColumnTokens {
            field_type,
            column_type,
            meta,
        } = column_tokens(&p, field, column, &mut assertions);
        let primary_key = column.primary_key;
        if primary_key {
            key_column = column_type.clone();
        }
        let auto_increment = column.auto_increment;
        let db_default = field.attrs.db_default.is_some();
        column_metas.push(meta);
        if column.relation.is_some() {
            let found = quote!(return ::core::option::Option::Some(#field_lit););
            unset_checks.push(if field.shape.optional {
                quote! {
                    if let ::core::option::Option::Some(fk) = &self.#field_ident {
                        if #p::HoldsKey::is_unset(fk) { #found }
                    }
                }
            } else {
                quote!(if #p::HoldsKey::is_unset(&self.#field_ident) { #found })
            });
        }
        if let Some(relation) = &column.relation {
            let target = relation_target(field.ty);
            let rel_static = format_ident!("__STRATA_REL_{}", field_name(field_ident));
            relation_statics.push(relation_static(
                &p,
                RelStatic {
                    ident: &rel_static,
                    name: field_lit.clone(),
                    kind: "Forward",
                    from: quote!(#ident),
                    to: quote!(#target),
                    column: quote!(#column_lit),
                    nullable: quote!(#field_type::NULLABLE),
                    join: None,
                    holds: Holds::One(field_ident),
                },
            ));
            let doc = format!(
                "The `{}` relation, for queries: its fields, or `select_related`.",
                field_name(field_ident)
            );
            // The path's cardinality says whether it may reach no row
            // (for `is_null`) and whether it is the model's own key (for
            // `set`).
            let (own_card, hop_card) = if field.shape.optional {
                (quote!(#p::OwnNullableKey), quote!(#p::MaybeOne))
            } else {
                (quote!(#p::OwnKey), quote!(#p::One))
            };
            accessors.push(quote! {
                #[doc = #doc]
                #[inline]
                #[allow(dead_code)]
                #vis fn #field_ident() -> <#target as #p::Model>::Path<#ident, #own_card> {
                    <#target as #p::Model>::__path(#p::JoinPath::EMPTY.then(&#rel_static))
                }
            });
            path_methods.push(quote! {
                #[inline]
                #vis fn #field_ident(self) -> <#target as #p::Model>::Path<__StrataR, <__StrataC as #p::Cardinality>::Then<#hop_card>> {
                    <#target as #p::Model>::__path(self.path.then(&#rel_static))
                }
            });
            if relation.related_name.value != "+" {
                let rev_static = format_ident!("__STRATA_REV_{}", field_name(field_ident));
                let rn = &relation.related_name;
                let rn_lit = lit(&rn.value);
                let rn_ident = syn::Ident::new(&rn.value, rn.span);
                relation_statics.push(relation_static(
                    &p,
                    RelStatic {
                        ident: &rev_static,
                        name: rn_lit.clone(),
                        kind: "Reverse",
                        from: quote!(#target),
                        to: quote!(#ident),
                        column: quote!(#column_lit),
                        nullable: quote!(true),
                        join: None,
                        holds: Holds::Reverse(&rn_lit),
                    },
                ));
                let doc = format!(
                    "The `{}` rows referring to this one through `{}.{}` (reverse relation), for queries and `prefetch_related`.",
                    ident, ident, field_name(field_ident)
                );
                reverse_impls.push(quote_spanned! {rn.span=>
                    impl #target {
                        #[doc = #doc]
                        #[inline]
                        #[allow(dead_code)]
                        #vis fn #rn_ident() -> <#ident as #p::Model>::Path<#target, #p::Many> {
                            <#ident as #p::Model>::__path(#p::JoinPath::EMPTY.then(&#rev_static))
                        }
                    }
                });
            }
        } else {
            let doc = format!("The `{}` field, for queries.", field_name(field_ident));
            accessors.push(quote! {
                #[doc = #doc]
                #[inline]
                #[allow(dead_code)]
                #vis const fn #field_ident() -> #p::Field<#ident, #ty> {
                    #p::Field::new(&__STRATA_COLUMNS[#i])
                }
            });
            path_methods.push(quote! {
                #[inline]
                #vis fn #field_ident(self) -> #p::Field<__StrataR, #ty, <__StrataC as #p::Cardinality>::Field> {
                    #p::Field::joined(&__STRATA_COLUMNS[#i], self.path)
                }
            });
        }
        // A `match` with an early return rather than `?`: no `Try` and
        // `FromResidual` calls per field in a debug build.
        // Locals of the derive's own names: a field may be named `row`.
        let local = format_ident!("__strata_f{}", i);
        decoders.push(quote! {
            let #local = match #p::decode_field::<#ty>(row, offset + #i, &__STRATA_META, #i) {
                ::core::result::Result::Ok(value) => value,
                ::core::result::Result::Err(error) => return ::core::result::Result::Err(error),
            };
        });
        decoded.push(quote!(#field_ident: #local));
        // Spanned on the field's type, like every other use of `FieldType`,
        // so an unsupported type is reported once, on the type.
        if db_default {
            db_default_reads.push(quote_spanned!(ty.span()=>
                self.#field_ident = #p::db_default_value::<Self, #ty>(&mut values, #i, dialect)?;
            ));
        } else if !auto_increment {
            insert_values.push(quote!(out.push(#field_type::to_value(&self.#field_ident));));
        }
        default_inits.push(match &field.attrs.default_fn {
            Some(path) => {
                let path = &path.value;
                quote_spanned!(path.span()=> #field_ident: #path())
            }
            // Spanned on the type: a type without `Default` is reported there.
            None => quote_spanned!(ty.span()=> #field_ident: ::core::default::Default::default()),
        });
        if field.attrs.auto_now.is_some() {
            // `save` takes `&self`: the row gets the current time, the
            // object keeps its value until `refresh`.
            let now = quote_spanned!(ty.span()=> <#ty as #p::AutoNowField>::now());
            update_values.push(quote!(out.push(#field_type::to_value(&#now));));
            stamps.push(quote!(self.#field_ident = #now;));
        } else if !primary_key {
            update_values.push(quote!(out.push(#field_type::to_value(&self.#field_ident));));
        }
        if field.attrs.auto_now_add.is_some() {
            let now = quote_spanned!(ty.span()=> <#ty as #p::AutoNowField>::now());
            stamps.push(quote!(if inserting { self.#field_ident = #now; }));
        }
    }
    let unset_fn = if unset_checks.is_empty() {
        quote!()
    } else {
        quote! {
            fn __unset_relation(&self) -> ::core::option::Option<&'static ::core::primitive::str> {
                #(#unset_checks)*
                ::core::option::Option::None
            }
        }
    };
    let db_default_fn = if db_default_reads.is_empty() {
        quote!()
    } else {
        quote! {
            fn __set_db_defaults(
                &mut self,
                values: #p::Vec<#p::Value>,
                dialect: #p::Dialect,
            ) -> #p::Result<()> {
                let mut values = values.into_iter();
                #(#db_default_reads)*
                ::core::result::Result::Ok(())
            }
        }
    };
    let stamp_fn = if stamps.is_empty() {
        quote!()
    } else {
        quote! {
            fn __stamp_auto_now(&mut self, inserting: ::core::primitive::bool) {
                #(#stamps)*
            }
        }
    };

    let mut m2m_metas = Vec::new();
    let mut holder_inits = Vec::new();
    let mut holder_arms = Vec::new();
    for (holder, checked_holder) in model.holders.iter().zip(&checked.holders) {
        let field_ident = holder.ident;
        let field_lit = lit(&field_name(field_ident));
        holder_inits.push(quote!(#field_ident: #p::Related::new()));
        holder_arms.push(quote!(#field_lit => ::core::option::Option::Some(&mut self.#field_ident as &mut (dyn #p::Any + ::core::marker::Send))));
        if holder.kind == HolderKind::Reverse {
            // A reverse hop after others (`Post::author().posts()`): the
            // reverse accessor the relation's model generates, joined on.
            let target = holder.target;
            let vis = holder.vis;
            path_methods.push(quote_spanned! {field_ident.span()=>
                #[inline]
                #vis fn #field_ident(self) -> <#target as #p::Model>::Path<__StrataR, #p::Many> {
                    <#target as #p::Model>::__path(self.path.join(&#p::RelationPath::<#ident>::join_path(&#ident::#field_ident())))
                }
            });
            continue;
        }
        expand_many_to_many(
            &p,
            checked,
            holder,
            checked_holder,
            &mut m2m_metas,
            &mut relation_statics,
            &mut accessors,
            &mut path_methods,
            &mut reverse_impls,
            &mut assertions,
        );
    }
    let holder_fn = if holder_arms.is_empty() {
        quote!()
    } else {
        quote! {
            fn __holder(&mut self, name: &::core::primitive::str) -> ::core::option::Option<&mut (dyn #p::Any + ::core::marker::Send)> {
                match name {
                    #(#holder_arms,)*
                    _ => ::core::option::Option::None,
                }
            }
        }
    };

    let default_impl = if model.fields.iter().any(|f| f.attrs.default_fn.is_some()) {
        let holder_defaults = model.holders.iter().map(|h| {
            let field_ident = h.ident;
            quote!(#field_ident: ::core::default::Default::default())
        });
        quote! {
            /// Every field's `default_fn` value, or its type's default.
            impl ::core::default::Default for #ident {
                fn default() -> Self {
                    #ident { #(#default_inits,)* #(#holder_defaults,)* }
                }
            }
        }
    } else {
        quote!()
    };

    let pk_field = model.fields[pk].ident;
    let pk_ty = model.fields[pk].ty;
    let pk_field_type = quote_spanned!(pk_ty.span()=> <#pk_ty as #p::FieldType>);
    let set_generated_pk = if checked.columns[pk].auto_increment {
        quote! {
            self.#pk_field = #p::generated_pk::<Self, #pk_ty>(id)?;
            ::core::result::Result::Ok(())
        }
    } else {
        quote! {
            let _ = id;
            ::core::result::Result::Ok(())
        }
    };

    let index_metas = checked.indexes.iter().map(|index| {
        let name = lit(&index.name);
        let columns = index.columns.iter().map(|c| lit(c));
        quote!(#p::IndexMeta { name: #name, columns: &[#(#columns),*], unique: false })
    });
    let index_count = checked.indexes.len();
    let unique_metas = checked.uniques.iter().map(|unique| {
        let name = lit(&unique.name);
        let columns = unique.columns.iter().map(|c| lit(c));
        quote!(#p::UniqueMeta { name: #name, columns: &[#(#columns),*] })
    });
    let unique_count = checked.uniques.len();
    let ordering_metas = checked
        .ordering
        .iter()
        .map(|(column, descending)| quote!(#p::OrderingMeta { column: #column, descending: #descending }));

    let model_renamed_from =
        optional_str(model.attrs.renamed_from.as_ref().map(|r| r.value.as_str()));
    let names: Vec<&str> = checked.columns.iter().map(|c| c.name.as_str()).collect();
    let ansi = lit(&names
        .iter()
        .map(|n| quoted(n, '"'))
        .collect::<Vec<_>>()
        .join(", "));
    let mysql = lit(&names
        .iter()
        .map(|n| quoted(n, '`'))
        .collect::<Vec<_>>()
        .join(", "));

    let path_lookups = path_lookup_methods(&p, ident, model_vis);
    quote! {
        #[allow(non_upper_case_globals, clippy::all)]
        const _: () = {
            static __STRATA_COLUMNS: [#p::ColumnMeta; #column_count] = [#(#column_metas),*];
            static __STRATA_INDEXES: [#p::IndexMeta; #index_count] = [#(#index_metas),*];
            static __STRATA_UNIQUES: [#p::UniqueMeta; #unique_count] = [#(#unique_metas),*];
            static __STRATA_META: #p::ModelMeta = #p::ModelMeta {
                name: #name,
                module_path: ::core::module_path!(),
                table: #table,
                columns: &__STRATA_COLUMNS,
                primary_key: #pk,
                indexes: &__STRATA_INDEXES,
                unique_constraints: &__STRATA_UNIQUES,
                many_to_many: &[#(#m2m_metas),*],
                renamed_from: #model_renamed_from,
                select_list: #p::QuotedList { ansi: #ansi, mysql: #mysql },
                ordering: &[#(#ordering_metas),*],
            };

            #(#relation_statics)*

            #(#assertions)*

            #p::inventory::submit! { #p::Registration(&__STRATA_META) }

            /// `#ident`'s fields seen through a relation path from a
            /// queryset of `__StrataR`. The generic parameters and helper items
            /// are named so that no user type can shadow them.
            #model_vis struct __StrataPath<__StrataR, __StrataC> {
                path: #p::JoinPath,
                _marker: ::core::marker::PhantomData<fn() -> (__StrataR, __StrataC)>,
            }

            #[allow(dead_code)]
            impl<__StrataR: 'static, __StrataC: #p::Cardinality> __StrataPath<__StrataR, __StrataC> {
                #(#path_methods)*

                /// Continues the path with `next`, a relation path that
                /// starts at this model: `Author::posts().then(Post::tags())`.
                #[inline]
                #model_vis fn then<__StrataP: #p::RelationPath<#ident>>(
                    self,
                    next: __StrataP,
                ) -> <__StrataP::Target as #p::Model>::Path<__StrataR, <__StrataC as #p::Cardinality>::Then<__StrataP::Card>> {
                    <__StrataP::Target as #p::Model>::__path(self.path.join(&next.join_path()))
                }

                #path_lookups

                /// Some row reached through this path satisfies the whole of
                /// `condition` (an `EXISTS` subquery): Django's several
                /// lookups in one `filter()` call on a multi-valued relation.
                #[inline]
                #model_vis fn any(self, condition: impl #p::IntoCondition<#ident>) -> #p::Q<__StrataR> {
                    #p::exists(self.path, #p::IntoCondition::into_condition(condition))
                }
            }

            #[diagnostic::do_not_recommend]
            impl<__StrataR: 'static, __StrataC: #p::Cardinality> #p::RelationPath<__StrataR> for __StrataPath<__StrataR, __StrataC> {
                type Target = #ident;
                type Card = __StrataC;
                fn join_path(&self) -> #p::JoinPath {
                    self.path
                }
            }

            #[diagnostic::do_not_recommend]
            impl<__StrataR: 'static, __StrataC: #p::Cardinality> #p::IntoPrefetch<__StrataR> for __StrataPath<__StrataR, __StrataC> {
                fn into_prefetch(self) -> #p::Prefetch<__StrataR> {
                    #p::Prefetch::new(self)
                }
            }

            #[diagnostic::do_not_recommend]
            impl<__StrataR, __StrataC: #p::SingleValued> #p::SelectRelated<__StrataR> for __StrataPath<__StrataR, __StrataC> {
                fn join_path(&self) -> #p::JoinPath {
                    self.path
                }
            }

            impl #p::Model for #ident {
                const META: &'static #p::ModelMeta = &__STRATA_META;

                #[inline]
                fn __meta() -> &'static #p::ModelMeta {
                    &__STRATA_META
                }

                type Key = #pk_ty;

                const KEY_COLUMN: #p::ColumnType = #key_column;

                type Path<__StrataR: 'static, __StrataC: #p::Cardinality> = __StrataPath<__StrataR, __StrataC>;

                fn __path<__StrataR: 'static, __StrataC: #p::Cardinality>(path: #p::JoinPath) -> __StrataPath<__StrataR, __StrataC> {
                    __StrataPath { path, _marker: ::core::marker::PhantomData }
                }

                fn pk(&self) -> #pk_ty {
                    ::core::clone::Clone::clone(&self.#pk_field)
                }

                fn from_row(row: &#p::Row, offset: ::core::primitive::usize) -> #p::Result<Self> {
                    #(#decoders)*
                    ::core::result::Result::Ok(#ident { #(#decoded,)* #(#holder_inits,)* })
                }

                #holder_fn

                #stamp_fn

                #db_default_fn

                #unset_fn

                fn write_insert_values(&self, out: &mut #p::Vec<#p::Value>) {
                    #(#insert_values)*
                }

                fn write_update_values(&self, out: &mut #p::Vec<#p::Value>) {
                    #(#update_values)*
                }

                fn pk_value(&self) -> #p::Value {
                    #pk_field_type::to_value(&self.#pk_field)
                }

                fn set_generated_pk(&mut self, id: ::core::primitive::i64) -> #p::Result<()> {
                    #set_generated_pk
                }
            }

            impl #ident {
                #(#accessors)*
            }

            #default_impl

            #(#reverse_impls)*
        };
    }
}
