//! The axum hello benchmark router on wasio.

#[wasio::http::service]
fn app() -> axum::Router {
    bench_axum_wasio::app()
}
