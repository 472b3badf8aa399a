//! Validation of the model as a whole, producing the resolved model that
//! code generation reads. Nothing unvalidated reaches `expand`.

use crate::ast::{field_name, Field, Holder, HolderKind, Model};
use crate::attr::Spanned;
use crate::ctxt::Ctxt;
use crate::naming::{constraint_name, snake_case};
use crate::types::{known_unsupported, relation, type_name, Base};
use proc_macro2::Span;
use std::collections::HashMap;

mod defaults;
mod reverse_names;

use defaults::{check_auto_now, check_db_default, check_default, check_default_fn};

/// A model that passed every check.
pub(crate) struct Checked<'a> {
    pub model: Model<'a>,
    pub table: String,
    pub columns: Vec<Column>,
    pub primary_key: usize,
    pub indexes: Vec<Index>,
    pub uniques: Vec<Unique>,
    /// The default ordering: (column index, descending).
    pub ordering: Vec<(usize, bool)>,
    /// One per `model.holders`, in order.
    pub holders: Vec<CheckedHolder>,
}

/// A checked `ManyToMany<T>` / `Reverse<T>` field.
pub(crate) struct CheckedHolder {
    /// Many-to-many only: the reverse accessor on the target (`None` for
    /// `"+"`, or for a `Reverse` holder).
    pub related_name: Option<Spanned<String>>,
    /// Many-to-many only: the join table and its two columns.
    pub join_table: String,
    pub source_column: String,
    pub target_column: String,
}

pub(crate) struct Column {
    pub name: String,
    pub primary_key: bool,
    pub auto_increment: bool,
    pub relation: Option<Relation>,
}

/// A checked `ForeignKey` / `OneToOne` field.
pub(crate) struct Relation {
    pub one_to_one: bool,
    /// `cascade`, `set_null`, ... (validated).
    pub on_delete: String,
    /// The reverse accessor's name, spanned on the attribute (or on the
    /// field for the default `<model>_set`); `"+"` for none.
    pub related_name: Spanned<String>,
}

pub(crate) struct Index {
    pub name: String,
    pub columns: Vec<String>,
}

pub(crate) struct Unique {
    pub name: String,
    pub columns: Vec<String>,
}

/// Field names that would shadow `Model`'s own associated functions.
const RESERVED: &[&str] = &["objects"];

/// Field names that would clash with the methods every relation path has.
const PATH_METHODS: &[&str] = &[
    "then", "any", "eq", "ne", "is_in", "is_null", "set", "set_null",
];

