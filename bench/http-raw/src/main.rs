//! The HTTP hello benchmark handler on the raw `wasip3` bindings.

use wasip3::http::types::{ErrorCode, Fields, Request, Response};

struct Hello;

impl wasip3::exports::http::handler::Guest for Hello {
    async fn handle(_request: Request) -> Result<Response, ErrorCode> {
        let (mut tx, rx) = wasip3::wit_stream::new::<u8>();
        let (trailers_tx, trailers_rx) = wasip3::wit_future::new(|| Ok(None));
        let (response, done) = Response::new(Fields::new(), Some(rx), trailers_rx);
        wasip3::wit_bindgen::spawn_local(async move {
            tx.write_all(b"Hello, WASI!\n".to_vec()).await;
            drop(tx);
            let _ = trailers_tx.write(Ok(None)).await;
            let _ = done.await;
        });
        Ok(response)
    }
}

wasip3::http::service::export!(Hello);

fn main() {}
