//! `http-echo`: streams each request body back as the response body (with
//! its trailers), in bounded memory. The response goes out at once and the
//! body keeps streaming after the handler has returned. (On WASI 0.2 an
//! incoming body passed on unread moves host to host, by `splice`.)
//!
//! ```text
//! wasmtime serve -Scli --addr 127.0.0.1:8080 target/wasm32-wasip2/release/http-echo.wasm
//! curl --data-binary @big.bin http://127.0.0.1:8080/
//! ```

use wasio::http::{Body, Request, Response};

#[wasio::http::handler]
async fn handle(req: Request<Body>) -> Response<Body> {
    Response::new(req.into_body())
}
