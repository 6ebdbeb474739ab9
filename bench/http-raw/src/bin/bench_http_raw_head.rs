//! The HTTP hello benchmark handler on the raw `wasip3` bindings, doing the
//! host work wasio's handler does for an `http::Request`: it reads the whole
//! request head (method, scheme, authority, path, headers) and sends a
//! `content-length`. Next to `bench_http_raw` (which looks at nothing) it
//! shows what building the request costs on the host.

use wasip3::http::types::{ErrorCode, Fields, Request, Response};

struct Hello;

impl wasip3::exports::http::handler::Guest for Hello {
    async fn handle(request: Request) -> Result<Response, ErrorCode> {
        let head = (
            request.get_method(),
            request.get_scheme(),
            request.get_authority(),
            request.get_path_with_query(),
            request.get_headers().copy_all(),
        );
        std::hint::black_box(&head);
        let body = b"Hello, WASI!\n";
        let headers = Fields::from_list(&[("content-length".to_string(), body.len().to_string().into_bytes())])
            .map_err(|e| ErrorCode::InternalError(Some(format!("{e:?}"))))?;
        let (mut tx, rx) = wasip3::wit_stream::new::<u8>();
        let (trailers_tx, trailers_rx) = wasip3::wit_future::new(|| Ok(None));
        let (response, done) = Response::new(headers, Some(rx), trailers_rx);
        wasip3::wit_bindgen::spawn_local(async move {
            tx.write_all(body.to_vec()).await;
            drop(tx);
            let _ = trailers_tx.write(Ok(None)).await;
            let _ = done.await;
        });
        Ok(response)
    }
}

wasip3::http::service::export!(Hello);

fn main() {}
