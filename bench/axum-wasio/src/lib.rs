//! The axum hello benchmark router, shared by the served component
//! (`bench_axum_wasio`) and the in-guest router benchmark (`bench_axum_router`).

use axum::Router;
use axum::routing::get;

/// One route, `GET /`, answering "Hello, WASI!\n".
pub fn app() -> Router {
    Router::new().route("/", get(|| async { "Hello, WASI!\n" }))
}