pub(crate) fn check<'a>(cx: &Ctxt, model: Model<'a>) -> Option<Checked<'a>> {
    let table = match &model.attrs.table {
        Some(t) => {
            check_identifier(cx, t, "table");
            t.value.clone()
        }
        None => snake_case(&model.ident.to_string()),
    };

    let mut columns = Vec::with_capacity(model.fields.len());
    let mut by_column: HashMap<String, &Field> = HashMap::new();
    for field in &model.fields {
        check_field(cx, field);
        let relation = check_relation(cx, model.ident, field);
        let name = match &field.attrs.column {
            Some(c) => {
                check_identifier(cx, c, "column");
                c.value.clone()
            }
            None if relation.is_some() => format!("{}_id", field_name(field.ident)),
            None => field_name(field.ident),
        };
        if let Some(previous) = by_column.get(&name) {
            cx.error(
                field.ident,
                format!(
                    "column `{name}` is already used by field `{}`\n  = help: give one of them another name with #[strata(column = \"...\")]",
                    previous.ident
                ),
            );
        }
        by_column.insert(name.clone(), field);
        columns.push(Column {
            name,
            primary_key: false,
            auto_increment: false,
            relation,
        });
    }

    reverse_names::check_reverse_names(cx, &model, &columns);
    let primary_key = resolve_primary_key(cx, &model, &mut columns);

    let field_index: HashMap<String, usize> = model
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| (field_name(f.ident), i))
        .collect();
    let mut indexes = Vec::new();
    for (i, field) in model.fields.iter().enumerate() {
        // A foreign key is indexed unless it is already unique.
        let auto_index = columns[i].relation.as_ref().is_some_and(|r| !r.one_to_one)
            && field.attrs.unique.is_none();
        if field.attrs.index.is_some() || auto_index {
            let cols = vec![columns[i].name.clone()];
            indexes.push(Index {
                name: constraint_name(&table, &cols, "idx"),
                columns: cols,
            });
        }
    }
    let resolve = |fields: &[syn::Ident]| -> Vec<String> {
        fields
            .iter()
            .filter_map(|ident| match field_index.get(&field_name(ident)) {
                Some(&i) => Some(columns[i].name.clone()),
                None => {
                    cx.error(
                        ident,
                        format!(
                            "no field named `{ident}` in `{}`\n  = help: list Rust field names, e.g. fields({})",
                            model.ident,
                            model.fields.iter().take(2).map(|f| field_name(f.ident)).collect::<Vec<_>>().join(", ")
                        ),
                    );
                    None
                }
            })
            .collect()
    };
    for composite in &model.attrs.indexes {
        let cols = resolve(&composite.fields);
        let name = composite
            .name
            .as_ref()
            .map(|n| n.value.clone())
            .unwrap_or_else(|| constraint_name(&table, &cols, "idx"));
        indexes.push(Index {
            name,
            columns: cols,
        });
    }
    let mut uniques = Vec::new();
    for composite in &model.attrs.uniques {
        let cols = resolve(&composite.fields);
        let name = composite
            .name
            .as_ref()
            .map(|n| n.value.clone())
            .unwrap_or_else(|| constraint_name(&table, &cols, "uniq"));
        uniques.push(Unique {
            name,
            columns: cols,
        });
    }
    let mut names: HashMap<&str, ()> = HashMap::new();
    for name in indexes
        .iter()
        .map(|i| &i.name)
        .chain(uniques.iter().map(|u| &u.name))
    {
        if names.insert(name, ()).is_some() {
            cx.error(
                model.ident,
                format!("two indexes or constraints are named `{name}`\n  = help: give one a `name = \"...\"`"),
            );
        }
    }

    let holders = model
        .holders
        .iter()
        .map(|h| check_holder(cx, &model, &table, h))
        .collect();

    let mut ordering = Vec::new();
    for term in model.attrs.ordering.iter().flatten() {
        match field_index.get(&field_name(&term.field)) {
            Some(&i) => ordering.push((i, term.descending)),
            None => {
                let holder = model
                    .holders
                    .iter()
                    .any(|h| field_name(h.ident) == field_name(&term.field));
                let help = if holder {
                    "a default ordering names the model's own columns; a ManyToMany or Reverse field has none".to_string()
                } else {
                    format!(
                        "list Rust field names of `{}`, e.g. ordering({} desc)",
                        model.ident,
                        model
                            .fields
                            .first()
                            .map(|f| field_name(f.ident))
                            .unwrap_or_default()
                    )
                };
                cx.error(
                    &term.field,
                    format!(
                        "no field named `{}` in `{}` to order by\n  = help: {help}",
                        term.field, model.ident
                    ),
                );
            }
        }
    }

    let primary_key = primary_key?;
    Some(Checked {
        model,
        table,
        columns,
        primary_key,
        indexes,
        uniques,
        ordering,
        holders,
    })
}

