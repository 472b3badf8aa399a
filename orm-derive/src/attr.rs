//! Parsing `#[strata(...)]` into typed attributes. Unknown keys, repeated
//! keys and malformed values are recorded in the [`Ctxt`] and parsing goes
//! on, so one compile shows every mistake.

use crate::ctxt::Ctxt;
use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned as _;
use syn::{Attribute, Expr, ExprLit, ExprUnary, Ident, Lit, LitInt, LitStr, UnOp};

const MODEL_KEYS: &str =
    "table, index(fields(a, b), name = \"..\"), unique(fields(a, b), name = \"..\"), renamed_from = \"OldName\", ordering(field, other desc)";
const MODEL_KEY_NAMES: &[&str] = &["table", "index", "unique", "renamed_from", "ordering"];
const FIELD_KEYS: &str = "primary_key, column = \"..\", max_length = N, unique, index, default = <literal>, max_digits = N, decimal_places = N, on_delete = cascade|set_null|set_default|restrict|protect|do_nothing, related_name = \"..\", renamed_from = \"old_column\", through = Model, auto_now, auto_now_add, default_fn = path::to::function, db_default = now|<literal>";
const FIELD_KEY_NAMES: &[&str] = &[
    "primary_key",
    "column",
    "max_length",
    "unique",
    "index",
    "default",
    "max_digits",
    "decimal_places",
    "on_delete",
    "related_name",
    "renamed_from",
    "through",
    "auto_now",
    "auto_now_add",
    "default_fn",
    "db_default",
];

/// The `on_delete` behaviours, as written in the attribute.
pub(crate) const ON_DELETE: &[&str] = &[
    "cascade",
    "set_null",
    "set_default",
    "restrict",
    "protect",
    "do_nothing",
];
const COMPOSITE_KEYS: &str = "fields(a, b), name = \"..\"";
const COMPOSITE_KEY_NAMES: &[&str] = &["fields", "name"];

/// A value with the span it was written at.
#[derive(Clone)]
pub(crate) struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// `#[strata(...)]` on the struct.
#[derive(Default)]
pub(crate) struct ModelAttrs {
    pub table: Option<Spanned<String>>,
    pub renamed_from: Option<Spanned<String>>,
    pub indexes: Vec<CompositeAttr>,
    pub uniques: Vec<CompositeAttr>,
    /// `primary_key(fields(a, b))`, refused (already reported): set so
    /// that a missing `id` is not reported as well.
    pub composite_primary_key: bool,
    /// `ordering(created_at desc, title)`: the default ordering.
    pub ordering: Option<Vec<OrderTerm>>,
}

/// One term of `ordering(...)`.
pub(crate) struct OrderTerm {
    pub field: Ident,
    pub descending: bool,
}

/// `index(fields(a, b), name = "...")` or `unique(...)`.
pub(crate) struct CompositeAttr {
    pub fields: Vec<Ident>,
    pub name: Option<Spanned<String>>,
}

