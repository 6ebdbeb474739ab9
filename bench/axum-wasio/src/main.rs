//! The axum hello benchmark router on wasio.

use axum::Router;
use axum::routing::get;

#[wasio::http::service]
fn app() -> Router {
    Router::new().route("/", get(|| async { "Hello, WASI!\n" }))
}
