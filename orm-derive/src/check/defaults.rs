//! The checks of a field's default and its automatic values: `default`,
//! `db_default`, `default_fn`, `auto_now` / `auto_now_add`, each against
//! the field's type and the others.

use crate::ast::{field_name, Field};
use crate::attr::{DbDefaultAttr, DefaultLit, Spanned};
use crate::ctxt::Ctxt;
use crate::types::{relation, Base};

/// `auto_now` / `auto_now_add`: one of them, on a date or time field that
/// nothing else fills.
pub(super) fn check_auto_now(cx: &Ctxt, field: &Field) {
    let attrs = &field.attrs;
    let (span, key) = match (attrs.auto_now, attrs.auto_now_add) {
        (None, None) => return,
        (Some(_), Some(second)) => {
            cx.error_at(
                second,
                "`auto_now` and `auto_now_add` cannot both be set\n  = help: `auto_now` already sets the field on insert; keep one",
            );
            return;
        }
        (Some(span), None) => (span, "auto_now"),
        (None, Some(span)) => (span, "auto_now_add"),
    };
    let name = field_name(field.ident);
    let is_time = matches!(
        field.shape.base,
        Base::Date | Base::Time | Base::DateTime | Base::DateTimeUtc
    );
    if relation(field.ty).is_some() || !(is_time || field.shape.base == Base::Other) {
        cx.error_at(
            span,
            format!("`{key}` only applies to date and time fields, and `{name}` is not one\n  = help: use it on a `chrono::NaiveDate`, `NaiveTime`, `NaiveDateTime` or `DateTime<Utc>` field (or an `Option` of one)"),
        );
    }
    if attrs.primary_key.is_some() {
        cx.error_at(span, format!("`{key}` cannot be set on the primary key"));
    }
    if let Some(default) = &attrs.default {
        cx.error_at(
            default.span,
            format!("`{name}` has `{key}`, which fills it on every write it applies to: a `default` would never be used\n  = help: remove `default`"),
        );
    }
}

