//! A small HTTP/1 client for the service on loopback, used by the tests and
//! the load generator: hyper's own client (which axum already builds), a
//! pool of kept-alive connections, JSON in and out.

use axum::body::Bytes;
use axum::http::{header, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use std::net::SocketAddr;

/// What a call can fail with: the connection or the response's body.
pub type ClientError = Box<dyn std::error::Error + Send + Sync>;

/// A client of one server. Cheap to clone; clones share the pool.
#[derive(Clone)]
pub struct Client {
    base: String,
    inner: hyper_util::client::legacy::Client<HttpConnector, Full<Bytes>>,
}

impl Client {
    /// A client of the server listening on `addr`.
    pub fn new(addr: SocketAddr) -> Client {
        Client {
            base: format!("http://{addr}"),
            inner: hyper_util::client::legacy::Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    /// `GET path`: the status and the body as JSON.
    pub async fn get(&self, path: &str) -> Result<(StatusCode, Value), ClientError> {
        self.send(Method::GET, path, None).await
    }

    /// `POST path` with `body` as JSON.
    pub async fn post(&self, path: &str, body: &Value) -> Result<(StatusCode, Value), ClientError> {
        self.send(Method::POST, path, Some(serde_json::to_vec(body)?))
            .await
    }

    /// `PATCH path` with `body` as JSON.
    pub async fn patch(
        &self,
        path: &str,
        body: &Value,
    ) -> Result<(StatusCode, Value), ClientError> {
        self.send(Method::PATCH, path, Some(serde_json::to_vec(body)?))
            .await
    }

    /// `method path` with `body` sent as it is (JSON or not): the status
    /// and the body as JSON.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<(StatusCode, Value), ClientError> {
        let (status, bytes) = self.send_raw(method, path, body).await?;
        let json = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).map_err(|e| {
                format!(
                    "{status}: body is not JSON ({e}): {:?}",
                    String::from_utf8_lossy(&bytes)
                )
            })?
        };
        Ok((status, json))
    }

    /// `method path` with `body`: the status and the body's bytes.
    pub async fn send_raw(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<(StatusCode, Bytes), ClientError> {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        if body.is_some() {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        let request = request.body(Full::new(Bytes::from(body.unwrap_or_default())))?;
        let response = self.inner.request(request).await?;
        let status = response.status();
        let bytes = response.into_body().collect().await?.to_bytes();
        Ok((status, bytes))
    }
}
