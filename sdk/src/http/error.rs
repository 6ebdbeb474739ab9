//! The HTTP error type.

#[cfg(not(feature = "p2"))]
use crate::bindings::wasi::http::types::{ErrorCode, HeaderError};
use std::fmt;
#[cfg(feature = "p2")]
use wasip2::http::types::{ErrorCode, HeaderError};

/// An HTTP error: from the host (keeping the WASI `error-code`), from a
/// body, from invalid headers, or any other error a handler returns with
/// `?` (like `anyhow::Error`, it converts from every `std::error::Error`).
///
/// As a handler's error it becomes a `500 Internal Server Error` response
/// with the message (see [`IntoResponse`](super::IntoResponse)).
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
}

impl Error {
    /// An error with a message (500 as a response).
    ///
    /// ```no_run
    /// let e = wasio::http::Error::msg("no such user");
    /// ```
    pub fn msg(message: impl fmt::Display) -> Error {
        Error { message: message.to_string(), code: None, status: http::StatusCode::INTERNAL_SERVER_ERROR }
    }

    /// An error that becomes a response with `status` (e.g. 400 or 404).
    ///
    /// ```no_run
    /// let e = wasio::http::Error::with_status(http::StatusCode::NOT_FOUND, "no such page");
    /// ```
    pub fn with_status(status: http::StatusCode, message: impl fmt::Display) -> Error {
        Error { message: message.to_string(), code: None, status }
    }

    /// The WASI `error-code` name (e.g. `connection-refused`), when the
    /// error came from the host.
    ///
    /// ```no_run
    /// # fn f(e: &wasio::http::Error) { println!("{:?}", e.code_name()); }
    /// ```
    pub fn code_name(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The response status this error maps to.
    ///
    /// ```no_run
    /// # fn f(e: &wasio::http::Error) { println!("{}", e.status()); }
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

impl<E: std::error::Error + 'static> From<E> for Error {
    fn from(e: E) -> Error {
        Error::msg(e)
    }
}

/// The WASI error code for a failed body transfer, from an `io::Error`.
#[cfg(not(feature = "p2"))]
pub(crate) fn io_to_code(e: &std::io::Error) -> ErrorCode {
    ErrorCode::InternalError(Some(e.to_string()))
}
