//! The HTTP error type.

use crate::sys::http::{ErrorCode, HeaderError};
use std::fmt;

/// tower's and axum's boxed error; a wasio [`Error`] boxed into one comes
/// back out whole (its status kept).
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// An HTTP error: from the host (keeping the WASI `error-code`), from a
/// body, from invalid headers, or from another error a handler returns.
///
/// It is a `std::error::Error + Send + Sync + 'static`, so it goes into
/// `Box<dyn Error + Send + Sync>` (tower's and axum's `BoxError`),
/// `anyhow::Error` and the like with `?`. `?` also converts the errors a
/// handler meets most into it: `std::io::Error`, the `http` crate's errors,
/// UTF-8 and integer parse errors, [`Elapsed`](crate::time::Elapsed),
/// `serde_json::Error` (feature `json`) and `BoxError`; any other error
/// goes through [`Error::new`] (or `.map_err(Error::new)`).
///
/// As a handler's error it becomes a response: a 500 with the message and a
/// trailing newline by default, a 502 for an error from the host's HTTP
/// client ([`code_name`](Error::code_name) is set), a 504 for
/// [`Elapsed`](crate::time::Elapsed), or the status given to
/// [`with_status`](Error::with_status).
///
/// ```no_run
/// # async fn f() -> Result<(), wasio::http::Error> {
/// let req = http::Request::get("http://localhost:8080/").body(wasio::http::Body::empty())?;
/// match wasio::http::send(req).await {
///     Ok(resp) => println!("{}", resp.status()),
///     Err(e) => println!("{e} (wasi code: {:?})", e.code_name()),
/// }
/// # Ok(()) }
/// ```
pub struct Error {
    message: String,
    code: Option<String>,
    status: http::StatusCode,
    source: Option<BoxError>,
}

impl Error {
    /// An error with a message (500 as a response).
    ///
    /// ```no_run
    /// let e = wasio::http::Error::msg("no such user");
    /// ```
    pub fn msg(message: impl fmt::Display) -> Error {
        Error::with_status(http::StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    /// Wraps any error (500 as a response; [`source`](std::error::Error::source)
    /// gives it back).
    ///
    /// ```no_run
    /// # fn f() -> Result<(), wasio::http::Error> {
    /// let n: std::net::IpAddr = "nope".parse().map_err(wasio::http::Error::new)?;
    /// # Ok(()) }
    /// ```
    pub fn new(error: impl std::error::Error + Send + Sync + 'static) -> Error {
        Error::from_boxed(Box::new(error))
    }

    fn from_boxed(error: BoxError) -> Error {
        Error {
            message: error.to_string(),
            code: None,
            status: http::StatusCode::INTERNAL_SERVER_ERROR,
            source: Some(error),
        }
    }

    /// An error that becomes a response with `status` (e.g. 400 or 404).
    ///
    /// ```no_run
    /// let e = wasio::http::Error::with_status(http::StatusCode::NOT_FOUND, "no such page");
    /// ```
    pub fn with_status(status: http::StatusCode, message: impl fmt::Display) -> Error {
        Error { message: message.to_string(), code: None, status, source: None }
    }

    /// The WASI `error-code` name (e.g. `connection-refused`), when the
    /// error came from the host.
    ///
    /// ```no_run
    /// # async fn f() {
    /// let req = http::Request::get("http://127.0.0.1:1/").body(wasio::http::Body::empty()).unwrap();
    /// let err = wasio::http::send(req).await.unwrap_err();
    /// assert_eq!(err.code_name(), Some("connection-refused"));
    /// assert_eq!(wasio::http::Error::msg("mine").code_name(), None);
    /// # }
    /// ```
    pub fn code_name(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The response status this error maps to.
    ///
    /// ```no_run
    /// use wasio::http::{Error, StatusCode};
    /// assert_eq!(Error::msg("oops").status(), StatusCode::INTERNAL_SERVER_ERROR);
    /// assert_eq!(Error::with_status(StatusCode::NOT_FOUND, "no such note").status(), StatusCode::NOT_FOUND);
    /// ```
    pub fn status(&self) -> http::StatusCode {
        self.status
    }

    pub(crate) fn from_code(code: ErrorCode, context: &str) -> Error {
        let name = code_name(&code);
        Error {
            message: format!("{context}: {name} ({code:?})"),
            code: Some(name),
            status: http::StatusCode::BAD_GATEWAY,
            source: None,
        }
    }

    pub(crate) fn header(e: HeaderError, name: &str) -> Error {
        Error::msg(format!("invalid header {name:?}: {e:?}"))
    }
}

/// `ErrorCode::ConnectionRefused` → `connection-refused`.
fn code_name(code: &ErrorCode) -> String {
    crate::wit_case_name(code)
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error").field("message", &self.message).field("code", &self.code).finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// `?` into [`Error`] (500 as a response) for the errors handlers meet most.
/// These keep the message only (boxing each kept 5 KB of code in every HTTP
/// component); [`Error::new`] keeps the error as the source.
macro_rules! from_errors {
    ($($t:ty),* $(,)?) => {$(
        impl From<$t> for Error {
            fn from(e: $t) -> Error {
                Error::msg(e)
            }
        }
    )*};
}

from_errors!(
    std::io::Error,
    http::Error,
    http::header::InvalidHeaderName,
    http::header::InvalidHeaderValue,
    http::header::ToStrError,
    http::method::InvalidMethod,
    http::status::InvalidStatusCode,
    http::uri::InvalidUri,
    http::uri::InvalidUriParts,
    std::str::Utf8Error,
    std::string::FromUtf8Error,
    std::num::ParseIntError,
    std::num::ParseFloatError,
    std::fmt::Error,
);

#[cfg(feature = "json")]
from_errors!(serde_json::Error);

impl From<BoxError> for Error {
    fn from(e: BoxError) -> Error {
        match e.downcast::<Error>() {
            Ok(e) => *e,
            Err(e) => Error::from_boxed(e),
        }
    }
}

/// For bodies that cannot fail (`http_body_util::Full` and the like).
impl From<std::convert::Infallible> for Error {
    fn from(e: std::convert::Infallible) -> Error {
        match e {}
    }
}

/// A timed-out handler answers `504 Gateway Timeout`.
impl From<crate::time::Elapsed> for Error {
    fn from(e: crate::time::Elapsed) -> Error {
        Error::with_status(http::StatusCode::GATEWAY_TIMEOUT, e)
    }
}
