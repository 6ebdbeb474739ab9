//! The HTTP echo benchmark handler on wstd 0.6 (WASI 0.2): the request body
//! is streamed back as the response body.

use wstd::http::body::Body;
use wstd::http::{Error, Request, Response};

#[wstd::http_server]
async fn main(request: Request<Body>) -> Result<Response<Body>, Error> {
    Ok(Response::new(request.into_body()))
}
