//! The create and edit forms.

use super::{here, key_of};
use crate::app::{html, url_encode, Ctx, State};
use crate::error::HttpError;
use crate::fields::{display, editable, input_value};
use crate::forms::{build_fields, clean, editable_m2m, field_label, stored_values, Submitted};
use crate::pages::FormPage;
use askama::Template;
use axum::extract::{Form, Path, State as AxState};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use strata::dynamic::{m2m_keys, set_m2m_keys, DynColumn, DynQuery, DynRow};
use strata::{ModelMeta, Value};

async fn load_row(
    state: &State,
    meta: &'static ModelMeta,
    key: &Value,
) -> Result<DynRow, HttpError> {
    let pk = DynColumn::from_meta(meta, meta.pk())?;
    let condition = pk.eq(key.clone()).map_err(|_| HttpError::NotFound)?;
    DynQuery::new(meta)
        .filter(condition)
        .all(&state.db)
        .await?
        .into_iter()
        .next()
        .ok_or(HttpError::NotFound)
}

#[allow(clippy::too_many_arguments)]
async fn render_form(
    state: &State,
    ctx: Ctx,
    meta: &'static ModelMeta,
    key: Option<(&Value, &DynRow)>,
    values: &Submitted,
    errors: &[(String, String)],
    m2m_selected: &[(&'static str, Vec<String>)],
    top_errors: Vec<String>,
) -> Result<Response, HttpError> {
    let fields = build_fields(&state.db, meta, key.is_none(), values, errors, m2m_selected).await?;
    let (heading, action, fixed, delete_link) = match key {
        Some((key, row)) => {
            let key_text = url_encode(&input_value(key));
            let fixed = meta
                .columns
                .iter()
                .zip(&row.values)
                .filter(|(c, _)| c.primary_key || !editable(c))
                .map(|(c, v)| (field_label(c.field), display(v)))
                .collect();
            (
                format!("Change {}", crate::labels::row_label(meta, &row.values)),
                format!("{}/{}/{key_text}", state.prefix, meta.table),
                fixed,
                Some(format!("{}/{}/{key_text}/delete", state.prefix, meta.table)),
            )
        }
        None => (
            format!("Add {}", meta.name),
            format!("{}/{}/add", state.prefix, meta.table),
            Vec::new(),
            None,
        ),
    };
    let page = FormPage {
        chrome: state.chrome(&ctx),
        table: meta.table.to_string(),
        name: meta.name.to_string(),
        heading,
        action,
        fields,
        fixed,
        errors: top_errors,
        has_field_errors: !errors.is_empty(),
        delete_link,
        message: None,
    };
    let has_errors = page.has_field_errors || !page.errors.is_empty();
    let mut response = html(ctx.cookies, page.render()?);
    if has_errors {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

fn submitted_m2m(meta: &'static ModelMeta, form: &Submitted) -> Vec<(&'static str, Vec<String>)> {
    editable_m2m(meta)
        .map(|m| {
            (
                m.field,
                form.iter()
                    .filter(|(k, _)| k == m.field)
                    .map(|(_, v)| v.clone())
                    .collect(),
            )
        })
        .collect()
}

pub(crate) async fn add_page(
    AxState(state): AxState<State>,
    headers: HeaderMap,
    uri: Uri,
    Path(table): Path<String>,
) -> Result<Response, HttpError> {
    let ctx = match state.writer(&headers, &here(&uri)).await {
        Ok(ctx) => ctx,
        Err(refused) => return Ok(refused),
    };
    let meta = state.model(&table)?.meta;
    let defaults: Submitted = meta
        .columns
        .iter()
        .filter_map(|c| {
            let d = c.default.as_ref()?;
            let text = match d {
                strata::meta::DefaultValue::Bool(b) => b.to_string(),
                strata::meta::DefaultValue::Int(i) => i.to_string(),
                strata::meta::DefaultValue::Float(f) => f.to_string(),
                strata::meta::DefaultValue::Str(s) => s.to_string(),
                _ => return None,
            };
            Some((c.field.to_string(), text))
        })
        .collect();
    render_form(&state, ctx, meta, None, &defaults, &[], &[], Vec::new()).await
}

/// The message of a write the database refused after validation passed
/// (a race with another writer).
fn refused(e: &strata::Error) -> Option<String> {
    match e {
        strata::Error::UniqueViolation { .. } => {
            Some("A row with these values already exists.".into())
        }
        strata::Error::ForeignKeyViolation { .. } => {
            Some("A selected related row no longer exists.".into())
        }
        strata::Error::ValueOutOfRange { .. } | strata::Error::NotNullViolation { .. } => {
            Some(crate::forms::plain_reason(e))
        }
        _ => None,
    }
}

pub(crate) async fn add(
    AxState(state): AxState<State>,
    headers: HeaderMap,
    uri: Uri,
    Path(table): Path<String>,
    Form(form): Form<Submitted>,
) -> Result<Response, HttpError> {
    state.check_csrf(&headers, &form)?;
    let ctx = match state.writer(&headers, &here(&uri)).await {
        Ok(ctx) => ctx,
        Err(refused) => return Ok(refused),
    };
    let meta = state.model(&table)?.meta;
    let cleaned = clean(&state.db, meta, &form, None).await?;
    let m2m_selected = submitted_m2m(meta, &form);
    if !cleaned.errors.is_empty() {
        return render_form(
            &state,
            ctx,
            meta,
            None,
            &form,
            &cleaned.errors,
            &m2m_selected,
            Vec::new(),
        )
        .await;
    }
    let outcome: strata::Result<()> = async {
        let mut tx = state.db.begin().await?;
        let key = strata::dynamic::insert_row(&mut tx, meta, cleaned.values).await?;
        for (m2m, keys) in cleaned.m2m {
            set_m2m_keys(&mut tx, meta, m2m, key.clone(), keys).await?;
        }
        tx.commit().await
    }
    .await;
    match outcome {
        Ok(()) => Ok(
            Redirect::to(&format!("{}/{}?_done=added", state.prefix, meta.table)).into_response(),
        ),
        Err(e) => match refused(&e) {
            Some(message) => {
                render_form(
                    &state,
                    ctx,
                    meta,
                    None,
                    &form,
                    &[],
                    &m2m_selected,
                    vec![message],
                )
                .await
            }
            None => Err(e.into()),
        },
    }
}

pub(crate) async fn edit_page(
    AxState(state): AxState<State>,
    headers: HeaderMap,
    uri: Uri,
    Path((table, raw_key)): Path<(String, String)>,
) -> Result<Response, HttpError> {
    let ctx = match state.user(&headers, &here(&uri)).await {
        Ok(ctx) => ctx,
        Err(redirect) => return Ok(redirect),
    };
    let (meta, key) = key_of(&state, &table, &raw_key)?;
    let row = load_row(&state, meta, &key).await?;
    let values = stored_values(meta, &row.values);
    let mut selected = Vec::new();
    for m2m in editable_m2m(meta) {
        let keys = m2m_keys(&state.db, meta, m2m, key.clone()).await?;
        selected.push((m2m.field, keys.iter().map(input_value).collect()));
    }
    render_form(
        &state,
        ctx,
        meta,
        Some((&key, &row)),
        &values,
        &[],
        &selected,
        Vec::new(),
    )
    .await
}

pub(crate) async fn edit(
    AxState(state): AxState<State>,
    headers: HeaderMap,
    uri: Uri,
    Path((table, raw_key)): Path<(String, String)>,
    Form(form): Form<Submitted>,
) -> Result<Response, HttpError> {
    state.check_csrf(&headers, &form)?;
    let ctx = match state.writer(&headers, &here(&uri)).await {
        Ok(ctx) => ctx,
        Err(refused) => return Ok(refused),
    };
    let (meta, key) = key_of(&state, &table, &raw_key)?;
    let row = load_row(&state, meta, &key).await?;
    let cleaned = clean(&state.db, meta, &form, Some(&key)).await?;
    let m2m_selected = submitted_m2m(meta, &form);
    if !cleaned.errors.is_empty() {
        return render_form(
            &state,
            ctx,
            meta,
            Some((&key, &row)),
            &form,
            &cleaned.errors,
            &m2m_selected,
            Vec::new(),
        )
        .await;
    }
    let outcome: strata::Result<()> = async {
        let mut tx = state.db.begin().await?;
        strata::dynamic::update_row(&mut tx, meta, key.clone(), cleaned.values).await?;
        for (m2m, keys) in cleaned.m2m {
            set_m2m_keys(&mut tx, meta, m2m, key.clone(), keys).await?;
        }
        tx.commit().await
    }
    .await;
    match outcome {
        Ok(()) => Ok(
            Redirect::to(&format!("{}/{}?_done=saved", state.prefix, meta.table)).into_response(),
        ),
        Err(e) => match refused(&e) {
            Some(message) => {
                render_form(
                    &state,
                    ctx,
                    meta,
                    Some((&key, &row)),
                    &form,
                    &[],
                    &m2m_selected,
                    vec![message],
                )
                .await
            }
            None => Err(e.into()),
        },
    }
}
