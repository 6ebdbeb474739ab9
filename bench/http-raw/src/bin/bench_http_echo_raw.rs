//! The HTTP echo benchmark handler on the raw `wasip3` bindings: the request
//! body is copied to the response body in 64 KiB reads; the request's
//! trailers future is handed on as the response's.

use wasip3::http::types::{ErrorCode, Fields, Request, Response};
use wasip3::wit_bindgen::StreamResult;

struct Echo;

impl wasip3::exports::http::handler::Guest for Echo {
    async fn handle(request: Request) -> Result<Response, ErrorCode> {
        let (_request_done_tx, request_done) = wasip3::wit_future::new(|| Ok(()));
        let (mut body, trailers) = Request::consume_body(request, request_done);
        let (mut tx, rx) = wasip3::wit_stream::new::<u8>();
        let (response, done) = Response::new(Fields::new(), Some(rx), trailers);
        wasip3::wit_bindgen::spawn_local(async move {
            let mut buf = Vec::with_capacity(64 * 1024);
            loop {
                let (status, read) = body.read(buf).await;
                buf = read;
                match status {
                    StreamResult::Complete(_) => {
                        buf = tx.write_all(buf).await;
                        if !buf.is_empty() {
                            break; // the client went away
                        }
                    }
                    StreamResult::Dropped | StreamResult::Cancelled => break,
                }
            }
            drop(tx);
            let _ = done.await;
        });
        Ok(response)
    }
}

wasip3::http::service::export!(Echo);

fn main() {}
