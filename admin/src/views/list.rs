//! The index, the list pages and bulk actions.

use super::here;
use crate::app::{html, url_encode, State};
use crate::config::ResolvedModel;
use crate::error::HttpError;
use crate::fields::{display, input_value};
use crate::filters::{list_query, parse, FilterKind, ListParams};
use crate::forms::field_label;
use crate::labels::{choices_of, row_label, ChoiceList};
use crate::pages::{Cell, FilterBox, Header, IndexPage, ListPage};
use askama::Template;
use axum::extract::{Form, Path, Query, State as AxState};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use strata::dynamic::DynQuery;
use strata::ColumnType;

pub(crate) async fn index(
    AxState(state): AxState<State>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, HttpError> {
    let ctx = match state.user(&headers, &here(&uri)).await {
        Ok(ctx) => ctx,
        Err(redirect) => return Ok(redirect),
    };
    let mut entries = Vec::new();
    for model in &state.models {
        let count = DynQuery::new(model.meta).count(&state.db).await?;
        entries.push((
            model.meta.table.to_string(),
            model.meta.name.to_string(),
            count,
        ));
    }
    let page = IndexPage {
        chrome: state.chrome(&ctx),
        entries,
    };
    Ok(html(ctx.cookies, page.render()?))
}

/// A query string from pairs.
fn query_string(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", url_encode(k), url_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The parameters that make the current list, with `key` replaced.
fn with_param(base: &[(String, String)], key: &str, value: Option<&str>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = base.iter().filter(|(k, _)| k != key).cloned().collect();
    if let Some(v) = value {
        out.push((key.to_string(), v.to_string()));
    }
    out
}

fn link(prefix: &str, table: &str, pairs: &[(String, String)]) -> String {
    let qs = query_string(pairs);
    if qs.is_empty() {
        format!("{prefix}/{table}")
    } else {
        format!("{prefix}/{table}?{qs}")
    }
}

async fn filter_boxes(
    state: &State,
    model: &ResolvedModel,
    params: &ListParams,
    base: &[(String, String)],
) -> Result<Vec<FilterBox>, HttpError> {
    let mut boxes = Vec::new();
    for (column, kind) in &model.filters {
        let field = column.field.to_string();
        let current = |key: &str| {
            params
                .active
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let mut b = FilterBox {
            label: field_label(column.field),
            kind: "bool",
            field: field.clone(),
            links: Vec::new(),
            low: current(&format!("{field}__gte")),
            high: current(&format!("{field}__lte")),
            input: "date",
            options: Vec::new(),
            value: current(&field),
        };
        match kind {
            FilterKind::Bool => {
                let without = with_param(&with_param(base, &field, None), "p", None);
                for (label, value) in [("All", None), ("Yes", Some("true")), ("No", Some("false"))]
                {
                    let active = b.value == value.unwrap_or("");
                    b.links.push((
                        label.to_string(),
                        link(
                            &state.prefix,
                            model.meta.table,
                            &with_param(&without, &field, value),
                        ),
                        active,
                    ));
                }
            }
            FilterKind::Range => {
                b.kind = "range";
                b.input = match column.ty {
                    ColumnType::Time => "time",
                    _ => "date",
                };
            }
            FilterKind::ForeignKey => {
                let target = column
                    .foreign_key
                    .as_ref()
                    .map(|fk| (fk.target)())
                    .ok_or_else(|| HttpError::Internal("filter lost its key".into()))?;
                match choices_of(&state.db, target).await? {
                    ChoiceList::Few(choices) => {
                        b.kind = "select";
                        b.options = choices
                            .into_iter()
                            .map(|(k, l)| {
                                let on = k == b.value;
                                (k, l, on)
                            })
                            .collect();
                    }
                    ChoiceList::Many(_) => b.kind = "key",
                }
            }
        }
        boxes.push(b);
    }
    Ok(boxes)
}

/// Renders the list page of `model` for the request's parameters.
pub(crate) async fn render_list(
    state: &State,
    ctx: crate::app::Ctx,
    model: &ResolvedModel,
    pairs: &[(String, String)],
    message: Option<String>,
) -> Result<Response, HttpError> {
    let meta = model.meta;
    let params = parse(model, pairs)?;
    let query = list_query(model, &params)?;
    let total = DynQuery::new(meta).count(&state.db).await?;
    let matching = if params.conditions.is_empty() && params.search.trim().is_empty() {
        total
    } else {
        query.count(&state.db).await?
    };
    let per_page = model.per_page;
    let pages = matching.div_ceil(per_page).max(1);
    let page = params.page.min(pages);
    let rows = query
        .limit(per_page)
        .offset((page - 1) * per_page)
        .all(&state.db)
        .await?;

    let mut base: Vec<(String, String)> = params.active.clone();
    if !params.search.is_empty() {
        base.push(("q".into(), params.search.clone()));
    }
    if let Some((column, descending)) = params.sort {
        base.push((
            "o".into(),
            format!("{}{}", if descending { "-" } else { "" }, column.field),
        ));
    }
    let headers = model
        .display
        .iter()
        .map(|column| {
            let sorted = match params.sort {
                Some((c, d)) if std::ptr::eq(c, *column) => {
                    if d {
                        "desc"
                    } else {
                        "asc"
                    }
                }
                _ => "",
            };
            let next = if sorted == "asc" {
                format!("-{}", column.field)
            } else {
                column.field.to_string()
            };
            Header {
                label: field_label(column.field),
                sort_link: link(
                    &state.prefix,
                    meta.table,
                    &with_param(&with_param(&base, "o", Some(&next)), "p", None),
                ),
                sorted,
            }
        })
        .collect();
    let mut table_rows = Vec::new();
    for row in &rows {
        let key = row
            .values
            .get(meta.primary_key)
            .map(input_value)
            .unwrap_or_default();
        let edit_link = format!("{}/{}/{}", state.prefix, meta.table, url_encode(&key));
        let cells = model
            .display
            .iter()
            .enumerate()
            .map(|(i, column)| {
                let index = meta
                    .columns
                    .iter()
                    .position(|c| std::ptr::eq(c, *column))
                    .unwrap_or(0);
                let value = row.values.get(index);
                let text = match (&column.foreign_key, row.related(column.field)) {
                    (Some(fk), Some(target_row)) => row_label((fk.target)(), target_row),
                    _ => value.map(display).unwrap_or_default(),
                };
                Cell {
                    text,
                    link: (i == 0).then(|| edit_link.clone()),
                }
            })
            .collect();
        table_rows.push((key, cells));
    }
    let page_link = |n: u64| {
        link(
            &state.prefix,
            meta.table,
            &with_param(&base, "p", Some(&n.to_string())),
        )
    };
    let filters = filter_boxes(state, model, &params, &base).await?;
    let keep: Vec<(String, String)> = base.iter().filter(|(k, _)| k != "q").cloned().collect();
    let page = ListPage {
        chrome: state.chrome(&ctx),
        table: meta.table.to_string(),
        name: meta.name.to_string(),
        headers,
        rows: table_rows,
        total,
        matching,
        page,
        pages,
        prev_link: (page > 1).then(|| page_link(page - 1)),
        next_link: (page < pages).then(|| page_link(page + 1)),
        search: params.search.clone(),
        searchable: !model.search.is_empty(),
        filters,
        keep,
        actions: model
            .actions
            .iter()
            .map(|a| (a.name.clone(), a.label.clone()))
            .collect(),
        message,
    };
    Ok(html(ctx.cookies, page.render()?))
}

pub(crate) async fn list(
    AxState(state): AxState<State>,
    headers: HeaderMap,
    uri: Uri,
    Path(table): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, HttpError> {
    let ctx = match state.user(&headers, &here(&uri)).await {
        Ok(ctx) => ctx,
        Err(redirect) => return Ok(redirect),
    };
    let model = state.model(&table)?;
    let message = match pairs
        .iter()
        .find(|(k, _)| k == "_done")
        .map(|(_, v)| v.as_str())
    {
        Some("added") => Some(format!("The {} was added.", model.meta.name)),
        Some("saved") => Some(format!("The {} was changed.", model.meta.name)),
        Some("deleted") => Some("The rows were deleted.".to_string()),
        _ => None,
    };
    let pairs: Vec<(String, String)> = pairs.into_iter().filter(|(k, _)| k != "_done").collect();
    render_list(&state, ctx, model, &pairs, message).await
}

pub(crate) async fn bulk_action(
    AxState(state): AxState<State>,
    headers: HeaderMap,
    uri: Uri,
    Path(table): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, HttpError> {
    state.check_csrf(&headers, &form)?;
    let ctx = match state.writer(&headers, &here(&uri)).await {
        Ok(ctx) => ctx,
        Err(refused) => return Ok(refused),
    };
    let model = state.model(&table)?;
    let mut keys = Vec::new();
    for (_, raw) in form.iter().filter(|(k, _)| k == "pk") {
        keys.push(crate::forms::parse_key(model.meta, raw).ok_or_else(|| {
            HttpError::BadRequest(format!("`{}` is not a key", raw.escape_debug()))
        })?);
    }
    let action = form
        .iter()
        .find(|(k, _)| k == "action")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    if keys.is_empty() {
        return render_list(
            &state,
            ctx,
            model,
            &[],
            Some("Select rows to run an action on.".into()),
        )
        .await;
    }
    if form.iter().any(|(k, v)| k == "confirm" && v == "yes") {
        return super::delete::confirm_delete(&state, ctx, model, keys).await;
    }
    if action == "delete_selected" {
        return super::delete::render_confirmation(&state, ctx, model, keys).await;
    }
    let Some(found) = model.actions.iter().find(|a| a.name == action) else {
        return Err(HttpError::BadRequest(format!(
            "unknown action `{}`",
            action.escape_debug()
        )));
    };
    let message = (found.run)(state.db.clone(), keys).await?;
    render_list(&state, ctx, model, &[], Some(message)).await
}
