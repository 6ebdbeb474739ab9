//! The HTTP hello benchmark handler on wasio.

use wasio::http::{Body, Request};

#[wasio::http::handler]
async fn handle(_req: Request<Body>) -> &'static str {
    "Hello, WASI!\n"
}
