//! Edit and create forms built from a model's metadata: the fields shown,
//! the values a submission parses to, and the validation that needs the
//! database (unique values, foreign keys that exist).

use crate::fields::{editable, input_kind, input_value, parse_field, InputKind};
use crate::labels::{choices_of, ChoiceList};
use strata::dynamic::{DynColumn, DynQuery};
use strata::meta::{ColumnMeta, ManyToManyMeta, ModelMeta};
use strata::{Db, Value};

/// One field of a form, ready for the template.
#[derive(Debug, Clone)]
pub(crate) struct FormField {
    pub name: String,
    pub label: String,
    /// text, textarea, number, checkbox, nullbool, date, time,
    /// datetime-local, select, multiselect, readonly.
    pub widget: &'static str,
    pub value: String,
    pub step: String,
    pub max_length: String,
    pub required: bool,
    pub error: Option<String>,
    /// `(value, label, selected)` for selects.
    pub options: Vec<(String, String, bool)>,
    pub help: String,
}

/// A submitted form: the values per field, as sent.
pub(crate) type Submitted = Vec<(String, String)>;

fn first<'a>(form: &'a Submitted, name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A field's label: its name with spaces.
pub(crate) fn field_label(field: &str) -> String {
    let mut out = field.replace('_', " ");
    if let Some(c) = out.get(..1) {
        let upper = c.to_uppercase();
        out.replace_range(..1, &upper);
    }
    out
}