/// A literal default.
#[derive(Clone)]
pub(crate) enum DefaultLit {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

/// `db_default = now` or `db_default = <literal>`.
#[derive(Clone)]
pub(crate) enum DbDefaultAttr {
    Now,
    Lit(DefaultLit),
}

/// `#[strata(...)]` on a field.
#[derive(Default)]
pub(crate) struct FieldAttrs {
    pub primary_key: Option<Span>,
    pub column: Option<Spanned<String>>,
    pub max_length: Option<Spanned<u32>>,
    pub unique: Option<Span>,
    pub index: Option<Span>,
    pub default: Option<Spanned<DefaultLit>>,
    pub max_digits: Option<Spanned<u8>>,
    pub decimal_places: Option<Spanned<u8>>,
    pub on_delete: Option<Spanned<String>>,
    pub related_name: Option<Spanned<String>>,
    pub renamed_from: Option<Spanned<String>>,
    /// `through = PostTag` on a `ManyToMany` field.
    pub through: Option<Spanned<syn::Path>>,
    /// `auto_now`: the current time on every write.
    pub auto_now: Option<Span>,
    /// `auto_now_add`: the current time when the row is inserted.
    pub auto_now_add: Option<Span>,
    /// `default_fn = path`: the function `Default` fills the field with.
    pub default_fn: Option<Spanned<syn::Path>>,
    /// `db_default = now | <literal>`: the database fills the column on
    /// insert.
    pub db_default: Option<Spanned<DbDefaultAttr>>,
}

fn strata_attrs(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs.iter().filter(|a| a.path().is_ident("strata"))
}

fn key_name(meta: &ParseNestedMeta) -> String {
    meta.path
        .get_ident()
        .map(|i| i.to_string())
        .unwrap_or_else(|| {
            let path = &meta.path;
            quote::quote!(#path).to_string().replace(' ', "")
        })
}

/// The valid key a misspelt `name` most likely meant: at most two edits
/// away (one for very short names).
fn closest<'k>(name: &str, names: &[&'k str]) -> Option<&'k str> {
    let limit = if name.chars().count() <= 3 { 1 } else { 2 };
    names
        .iter()
        .map(|&candidate| (edit_distance(name, candidate), candidate))
        .filter(|&(distance, _)| distance <= limit)
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance, counting a swap of two neighbours as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// Records an unknown key and skips its value so parsing can go on.
fn unknown_key(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    valid: &str,
    names: &[&str],
    on: &str,
) -> syn::Result<()> {
    let path = &meta.path;
    let name = key_name(meta);
    let suggestion = closest(&name, names)
        .map(|key| format!("did you mean `{key}`? "))
        .unwrap_or_default();
    cx.error(
        path,
        format!(
            "unknown strata attribute `{name}` on a {on}\n  = help: {suggestion}valid keys on a {on}: {valid}"
        ),
    );
    if meta.input.peek(syn::Token![=]) {
        let _: Expr = meta.value()?.parse()?;
    } else if meta.input.peek(syn::token::Paren) {
        let _group;
        syn::parenthesized!(_group in meta.input);
        let _: proc_macro2::TokenStream = _group.parse()?;
    }
    Ok(())
}

fn set_once<T>(cx: &Ctxt, slot: &mut Option<T>, value: T, span: Span, key: &str) {
    if slot.is_some() {
        cx.error_at(span, format!("duplicate strata attribute `{key}`"));
    } else {
        *slot = Some(value);
    }
}

fn lit_str(meta: &ParseNestedMeta, key: &str) -> syn::Result<Spanned<String>> {
    let expr: Expr = meta.value()?.parse()?;
    match &expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Ok(Spanned {
            value: s.value(),
            span: s.span(),
        }),
        _ => Err(syn::Error::new_spanned(
            &expr,
            format!("`{key}` takes a string\n  = help: write `{key} = \"...\"`"),
        )),
    }
}

fn lit_int<N: std::str::FromStr>(
    meta: &ParseNestedMeta,
    key: &str,
    range: &str,
) -> syn::Result<Spanned<N>>
where
    N::Err: std::fmt::Display,
{
    let expr: Expr = meta.value()?.parse()?;
    let parsed = match &expr {
        Expr::Lit(ExprLit {
            lit: Lit::Int(i), ..
        }) => i.base10_parse::<N>().ok().map(|v| (v, i.span())),
        _ => None,
    };
    parsed
        .map(|(value, span)| Spanned { value, span })
        .ok_or_else(|| {
            syn::Error::new_spanned(
                &expr,
                format!("`{key}` takes a whole number {range}\n  = help: write `{key} = 100`"),
            )
        })
}

fn default_lit(meta: &ParseNestedMeta) -> syn::Result<Spanned<DefaultLit>> {
    let expr: Expr = meta.value()?.parse()?;
    literal_of(&expr, "default")
}

