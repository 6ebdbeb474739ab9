//! The server side: `wasi:http/handler` exports on `http` types. What a
//! handler returns ([`IntoResponse`]) and the request and response heads
//! are written once here; the export itself is the backend's
//! (`sys::http::serve`).

use super::body::Body;
use super::error::Error;
use super::fields::{from_fields, head_fields};
use crate::sys::http::{Fields, Method, Scheme};
use http::{Response, StatusCode};

/// What a handler may return: a `Response`, a body-like value (200), a
/// status, `(StatusCode, body)`, an [`Error`] (500 with its message, or its
/// own status) or a `Result` of two of these. Implement it for your own
/// error type to choose how errors are answered.
///
/// ```no_run
/// use wasio::http::{Body, IntoResponse};
/// struct NotFound;
/// impl IntoResponse for NotFound {
///     fn into_response(self) -> http::Response<Body> {
///         (http::StatusCode::NOT_FOUND, "nothing here").into_response()
///     }
/// }
/// ```
pub trait IntoResponse {
    /// Builds the response.
    fn into_response(self) -> Response<Body>;
}

impl<B: Into<Body>> IntoResponse for Response<B> {
    fn into_response(self) -> Response<Body> {
        self.map(Into::into)
    }
}

impl IntoResponse for Body {
    fn into_response(self) -> Response<Body> {
        Response::new(self)
    }
}

/// The `content-type` of text answers, as axum's.
const TEXT: &str = "text/plain; charset=utf-8";

// Text answers carry `text/plain; charset=utf-8` in the body, not in a
// header map (one per response cost 3.7k guest instructions a request): it
// joins the head's field list on the way to the host. See
// docs/DESIGN-NOTES.md.
impl IntoResponse for &'static str {
    fn into_response(self) -> Response<Body> {
        Response::new(Body::from(self).with_content_type(TEXT))
    }
}

impl IntoResponse for String {
    fn into_response(self) -> Response<Body> {
        Response::new(Body::from(self).with_content_type(TEXT))
    }
}

impl IntoResponse for &'static [u8] {
    fn into_response(self) -> Response<Body> {
        Response::new(Body::from(self))
    }
}

/// A JSON response (feature `json`): the value serialized, with
/// `content-type: application/json`; a value that does not serialize is a
/// 500 naming the error.
///
/// ```no_run
/// use wasio::http::{Body, Json, Request};
///
/// #[wasio::http::handler]
/// async fn handle(_req: Request<Body>) -> Json<Vec<u32>> {
///     Json(vec![1, 2, 3])
/// }
/// ```
#[cfg(feature = "json")]
#[cfg_attr(docsrs, doc(cfg(feature = "json")))]
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

#[cfg(feature = "json")]
impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response<Body> {
        match Body::from_json(&self.0) {
            Ok(body) => Response::new(body),
            Err(e) => Error::msg(format!("serializing the JSON response: {e}")).into_response(),
        }
    }
}

impl IntoResponse for bytes::Bytes {
    fn into_response(self) -> Response<Body> {
        Response::new(Body::from(self))
    }
}

impl IntoResponse for Vec<u8> {
    fn into_response(self) -> Response<Body> {
        Response::new(Body::from(self))
    }
}

impl IntoResponse for () {
    fn into_response(self) -> Response<Body> {
        Response::new(Body::empty())
    }
}

impl IntoResponse for StatusCode {
    fn into_response(self) -> Response<Body> {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = self;
        r
    }
}

