//! `hyper-hello`: hyper 1.x running on wasio — its HTTP/1 server and client
//! over `wasio::net` sockets, with wasio as hyper's executor and timer.
//!
//! ```text
//! wasmtime run -Sinherit-network target/wasm32-wasip2/release/hyper-hello.wasm serve 127.0.0.1:8080
//! wasmtime run -Sinherit-network target/wasm32-wasip2/release/hyper-hello.wasm get http://127.0.0.1:8080/hello
//! ```
//!
//! The server answers `GET /<name>` with `Hello, <name>!` and echoes the
//! body of a `POST`; the client prints the status, one header and the body.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use std::time::Duration;
use wasio::hyper::{HyperIo, Timer};

async fn handle(req: Request<Incoming>) -> Result<Response<Full<Bytes>>, hyper::Error> {
    let (parts, body) = req.into_parts();
    let response = match parts.method {
        hyper::Method::GET => {
            let name = parts.uri.path().trim_start_matches('/');
            Response::new(Full::new(Bytes::from(format!("Hello, {name}!\n"))))
        }
        hyper::Method::POST => Response::new(Full::new(body.collect().await?.to_bytes())),
        _ => {
            let mut r = Response::new(Full::new(Bytes::from_static(b"method not allowed\n")));
            *r.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
            r
        }
    };
    Ok(response)
}

async fn serve(addr: &str) -> Result<(), String> {
    let listener = wasio::net::TcpListener::bind(addr).await.map_err(|e| e.to_string())?;
    println!("listening on {}", listener.local_addr().map_err(|e| e.to_string())?);
    loop {
        let (stream, peer) = listener.accept().await.map_err(|e| e.to_string())?;
        wasio::spawn(async move {
            let served = hyper::server::conn::http1::Builder::new()
                .timer(Timer)
                .header_read_timeout(Duration::from_secs(10))
                .serve_connection(HyperIo::new(stream), hyper::service::service_fn(handle))
                .await;
            if let Err(e) = served {
                eprintln!("{peer}: {e}");
            }
        });
    }
}

async fn get(url: &str) -> Result<(), String> {
    let uri: hyper::Uri = url.parse().map_err(|e| format!("bad url {url:?}: {e}"))?;
    let host = uri.host().ok_or("url has no host")?;
    let addr = format!("{host}:{}", uri.port_u16().unwrap_or(80));
    let stream = wasio::net::TcpStream::connect(addr.as_str()).await.map_err(|e| e.to_string())?;
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(HyperIo::new(stream)).await.map_err(|e| e.to_string())?;
    // The connection is driven by its own task while requests go out.
    wasio::spawn(async move {
        if let Err(e) = conn.await {
            eprintln!("connection: {e}");
        }
    });
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    for (method, body) in [("GET", ""), ("POST", "posted body")] {
        let req = Request::builder()
            .method(method)
            .uri(path)
            .header(hyper::header::HOST, host)
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| e.to_string())?;
        let res = sender.send_request(req).await.map_err(|e| e.to_string())?;
        let status = res.status();
        let length = res.headers().get(hyper::header::CONTENT_LENGTH).map(|v| v.to_str().unwrap_or("?").to_string());
        let body = res.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
        println!(
            "{method} {status} content-length={} body={:?}",
            length.unwrap_or_default(),
            String::from_utf8_lossy(&body)
        );
    }
    Ok(())
}

#[wasio::main]
async fn main() -> Result<(), String> {
    let args: Vec<String> = wasio::env::args().collect();
    match (args.get(1).map(String::as_str), args.get(2)) {
        (Some("serve"), Some(addr)) => serve(addr).await,
        (Some("get"), Some(url)) => get(url).await,
        _ => Err("usage: hyper-hello serve ADDR | get URL".into()),
    }
}