/// Checks a `ManyToMany<T>` / `Reverse<T>` field and names its join table.
fn check_holder(cx: &Ctxt, model: &Model, table: &str, holder: &Holder) -> CheckedHolder {
    let name = field_name(holder.ident);
    check_name(cx, holder.ident, &name);
    let attrs = &holder.attrs;
    let misplaced: [(Option<Span>, &str); 15] = [
        (attrs.default_fn.as_ref().map(|a| a.span), "default_fn"),
        (attrs.db_default.as_ref().map(|a| a.span), "db_default"),
        (attrs.primary_key, "primary_key"),
        (attrs.auto_now, "auto_now"),
        (attrs.auto_now_add, "auto_now_add"),
        (attrs.column.as_ref().map(|a| a.span), "column"),
        (attrs.max_length.as_ref().map(|a| a.span), "max_length"),
        (attrs.unique, "unique"),
        (attrs.index, "index"),
        (attrs.default.as_ref().map(|a| a.span), "default"),
        (attrs.max_digits.as_ref().map(|a| a.span), "max_digits"),
        (
            attrs.decimal_places.as_ref().map(|a| a.span),
            "decimal_places",
        ),
        (attrs.on_delete.as_ref().map(|a| a.span), "on_delete"),
        (attrs.renamed_from.as_ref().map(|a| a.span), "renamed_from"),
        (
            match holder.kind {
                HolderKind::Reverse => attrs.related_name.as_ref().map(|a| a.span),
                HolderKind::ManyToMany => None,
            },
            "related_name",
        ),
    ];
    let what = match holder.kind {
        HolderKind::ManyToMany => "a ManyToMany field: it has no column of its own (the join table's rows are removed with either side)",
        HolderKind::Reverse => "a Reverse field: it only holds the rows prefetch_related loads; its name must be the related_name of the relation it holds",
    };
    for (span, key) in misplaced {
        if let Some(span) = span {
            cx.error_at(span, format!("`{key}` does not apply to {what}"));
        }
    }
    if holder.kind == HolderKind::Reverse {
        if let Some(through) = &attrs.through {
            cx.error_at(through.span, format!("`through` does not apply to {what}"));
        }
        return CheckedHolder {
            related_name: None,
            join_table: String::new(),
            source_column: String::new(),
            target_column: String::new(),
        };
    }
    let source = snake_case(&model.ident.to_string());
    let target_name = type_name(holder.target).unwrap_or_default();
    let target = if target_name == "Self" {
        source.clone()
    } else {
        snake_case(&target_name)
    };
    let (source_column, target_column) = if source == target {
        (format!("from_{source}_id"), format!("to_{target}_id"))
    } else {
        (format!("{source}_id"), format!("{target}_id"))
    };
    let related_name = check_related_name(cx, model.ident, holder.ident, attrs);
    let join_table = format!("{table}_{name}");
    if attrs.through.is_none() && join_table.len() > 63 {
        cx.error(
            holder.ident,
            format!("the join table name `{join_table}` is longer than 63 bytes, the most PostgreSQL accepts\n  = help: shorten the table or field name, or declare a `through` model"),
        );
    }
    CheckedHolder {
        related_name: (related_name.value != "+").then_some(related_name),
        join_table,
        source_column,
        target_column,
    }
}

/// The related_name of a relation: the attribute's (checked), or
/// `<model>_set`.
fn check_related_name(
    cx: &Ctxt,
    model: &syn::Ident,
    field: &syn::Ident,
    attrs: &crate::attr::FieldAttrs,
) -> Spanned<String> {
    match &attrs.related_name {
        Some(r) => {
            if r.value != "+" {
                check_identifier(cx, r, "related_name");
                if syn::parse_str::<syn::Ident>(&r.value).is_err() {
                    cx.error_at(
                        r.span,
                        "`related_name` must be a Rust identifier, e.g. \"posts\" (or \"+\" for no reverse accessor)",
                    );
                } else if RESERVED.contains(&r.value.as_str())
                    || PATH_METHODS.contains(&r.value.as_str())
                {
                    cx.error_at(
                        r.span,
                        format!("`{}` cannot be a related_name: it is a method every model has\n  = help: choose another name", r.value),
                    );
                }
            }
            Spanned {
                value: r.value.clone(),
                span: r.span,
            }
        }
        None => Spanned {
            value: format!("{}_set", snake_case(&model.to_string())),
            span: field.span(),
        },
    }
}

