//! The struct as strata sees it, built from `syn` input and attributes.

use crate::attr::{parse_field_attrs, parse_model_attrs, FieldAttrs, ModelAttrs};
use crate::ctxt::Ctxt;
use crate::types::{holder, shape, Shape};
use syn::{Data, DeriveInput, Fields, Ident, Type, Visibility};

pub(crate) struct Model<'a> {
    pub ident: &'a Ident,
    pub vis: &'a Visibility,
    pub attrs: ModelAttrs,
    /// The fields stored in columns.
    pub fields: Vec<Field<'a>>,
    /// `ManyToMany<T>` and `Reverse<T>` fields: related rows, no column.
    pub holders: Vec<Holder<'a>>,
}

/// What a holder field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HolderKind {
    ManyToMany,
    Reverse,
}

/// A `ManyToMany<T>` / `Reverse<T>` field.
pub(crate) struct Holder<'a> {
    pub ident: &'a Ident,
    pub vis: &'a Visibility,
    pub kind: HolderKind,
    pub target: &'a Type,
    pub attrs: FieldAttrs,
}

pub(crate) struct Field<'a> {
    pub ident: &'a Ident,
    pub vis: &'a Visibility,
    pub ty: &'a Type,
    pub shape: Shape,
    pub attrs: FieldAttrs,
}

impl<'a> Model<'a> {
    /// Parses `input`; `None` when it is not a struct with named fields
    /// (the reason is in `cx`).
    pub(crate) fn from_input(cx: &Ctxt, input: &'a DeriveInput) -> Option<Model<'a>> {
        let attrs = parse_model_attrs(cx, &input.attrs);
        if !input.generics.params.is_empty() {
            cx.error(
                &input.generics,
                "strata models cannot be generic\n  = help: a model maps to one table; remove the type parameters",
            );
        }
        let named = match &input.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(named) => named,
                Fields::Unnamed(_) => {
                    cx.error(
                        &input.ident,
                        "#[derive(Model)] needs a struct with named fields, not a tuple struct\n  = help: name each field: `struct Post { id: i64, title: String }`",
                    );
                    return None;
                }
                Fields::Unit => {
                    cx.error(
                        &input.ident,
                        "#[derive(Model)] needs a struct with named fields, not a unit struct\n  = help: add fields, at least a primary key: `struct Post { id: i64 }`",
                    );
                    return None;
                }
            },
            Data::Enum(data) => {
                cx.error(
                    data.enum_token,
                    "#[derive(Model)] works on structs, not enums\n  = help: to store an enum in a column, implement `strata::FieldType` for it",
                );
                return None;
            }
            Data::Union(data) => {
                cx.error(
                    data.union_token,
                    "#[derive(Model)] works on structs, not unions",
                );
                return None;
            }
        };
        let mut fields = Vec::new();
        let mut holders = Vec::new();
        for f in &named.named {
            let Some(ident) = f.ident.as_ref() else {
                continue;
            };
            let attrs = parse_field_attrs(cx, &f.attrs);
            match holder(&f.ty) {
                Some((kind, target)) => holders.push(Holder {
                    ident,
                    vis: &f.vis,
                    kind,
                    target,
                    attrs,
                }),
                None => fields.push(Field {
                    ident,
                    vis: &f.vis,
                    ty: &f.ty,
                    shape: shape(&f.ty),
                    attrs,
                }),
            }
        }
        Some(Model {
            ident: &input.ident,
            vis: &input.vis,
            attrs,
            fields,
            holders,
        })
    }
}

/// The field's name without a raw-identifier prefix.
pub(crate) fn field_name(ident: &Ident) -> String {
    let name = ident.to_string();
    name.strip_prefix("r#").map(str::to_string).unwrap_or(name)
}
