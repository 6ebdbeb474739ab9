//! `http-echo`: streams each request body back as the response body (with
//! its trailers), chunk by chunk, in bounded memory.
//!
//! ```text
//! wasmtime serve -Scli --addr 127.0.0.1:8080 target/wasm32-wasip2/release/http-echo.wasm
//! curl --data-binary @big.bin http://127.0.0.1:8080/
//! ```

use wasio::http::{Body, Request, Response};

#[wasio::http::handler]
async fn handle(req: Request<Body>) -> Response<Body> {
    let (tx, body) = Body::channel();
    let incoming = req.into_body();
    // The response goes out now; this task keeps streaming after the
    // handler has returned.
    wasio::spawn(tx.send_body(incoming));
    Response::new(body)
}
