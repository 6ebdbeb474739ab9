//! The HTTP hello benchmark handler on wstd 0.6 (WASI 0.2).

use wstd::http::body::Body;
use wstd::http::{Error, Request, Response};

#[wstd::http_server]
async fn main(_request: Request<Body>) -> Result<Response<Body>, Error> {
    Ok(Response::new("Hello, WASI!\n".to_owned().into()))
}
