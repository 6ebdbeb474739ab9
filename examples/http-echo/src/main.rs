//! `http-echo`: streams each request body back as the response body (with
//! its trailers), chunk by chunk, in bounded memory.
//!
//! ```text
//! wasmtime serve -Scli --addr 127.0.0.1:8080 target/wasm32-wasip2/release/http-echo.wasm
//! curl --data-binary @big.bin http://127.0.0.1:8080/
//! ```

use http_body::Body as _;
use std::pin::Pin;
use wasio::http::{Body, Error, Request, Response};

#[wasio::http::handler]
async fn handle(req: Request<Body>) -> Response<Body> {
    let (mut tx, body) = Body::channel();
    let mut incoming = req.into_body();
    // The response goes out now; this task keeps streaming after the
    // handler has returned.
    wasio::spawn(async move {
        while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut incoming).poll_frame(cx)).await {
            match frame?.into_data() {
                Ok(data) => tx.send_data(data).await?,
                Err(frame) => {
                    if let Ok(trailers) = frame.into_trailers() {
                        return tx.send_trailers(trailers).await;
                    }
                }
            }
        }
        Ok::<(), Error>(())
    });
    Response::new(body)
}
