//! Deleting rows: a confirmation page listing what the cascades delete and
//! what protects the rows, then the delete itself.

use super::{here, key_of};
use crate::app::{html, url_encode, Ctx, State};
use crate::config::ResolvedModel;
use crate::error::HttpError;
use crate::fields::input_value;
use crate::labels::row_label;
use crate::pages::{DeletePage, PreviewRows};
use askama::Template;
use axum::extract::{Form, Path, State as AxState};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use strata::dynamic::{preview_delete, DynColumn, DynQuery, PreviewGroup};
use strata::{ModelMeta, Value};

/// The most rows of one group the page names; the rest are counted.
const SHOWN_PER_GROUP: usize = 100;

/// The labels of the rows of `meta` with keys `keys`.
async fn labels(
    state: &State,
    meta: &'static ModelMeta,
    keys: &[Value],
) -> Result<Vec<String>, HttpError> {
    let shown = &keys[..keys.len().min(SHOWN_PER_GROUP)];
    let pk = DynColumn::from_meta(meta, meta.pk())?;
    let rows = DynQuery::new(meta)
        .filter(pk.is_in(shown.to_vec())?)
        .all(&state.db)
        .await?;
    let mut out: Vec<String> = rows.iter().map(|r| row_label(meta, &r.values)).collect();
    if keys.len() > shown.len() {
        out.push(format!("… and {} more", keys.len() - shown.len()));
    }
    Ok(out)
}

async fn groups(state: &State, groups: &[PreviewGroup]) -> Result<Vec<PreviewRows>, HttpError> {
    let mut out = Vec::new();
    for g in groups {
        out.push(PreviewRows {
            heading: format!("{} (by {}): {}", g.model.name, g.field, g.keys.len()),
            rows: labels(state, g.model, &g.keys).await?,
        });
    }
    Ok(out)
}

/// The confirmation page for deleting the rows `keys` of `model`.
pub(crate) async fn render_confirmation(
    state: &State,
    ctx: Ctx,
    model: &ResolvedModel,
    keys: Vec<Value>,
) -> Result<Response, HttpError> {
    let meta = model.meta;
    let preview = preview_delete(&state.db, meta, keys.clone()).await?;
    let targets = labels(state, meta, &keys).await?;
    if targets.is_empty() {
        return Err(HttpError::NotFound);
    }
    let action = match keys.as_slice() {
        [one] => format!(
            "{}/{}/{}/delete",
            state.prefix,
            meta.table,
            url_encode(&input_value(one))
        ),
        _ => format!("{}/{}/action", state.prefix, meta.table),
    };
    let page = DeletePage {
        chrome: state.chrome(&ctx),
        table: meta.table.to_string(),
        name: meta.name.to_string(),
        action,
        targets,
        keys: keys.iter().map(input_value).collect(),
        cascaded: groups(state, &preview.cascaded).await?,
        updated: groups(state, &preview.updated).await?,
        protected: groups(state, &preview.protected).await?,
        error: None,
    };
    Ok(html(ctx.cookies, page.render()?))
}

pub(crate) async fn delete_page(
    AxState(state): AxState<State>,
    headers: HeaderMap,
    uri: Uri,
    Path((table, raw_key)): Path<(String, String)>,
) -> Result<Response, HttpError> {
    let ctx = match state.writer(&headers, &here(&uri)).await {
        Ok(ctx) => ctx,
        Err(refused) => return Ok(refused),
    };
    let (_, key) = key_of(&state, &table, &raw_key)?;
    let model = state.model(&table)?;
    render_confirmation(&state, ctx, model, vec![key]).await
}

/// Deletes after confirmation: `confirm=yes` with the keys, from the
/// single-row page or the bulk action's confirmation.
pub(crate) async fn confirm_delete(
    state: &State,
    ctx: Ctx,
    model: &ResolvedModel,
    keys: Vec<Value>,
) -> Result<Response, HttpError> {
    let meta = model.meta;
    match strata::dynamic::delete_rows(&state.db, meta, keys.clone()).await {
        Ok(_) => Ok(
            Redirect::to(&format!("{}/{}?_done=deleted", state.prefix, meta.table)).into_response(),
        ),
        Err(strata::Error::Protected { .. }) | Err(strata::Error::ForeignKeyViolation { .. }) => {
            // Rows that protect these appeared since the confirmation.
            render_confirmation(state, ctx, model, keys).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn delete(
    AxState(state): AxState<State>,
    headers: HeaderMap,
    uri: Uri,
    Path((table, raw_key)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, HttpError> {
    state.check_csrf(&headers, &form)?;
    let ctx = match state.writer(&headers, &here(&uri)).await {
        Ok(ctx) => ctx,
        Err(refused) => return Ok(refused),
    };
    let (_, key) = key_of(&state, &table, &raw_key)?;
    let model = state.model(&table)?;
    if !form.iter().any(|(k, v)| k == "confirm" && v == "yes") {
        return render_confirmation(&state, ctx, model, vec![key]).await;
    }
    confirm_delete(&state, ctx, model, vec![key]).await
}
