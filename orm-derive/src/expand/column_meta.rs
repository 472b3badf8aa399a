//! The `ColumnMeta` of one field: its column type (with `max_length` and
//! precision), flags, default, foreign key, former name and `auto_now`.

use crate::ast::Field;
use crate::attr::{lit, DbDefaultAttr, DefaultLit};
use crate::check::Column;
use crate::types::Base;
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::relations::{on_delete_variant, optional_str, relation_target};

/// What the rest of the expansion reuses of one field's column.
pub(super) struct ColumnTokens {
    /// `<T as FieldType>`, spanned on the field's type.
    pub field_type: TokenStream,
    /// The column type expression.
    pub column_type: TokenStream,
    /// The `ColumnMeta { .. }` expression.
    pub meta: TokenStream,
}

/// The column of `field`; compile-time assertions on its options go to
/// `assertions`.
pub(super) fn column_tokens(
    p: &TokenStream,
    field: &Field<'_>,
    column: &Column,
    assertions: &mut Vec<TokenStream>,
) -> ColumnTokens {
    let ty = field.ty;
    let field_lit = lit(&crate::ast::field_name(field.ident));
    let column_lit = lit(&column.name);
    let field_type = quote_spanned!(ty.span()=> <#ty as #p::FieldType>);
    let mut column_type = quote!(#field_type::COLUMN);
    if let Some(max_length) = &field.attrs.max_length {
        let n = max_length.value;
        column_type = quote!(#column_type.with_max_length(#n));
        if field.shape.base == Base::Other {
            assertions.push(quote_spanned!(max_length.span=>
                const _: () = ::core::assert!(
                    #field_type::COLUMN.is_text(),
                    "`max_length` only applies to fields stored as text"
                );
            ));
        }
    }
    if let (Some(digits), Some(places)) = (&field.attrs.max_digits, &field.attrs.decimal_places) {
        let (d, s) = (digits.value, places.value);
        column_type = quote!(#column_type.with_precision(#d, #s));
    }
    let primary_key = column.primary_key;
    let auto_increment = column.auto_increment;
    let one_to_one = column.relation.as_ref().is_some_and(|r| r.one_to_one);
    let unique = (field.attrs.unique.is_some() || one_to_one) && !primary_key;
    let index = field.attrs.index.is_some();
    let db_default = field.attrs.db_default.is_some();
    let literal = match field.attrs.db_default.as_ref().map(|d| &d.value) {
        Some(DbDefaultAttr::Lit(lit)) => Some(lit),
        Some(DbDefaultAttr::Now) => None,
        None => field.attrs.default.as_ref().map(|d| &d.value),
    };
    let default = match literal {
        None if db_default => quote!(::core::option::Option::Some(#p::DefaultValue::Now)),
        None => quote!(::core::option::Option::None),
        Some(DefaultLit::Bool(b)) => {
            quote!(::core::option::Option::Some(#p::DefaultValue::Bool(#b)))
        }
        Some(DefaultLit::Int(v)) => {
            quote!(::core::option::Option::Some(#p::DefaultValue::Int(#v)))
        }
        Some(DefaultLit::Float(v)) => {
            quote!(::core::option::Option::Some(#p::DefaultValue::Float(#v)))
        }
        Some(DefaultLit::Str(s)) => {
            let s = lit(s);
            quote!(::core::option::Option::Some(#p::DefaultValue::Str(#s)))
        }
    };
    let foreign_key = match &column.relation {
        None => quote!(::core::option::Option::None),
        Some(relation) => {
            let target = relation_target(field.ty);
            let on_delete = format_ident!("{}", on_delete_variant(&relation.on_delete));
            let related_name = lit(&relation.related_name.value);
            let one_to_one = relation.one_to_one;
            quote!(::core::option::Option::Some(#p::ForeignKeyMeta {
                target: <#target as #p::Model>::__meta,
                on_delete: #p::OnDelete::#on_delete,
                related_name: #related_name,
                one_to_one: #one_to_one,
            }))
        }
    };
    let renamed_from = optional_str(field.attrs.renamed_from.as_ref().map(|r| r.value.as_str()));
    let auto_now = format_ident!(
        "{}",
        match (&field.attrs.auto_now, &field.attrs.auto_now_add) {
            (Some(_), _) => "Always",
            (None, Some(_)) => "OnInsert",
            (None, None) => "Never",
        }
    );
    let meta = quote! {
        #p::ColumnMeta {
            field: #field_lit,
            column: #column_lit,
            ty: #column_type,
            nullable: #field_type::NULLABLE,
            primary_key: #primary_key,
            auto_increment: #auto_increment,
            unique: #unique,
            index: #index,
            default: #default,
            db_default: #db_default,
            foreign_key: #foreign_key,
            renamed_from: #renamed_from,
            auto_now: #p::AutoNow::#auto_now,
            choices: #field_type::CHOICES,
        }
    };
    ColumnTokens {
        field_type,
        column_type,
        meta,
    }
}
