//! `/authors`: the list, one author with their posts, and creation (a
//! duplicate name is a 409).

use crate::error::{ApiError, FieldErrors};
use crate::params::{self, Page, Paged};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::Json;
use blog::{Author, Post};
use serde::Deserialize;
use strata::prelude::*;

/// The query string of `GET /authors`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorFilters {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
    /// Case-insensitive substring of the name.
    pub name_contains: Option<String>,
}

/// `GET /authors`: a page of authors by name.
pub async fn list(
    State(db): State<Db>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Paged<Author>>, ApiError> {
    let filters: AuthorFilters = params::query(raw.as_deref())?;
    let page = Page::new(filters.page, filters.per_page)?;
    let mut qs = Author::objects();
    if let Some(text) = &filters.name_contains {
        qs = qs.filter(Author::name().icontains(text.as_str()));
    }
    let total = qs.count(&db).await?;
    let items = qs
        .order_by([Author::name().asc(), Author::id().asc()])
        .offset(page.offset())
        .limit(page.per_page)
        .all(&db)
        .await?;
    Ok(Json(page.of(items, total)))
}

/// `GET /authors/{id}`: the author and their posts, newest first (two
/// queries).
pub async fn detail(
    State(db): State<Db>,
    Path(id): Path<String>,
) -> Result<Json<Author>, ApiError> {
    let id = params::id(&id)?;
    let author = Author::objects()
        .filter(Author::id().eq(id))
        .prefetch_related(Prefetch::with_queryset(
            Author::posts(),
            Post::objects().order_by(Post::id().desc()),
        ))
        .get(&db)
        .await?;
    Ok(Json(author))
}

/// The body of `POST /authors`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewAuthor {
    pub name: String,
}

/// `POST /authors`: 201 and the author; 409 if the name is taken (the
/// unique constraint decides, so two requests racing for one name end
/// with one 201 and one 409).
pub async fn create(
    State(db): State<Db>,
    body: Bytes,
) -> Result<(StatusCode, Json<Author>), ApiError> {
    let new: NewAuthor = params::body(&body)?;
    let mut errors = FieldErrors::default();
    errors.check_length("name", &new.name, 100);
    errors.finish()?;
    let mut author = Author {
        name: new.name,
        ..Default::default()
    };
    author.insert(&db).await?;
    Ok((StatusCode::CREATED, Json(author)))
}