/// `db_default`: alone (no `default`, `auto_now*`, `default_fn`), not on
/// the key, `now` on a date or time field and a literal of the field's
/// type.
pub(super) fn check_db_default(cx: &Ctxt, field: &Field) {
    let attrs = &field.attrs;
    let Some(db_default) = &attrs.db_default else {
        return;
    };
    let name = field_name(field.ident);
    if let Some(default) = &attrs.default {
        cx.error_at(
            default.span,
            format!("`{name}` has both `default` and `db_default`: keep one\n  = help: `default = ..` is sent by strata like any value (and is also the column's DDL default); `db_default = ..` lets the database fill the column on insert"),
        );
    }
    if let Some(span) = attrs.auto_now.or(attrs.auto_now_add) {
        cx.error_at(
            span,
            format!("`{name}` has `db_default` and an `auto_now` option: keep one\n  = help: `db_default = now` has the database stamp the insert; `auto_now_add` has strata do it"),
        );
    }
    if let Some(default_fn) = &attrs.default_fn {
        cx.error_at(
            default_fn.span,
            format!("`{name}` has `db_default`, so the database fills it on insert: a `default_fn` would never be used\n  = help: remove `default_fn`, or `db_default` to have strata send the function's value"),
        );
    }
    if attrs.primary_key.is_some() {
        cx.error_at(
            db_default.span,
            "`db_default` cannot be set on the primary key",
        );
    }
    match &db_default.value {
        DbDefaultAttr::Now => {
            let is_time = matches!(
                field.shape.base,
                Base::Date | Base::Time | Base::DateTime | Base::DateTimeUtc
            );
            if !is_time || relation(field.ty).is_some() {
                let ty = field.ty;
                let ty = quote::quote!(#ty).to_string().replace(' ', "");
                cx.error_at(
                    db_default.span,
                    format!("`db_default = now` only applies to date and time fields, and `{name}` has type `{ty}`\n  = help: use it on a `chrono::NaiveDate`, `NaiveTime`, `NaiveDateTime` or `DateTime<Utc>` field (or an `Option` of one), or give a literal: `db_default = 0`"),
                );
            }
        }
        DbDefaultAttr::Lit(lit) => check_default(
            cx,
            field,
            &Spanned {
                value: lit.clone(),
                span: db_default.span,
            },
        ),
    }
}

/// `default_fn`: not with `auto_now` (which overwrites it) nor on the
/// generated key.
pub(super) fn check_default_fn(cx: &Ctxt, field: &Field) {
    let attrs = &field.attrs;
    let Some(default_fn) = &attrs.default_fn else {
        return;
    };
    if attrs.auto_now.is_some() || attrs.auto_now_add.is_some() {
        cx.error_at(
            default_fn.span,
            format!("`{}` has an `auto_now` option, which sets it on insert: a `default_fn` would never be seen\n  = help: remove `default_fn`", field_name(field.ident)),
        );
    }
}

pub(super) fn check_default(cx: &Ctxt, field: &Field, default: &Spanned<DefaultLit>) {
    if let DefaultLit::Str(text) = &default.value {
        // The same rule as for values bound at run time (`Error::NulInText`).
        if text.contains('\0') {
            cx.error_at(
                default.span,
                format!(
                    "the default of `{}` holds a NUL character (\\0): PostgreSQL cannot store \
                     NUL in text, so strata refuses it on every database\n  = help: remove the NUL",
                    field_name(field.ident)
                ),
            );
            return;
        }
    }
    let base = field.shape.base;
    if let (DefaultLit::Int(n), Base::Unsigned(max)) = (&default.value, base) {
        if *n < 0 || *n > i64::from(max) {
            cx.error_at(
                default.span,
                format!(
                    "the default {n} of `{}` is out of its type's range (0 to {max})",
                    field_name(field.ident)
                ),
            );
        }
        return;
    }
    let fits = matches!(
        (&default.value, base),
        (_, Base::Other)
            | (DefaultLit::Bool(_), Base::Bool)
            | (DefaultLit::Int(_), Base::Int | Base::Float)
            | (DefaultLit::Float(_), Base::Float)
            | (
                DefaultLit::Str(_),
                Base::String
                    | Base::Date
                    | Base::Time
                    | Base::DateTime
                    | Base::DateTimeUtc
                    | Base::Uuid
                    | Base::Decimal
                    | Base::Json,
            )
    );
    if !fits {
        let given = match default.value {
            DefaultLit::Bool(_) => "a bool",
            DefaultLit::Int(_) => "an integer",
            DefaultLit::Float(_) => "a decimal number",
            DefaultLit::Str(_) => "a string",
        };
        let help = match base {
            Base::Bool => "write `default = true` or `default = false`",
            Base::Int | Base::Unsigned(_) => "write an integer, e.g. `default = 0`",
            Base::Float => "write a number, e.g. `default = 0.0`",
            Base::Bytes => "byte fields cannot have a literal default; remove `default`",
            Base::String => "write a string, e.g. `default = \"draft\"`",
            Base::Date => "write the date as a string, e.g. `default = \"2024-01-01\"`",
            Base::Time => "write the time as a string, e.g. `default = \"12:00:00\"`",
            Base::DateTime => {
                "write the date and time as a string, e.g. `default = \"2024-01-01 12:00:00\"`"
            }
            Base::DateTimeUtc => {
                "write the date and time as a string, e.g. `default = \"2024-01-01 12:00:00+00:00\"`"
            }
            Base::Uuid => {
                "write the UUID as a string, e.g. `default = \"00000000-0000-0000-0000-000000000000\"`"
            }
            Base::Decimal => "write the number as a string, e.g. `default = \"0.00\"`",
            Base::Json => "write the JSON as a string, e.g. `default = \"{}\"`",
            Base::Other => "write a literal of the field's type",
        };
        let ty = field.ty;
        let ty = quote::quote!(#ty).to_string().replace(' ', "");
        cx.error_at(
            default.span,
            format!(
                "{given} default does not fit field `{}` of type `{ty}`\n  = help: {help}",
                field_name(field.ident)
            ),
        );
    }
}