/// The columns a form of `meta` shows: editable ones, and a key that is
/// not generated only when creating.
pub(crate) fn form_columns(meta: &'static ModelMeta, creating: bool) -> Vec<&'static ColumnMeta> {
    meta.columns
        .iter()
        .filter(|c| editable(c) && (creating || !c.primary_key))
        .collect()
}

/// Builds the fields of a form, with `values` (text as sent, or as
/// stored) and `errors` per field name.
pub(crate) async fn build_fields(
    db: &Db,
    meta: &'static ModelMeta,
    creating: bool,
    values: &Submitted,
    errors: &[(String, String)],
    m2m_selected: &[(&'static str, Vec<String>)],
) -> strata::Result<Vec<FormField>> {
    let mut out = Vec::new();
    for column in form_columns(meta, creating) {
        let raw = first(values, column.field).unwrap_or("").to_string();
        let mut field = FormField {
            name: column.field.to_string(),
            label: field_label(column.field),
            widget: "text",
            value: raw.clone(),
            step: String::new(),
            max_length: String::new(),
            required: !column.nullable && column.ty != strata::ColumnType::Boolean,
            error: errors
                .iter()
                .find(|(f, _)| f == column.field)
                .map(|(_, e)| e.clone()),
            options: Vec::new(),
            help: String::new(),
        };
        if let Some(fk) = &column.foreign_key {
            let target = (fk.target)();
            match choices_of(db, target).await? {
                ChoiceList::Few(choices) => {
                    field.widget = "select";
                    if column.nullable || creating {
                        field
                            .options
                            .push((String::new(), "—".into(), raw.is_empty()));
                    }
                    for (key, label) in choices {
                        let selected = key == raw;
                        field.options.push((key, label, selected));
                    }
                }
                ChoiceList::Many(count) => {
                    field.widget = "text";
                    field.help = format!(
                        "The key of a {} ({count} rows: look it up in its list).",
                        target.name
                    );
                }
            }
            out.push(field);
            continue;
        }
        match input_kind(column) {
            InputKind::Text { max_length } => {
                field.max_length = max_length.map(|n| n.to_string()).unwrap_or_default();
            }
            InputKind::TextArea => field.widget = "textarea",
            InputKind::Number { step } => {
                field.widget = "number";
                field.step = step;
            }
            InputKind::Checkbox => field.widget = "checkbox",
            InputKind::NullableBool => {
                field.widget = "select";
                field.options = [("", "Unknown"), ("true", "Yes"), ("false", "No")]
                    .iter()
                    .map(|(v, l)| (v.to_string(), l.to_string(), raw == *v))
                    .collect();
            }
            InputKind::Date => field.widget = "date",
            InputKind::Time => field.widget = "time",
            InputKind::DateTime => {
                field.widget = "datetime-local";
                field.step = "1".into();
            }
            InputKind::Select { options } => {
                field.widget = "select";
                field.options = options
                    .into_iter()
                    .map(|(v, l)| {
                        let selected = v == raw;
                        (v, l, selected)
                    })
                    .collect();
            }
            InputKind::ReadOnly => field.widget = "readonly",
        }
        out.push(field);
    }
    for m2m in editable_m2m(meta) {
        let target = (m2m.target)();
        let selected: &[String] = m2m_selected
            .iter()
            .find(|(f, _)| *f == m2m.field)
            .map(|(_, v)| v.as_slice())
            .unwrap_or(&[]);
        let options = match choices_of(db, target).await? {
            ChoiceList::Few(choices) => choices,
            ChoiceList::Many(_) => crate::labels::all_choices(db, target).await?,
        };
        out.push(FormField {
            name: m2m.field.to_string(),
            label: field_label(m2m.field),
            widget: "multiselect",
            value: String::new(),
            step: String::new(),
            max_length: String::new(),
            required: false,
            error: errors
                .iter()
                .find(|(f, _)| f == m2m.field)
                .map(|(_, e)| e.clone()),
            options: options
                .into_iter()
                .map(|(k, l)| {
                    let on = selected.contains(&k);
                    (k, l, on)
                })
                .collect(),
            help: String::new(),
        });
    }
    Ok(out)
}

/// The many-to-many relations edited on `meta`'s form (automatic join
/// tables only).
pub(crate) fn editable_m2m(
    meta: &'static ModelMeta,
) -> impl Iterator<Item = &'static ManyToManyMeta> {
    meta.many_to_many.iter().filter(|m| m.through.is_none())
}

/// The outcome of validating a submission.
pub(crate) struct Cleaned {
    pub values: Vec<(DynColumn, Value)>,
    pub m2m: Vec<(&'static ManyToManyMeta, Vec<Value>)>,
    pub errors: Vec<(String, String)>,
}

/// Parses and validates `form` for `meta` (`current`: the key of the row
/// being edited): types, required, max_length, decimal precision, enum
/// choices, foreign keys that exist, unique values.
pub(crate) async fn clean(
    db: &Db,
    meta: &'static ModelMeta,
    form: &Submitted,
    current: Option<&Value>,
) -> strata::Result<Cleaned> {
    let mut cleaned = Cleaned {
        values: Vec::new(),
        m2m: Vec::new(),
        errors: Vec::new(),
    };
    for column in form_columns(meta, current.is_none()) {
        let dyn_column = DynColumn::from_meta(meta, column)?;
        let value = match parse_field(column, first(form, column.field)) {
            Ok(v) => v,
            Err(e) => {
                cleaned.errors.push((column.field.to_string(), e));
                continue;
            }
        };
        if let Err(e) = dyn_column.check_value(&value, db.dialect()) {
            cleaned
                .errors
                .push((column.field.to_string(), plain_reason(&e)));
            continue;
        }
        if let (Some(fk), false) = (&column.foreign_key, value.is_null()) {
            let target = (fk.target)();
            let pk = DynColumn::from_meta(target, target.pk())?;
            let exists = match pk.eq(value.clone()) {
                Ok(condition) => DynQuery::new(target).filter(condition).count(db).await? > 0,
                Err(_) => false,
            };
            if !exists {
                cleaned
                    .errors
                    .push((column.field.to_string(), "Select a valid choice.".into()));
                continue;
            }
        }
        if (column.unique || column.primary_key) && !value.is_null() {
            let mut query = DynQuery::new(meta).filter(dyn_column.eq(value.clone())?);
            if let Some(current) = current {
                let pk = DynColumn::from_meta(meta, meta.pk())?;
                query = query.filter(pk.eq(current.clone())?.negate());
            }
            if query.count(db).await? > 0 {
                cleaned.errors.push((
                    column.field.to_string(),
                    format!(
                        "{} with this {} already exists.",
                        meta.name,
                        field_label(column.field).to_lowercase()
                    ),
                ));
                continue;
            }
        }
        cleaned.values.push((dyn_column, value));
    }
    for m2m in editable_m2m(meta) {
        let target = (m2m.target)();
        let mut keys = Vec::new();
        for (_, raw) in form.iter().filter(|(k, _)| k == m2m.field) {
            match crate::fields::parse_typed(&target.pk().ty, raw) {
                Ok(v) => keys.push(v),
                Err(e) => cleaned.errors.push((m2m.field.to_string(), e)),
            }
        }
        cleaned.m2m.push((m2m, keys));
    }
    Ok(cleaned)
}

/// The part of a strata error a form shows (its first line).
pub(crate) fn plain_reason(e: &strata::Error) -> String {
    e.to_string()
        .lines()
        .next()
        .unwrap_or("invalid value")
        .to_string()
}

/// The key of a row from its text in a URL.
pub(crate) fn parse_key(meta: &'static ModelMeta, raw: &str) -> Option<Value> {
    crate::fields::parse_typed(&meta.pk().ty, raw).ok()
}

/// The form values of a stored row.
pub(crate) fn stored_values(meta: &'static ModelMeta, row: &[Value]) -> Submitted {
    meta.columns
        .iter()
        .zip(row)
        .map(|(c, v)| (c.field.to_string(), input_value(v)))
        .collect()
}