fn check_identifier(cx: &Ctxt, name: &Spanned<String>, what: &str) {
    if name.value.is_empty() {
        cx.error_at(name.span, format!("the {what} name cannot be empty"));
    } else if name.value.contains('\0') {
        cx.error_at(
            name.span,
            format!("the {what} name cannot contain a NUL character"),
        );
    } else if name.value.len() > 63 {
        cx.error_at(
            name.span,
            format!("the {what} name is longer than 63 bytes, the most PostgreSQL accepts"),
        );
    }
}

const ON_DELETE_HELP: &str =
    "add #[strata(on_delete = cascade)] (or set_null, set_default, restrict, protect, do_nothing)";

/// Checks a relation field's attributes; `None` for other fields (whose
/// relation attributes are reported as misplaced).
fn check_relation(cx: &Ctxt, model: &syn::Ident, field: &Field) -> Option<Relation> {
    let attrs = &field.attrs;
    let Some(shape) = relation(field.ty) else {
        for (attr, key) in [
            (&attrs.on_delete, "on_delete"),
            (&attrs.related_name, "related_name"),
        ] {
            if let Some(attr) = attr {
                cx.error_at(
                    attr.span,
                    format!("`{key}` only applies to `ForeignKey<T>` and `OneToOne<T>` fields"),
                );
            }
        }
        return None;
    };
    let name = field_name(field.ident);
    let kind = if shape.one_to_one {
        "OneToOne"
    } else {
        "ForeignKey"
    };
    for (attr, key) in [
        (attrs.max_length.as_ref().map(|a| a.span), "max_length"),
        (attrs.max_digits.as_ref().map(|a| a.span), "max_digits"),
        (
            attrs.decimal_places.as_ref().map(|a| a.span),
            "decimal_places",
        ),
    ] {
        if let Some(span) = attr {
            cx.error_at(
                span,
                format!("`{key}` does not apply to a {kind}: its column takes the type of the target's primary key"),
            );
        }
    }
    if let Some(pk) = attrs.primary_key {
        cx.error_at(pk, format!("a {kind} cannot be the primary key\n  = help: add an `id: i64` field and make the relation `unique`"));
    }
    let Some(on_delete) = &attrs.on_delete else {
        cx.error(
            field.ident,
            format!(
                "{kind} field `{name}` needs an on_delete behaviour\n  = help: {ON_DELETE_HELP}"
            ),
        );
        return None;
    };
    if on_delete.value == "set_null" && !shape.optional {
        cx.error_at(
            on_delete.span,
            format!("on_delete = set_null needs a nullable relation, and `{name}` is not an `Option`\n  = help: declare it as `Option<{kind}<...>>`, or choose another on_delete"),
        );
    }
    if on_delete.value == "set_default" && attrs.default.is_none() {
        cx.error_at(
            on_delete.span,
            format!("on_delete = set_default needs a default for `{name}`\n  = help: add the key of the default row, e.g. #[strata(default = 1)]"),
        );
    }
    let related_name = check_related_name(cx, model, field.ident, attrs);
    Some(Relation {
        one_to_one: shape.one_to_one,
        on_delete: on_delete.value.clone(),
        related_name,
    })
}

/// Field names that clash with generated methods.
fn check_name(cx: &Ctxt, ident: &syn::Ident, name: &str) {
    if RESERVED.contains(&name) {
        cx.error(
            ident,
            format!(
                "a field named `{name}` would hide `Model::{name}()`\n  = help: rename the field and keep the column with #[strata(column = \"{name}\")]"
            ),
        );
    }
    if PATH_METHODS.contains(&name) {
        cx.error(
            ident,
            format!(
                "a field named `{name}` would clash with the `{name}(...)` method of relation paths\n  = help: rename the field and keep the column with #[strata(column = \"{name}\")]"
            ),
        );
    }
}