/// `db_default = now` or a literal.
fn db_default(meta: &ParseNestedMeta) -> syn::Result<Spanned<DbDefaultAttr>> {
    let expr: Expr = meta.value()?.parse()?;
    if let Expr::Path(path) = &expr {
        if path.path.is_ident("now") {
            return Ok(Spanned {
                value: DbDefaultAttr::Now,
                span: expr.span(),
            });
        }
    }
    literal_of(&expr, "db_default")
        .map(|lit| Spanned {
            value: DbDefaultAttr::Lit(lit.value),
            span: lit.span,
        })
        .map_err(|_| {
            syn::Error::new_spanned(
                &expr,
                "`db_default` takes `now` or a literal: a bool, a number or a string\n  = help: e.g. `db_default = now`, `db_default = 0`, `db_default = \"draft\"`",
            )
        })
}

/// `default_fn = path::to::function`.
fn default_fn(meta: &ParseNestedMeta) -> syn::Result<Spanned<syn::Path>> {
    let expr: Expr = meta.value()?.parse()?;
    match expr {
        Expr::Path(p) if p.qself.is_none() => Ok(Spanned {
            span: p.path.span(),
            value: p.path,
        }),
        other => Err(syn::Error::new_spanned(
            &other,
            "`default_fn` takes the path of a function without arguments\n  = help: e.g. `default_fn = uuid::Uuid::new_v4` or `default_fn = crate::defaults::title`; write a function for anything else",
        )),
    }
}

fn literal_of(expr: &Expr, key: &str) -> syn::Result<Spanned<DefaultLit>> {
    let span = expr.span();
    let value = match expr {
        Expr::Lit(ExprLit { lit, .. }) => match lit {
            Lit::Bool(b) => Some(DefaultLit::Bool(b.value)),
            Lit::Int(i) => i.base10_parse::<i64>().ok().map(DefaultLit::Int),
            Lit::Float(f) => f.base10_parse::<f64>().ok().map(DefaultLit::Float),
            Lit::Str(s) => Some(DefaultLit::Str(s.value())),
            _ => None,
        },
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr: inner,
            ..
        }) => match &**inner {
            Expr::Lit(ExprLit {
                lit: Lit::Int(i), ..
            }) => negative_int(i).map(DefaultLit::Int),
            Expr::Lit(ExprLit {
                lit: Lit::Float(f), ..
            }) => f.base10_parse::<f64>().ok().map(|v| DefaultLit::Float(-v)),
            _ => None,
        },
        _ => None,
    };
    value.map(|value| Spanned { value, span }).ok_or_else(|| {
        syn::Error::new_spanned(
            expr,
            format!("`{key}` takes a literal: a bool, a number or a string\n  = help: e.g. `{key} = false`, `{key} = 0`, `{key} = \"draft\"`"),
        )
    })
}

fn negative_int(lit: &LitInt) -> Option<i64> {
    let magnitude: i128 = lit.base10_parse().ok()?;
    i64::try_from(-magnitude).ok()
}

