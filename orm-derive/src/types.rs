//! A syntactic look at field types: enough to give early, precise errors
//! (`max_length` on an integer, an unsigned key) before the trait system
//! has its say. Types strata does not recognise are left to the
//! `FieldType` bound, whose message names the type.

use syn::{GenericArgument, PathArguments, Type};

/// What a field's type looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Base {
    Int,
    Float,
    Bool,
    String,
    Bytes,
    Date,
    Time,
    DateTime,
    DateTimeUtc,
    Uuid,
    Decimal,
    Json,
    /// A type strata does not recognise by name (perhaps a user's
    /// `FieldType`).
    Other,
}

/// A field type: its base, and whether it is wrapped in `Option`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shape {
    pub base: Base,
    pub optional: bool,
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        Type::Group(g) => last_segment(&g.elem),
        Type::Paren(p) => last_segment(&p.elem),
        _ => None,
    }
}

fn single_generic(segment: &syn::PathSegment) -> Option<&Type> {
    match &segment.arguments {
        PathArguments::AngleBracketed(args) if args.args.len() == 1 => match &args.args[0] {
            GenericArgument::Type(t) => Some(t),
            _ => None,
        },
        _ => None,
    }
}

/// The `T` of `Option<T>`, if `ty` is an `Option`.
pub(crate) fn option_inner(ty: &Type) -> Option<&Type> {
    let segment = last_segment(ty)?;
    if segment.ident == "Option" {
        single_generic(segment)
    } else {
        None
    }
}

pub(crate) fn shape(ty: &Type) -> Shape {
    let (inner, optional) = match option_inner(ty) {
        Some(inner) => (inner, true),
        None => (ty, false),
    };
    Shape {
        base: base(inner),
        optional,
    }
}

fn base(ty: &Type) -> Base {
    let Some(segment) = last_segment(ty) else {
        return Base::Other;
    };
    match segment.ident.to_string().as_str() {
        "i16" | "i32" | "i64" => Base::Int,
        "f32" | "f64" => Base::Float,
        "bool" => Base::Bool,
        "String" => Base::String,
        "Vec"
            if single_generic(segment)
                .and_then(last_segment)
                .is_some_and(|s| s.ident == "u8") =>
        {
            Base::Bytes
        }
        "NaiveDate" => Base::Date,
        "NaiveTime" => Base::Time,
        "NaiveDateTime" => Base::DateTime,
        "DateTime" => Base::DateTimeUtc,
        "Uuid" => Base::Uuid,
        "Decimal" => Base::Decimal,
        "Value" if is_serde_json(ty) => Base::Json,
        _ => Base::Other,
    }
}

fn is_serde_json(ty: &Type) -> bool {
    match ty {
        Type::Path(p) => p.path.segments.iter().any(|s| s.ident == "serde_json"),
        _ => false,
    }
}

/// A hint for types that are never storable, given before the trait
/// system reports them less helpfully.
pub(crate) fn known_unsupported(ty: &Type) -> Option<String> {
    match ty {
        Type::Reference(_) => {
            return Some("model fields must own their data: use `String` or `Vec<u8>` rather than a reference".into())
        }
        Type::Tuple(_) | Type::Array(_) | Type::Slice(_) => {
            return Some("tuples, arrays and slices cannot be columns; use `Vec<u8>` for bytes or `serde_json::Value` for structured data".into())
        }
        _ => {}
    }
    let segment = last_segment(ty)?;
    let name = segment.ident.to_string();
    let hint = match name.as_str() {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => {
            format!("`{name}` is not supported: databases have no portable unsigned integers; use i16, i32 or i64")
        }
        "i8" | "i128" | "isize" => format!("`{name}` is not supported; use i16, i32 or i64"),
        "char" => "`char` is not supported; use `String` with `#[strata(max_length = 1)]`".into(),
        "Option" => {
            let inner = single_generic(segment)?;
            if option_inner(inner).is_some() {
                "`Option<Option<T>>` is not supported: a column is NULL or a value".into()
            } else {
                return known_unsupported(inner);
            }
        }
        _ => return None,
    };
    Some(hint)
}
