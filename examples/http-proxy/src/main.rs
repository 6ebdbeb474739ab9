//! `http-proxy`: forwards each request (method, path, headers, streamed
//! body) to the base URL in its `x-forward-to` header and streams the
//! response back. Needs `-Shttp` for the outbound client.
//!
//! ```text
//! wasmtime serve -Scli -Shttp --addr 127.0.0.1:8080 target/wasm32-wasip2/release/http-proxy.wasm
//! curl -H 'x-forward-to: http://127.0.0.1:9000' http://127.0.0.1:8080/some/path
//! ```

use wasio::http::{Body, Error, Request, Response, StatusCode};

#[wasio::http::handler]
async fn handle(req: Request<Body>) -> Result<Response<Body>, Error> {
    let (mut parts, body) = req.into_parts();
    let base = parts
        .headers
        .remove("x-forward-to")
        .ok_or_else(|| Error::with_status(StatusCode::BAD_REQUEST, "missing x-forward-to header"))?;
    let base = base.to_str().map_err(|e| Error::with_status(StatusCode::BAD_REQUEST, e))?.trim_end_matches('/');
    let path = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    parts.uri = format!("{base}{path}").parse().map_err(|e| Error::with_status(StatusCode::BAD_REQUEST, e))?;
    parts.headers.remove(http::header::HOST);
    let upstream = wasio::http::send(Request::from_parts(parts, body)).await?;
    let (mut parts, body) = upstream.into_parts();
    parts.headers.insert("x-proxied-by", http::HeaderValue::from_static("wasio"));
    Ok(Response::from_parts(parts, body))
}
