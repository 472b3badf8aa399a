//! Logging in and out.

use crate::app::{html, State};
use crate::error::HttpError;
use crate::pages::LoginPage;
use crate::session::set_cookies;
use askama::Template;
use axum::extract::{Form, Query, State as AxState};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};

/// Where a login may send the user next: a path of this admin only (not
/// another site).
fn safe_next(prefix: &str, next: Option<&str>) -> String {
    let fallback = format!("{prefix}/");
    match next {
        Some(n)
            if n.starts_with(&format!("{prefix}/"))
                && !n.starts_with("//")
                && !n.contains('\\') =>
        {
            n.to_string()
        }
        _ => fallback,
    }
}

fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

pub(crate) async fn login_page(
    AxState(state): AxState<State>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Response, HttpError> {
    let (csrf, cookies) = state.csrf(&headers);
    let page = LoginPage {
        title: state.title.clone(),
        prefix: state.prefix.clone(),
        csrf,
        next: safe_next(&state.prefix, field(&query, "next")),
        username: String::new(),
        error: None,
    };
    Ok(html(cookies, page.render()?))
}

pub(crate) async fn login(
    AxState(state): AxState<State>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, HttpError> {
    state.check_csrf(&headers, &form)?;
    let username = field(&form, "username").unwrap_or("");
    let password = field(&form, "password").unwrap_or("");
    let next = safe_next(&state.prefix, field(&form, "next"));
    match crate::user::authenticate(&state.db, username, password).await? {
        Some(user) => {
            let mut response = Redirect::to(&next).into_response();
            // A fresh CSRF token for the new session.
            let token = crate::session::random_token();
            set_cookies(
                response.headers_mut(),
                vec![
                    state.cookies.login_cookie(user.id, &user.password_hash),
                    state.cookies.csrf_cookie(&token),
                ],
            );
            Ok(response)
        }
        None => {
            let (csrf, cookies) = state.csrf(&headers);
            let page = LoginPage {
                title: state.title.clone(),
                prefix: state.prefix.clone(),
                csrf,
                next,
                username: username.to_string(),
                error: Some("Please enter a correct username and password.".into()),
            };
            let mut response = html(cookies, page.render()?);
            *response.status_mut() = axum::http::StatusCode::UNAUTHORIZED;
            Ok(response)
        }
    }
}

pub(crate) async fn logout(
    AxState(state): AxState<State>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, HttpError> {
    state.check_csrf(&headers, &form)?;
    let mut response = Redirect::to(&format!("{}/login", state.prefix)).into_response();
    set_cookies(response.headers_mut(), vec![state.cookies.logout_cookie()]);
    Ok(response)
}
