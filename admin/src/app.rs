//! The router, its shared state, and the checks every page goes through:
//! login, CSRF token, read-only role.

use crate::config::{Admin, ResolvedModel};
use crate::error::{HttpError, Result};
use crate::pages::Chrome;
use crate::session::{constant_time_eq, fingerprint, random_token, set_cookies, CookieSettings};
use crate::user::AdminUser;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;
use strata::{Db, Model};

/// What every handler shares.
pub(crate) struct AppState {
    pub db: Db,
    pub models: Vec<ResolvedModel>,
    pub cookies: CookieSettings,
    pub prefix: String,
    pub title: String,
}

pub(crate) type State = Arc<AppState>;

/// A request from a logged-in user, with the CSRF token its forms carry.
pub(crate) struct Ctx {
    pub user: AdminUser,
    pub csrf: String,
    /// Cookies to set on the response (a fresh CSRF token).
    pub cookies: Vec<HeaderValue>,
}

impl AppState {
    pub fn model(&self, table: &str) -> Result<&ResolvedModel, HttpError> {
        self.models
            .iter()
            .find(|m| m.meta.table == table)
            .ok_or(HttpError::NotFound)
    }

    pub fn chrome(&self, ctx: &Ctx) -> Chrome {
        Chrome {
            title: self.title.clone(),
            prefix: self.prefix.clone(),
            username: ctx.user.username.clone(),
            csrf: ctx.csrf.clone(),
            read_only: ctx.user.read_only,
            models: self
                .models
                .iter()
                .map(|m| (m.meta.table.to_string(), m.meta.name.to_string()))
                .collect(),
        }
    }

    /// The request's CSRF token, and a cookie to set when it had none.
    pub fn csrf(&self, headers: &HeaderMap) -> (String, Vec<HeaderValue>) {
        match self.cookies.csrf(headers) {
            Some(token) => (token, Vec::new()),
            None => {
                let token = random_token();
                let cookie = self.cookies.csrf_cookie(&token);
                (token, vec![cookie])
            }
        }
    }

    /// Refuses a POST whose `csrf_token` field does not match its cookie.
    pub fn check_csrf(
        &self,
        headers: &HeaderMap,
        form: &[(String, String)],
    ) -> Result<(), HttpError> {
        let sent = form
            .iter()
            .find(|(k, _)| k == "csrf_token")
            .map(|(_, v)| v.as_str());
        match (self.cookies.csrf(headers), sent) {
            (Some(expected), Some(sent)) if constant_time_eq(&expected, sent) => Ok(()),
            _ => Err(HttpError::Forbidden(
                "CSRF check failed: the form's token is missing or does not match. Reload the page and try again.".into(),
            )),
        }
    }

    /// The logged-in user, or a redirect to the login page.
    pub async fn user(&self, headers: &HeaderMap, path: &str) -> Result<Ctx, Response> {
        let login = || {
            let next: String = url_encode(path);
            Redirect::to(&format!("{}/login?next={next}", self.prefix)).into_response()
        };
        let Some(session) = self.cookies.session(headers) else {
            return Err(login());
        };
        let found = AdminUser::objects()
            .filter(AdminUser::id().eq(session.user_id))
            .all(&self.db)
            .await
            .map_err(|e| HttpError::from(e).into_response())?;
        let Some(user) = found.into_iter().next() else {
            return Err(login());
        };
        if !user.is_active
            || !constant_time_eq(&fingerprint(&user.password_hash), &session.fingerprint)
        {
            return Err(login());
        }
        let (csrf, cookies) = self.csrf(headers);
        Ok(Ctx {
            user,
            csrf,
            cookies,
        })
    }

    /// The logged-in user who may change data: a read-only user gets 403.
    pub async fn writer(&self, headers: &HeaderMap, path: &str) -> Result<Ctx, Response> {
        let ctx = self.user(headers, path).await?;
        if ctx.user.read_only {
            return Err(HttpError::Forbidden("your account is read-only".into()).into_response());
        }
        Ok(ctx)
    }
}

