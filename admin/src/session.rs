//! Sessions and CSRF tokens in encrypted, authenticated cookies
//! (`cookie`'s private jar: AES-256-GCM), flagged `HttpOnly`,
//! `SameSite` and (by default) `Secure`.
//!
//! Two cookies:
//! - `strata_admin_csrf`: a random token every form carries in a hidden
//!   field; a POST whose field does not match the cookie is refused
//!   (the double-submit pattern; the cookie cannot be read or forged by
//!   another site, being encrypted and `HttpOnly`);
//! - `strata_admin_session`: the user's id, the session's expiry and a
//!   fingerprint of the password hash (changing the password ends every
//!   session).

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use cookie::{Cookie, CookieJar, Key, SameSite};

pub(crate) const SESSION_COOKIE: &str = "strata_admin_session";
pub(crate) const CSRF_COOKIE: &str = "strata_admin_csrf";

/// The cookie settings of one admin.
pub(crate) struct CookieSettings {
    pub key: Key,
    pub secure: bool,
    pub strict: bool,
    pub path: String,
    pub session_hours: i64,
}

/// A logged-in session read from the request.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub user_id: i64,
    pub fingerprint: String,
}

/// A random token of 32 bytes, hex-encoded.
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    // getrandom fails only where the OS has no randomness at all; fall
    // back to two v4 UUIDs, which come from the same source or fail alike.
    if getrandom::fill(&mut bytes).is_err() {
        let a = uuid::Uuid::new_v4();
        let b = uuid::Uuid::new_v4();
        bytes[..16].copy_from_slice(a.as_bytes());
        bytes[16..].copy_from_slice(b.as_bytes());
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The first 16 hex digits of a stable hash of the password hash.
pub(crate) fn fingerprint(password_hash: &str) -> String {
    // FNV-1a: no security depends on it (the cookie is authenticated);
    // it only changes when the hash does.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in password_hash.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}")
}

/// Equal strings, compared in time independent of where they differ.
pub(crate) fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl CookieSettings {
    fn jar(&self, headers: &HeaderMap) -> CookieJar {
        let mut jar = CookieJar::new();
        for value in headers.get_all(COOKIE) {
            let Ok(text) = value.to_str() else { continue };
            for cookie in Cookie::split_parse_encoded(text.to_string()).flatten() {
                jar.add_original(cookie);
            }
        }
        jar
    }

    fn read(&self, headers: &HeaderMap, name: &str) -> Option<String> {
        self.jar(headers)
            .private(&self.key)
            .get(name)
            .map(|c| c.value().to_string())
    }

    /// The session of the request, if it has a valid, unexpired one.
    pub fn session(&self, headers: &HeaderMap) -> Option<Session> {
        let value = self.read(headers, SESSION_COOKIE)?;
        let mut parts = value.splitn(3, ':');
        let user_id = parts.next()?.parse().ok()?;
        let expires: i64 = parts.next()?.parse().ok()?;
        let fingerprint = parts.next()?.to_string();
        if expires < chrono::Utc::now().timestamp() {
            return None;
        }
        Some(Session {
            user_id,
            fingerprint,
        })
    }

    /// The request's CSRF token, if it has the cookie.
    pub fn csrf(&self, headers: &HeaderMap) -> Option<String> {
        self.read(headers, CSRF_COOKIE).filter(|t| t.len() == 64)
    }

    fn encrypted(&self, name: &'static str, value: String, max_age_hours: i64) -> HeaderValue {
        let mut cookie = Cookie::build((name, value))
            .path(self.path.clone())
            .http_only(true)
            .secure(self.secure)
            .same_site(if self.strict {
                SameSite::Strict
            } else {
                SameSite::Lax
            })
            .build();
        if max_age_hours > 0 {
            cookie.set_max_age(cookie::time::Duration::hours(max_age_hours));
        } else {
            cookie.make_removal();
        }
        let mut jar = CookieJar::new();
        jar.private_mut(&self.key).add(cookie);
        let text = jar
            .delta()
            .next()
            .map(|c| c.encoded().to_string())
            .unwrap_or_default();
        HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    /// A `Set-Cookie` that starts a session for `user_id`.
    pub fn login_cookie(&self, user_id: i64, password_hash: &str) -> HeaderValue {
        let expires = chrono::Utc::now().timestamp() + self.session_hours * 3600;
        let value = format!("{user_id}:{expires}:{}", fingerprint(password_hash));
        self.encrypted(SESSION_COOKIE, value, self.session_hours)
    }

    /// A `Set-Cookie` that ends the session.
    pub fn logout_cookie(&self) -> HeaderValue {
        self.encrypted(SESSION_COOKIE, String::new(), 0)
    }

    /// A `Set-Cookie` with a fresh CSRF token.
    pub fn csrf_cookie(&self, token: &str) -> HeaderValue {
        self.encrypted(CSRF_COOKIE, token.to_string(), 24 * 365)
    }
}

/// Adds `Set-Cookie` headers to a response's headers.
pub(crate) fn set_cookies(headers: &mut HeaderMap, cookies: Vec<HeaderValue>) {
    for cookie in cookies {
        if !cookie.is_empty() {
            headers.append(SET_COOKIE, cookie);
        }
    }
}