pub(crate) fn parse_model_attrs(cx: &Ctxt, attrs: &[Attribute]) -> ModelAttrs {
    let mut out = ModelAttrs::default();
    for attr in strata_attrs(attrs) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("table") {
                let value = lit_str(&meta, "table")?;
                let span = value.span;
                set_once(cx, &mut out.table, value, span, "table");
            } else if meta.path.is_ident("renamed_from") {
                let value = lit_str(&meta, "renamed_from")?;
                let span = value.span;
                set_once(cx, &mut out.renamed_from, value, span, "renamed_from");
            } else if meta.path.is_ident("index") {
                out.indexes.push(parse_composite(cx, &meta, "index")?);
            } else if meta.path.is_ident("unique") {
                out.uniques.push(parse_composite(cx, &meta, "unique")?);
            } else if meta.path.is_ident("ordering") {
                let terms = parse_ordering(&meta)?;
                let span = meta.path.span();
                set_once(cx, &mut out.ordering, terms, span, "ordering");
            } else if meta.path.is_ident("primary_key") {
                // Parsed (so its own mistakes are reported too), then refused.
                let composite = parse_composite(cx, &meta, "primary_key")?;
                out.composite_primary_key = true;
                let fields: Vec<String> = composite.fields.iter().map(|f| f.to_string()).collect();
                cx.error(
                    &meta.path,
                    format!(
                        "composite primary keys are not supported yet\n  = help: keep an `id: i64` key and make the pair unique: #[strata(unique(fields({})))]",
                        if fields.is_empty() { "a, b".to_string() } else { fields.join(", ") }
                    ),
                );
            } else {
                unknown_key(cx, &meta, MODEL_KEYS, MODEL_KEY_NAMES, "model")?;
            }
            Ok(())
        });
        if let Err(e) = result {
            cx.syn_error(e);
        }
    }
    out
}

/// `ordering(a, b desc, c asc)`.
fn parse_ordering(meta: &ParseNestedMeta) -> syn::Result<Vec<OrderTerm>> {
    const HELP: &str = "write the fields, each optionally followed by `asc` or `desc`: `ordering(created_at desc, title)`";
    let content;
    syn::parenthesized!(content in meta.input);
    let mut terms = Vec::new();
    while !content.is_empty() {
        let field: Ident = content.parse().map_err(|e| {
            syn::Error::new(e.span(), format!("expected a field name\n  = help: {HELP}"))
        })?;
        let mut descending = false;
        if content.peek(Ident) {
            let dir: Ident = content.parse()?;
            descending = match dir.to_string().as_str() {
                "asc" => false,
                "desc" => true,
                _ => {
                    return Err(syn::Error::new(
                        dir.span(),
                        format!("expected `asc` or `desc` after `{field}`\n  = help: {HELP}"),
                    ))
                }
            };
        }
        terms.push(OrderTerm { field, descending });
        if content.is_empty() {
            break;
        }
        content.parse::<syn::Token![,]>()?;
    }
    if terms.is_empty() {
        return Err(syn::Error::new(
            meta.path.span(),
            format!("`ordering` needs at least one field\n  = help: {HELP}"),
        ));
    }
    Ok(terms)
}

fn parse_composite(cx: &Ctxt, meta: &ParseNestedMeta, what: &str) -> syn::Result<CompositeAttr> {
    let span = meta.path.span();
    let mut fields = Vec::new();
    let mut name = None;
    let mut saw_fields = false;
    meta.parse_nested_meta(|inner| {
        if inner.path.is_ident("fields") {
            saw_fields = true;
            inner.parse_nested_meta(|field| {
                match field.path.get_ident() {
                    Some(ident) => fields.push(ident.clone()),
                    None => cx.error(&field.path, "expected a field name"),
                }
                Ok(())
            })?;
        } else if inner.path.is_ident("name") {
            let value = lit_str(&inner, "name")?;
            let span = value.span;
            set_once(cx, &mut name, value, span, "name");
        } else {
            unknown_key(
                cx,
                &inner,
                COMPOSITE_KEYS,
                COMPOSITE_KEY_NAMES,
                &format!("{what}(...)"),
            )?;
        }
        Ok(())
    })?;
    if !saw_fields || fields.is_empty() {
        cx.error_at(
            span,
            format!("`{what}` needs the fields it covers\n  = help: write `{what}(fields(author, created_at))`"),
        );
    }
    Ok(CompositeAttr { fields, name })
}