/// Percent-encodes everything but unreserved characters.
pub(crate) fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// An HTML page with the context's cookies.
pub(crate) fn html(ctx_cookies: Vec<HeaderValue>, body: String) -> Response {
    let mut response = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response();
    set_cookies(response.headers_mut(), ctx_cookies);
    secure_headers(response.headers_mut());
    response
}

/// Headers that keep the pages out of frames and stop content sniffing.
pub(crate) fn secure_headers(headers: &mut HeaderMap) {
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    headers.insert(
        "content-security-policy",
        HeaderValue::from_static("default-src 'self'; script-src 'none'; frame-ancestors 'none'"),
    );
}

async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../static/admin.css"),
    )
        .into_response()
}

impl Admin {
    /// The admin as an axum `Router` whose pages live under `prefix`
    /// (`"/admin"`; `""` for the root). Merge it into the application's
    /// router. Fails when a [`ModelAdmin`](crate::ModelAdmin) names a
    /// field its model does not have, or the secret key is shorter than
    /// 64 bytes.
    ///
    /// ```
    /// # use strata::prelude::*;
    /// #[derive(Model, Debug)]
    /// struct Note { id: i64, #[strata(max_length = 80)] title: String }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), strata_admin::Error> {
    /// let db = Db::connect("sqlite::memory:").await?;
    /// let app: axum::Router = strata_admin::Admin::new(db)
    ///     .register(Note::META)
    ///     .router("/admin")?;
    /// # let _ = app;
    /// # Ok(()) }
    /// ```
    pub fn router(self, prefix: &str) -> Result<Router> {
        let prefix = prefix.trim_end_matches('/').to_string();
        if !prefix.is_empty() && !prefix.starts_with('/') {
            return Err(crate::Error::Config {
                reason: format!("the prefix `{prefix}` must start with `/`"),
            });
        }
        let key = match &self.key {
            Some(bytes) if bytes.len() >= 64 => cookie::Key::from(bytes),
            Some(bytes) => {
                return Err(crate::Error::Config {
                    reason: format!(
                        "the secret key has {} bytes; it needs at least 64",
                        bytes.len()
                    ),
                })
            }
            None => cookie::Key::generate(),
        };
        let models = self
            .models
            .iter()
            .map(|m| m.resolve())
            .collect::<Result<Vec<_>>>()?;
        let state = Arc::new(AppState {
            db: self.db,
            models,
            cookies: CookieSettings {
                key,
                secure: self.secure_cookies,
                strict: self.same_site_strict,
                path: if prefix.is_empty() {
                    "/".into()
                } else {
                    prefix.clone()
                },
                session_hours: self.session_hours,
            },
            prefix: prefix.clone(),
            title: self.title,
        });
        let p = prefix.as_str();
        let mut router = Router::new()
            .route(&format!("{p}/"), get(crate::views::index))
            .route(&format!("{p}/static/admin.css"), get(stylesheet))
            .route(
                &format!("{p}/login"),
                get(crate::views::login_page).post(crate::views::login),
            )
            .route(&format!("{p}/logout"), post(crate::views::logout))
            .route(&format!("{p}/{{table}}"), get(crate::views::list))
            .route(
                &format!("{p}/{{table}}/action"),
                post(crate::views::bulk_action),
            )
            .route(
                &format!("{p}/{{table}}/add"),
                get(crate::views::add_page).post(crate::views::add),
            )
            .route(
                &format!("{p}/{{table}}/{{key}}"),
                get(crate::views::edit_page).post(crate::views::edit),
            )
            .route(
                &format!("{p}/{{table}}/{{key}}/delete"),
                get(crate::views::delete_page).post(crate::views::delete),
            );
        if !p.is_empty() {
            router = router.route(p, get(crate::views::index));
        }
        Ok(router.with_state(state))
    }

    /// Serves the admin alone on `address` (`"127.0.0.1:8000"`) until the
    /// process ends.
    pub async fn serve(self, address: &str) -> Result<()> {
        let router = self.router("/admin")?;
        let listener = tokio::net::TcpListener::bind(address).await?;
        axum::serve(listener, router).await?;
        Ok(())
    }
}