fn check_field(cx: &Ctxt, field: &Field) {
    let name = field_name(field.ident);
    check_name(cx, field.ident, &name);
    if let Some(through) = &field.attrs.through {
        cx.error_at(
            through.span,
            "`through` only applies to `ManyToMany<T>` fields",
        );
    }
    if let Some(unsupported) = known_unsupported(field.ty) {
        cx.error(
            field.ty,
            format!("{}\n  = help: {}", unsupported.problem, unsupported.help),
        );
    }
    let attrs = &field.attrs;
    let base = field.shape.base;
    if let Some(max_length) = &attrs.max_length {
        if !matches!(base, Base::String | Base::Other) {
            cx.error_at(
                max_length.span,
                format!(
                    "`max_length` only applies to text fields, and `{name}` is not a `String`\n  = help: remove `max_length`, or make the field a `String` / `Option<String>`"
                ),
            );
        }
    }
    let is_decimal = base == Base::Decimal;
    for (attr, key) in [
        (&attrs.max_digits, "max_digits"),
        (&attrs.decimal_places, "decimal_places"),
    ] {
        if let Some(attr) = attr {
            if !matches!(base, Base::Decimal | Base::Other) {
                cx.error_at(
                    attr.span,
                    format!("`{key}` only applies to `rust_decimal::Decimal` fields"),
                );
            }
        }
    }
    match (&attrs.max_digits, &attrs.decimal_places) {
        (Some(digits), Some(places)) => {
            if digits.value == 0 || digits.value > 65 {
                cx.error_at(digits.span, "`max_digits` must be from 1 to 65 (MySQL's limit)");
            }
            if places.value > 30 {
                cx.error_at(places.span, "`decimal_places` must be from 0 to 30 (MySQL's limit)");
            } else if places.value > digits.value {
                cx.error_at(places.span, "`decimal_places` cannot exceed `max_digits`");
            }
        }
        _ if is_decimal => cx.error(
            field.ident,
            format!(
                "decimal field `{name}` needs a precision\n  = help: add #[strata(max_digits = 10, decimal_places = 2)]"
            ),
        ),
        _ => {}
    }
    if let Some(default) = &attrs.default {
        check_default(cx, field, default);
    }
    check_auto_now(cx, field);
    check_db_default(cx, field);
    check_default_fn(cx, field);
    if attrs.primary_key.is_some() && field.shape.optional {
        cx.error(
            field.ty,
            "a primary key cannot be an `Option`\n  = help: primary keys are never NULL; remove the `Option`",
        );
    }
}

fn resolve_primary_key(cx: &Ctxt, model: &Model, columns: &mut [Column]) -> Option<usize> {
    let explicit: Vec<usize> = model
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.attrs.primary_key.is_some())
        .map(|(i, _)| i)
        .collect();
    if explicit.len() > 1 {
        for &i in &explicit[1..] {
            let field = &model.fields[i];
            cx.error(
                field.ident,
                format!(
                    "`{}` is a second primary key; `{}` is already one\n  = help: a model has one primary key; for a multi-column key use #[strata(unique(fields(a, b)))] on the struct",
                    field.ident, model.fields[explicit[0]].ident
                ),
            );
        }
        return None;
    }
    if let Some(&i) = explicit.first() {
        columns[i].primary_key = true;
        return Some(i);
    }
    let Some(i) = model
        .fields
        .iter()
        .position(|f| field_name(f.ident) == "id")
    else {
        if model.attrs.composite_primary_key {
            return None;
        }
        cx.error(
            model.ident,
            format!(
                "`{}` has no primary key\n  = help: add `id: i64` (an auto-increment key) or mark a field #[strata(primary_key)]",
                model.ident
            ),
        );
        return None;
    };
    let field = &model.fields[i];
    if field.shape.optional {
        cx.error(field.ty, "the `id` primary key cannot be an `Option`\n  = help: use `id: i64`; insert() fills it in");
        return None;
    }
    columns[i].primary_key = true;
    columns[i].auto_increment = field.shape.base == Base::Int;
    Some(i)
}