impl<B: IntoResponse> IntoResponse for (StatusCode, B) {
    fn into_response(self) -> Response<Body> {
        let mut r = self.1.into_response();
        *r.status_mut() = self.0;
        r
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response<Body> {
        (self.status(), format!("{self}\n")).into_response()
    }
}

impl<T: IntoResponse, E: IntoResponse> IntoResponse for Result<T, E> {
    fn into_response(self) -> Response<Body> {
        match self {
            Ok(t) => t.into_response(),
            Err(e) => e.into_response(),
        }
    }
}

pub(crate) fn method_from_wasi(m: Method) -> Result<http::Method, Error> {
    Ok(match m {
        Method::Get => http::Method::GET,
        Method::Head => http::Method::HEAD,
        Method::Post => http::Method::POST,
        Method::Put => http::Method::PUT,
        Method::Delete => http::Method::DELETE,
        Method::Connect => http::Method::CONNECT,
        Method::Options => http::Method::OPTIONS,
        Method::Trace => http::Method::TRACE,
        Method::Patch => http::Method::PATCH,
        Method::Other(s) => http::Method::from_bytes(s.as_bytes())?,
    })
}

pub(crate) fn method_to_wasi(m: &http::Method) -> Method {
    match *m {
        http::Method::GET => Method::Get,
        http::Method::HEAD => Method::Head,
        http::Method::POST => Method::Post,
        http::Method::PUT => Method::Put,
        http::Method::DELETE => Method::Delete,
        http::Method::CONNECT => Method::Connect,
        http::Method::OPTIONS => Method::Options,
        http::Method::TRACE => Method::Trace,
        http::Method::PATCH => Method::Patch,
        ref other => Method::Other(other.to_string()),
    }
}

/// An incoming request's method, URI and headers from its WASI parts (the
/// same on WASI 0.3 and 0.2).
pub(crate) fn request_head(
    scheme: Option<Scheme>,
    authority: Option<String>,
    path_with_query: Option<String>,
    method: Method,
    headers: &Fields,
) -> Result<http::request::Parts, Error> {
    use http::uri::{Authority, PathAndQuery};
    let method = method_from_wasi(method)?;
    let headers = from_fields(headers)?;
    let path = path_with_query.filter(|p| !p.is_empty());
    let mut uri = http::uri::Parts::default();
    if method == http::Method::CONNECT && path.is_none() {
        // Authority-form (`CONNECT host:port`): the authority alone.
        uri.authority = authority.map(Authority::try_from).transpose()?;
    } else if path.as_deref() == Some("*") {
        // Asterisk-form (`OPTIONS *`) keeps its form.
        uri.path_and_query = Some(PathAndQuery::from_static("*"));
    } else {
        uri.path_and_query = Some(match path {
            Some(p) => PathAndQuery::try_from(p)?,
            None => PathAndQuery::from_static("/"),
        });
        // An absolute URI needs a scheme and a valid authority; without
        // them the request stays in origin-form. (A WASI 0.2 host takes the
        // authority from the `Host` header, which a WASI 0.3 host does not
        // pass on: an invalid one is left out, as 0.3 leaves it out.)
        let authority = authority.and_then(|a| Authority::try_from(a).ok());
        if let (Some(scheme), Some(authority)) = (scheme, authority) {
            uri.scheme = Some(match scheme {
                Scheme::Http => http::uri::Scheme::HTTP,
                Scheme::Https => http::uri::Scheme::HTTPS,
                Scheme::Other(s) => s.parse()?,
            });
            uri.authority = Some(authority);
        }
    }
    let (mut parts, ()) = http::Request::new(()).into_parts();
    parts.uri = http::Uri::from_parts(uri)?;
    parts.method = method;
    parts.headers = headers;
    Ok(parts)
}

/// The 400 answered when the host's request cannot be converted.
pub(crate) fn bad_request(e: Error) -> Response<Body> {
    (StatusCode::BAD_REQUEST, format!("bad request: {e}\n")).into_response()
}

/// The 500 answered when a response cannot go to the host as it is (e.g.
/// a header the host refuses), instead of trapping.
pub(crate) fn unsendable(e: Error) -> Response<Body> {
    (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response()
}

/// Sets a response's status through `set`; 200 is the WASI default, so it
/// costs no call.
pub(crate) fn set_status(status: StatusCode, set: impl FnOnce(u16) -> Result<(), ()>) -> Result<(), Error> {
    if status == StatusCode::OK {
        return Ok(());
    }
    set(status.as_u16()).map_err(|()| Error::msg(format!("invalid status {}", status.as_u16())))
}

/// A response's header fields (the same on WASI 0.3 and 0.2). A body held
/// in memory has a known length: say so, and the host sends
/// `content-length` instead of chunked encoding. One host call for all of
/// them.
pub(crate) fn response_fields(parts: &http::response::Parts, body: &Body) -> Result<Fields, Error> {
    let bodyless = parts.status.is_informational()
        || parts.status == StatusCode::NO_CONTENT
        || parts.status == StatusCode::NOT_MODIFIED;
    let mut digits = [0u8; 20];
    let length = match http_body::Body::size_hint(body).exact() {
        Some(len) if !bodyless && !parts.headers.contains_key(http::header::CONTENT_LENGTH) => {
            Some(("content-length", format_u64(len, &mut digits)))
        }
        _ => None,
    };
    head_fields(&parts.headers, body, length)
}

/// `n` in decimal, written into the end of `buf`.
pub(crate) fn format_u64(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
    }
}

#[cfg(test)]
mod tests {
    #[wasio::test]
    async fn content_length_digits() {
        let mut buf = [0u8; 20];
        for n in [0u64, 7, 10, 13, 99, 100, 65_536, u64::MAX] {
            assert_eq!(super::format_u64(n, &mut buf), n.to_string().as_bytes());
        }
    }
}
