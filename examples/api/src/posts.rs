//! `/posts`: the list (filters and pagination from the query string),
//! one post with its author and comments, and writes in transactions.

use crate::error::{ApiError, FieldErrors};
use crate::params::{self, Page, Paged};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::Json;
use blog::{Author, Comment, Post};
use serde::Deserialize;
use strata::prelude::*;

/// The query string of `GET /posts`; anything else is refused.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostFilters {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
    /// `published=true` / `false`.
    pub published: Option<bool>,
    /// Posts of the author with this id.
    pub author: Option<i64>,
    /// Case-insensitive substring of the title.
    pub title_contains: Option<String>,
    /// `order=id` (the default), `-id`, `title` or `-title`.
    pub order: Option<PostOrder>,
}

/// The orderings `GET /posts` offers, each a typed field of `Post`.
#[derive(Debug, Clone, Copy, Deserialize)]
pub enum PostOrder {
    #[serde(rename = "id")]
    Id,
    #[serde(rename = "-id")]
    IdDesc,
    #[serde(rename = "title")]
    Title,
    #[serde(rename = "-title")]
    TitleDesc,
}

impl PostFilters {
    /// The posts these filters select, unpaginated and unordered.
    pub fn queryset(&self) -> QuerySet<Post> {
        let mut qs = Post::objects();
        if let Some(published) = self.published {
            qs = qs.filter(Post::published().eq(published));
        }
        if let Some(author) = self.author {
            qs = qs.filter(Post::author().id().eq(author));
        }
        if let Some(text) = &self.title_contains {
            qs = qs.filter(Post::title().icontains(text.as_str()));
        }
        qs
    }
}

/// `GET /posts`: a page of posts, each with its author (one query for the
/// page, with a join, and one to count).
pub async fn list(
    State(db): State<Db>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Paged<Post>>, ApiError> {
    let filters: PostFilters = params::query(raw.as_deref())?;
    let page = Page::new(filters.page, filters.per_page)?;
    let qs = filters.queryset();
    let total = qs.count(&db).await?;
    // The key last, so that equal titles keep one order across pages.
    let ordered = match filters.order.unwrap_or(PostOrder::Id) {
        PostOrder::Id => qs.order_by(Post::id().asc()),
        PostOrder::IdDesc => qs.order_by(Post::id().desc()),
        PostOrder::Title => qs.order_by([Post::title().asc(), Post::id().asc()]),
        PostOrder::TitleDesc => qs.order_by([Post::title().desc(), Post::id().desc()]),
    };
    let items = ordered
        .select_related(Post::author())
        .offset(page.offset())
        .limit(page.per_page)
        .all(&db)
        .await?;
    Ok(Json(page.of(items, total)))
}

/// `GET /posts/{id}`: the post, its author (joined) and its comments
/// (prefetched): two queries.
pub async fn detail(State(db): State<Db>, Path(id): Path<String>) -> Result<Json<Post>, ApiError> {
    let id = params::id(&id)?;
    let post = Post::objects()
        .filter(Post::id().eq(id))
        .select_related(Post::author())
        .prefetch_related(Prefetch::with_queryset(
            Post::comments(),
            Comment::objects().order_by(Comment::id().asc()),
        ))
        .get(&db)
        .await?;
    Ok(Json(post))
}

/// The body of `POST /posts`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPost {
    pub title: String,
    #[serde(default)]
    pub body: String,
    /// The author's key, `3`, or an object holding it, `{"id": 3}`.
    pub author: ForeignKey<Author>,
    #[serde(default)]
    pub published: bool,
}

/// The body of `PATCH /posts/{id}`: the fields to change.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostChanges {
    pub title: Option<String>,
    pub body: Option<String>,
    pub author: Option<ForeignKey<Author>>,
    pub published: Option<bool>,
}

fn check_title(errors: &mut FieldErrors, title: &str) {
    errors.check_length("title", title, 200);
}

/// Refuses a key of no author: a 422 on `author`, not a database error.
async fn check_author(
    ex: impl Executor,
    errors: &mut FieldErrors,
    author: &ForeignKey<Author>,
) -> Result<(), ApiError> {
    let exists = Author::objects()
        .filter(Author::id().eq(*author.key()))
        .exists(ex)
        .await?;
    if !exists {
        errors.add("author", format!("no author with id {}", author.key()));
    }
    Ok(())
}

/// `POST /posts`: validates, checks the author inside the transaction that
/// inserts (so it cannot vanish in between), returns 201 and the post
/// with its author.
pub async fn create(
    State(db): State<Db>,
    body: Bytes,
) -> Result<(StatusCode, Json<Post>), ApiError> {
    let new: NewPost = params::body(&body)?;
    let mut errors = FieldErrors::default();
    check_title(&mut errors, &new.title);
    let post = db
        .atomic(|tx| {
            Box::pin(async move {
                check_author(&mut *tx, &mut errors, &new.author).await?;
                errors.finish()?;
                let mut post = Post {
                    id: 0,
                    title: new.title,
                    body: new.body,
                    author: new.author,
                    published: new.published,
                    comments: Reverse::new(),
                };
                post.insert(&mut *tx).await?;
                post.author.load(&mut *tx).await?;
                Ok::<_, ApiError>(post)
            })
        })
        .await?;
    Ok((StatusCode::CREATED, Json(post)))
}

/// `PATCH /posts/{id}`: reads the post with a row lock, applies the
/// changes, validates and saves, all in one transaction; returns the post
/// with its author.
pub async fn update(
    State(db): State<Db>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Post>, ApiError> {
    let id = params::id(&id)?;
    let changes: PostChanges = params::body(&body)?;
    let post = db
        .atomic(|tx| {
            Box::pin(async move {
                let mut post = Post::objects()
                    .filter(Post::id().eq(id))
                    .select_for_update()
                    .get(&mut *tx)
                    .await?;
                let mut errors = FieldErrors::default();
                if let Some(title) = changes.title {
                    check_title(&mut errors, &title);
                    post.title = title;
                }
                if let Some(body) = changes.body {
                    post.body = body;
                }
                if let Some(published) = changes.published {
                    post.published = published;
                }
                if let Some(author) = changes.author {
                    check_author(&mut *tx, &mut errors, &author).await?;
                    post.author = author;
                }
                errors.finish()?;
                post.save(&mut *tx).await?;
                post.author.load(&mut *tx).await?;
                Ok::<_, ApiError>(post)
            })
        })
        .await?;
    Ok(Json(post))
}

/// The body of `POST /posts/{id}/comments`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewComment {
    pub text: String,
}

/// `POST /posts/{id}/comments`: 404 for no such post, 201 and the comment.
pub async fn comment(
    State(db): State<Db>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Comment>), ApiError> {
    let id = params::id(&id)?;
    let new: NewComment = params::body(&body)?;
    let mut errors = FieldErrors::default();
    errors.check_not_blank("text", &new.text);
    errors.finish()?;
    let comment = db
        .atomic(|tx| {
            Box::pin(async move {
                let post = Post::objects()
                    .filter(Post::id().eq(id))
                    .get(&mut *tx)
                    .await?;
                let mut comment = Comment {
                    id: 0,
                    post: ForeignKey::to(&post),
                    text: new.text,
                };
                comment.insert(&mut *tx).await?;
                Ok::<_, ApiError>(comment)
            })
        })
        .await?;
    Ok((StatusCode::CREATED, Json(comment)))
}
