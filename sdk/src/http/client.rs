//! The client side: `wasi:http/client.send` on `http` types.

use super::body::Body;
use super::error::Error;
#[cfg(not(feature = "p2"))]
use super::fields::{from_fields, head_fields};
#[cfg(not(feature = "p2"))]
use super::server::method_to_wasi;
#[cfg(not(feature = "p2"))]
use crate::bindings::wasi::http::client as wasi_client;
#[cfg(not(feature = "p2"))]
use crate::bindings::wasi::http::types::{
    ErrorCode, Request as WasiRequest, RequestOptions, Response as WasiResponse, Scheme,
};
#[cfg(not(feature = "p2"))]
use crate::bindings::wit_future;
use http::{Request, Response};
use std::time::Duration;
#[cfg(feature = "p2")]
use wasip2::http::types::RequestOptions;

/// Sets `$req`'s method, scheme, authority and path from `$parts` (the same
/// calls on WASI 0.3's `request` and WASI 0.2's `outgoing-request`); an
/// invalid one returns an `Err` from the calling function.
macro_rules! set_request_head {
    ($req:expr, $parts:expr) => {
        let bad = |what: &str| Error::msg(format!("invalid request {what}"));
        $req.set_method(&method_to_wasi(&$parts.method)).map_err(|()| bad("method"))?;
        let scheme = match $parts.uri.scheme_str() {
            Some("http") | None => Scheme::Http,
            Some("https") => Scheme::Https,
            Some(other) => Scheme::Other(other.to_string()),
        };
        $req.set_scheme(Some(&scheme)).map_err(|()| bad("scheme"))?;
        let authority = $parts.uri.authority().map(|a| a.to_string());
        $req.set_authority(authority.as_deref()).map_err(|()| bad("authority"))?;
        let path = $parts.uri.path_and_query().map(|p| p.to_string()).unwrap_or_else(|| "/".into());
        $req.set_path_with_query(Some(&path)).map_err(|()| bad("path"))?;
    };
}
#[cfg(feature = "p2")]
pub(super) use set_request_head;

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
    pub(super) fn options(&self) -> Result<Option<RequestOptions>, Error> {
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

// Sending, on WASI 0.3 (the WASI 0.2 side is in `client_p2.rs`).
#[cfg(not(feature = "p2"))]
impl Client {
    /// Sends `request`; the response arrives as soon as its head does, its
    /// body streams. The request body streams while the response arrives.
    ///
    /// # Errors
    /// Invalid headers, and host errors (connection refused, timeouts, ...)
    /// with their WASI `error-code` kept ([`Error::code_name`]).
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), wasio::http::Error> {
    /// let req = http::Request::post("http://127.0.0.1:8080/echo").body("hello")?;
    /// let resp = wasio::http::Client::new().send(req).await?;
    /// # Ok(()) }
    /// ```
    pub async fn send<B: Into<Body>>(&self, request: Request<B>) -> Result<Response<Body>, Error> {
        let (parts, body) = request.into_parts();
        let body: Body = body.into();
        let fields = head_fields(&parts.headers, &body, None)?;
        let options = self.options()?;
        let (contents, trailers, feed) = body.into_wasi();
        let (req, sent) = WasiRequest::new(fields, contents, trailers, options);
        // One task feeds the body, then keeps our end of "request
        // transmitted" open until the host is done sending: dropping it
        // early can make the host abandon the exchange.
        crate::spawn(async move {
            if let Some(feed) = feed {
                feed.await;
            }
            let _ = sent.await;
        });
        set_request_head!(req, parts);
        let resp = wasi_client::send(req).await.map_err(|e| Error::from_code(e, "send"))?;
        response_from_wasi(resp)
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

#[cfg(not(feature = "p2"))]
fn response_from_wasi(resp: WasiResponse) -> Result<Response<Body>, Error> {
    let status = http::StatusCode::from_u16(resp.get_status_code())?;
    let headers = from_fields(&resp.get_headers())?;
    let (res_tx, res_rx) = wit_future::new::<Result<(), ErrorCode>>(|| Ok(()));
    let (data, trailers) = WasiResponse::consume_body(resp, res_rx);
    let mut r = Response::new(Body::incoming(data, trailers, res_tx, &headers));
    *r.status_mut() = status;
    *r.headers_mut() = headers;
    Ok(r)
}
