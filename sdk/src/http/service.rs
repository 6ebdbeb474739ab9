//! Serving a tower `Service` (an axum `Router`, a tower stack) as the
//! component's HTTP handler (feature `tower`).

use super::body::Body;
use super::error::{BoxError, Error};
use super::server::IntoResponse;
use bytes::Bytes;
use http::{Request, Response};
use std::any::Any;
use std::cell::RefCell;
use tower_service::Service;

/// Calls `service` with `request` and converts its answer to a wasio
/// response: the body streams through unchanged, with its trailers and size
/// hint (a fixed-size body keeps its `content-length`). A service error
/// becomes a 500 naming it (a wasio [`Error`] keeps its own status), as does
/// an error from `poll_ready`.
///
/// `#[wasio::http::service]` uses it; call it yourself to put a tower
/// service behind a `#[wasio::http::handler]` that does more.
///
/// ```ignore
/// use axum::{Router, routing::get};
/// use wasio::http::{Body, Request, Response};
///
/// #[wasio::http::handler]
/// async fn handle(req: Request<Body>) -> Response<Body> {
///     let app = Router::new().route("/", get(|| async { "hello\n" }));
///     wasio::http::call_service(app, req).await
/// }
/// ```
pub async fn call_service<S, B>(mut service: S, request: Request<Body>) -> Response<Body>
where
    S: Service<Request<Body>, Response = Response<B>>,
    S::Error: Into<BoxError>,
    B: http_body::Body + Send + 'static,
    B::Data: Into<Bytes>,
    B::Error: Into<BoxError>,
{
    if let Err(e) = futures_util::future::poll_fn(|cx| service.poll_ready(cx)).await {
        return Error::from(e.into()).into_response();
    }
    match service.call(request).await {
        Ok(response) => response.map(Body::new),
        Err(e) => Error::from(e.into()).into_response(),
    }
}

thread_local! {
    /// The instance's service, built by the first request.
    static SERVICE: RefCell<Option<Box<dyn Any>>> = const { RefCell::new(None) };
}

/// Serves one request with the instance's service, made by `make` on the
/// first request and cloned for each one after (an axum `Router` clones
/// cheaply; its `State` is shared by every request the instance serves).
/// Used by `#[wasio::http::service]`.
#[doc(hidden)]
pub async fn serve_with<M, S, B>(make: M, request: Request<Body>) -> Response<Body>
where
    M: FnOnce() -> S,
    S: Service<Request<Body>, Response = Response<B>> + Clone + 'static,
    S::Error: Into<BoxError>,
    B: http_body::Body + Send + 'static,
    B::Data: Into<Bytes>,
    B::Error: Into<BoxError>,
{
    let service = SERVICE.with(|slot| {
        let mut slot = slot.borrow_mut();
        let svc = slot.get_or_insert_with(|| Box::new(make()));
        svc.downcast_ref::<S>().cloned()
    });
    match service {
        Some(service) => call_service(service, request).await,
        None => Error::msg("a component serves one service type").into_response(),
    }
}
