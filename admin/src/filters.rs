//! The list page's request parameters (search, sort, page, filters),
//! parsed into typed conditions; anything unknown or malformed is a 400.
//!
//! Parameters: `q` (search), `o` (sort: a shown field, `-field` for
//! descending), `p` (page, from 1), and per filter field `f`:
//! `f=true|false` (booleans), `f__gte=..` / `f__lte=..` (dates and times),
//! `f=<key>` (foreign keys); `f__isnull=true|false` for nullable ones.

use crate::config::ResolvedModel;
use crate::error::HttpError;
use crate::fields::parse_typed;
use strata::dynamic::{DynColumn, DynCondition, DynQuery};
use strata::meta::ColumnMeta;
use strata::ColumnType;

/// What kind of filter a column gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FilterKind {
    Bool,
    Range,
    ForeignKey,
}

impl FilterKind {
    pub(crate) fn of(column: &ColumnMeta) -> Option<FilterKind> {
        if column.foreign_key.is_some() {
            return Some(FilterKind::ForeignKey);
        }
        match column.ty {
            ColumnType::Boolean => Some(FilterKind::Bool),
            ColumnType::Date
            | ColumnType::DateTime
            | ColumnType::DateTimeUtc
            | ColumnType::Time => Some(FilterKind::Range),
            _ => None,
        }
    }
}

/// The parsed parameters of a list request.
#[derive(Debug, Default)]
pub(crate) struct ListParams {
    pub search: String,
    /// Index into the shown columns, and whether descending.
    pub sort: Option<(&'static ColumnMeta, bool)>,
    pub page: u64,
    /// The filter parameters as given, to keep them in links and inputs.
    pub active: Vec<(String, String)>,
    pub conditions: Vec<DynCondition>,
}

fn bad(what: String) -> HttpError {
    HttpError::BadRequest(what)
}

/// Parses the query string of a list page of `model`.
pub(crate) fn parse(
    model: &ResolvedModel,
    pairs: &[(String, String)],
) -> Result<ListParams, HttpError> {
    let meta = model.meta;
    let mut params = ListParams {
        page: 1,
        ..ListParams::default()
    };
    for (key, value) in pairs {
        match key.as_str() {
            "q" => params.search = value.chars().take(200).collect(),
            "o" => {
                let (field, descending) = match value.strip_prefix('-') {
                    Some(f) => (f, true),
                    None => (value.as_str(), false),
                };
                let pk = meta.pk();
                let column = model
                    .display
                    .iter()
                    .copied()
                    .chain(std::iter::once(pk))
                    .find(|c| c.field == field)
                    .ok_or_else(|| bad(format!("cannot sort by `{}`", field.escape_debug())))?;
                params.sort = Some((column, descending));
            }
            "p" => {
                params.page = value
                    .parse::<u64>()
                    .ok()
                    .filter(|p| (1..=1_000_000).contains(p))
                    .ok_or_else(|| {
                        bad(format!("`{}` is not a page number", value.escape_debug()))
                    })?;
            }
            "_" => {}
            _ => {
                let (field, lookup) = match key.split_once("__") {
                    Some((f, l)) => (f, l),
                    None => (key.as_str(), ""),
                };
                let (column, kind) = model
                    .filters
                    .iter()
                    .find(|(c, _)| c.field == field)
                    .copied()
                    .ok_or_else(|| bad(format!("unknown parameter `{}`", key.escape_debug())))?;
                if value.is_empty() {
                    continue;
                }
                let dyn_column = DynColumn::from_meta(meta, column)
                    .map_err(|e| HttpError::Internal(e.to_string()))?;
                let invalid =
                    |reason: String| bad(format!("filter `{}`: {reason}", key.escape_debug()));
                let condition = match (kind, lookup) {
                    (_, "isnull") if column.nullable => match value.as_str() {
                        "true" => dyn_column.is_null(true),
                        "false" => dyn_column.is_null(false),
                        _ => return Err(invalid("expected true or false".into())),
                    },
                    (FilterKind::Bool, "") => {
                        let v = parse_typed(&column.ty, value).map_err(invalid)?;
                        dyn_column.eq(v).map_err(|e| invalid(e.to_string()))?
                    }
                    (FilterKind::Range, "gte" | "lte") => {
                        let v = parse_range_bound(&column.ty, value, lookup == "lte")
                            .map_err(invalid)?;
                        if lookup == "gte" {
                            dyn_column.gte(v)
                        } else {
                            dyn_column.lte(v)
                        }
                        .map_err(|e| invalid(e.to_string()))?
                    }
                    (FilterKind::ForeignKey, "") => {
                        let v = parse_typed(&column.ty, value).map_err(invalid)?;
                        dyn_column.eq(v).map_err(|e| invalid(e.to_string()))?
                    }
                    _ => return Err(invalid("unknown lookup".into())),
                };
                params.conditions.push(condition);
                params.active.push((key.clone(), value.clone()));
            }
        }
    }
    Ok(params)
}

/// A date filter's bound: a plain date for a date-time column covers the
/// whole day (`lte` up to its last microsecond).
fn parse_range_bound(ty: &ColumnType, raw: &str, upper: bool) -> Result<strata::Value, String> {
    match ty {
        ColumnType::DateTime | ColumnType::DateTimeUtc if raw.len() == 10 => {
            let date = chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map_err(|_| "enter a date (YYYY-MM-DD)".to_string())?;
            let time = if upper {
                chrono::NaiveTime::from_hms_micro_opt(23, 59, 59, 999_999)
            } else {
                chrono::NaiveTime::from_hms_opt(0, 0, 0)
            }
            .ok_or_else(|| "bad time".to_string())?;
            let at = date.and_time(time);
            Ok(if *ty == ColumnType::DateTime {
                strata::Value::DateTime(Some(at))
            } else {
                strata::Value::DateTimeUtc(Some(at.and_utc()))
            })
        }
        _ => parse_typed(ty, raw),
    }
}

/// The query of a list page: its filters and search, sorted.
pub(crate) fn list_query(
    model: &ResolvedModel,
    params: &ListParams,
) -> Result<DynQuery, HttpError> {
    let meta = model.meta;
    let internal = |e: strata::Error| HttpError::Internal(e.to_string());
    let mut query = DynQuery::new(meta);
    for condition in &params.conditions {
        query = query.filter(condition.clone());
    }
    let search = params.search.trim();
    if !search.is_empty() {
        let mut any = Vec::new();
        for column in &model.search {
            let c = DynColumn::from_meta(meta, column).map_err(internal)?;
            any.push(c.icontains(search).map_err(internal)?);
        }
        if let Some(condition) = DynCondition::any(any) {
            query = query.filter(condition);
        }
    }
    if let Some((column, descending)) = params.sort {
        query = query.order_by(
            DynColumn::from_meta(meta, column).map_err(internal)?,
            descending,
        );
    } else {
        for term in meta.ordering {
            if let Some(column) = meta.columns.get(term.column) {
                query = query.order_by(
                    DynColumn::from_meta(meta, column).map_err(internal)?,
                    term.descending,
                );
            }
        }
    }
    for column in &model.display {
        if column.foreign_key.is_some() {
            query = query
                .select_related(DynColumn::from_meta(meta, column).map_err(internal)?)
                .map_err(internal)?;
        }
    }
    Ok(query)
}
