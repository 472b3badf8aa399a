//! A syntactic look at field types: enough to give early, precise errors
//! (`max_length` on an integer, an unsigned key) before the trait system
//! has its say. Types strata does not recognise are left to the
//! `FieldType` bound, whose message names the type.

use syn::{GenericArgument, PathArguments, Type};

/// What a field's type looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Base {
    Int,
    /// `u8`, `u16` or `u32`, with its largest value.
    Unsigned(u32),
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
        "u8" => Base::Unsigned(u8::MAX.into()),
        "u16" => Base::Unsigned(u16::MAX.into()),
        "u32" => Base::Unsigned(u32::MAX),
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

/// Why a type that is never storable is rejected, and what to use instead,
/// given before the trait system reports it less helpfully.
pub(crate) struct Unsupported {
    /// What is wrong, e.g. "`u32` cannot be the type of a model field".
    pub problem: String,
    /// What to write instead.
    pub help: String,
}

fn unsupported(problem: impl Into<String>, help: impl Into<String>) -> Option<Unsupported> {
    Some(Unsupported {
        problem: problem.into(),
        help: help.into(),
    })
}

/// The reason `ty` can never be a field type, if it is one strata knows.
pub(crate) fn known_unsupported(ty: &Type) -> Option<Unsupported> {
    match ty {
        Type::Reference(_) => {
            return unsupported(
                "a model field cannot be a reference: a model owns its data",
                "use `String` rather than `&str`, `Vec<u8>` rather than `&[u8]`",
            )
        }
        Type::Tuple(_) | Type::Array(_) | Type::Slice(_) => {
            return unsupported(
                "a tuple, array or slice cannot be the type of a model field",
                "use `Vec<u8>` for bytes, `serde_json::Value` for structured data, or one field per column",
            )
        }
        _ => {}
    }
    let segment = last_segment(ty)?;
    let name = segment.ident.to_string();
    let cannot = format!("`{name}` cannot be the type of a model field");
    match name.as_str() {
        "u64" | "u128" | "usize" => unsupported(
            format!(
                "{cannot}: SQLite's and PostgreSQL's widest integer is a signed 64-bit one, \
                 which does not hold every `{name}`"
            ),
            "use u32 (stored exactly on every database) or i64",
        ),
        "i8" | "i128" | "isize" => unsupported(
            format!("{cannot}: databases have no portable column for it"),
            "use i16, i32 or i64",
        ),
        "char" => unsupported(cannot, "use `String` with `#[strata(max_length = 1)]`"),
        "Option" => {
            let inner = single_generic(segment)?;
            if option_inner(inner).is_some() {
                unsupported(
                    "`Option<Option<T>>` cannot be the type of a model field: a column is NULL or a value",
                    "use `Option<T>`",
                )
            } else {
                known_unsupported(inner)
            }
        }
        _ => None,
    }
}

/// A `ForeignKey<T>` / `OneToOne<T>` field, optionally in an `Option`.
pub(crate) struct RelationShape<'a> {
    pub target: &'a Type,
    pub one_to_one: bool,
    pub optional: bool,
}

/// The relation a field's type declares, if any.
pub(crate) fn relation(ty: &Type) -> Option<RelationShape<'_>> {
    let (inner, optional) = match option_inner(ty) {
        Some(inner) => (inner, true),
        None => (ty, false),
    };
    let segment = last_segment(inner)?;
    let one_to_one = match segment.ident.to_string().as_str() {
        "ForeignKey" => false,
        "OneToOne" => true,
        _ => return None,
    };
    Some(RelationShape {
        target: single_generic(segment)?,
        one_to_one,
        optional,
    })
}

/// The kind and `T` of a `ManyToMany<T>` / `Reverse<T>` field.
pub(crate) fn holder(ty: &Type) -> Option<(crate::ast::HolderKind, &Type)> {
    let segment = last_segment(ty)?;
    let kind = match segment.ident.to_string().as_str() {
        "ManyToMany" => crate::ast::HolderKind::ManyToMany,
        "Reverse" => crate::ast::HolderKind::Reverse,
        _ => return None,
    };
    Some((kind, single_generic(segment)?))
}

/// The name of the type a path ends with (`Tag` for `crate::tags::Tag`).
pub(crate) fn type_name(ty: &Type) -> Option<String> {
    last_segment(ty).map(|s| s.ident.to_string())
}
