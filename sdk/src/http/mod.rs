//! HTTP (`wasi:http`) on the `http` crate's types: a handler attribute for
//! servers, a client, and a streaming [`Body`].
//!
//! ```no_run
//! use wasio::http::{Body, Request};
//!
//! #[wasio::http::handler]
//! async fn handle(req: Request<Body>) -> Result<String, wasio::http::Error> {
//!     let name = req.uri().query().unwrap_or("world").to_owned();
//!     Ok(format!("hello, {name}!\n"))
//! }
//! ```
//!
//! Run it with `wasmtime serve -Scli --addr 127.0.0.1:8080 app.wasm`. The
//! handler may return a response and keep streaming its body from a spawned
//! task (see [`Body::channel`]); one instance serves many requests at once.

pub(crate) mod body;
pub(crate) mod client;
pub(crate) mod error;
pub(crate) mod fields;
pub(crate) mod server;
#[cfg(feature = "tower")]
pub(crate) mod service;

pub use body::{Body, BodyReader, BodySender, BodyStream};
pub use client::{Client, send};
pub use error::Error;
pub use http::header;
pub use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Response, StatusCode, Uri};
pub use server::IntoResponse;
#[cfg(feature = "json")]
#[cfg_attr(docsrs, doc(cfg(feature = "json")))]
pub use server::Json;
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub use service::call_service;
pub use wasio_macros::http_handler as handler;
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub use wasio_macros::http_service as service;
