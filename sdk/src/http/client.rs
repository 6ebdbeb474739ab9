//! The client side: `wasi:http/client.send` on `http` types.

use super::body::Body;
use super::error::Error;
use crate::sys::http::RequestOptions;
use http::{Request, Response};
use std::time::Duration;

/// Sets `$req`'s method, scheme, authority and path from `$parts` (the same
/// calls on WASI 0.3's `request` and WASI 0.2's `outgoing-request`); an
/// invalid one returns an `Err` from the calling function.
macro_rules! set_request_head {
    ($req:expr, $parts:expr) => {
        let bad = |what: &str| crate::http::Error::msg(format!("invalid request {what}"));
        $req.set_method(&crate::http::server::method_to_wasi(&$parts.method)).map_err(|()| bad("method"))?;
        let scheme = match $parts.uri.scheme_str() {
            Some("http") | None => crate::sys::http::Scheme::Http,
            Some("https") => crate::sys::http::Scheme::Https,
            Some(other) => crate::sys::http::Scheme::Other(other.to_string()),
        };
        $req.set_scheme(Some(&scheme)).map_err(|()| bad("scheme"))?;
        let authority = $parts.uri.authority().map(|a| a.to_string());
        $req.set_authority(authority.as_deref()).map_err(|()| bad("authority"))?;
        let path = $parts.uri.path_and_query().map(|p| p.to_string()).unwrap_or_else(|| "/".into());
        $req.set_path_with_query(Some(&path)).map_err(|()| bad("path"))?;
    };
}
pub(crate) use set_request_head;

/// An HTTP client with timeouts (`request-options`), like a minimal
/// `reqwest::Client`. Needs `wasmtime run -Shttp` (or `serve -Shttp`).
///
/// ```no_run
/// # async fn f() -> Result<(), wasio::http::Error> {
/// let client = wasio::http::Client::new().connect_timeout(std::time::Duration::from_secs(5));
/// let resp = client.send(http::Request::get("http://127.0.0.1:8080/").body(())?).await?;
/// let text = resp.into_body().text().await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Client {
    connect: Option<Duration>,
    first_byte: Option<Duration>,
    between_bytes: Option<Duration>,
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

impl Client {
    /// A client with the host's default timeouts.
    ///
    /// ```no_run
    /// let c = wasio::http::Client::new();
    /// ```
    pub fn new() -> Client {
        Client::default()
    }
    /// Timeout for establishing the connection.
    ///
    /// ```no_run
    /// let c = wasio::http::Client::new().connect_timeout(std::time::Duration::from_secs(1));
    /// ```
    pub fn connect_timeout(mut self, d: Duration) -> Client {
        self.connect = Some(d);
        self
    }
    /// Timeout until the first byte of the response.
    ///
    /// ```no_run
    /// let c = wasio::http::Client::new().first_byte_timeout(std::time::Duration::from_secs(1));
    /// ```
    pub fn first_byte_timeout(mut self, d: Duration) -> Client {
        self.first_byte = Some(d);
        self
    }
    /// Timeout between bytes of the response.
    ///
    /// ```no_run
    /// let c = wasio::http::Client::new().between_bytes_timeout(std::time::Duration::from_secs(1));
    /// ```
    pub fn between_bytes_timeout(mut self, d: Duration) -> Client {
        self.between_bytes = Some(d);
        self
    }

    /// The timeouts as the host's `request-options` (none if all default).
    pub(crate) fn options(&self) -> Result<Option<RequestOptions>, Error> {
        if self.connect.is_none() && self.first_byte.is_none() && self.between_bytes.is_none() {
            return Ok(None);
        }
        let o = RequestOptions::new();
        let err = |e| Error::msg(format!("request options: {e:?}"));
        o.set_connect_timeout(self.connect.map(nanos)).map_err(err)?;
        o.set_first_byte_timeout(self.first_byte.map(nanos)).map_err(err)?;
        o.set_between_bytes_timeout(self.between_bytes.map(nanos)).map_err(err)?;
        Ok(Some(o))
    }
}

impl Client {
    /// Sends `request`; the response arrives as soon as its head does, its
    /// body streams. The request body streams (from a task) while the
    /// response arrives.
    ///
    /// # Errors
    /// Invalid headers, and host errors (connection refused, timeouts, ...)
    /// with their WASI `error-code` kept ([`Error::code_name`]).
    ///
    /// # Cancel safety
    /// Dropping the future before the response head arrives cancels the
    /// request in the host; the request body may have been partly sent.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), wasio::http::Error> {
    /// let req = http::Request::post("http://127.0.0.1:8080/echo").body("hello")?;
    /// let resp = wasio::http::Client::new().send(req).await?;
    /// # Ok(()) }
    /// ```
    pub async fn send<B: Into<Body>>(&self, request: Request<B>) -> Result<Response<Body>, Error> {
        let (parts, body) = request.into_parts();
        crate::sys::http::send(self.options()?, parts, body.into()).await
    }
}

/// Sends `request` with a default [`Client`].
///
/// ```no_run
/// # async fn f() -> Result<(), wasio::http::Error> {
/// let resp = wasio::http::send(http::Request::get("http://127.0.0.1:8080/").body(())?).await?;
/// assert!(resp.status().is_success());
/// # Ok(()) }
/// ```
pub async fn send<B: Into<Body>>(request: Request<B>) -> Result<Response<Body>, Error> {
    Client::new().send(request).await
}