pub(crate) fn parse_field_attrs(cx: &Ctxt, attrs: &[Attribute]) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in strata_attrs(attrs) {
        let result = attr.parse_nested_meta(|meta| {
            let span = meta.path.span();
            if meta.path.is_ident("primary_key") {
                set_once(cx, &mut out.primary_key, span, span, "primary_key");
            } else if meta.path.is_ident("unique") {
                set_once(cx, &mut out.unique, span, span, "unique");
            } else if meta.path.is_ident("index") {
                set_once(cx, &mut out.index, span, span, "index");
            } else if meta.path.is_ident("auto_now") {
                set_once(cx, &mut out.auto_now, span, span, "auto_now");
            } else if meta.path.is_ident("auto_now_add") {
                set_once(cx, &mut out.auto_now_add, span, span, "auto_now_add");
            } else if meta.path.is_ident("column") {
                let v = lit_str(&meta, "column")?;
                set_once(cx, &mut out.column, v, span, "column");
            } else if meta.path.is_ident("max_length") {
                let v = lit_int::<u32>(&meta, "max_length", "from 1 to 65535")?;
                if v.value == 0 || v.value > 65_535 {
                    cx.error_at(v.span, "`max_length` must be from 1 to 65535");
                }
                // Later checks ("only applies to text fields") are about the
                // key, not the number: keep the key's span.
                let v = Spanned {
                    value: v.value,
                    span,
                };
                set_once(cx, &mut out.max_length, v, span, "max_length");
            } else if meta.path.is_ident("max_digits") {
                let v = lit_int::<u8>(&meta, "max_digits", "from 1 to 65")?;
                set_once(cx, &mut out.max_digits, v, span, "max_digits");
            } else if meta.path.is_ident("decimal_places") {
                let v = lit_int::<u8>(&meta, "decimal_places", "from 0 to 30")?;
                set_once(cx, &mut out.decimal_places, v, span, "decimal_places");
            } else if meta.path.is_ident("default") {
                let v = default_lit(&meta)?;
                set_once(cx, &mut out.default, v, span, "default");
            } else if meta.path.is_ident("db_default") {
                let v = db_default(&meta)?;
                set_once(cx, &mut out.db_default, v, span, "db_default");
            } else if meta.path.is_ident("default_fn") {
                let v = default_fn(&meta)?;
                set_once(cx, &mut out.default_fn, v, span, "default_fn");
            } else if meta.path.is_ident("on_delete") {
                let expr: Expr = meta.value()?.parse()?;
                let name = match &expr {
                    Expr::Path(p) => p.path.get_ident().map(|i| i.to_string()),
                    _ => None,
                };
                match name.filter(|n| ON_DELETE.contains(&n.as_str())) {
                    Some(value) => set_once(
                        cx,
                        &mut out.on_delete,
                        Spanned {
                            value,
                            span: expr.span(),
                        },
                        span,
                        "on_delete",
                    ),
                    None => cx.error(
                        &expr,
                        format!(
                            "unknown on_delete behaviour\n  = help: write one of: {}",
                            ON_DELETE.join(", ")
                        ),
                    ),
                }
            } else if meta.path.is_ident("related_name") {
                let v = lit_str(&meta, "related_name")?;
                set_once(cx, &mut out.related_name, v, span, "related_name");
            } else if meta.path.is_ident("renamed_from") {
                let v = lit_str(&meta, "renamed_from")?;
                set_once(cx, &mut out.renamed_from, v, span, "renamed_from");
            } else if meta.path.is_ident("through") {
                let path: syn::Path = meta.value()?.parse()?;
                let value = Spanned {
                    span: syn::spanned::Spanned::span(&path),
                    value: path,
                };
                set_once(cx, &mut out.through, value, span, "through");
            } else {
                unknown_key(cx, &meta, FIELD_KEYS, FIELD_KEY_NAMES, "field")?;
            }
            Ok(())
        });
        if let Err(e) = result {
            cx.syn_error(e);
        }
    }
    out
}

/// A string literal for generated code.
pub(crate) fn lit(value: &str) -> LitStr {
    LitStr::new(value, Span::call_site())
}
