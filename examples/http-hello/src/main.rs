//! `http-hello`: a `wasi:http/handler` component.
//!
//! ```text
//! wasmtime serve -Scli -Shttp --addr 127.0.0.1:8080 target/wasm32-wasip2/release/http-hello.wasm
//! curl http://127.0.0.1:8080/
//! ```
//!
//! Routes: `GET /` (hello), `GET /stream` (a body streamed by a task after
//! the response was returned, with trailers), `POST /echo` (streams the
//! request body back, with its trailers), `POST /count` (counts a streamed
//! upload), `GET /error` (an `Err` → 500), `GET /bad-header` (a header the
//! host refuses → 500), `GET /proxy?URL` (fetches URL with the client),
//! `CONNECT`, `OPTIONS *` and `GET /uri` (the request target as seen).

use std::time::Duration;
use wasio::http::{Body, Error, IntoResponse, Request, Response, StatusCode};

#[wasio::http::handler]
async fn handle(req: Request<Body>) -> Result<Response<Body>, Error> {
    match (req.method().as_str(), req.uri().path()) {
        // The request target as the handler sees it: `CONNECT host:port`
        // (authority-form; no tunnels here, so 405), `OPTIONS *`
        // (asterisk-form), `GET /uri`.
        ("CONNECT", _) => Ok((StatusCode::METHOD_NOT_ALLOWED, format!("no tunnel to {}\n", req.uri())).into_response()),
        ("OPTIONS", "*") | ("GET", "/uri") => Ok(format!("{} {}\n", req.method(), req.uri()).into_response()),
        ("GET", "/") => Ok(Response::builder().header("x-wasio", "1").body(Body::from("Hello, WASI!\n"))?),
        // Any `http_body::Body` (here http-body-util's `Full`): its size
        // hint goes out as `content-length`.
        ("GET", "/wrapped") => Ok(Response::new(Body::new(http_body_util::Full::new(bytes::Bytes::from("wrapped\n"))))),
        ("GET", "/stream") => {
            let (mut tx, body) = Body::channel();
            wasio::spawn(async move {
                for i in 0..5 {
                    wasio::time::sleep(Duration::from_millis(20)).await;
                    tx.send_data(format!("chunk {i}\n")).await?;
                }
                let mut trailers = http::HeaderMap::new();
                trailers.insert("x-chunks", "5".parse().unwrap());
                tx.send_trailers(trailers).await
            });
            Ok(Response::new(body))
        }
        ("GET", "/forever") => {
            // Streams until the client goes away; the producing task then
            // sees its channel closed and stops.
            let (mut tx, body) = Body::channel();
            wasio::spawn(async move {
                let mut sent = 0u64;
                loop {
                    if tx.send_data(vec![b'x'; 16 * 1024]).await.is_err() {
                        eprintln!("forever: client gone after {sent} chunks; producer stopped");
                        return;
                    }
                    sent += 1;
                    wasio::time::sleep(Duration::from_millis(1)).await;
                }
            });
            Ok(Response::new(body))
        }
        ("POST", "/echo") => {
            let (tx, body) = Body::channel();
            let incoming = req.into_body();
            wasio::spawn(tx.send_body(incoming));
            Ok(Response::new(body))
        }
        ("POST", "/count") => {
            use futures_util::StreamExt;
            let mut chunks = req.into_body().into_stream();
            let (mut n, mut max_mem) = (0u64, 0usize);
            while let Some(chunk) = chunks.next().await {
                n += chunk?.len() as u64;
                max_mem = max_mem.max(core::arch::wasm32::memory_size::<0>() * 65536);
            }
            Ok(format!("{n} bytes, memory {max_mem}\n").into_response())
        }
        ("POST", "/trailers") => {
            // Reports the request's trailers in the body.
            let (data, trailers) = req.into_body().collect_with_trailers().await?;
            let names: Vec<String> = trailers
                .iter()
                .flat_map(|t| t.iter().map(|(k, v)| format!("{k}={}", v.to_str().unwrap_or("?"))))
                .collect();
            Ok(format!("{} bytes, trailers [{}]\n", data.len(), names.join(", ")).into_response())
        }
        // A text answer says `text/plain; charset=utf-8` unless the
        // handler's headers name a type.
        ("GET", "/html") => {
            let mut r = "<p>hello</p>\n".into_response();
            r.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("text/html"));
            Ok(r)
        }
        ("GET", "/error") => Err(Error::msg("something went wrong")),
        // A bug in a handler: the panic traps the instance (release builds
        // abort on panic); `wasmtime serve` answers that request with a 500
        // and serves the next ones from a fresh instance.
        ("GET", "/panic") => panic!("handler bug"),
        ("GET", "/bad-header") => Ok(Response::builder().header("connection", "close").body(Body::from("x"))?),
        ("GET", "/proxy") => {
            let target =
                req.uri().query().ok_or_else(|| Error::with_status(StatusCode::BAD_REQUEST, "usage: /proxy?URL"))?;
            let upstream = wasio::http::send(Request::get(target).body(Body::empty())?).await?;
            let status = upstream.status();
            let body = upstream.into_body().bytes().await?;
            Ok(Response::builder().status(status).header("x-proxied", "1").body(Body::from(body))?)
        }
        _ => Ok((StatusCode::NOT_FOUND, "not found\n").into_response()),
    }
}
