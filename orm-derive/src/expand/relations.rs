//! The relation half of the generated code: foreign-key and
//! many-to-many `RelationMeta` statics, many-to-many join metadata and
//! accessors, and the small token helpers they share with the model's
//! own expansion.

use super::*;

/// The `T` of `ForeignKey<T>` / `OneToOne<T>` (inside an `Option` or not).
pub(super) fn relation_target(ty: &syn::Type) -> &syn::Type {
    crate::types::relation(ty).map_or(ty, |r| r.target)
}

/// `set_null` -> `SetNull`.
pub(super) fn on_delete_variant(name: &str) -> String {
    name.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// `Some("...")` or `None` as tokens.
pub(super) fn optional_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(v) => {
            let v = lit(v);
            quote!(::core::option::Option::Some(#v))
        }
        None => quote!(::core::option::Option::None),
    }
}

/// The metadata, relation statics and accessors of a `ManyToMany<T>`
/// field, and of its reverse accessor on `T`.
#[allow(clippy::too_many_arguments)]
pub(super) fn expand_many_to_many(
    p: &TokenStream,
    checked: &Checked,
    holder: &Holder,
    info: &CheckedHolder,
    m2m_metas: &mut Vec<TokenStream>,
    relation_statics: &mut Vec<TokenStream>,
    accessors: &mut Vec<TokenStream>,
    path_methods: &mut Vec<TokenStream>,
    reverse_impls: &mut Vec<TokenStream>,
    assertions: &mut Vec<TokenStream>,
) {
    let ident = checked.model.ident;
    let target = holder.target;
    let field_ident = holder.ident;
    let vis = holder.vis;
    let field_lit = lit(&field_name(field_ident));
    let source = lit(&info.source_column);
    let target_column = lit(&info.target_column);
    let (join_table, through) = match &holder.attrs.through {
        None => {
            let table = lit(&info.join_table);
            (quote!(#table), quote!(::core::option::Option::None))
        }
        Some(through) => {
            let path = &through.value;
            for column in [&info.source_column, &info.target_column] {
                let column_lit = lit(column);
                let message = lit(&format!(
                    "the `through` model of `{}.{}` needs a foreign key column `{column}` (the field `{}`)",
                    ident,
                    field_name(field_ident),
                    column.trim_end_matches("_id")
                ));
                assertions.push(quote_spanned! {through.span=>
                    const _: () = ::core::assert!(
                        #p::has_column(<#path as #p::Model>::META, #column_lit),
                        #message
                    );
                });
            }
            (
                quote!(""),
                quote_spanned!(through.span=> ::core::option::Option::Some(<#path as #p::Model>::__meta)),
            )
        }
    };
    let related_name = lit(info.related_name.as_ref().map_or("+", |r| r.value.as_str()));
    m2m_metas.push(quote! {
        #p::ManyToManyMeta {
            field: #field_lit,
            target: <#target as #p::Model>::__meta,
            join_table: #join_table,
            source_column: #source,
            target_column: #target_column,
            through: #through,
            related_name: #related_name,
        }
    });
    let rel_static = format_ident!("__STRATA_M2M_{}", field_name(field_ident));
    relation_statics.push(relation_static(
        p,
        RelStatic {
            ident: &rel_static,
            name: field_lit.clone(),
            kind: "ManyToMany",
            from: quote!(#ident),
            to: quote!(#target),
            column: quote!(""),
            nullable: quote!(true),
            join: Some([
                join_table.clone(),
                quote!(#source),
                quote!(#target_column),
                through.clone(),
            ]),
            holds: Holds::Many(field_ident),
        },
    ));
    let doc = format!(
        "The `{}` many-to-many relation, for queries and `prefetch_related`.",
        field_name(field_ident)
    );
    accessors.push(quote! {
        #[doc = #doc]
        #[inline]
        #[allow(dead_code)]
        #vis fn #field_ident() -> <#target as #p::Model>::Path<#ident, #p::Many> {
            <#target as #p::Model>::__path(#p::JoinPath::EMPTY.then(&#rel_static))
        }
    });
    path_methods.push(quote! {
        #[inline]
        #vis fn #field_ident(self) -> <#target as #p::Model>::Path<__StrataR, #p::Many> {
            <#target as #p::Model>::__path(self.path.then(&#rel_static))
        }
    });
    let Some(rn) = &info.related_name else {
        return;
    };
    let rev_static = format_ident!("__STRATA_M2M_REV_{}", field_name(field_ident));
    let rn_lit = lit(&rn.value);
    let rn_ident = syn::Ident::new(&rn.value, rn.span);
    relation_statics.push(relation_static(
        p,
        RelStatic {
            ident: &rev_static,
            name: rn_lit.clone(),
            kind: "ManyToMany",
            from: quote!(#target),
            to: quote!(#ident),
            column: quote!(""),
            nullable: quote!(true),
            join: Some([join_table, quote!(#target_column), quote!(#source), through]),
            holds: Holds::Reverse(&rn_lit),
        },
    ));
    let doc = format!(
        "The `{}` rows related to this one through `{}.{}` (reverse many-to-many), for queries and `prefetch_related`.",
        ident,
        ident,
        field_name(field_ident)
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

/// Where a relation's loaded rows are kept on the model it starts from.
pub(super) enum Holds<'a> {
    /// A `ForeignKey` / `OneToOne` field (also filled by select_related).
    One(&'a syn::Ident),
    /// A `ManyToMany<T>` field.
    Many(&'a syn::Ident),
    /// The `Reverse<T>` field named after the related_name, found at run
    /// time (the model declaring the relation cannot see it).
    Reverse(&'a syn::LitStr),
}

/// One relation's [`RelationMeta`] static.
pub(super) struct RelStatic<'a> {
    pub(super) ident: &'a syn::Ident,
    pub(super) name: syn::LitStr,
    /// A `RelationKind` variant.
    pub(super) kind: &'static str,
    pub(super) from: TokenStream,
    pub(super) to: TokenStream,
    pub(super) column: TokenStream,
    pub(super) nullable: TokenStream,
    /// Many-to-many: join table, its column to `from`, to `to`, through.
    pub(super) join: Option<[TokenStream; 4]>,
    pub(super) holds: Holds<'a>,
}

pub(super) fn relation_static(p: &TokenStream, r: RelStatic) -> TokenStream {
    let RelStatic {
        ident,
        name,
        kind,
        from,
        to,
        column,
        nullable,
        join,
        holds,
    } = r;
    let kind = format_ident!("{kind}");
    let [join_table, join_from, join_to, through] = join.unwrap_or_else(|| {
        [
            quote!(""),
            quote!(""),
            quote!(""),
            quote!(::core::option::Option::None),
        ]
    });
    let (attach, holder) = match holds {
        Holds::One(field) => (
            quote!(|obj, value| #p::attach::<#from, #to>(obj, value, |m| &mut m.#field as &mut dyn #p::HoldsRelated<#to>)),
            quote!(|m| ::core::result::Result::Ok(#p::Slot::One(&mut m.#field as &mut dyn #p::HoldsRelated<#to>))),
        ),
        Holds::Many(field) => (
            quote!(|_, _| {}),
            quote!(|m| ::core::result::Result::Ok(#p::Slot::Many(&mut m.#field))),
        ),
        Holds::Reverse(name) => (
            quote!(|_, _| {}),
            quote!(|m| #p::reverse_holder::<#from, #to>(m, #name)),
        ),
    };
    quote! {
        static #ident: #p::RelationMeta = #p::RelationMeta {
            name: #name,
            kind: #p::RelationKind::#kind,
            from: <#from as #p::Model>::__meta,
            to: <#to as #p::Model>::__meta,
            column: #column,
            nullable: #nullable,
            join_table: #join_table,
            join_from: #join_from,
            join_to: #join_to,
            through: #through,
            decode_target: #p::decode_related::<#to>,
            attach: #attach,
            query: #p::default_query::<#to>,
            prefetch: |parents, query| #p::prefetch_level::<#from, #to>(parents, query, #holder),
        };
    }
}

/// The lookups and assignments on a relation path to `ident` itself, by
/// row or key: `eq`, `ne`, `is_in`, `is_null` (on a path that may reach
/// no row), `set` / `set_null` (on the queryset model's own foreign key).
pub(super) fn path_lookup_methods(
    p: &TokenStream,
    ident: &syn::Ident,
    model_vis: &syn::Visibility,
) -> TokenStream {
    quote! {
        /// The row reached through this path is `target` (a row
        /// or its primary key): the foreign-key column is compared
        /// directly, without a join for a one-hop path.
        #[inline]
        #model_vis fn eq<__StrataK: #p::IntoKey<#ident>>(self, target: __StrataK) -> #p::Q<__StrataR> {
            #p::path_eq::<#ident, __StrataR>(self.path, #p::IntoKey::into_key(target))
        }

        /// The negation of `eq`: rows whose relation reaches
        /// another row, or none.
        #[inline]
        #model_vis fn ne<__StrataK: #p::IntoKey<#ident>>(self, target: __StrataK) -> #p::Q<__StrataR> {
            !#p::path_eq::<#ident, __StrataR>(self.path, #p::IntoKey::into_key(target))
        }

        /// The row reached through this path is one of `targets`:
        /// rows or primary keys, or a one-column values-queryset of
        /// keys (`IN (SELECT ...)`).
        #[inline]
        #model_vis fn is_in<__StrataK>(
            self,
            targets: impl #p::InTargets<#ident, __StrataK>,
        ) -> #p::Q<__StrataR> {
            #p::path_in::<#ident, __StrataR>(self.path, #p::InTargets::into_in(targets))
        }

        /// This path reaches no row (`true`: its nullable foreign
        /// key is `NULL`) or a row (`false`).
        #[inline]
        #model_vis fn is_null(self, is_null: ::core::primitive::bool) -> #p::Q<__StrataR>
        where
            __StrataC: #p::NullablePath,
        {
            #p::path_is_null::<#ident, __StrataR>(self.path, is_null)
        }

        /// Sets this foreign key of the queryset's model to
        /// `target` (a row or its primary key) in `update`.
        #[inline]
        #model_vis fn set<__StrataK: #p::IntoKey<#ident>>(self, target: __StrataK) -> #p::Assignment<__StrataR>
        where
            __StrataC: #p::OwnRelation,
        {
            #p::path_set::<__StrataR>(self.path, #p::IntoKey::into_key(target))
        }

        /// Sets this nullable foreign key of the queryset's model
        /// to `NULL` in `update`.
        #[inline]
        #model_vis fn set_null(self) -> #p::Assignment<__StrataR>
        where
            __StrataC: #p::OwnRelation + #p::NullablePath,
        {
            #p::path_set::<__StrataR>(self.path, #p::FieldType::to_value(&::core::option::Option::None::<<#ident as #p::Model>::Key>))
        }
    }
}
