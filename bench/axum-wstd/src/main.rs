//! The axum hello benchmark router on wstd-axum 0.6 (WASI 0.2).

use axum::Router;
use axum::routing::get;

#[wstd_axum::http_server]
fn main() -> Router {
    Router::new().route("/", get(|| async { "Hello, WASI!\n" }))
}
