//! An axum `Router` served by wasio (`#[wasio::http::service]`): routing,
//! `Path`/`Query`/`Json` extractors, shared `State`, a download streamed from
//! a preopened directory, an upload streamed into a file, a handler under a
//! timeout (504), an outbound call with wasio's client, and tower-http's
//! compression, CORS and request-id layers.
//!
//! ```sh
//! mkdir -p /tmp/files
//! wasmtime serve -Scli --dir /tmp/files::/files target/wasm32-wasip2/release/axum-app.wasm
//! curl localhost:8080/users/7
//! ```

use axum::Json;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::{AsyncWriteExt, StreamExt};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::cors::CorsLayer;
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};

/// State shared by every request this instance serves.
#[derive(Clone, Default)]
struct AppState {
    hits: Arc<AtomicU64>,
}

#[wasio::http::service]
fn app() -> Router {
    Router::new()
        .route("/", get(|| async { "hello from axum on wasio\n" }))
        .route("/users/{id}", get(user))
        .route("/search", get(search))
        .route("/echo", post(echo))
        .route("/hits", get(hits))
        .route("/files/{name}", get(download).put(upload))
        .route("/slow", get(slow))
        .route("/fetch", get(fetch))
        .route("/report", get(report))
        .with_state(AppState::default())
        // tower-http middleware runs as is: gzip for clients that accept it,
        // CORS, and an `x-request-id` set and echoed back.
        .layer(CompressionLayer::new())
        .layer(CorsLayer::permissive())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(Counter::default()))
}

/// Request ids `1`, `2`, ... per instance.
#[derive(Clone, Default)]
struct Counter(Arc<AtomicU64>);

impl MakeRequestId for Counter {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.0.fetch_add(1, Ordering::Relaxed) + 1;
        Some(RequestId::new(n.to_string().parse().ok()?))
    }
}

/// 64 KiB of text, worth compressing.
async fn report() -> String {
    (0..2048).map(|i| format!("line {i:>20}\n")).collect()
}

#[derive(Serialize)]
struct User {
    id: u32,
    name: String,
}

async fn user(Path(id): Path<u32>) -> Json<User> {
    Json(User { id, name: format!("user-{id}") })
}

#[derive(Deserialize, Serialize)]
struct Search {
    q: String,
    #[serde(default = "ten")]
    limit: u32,
}

fn ten() -> u32 {
    10
}

async fn search(Query(s): Query<Search>) -> Json<Search> {
    Json(s)
}

async fn echo(Json(value): Json<serde_json::Value>) -> Json<serde_json::Value> {
    Json(serde_json::json!({ "got": value }))
}

async fn hits(State(state): State<AppState>) -> String {
    format!("{}\n", state.hits.fetch_add(1, Ordering::Relaxed) + 1)
}

/// A file name inside `/files`, or 400.
fn file_path(name: &str) -> Result<String, (StatusCode, &'static str)> {
    if name.is_empty() || name.contains('/') || name.contains("..") {
        return Err((StatusCode::BAD_REQUEST, "bad file name\n"));
    }
    Ok(format!("/files/{name}"))
}

fn io_error(e: std::io::Error) -> Response {
    let status = match e.kind() {
        std::io::ErrorKind::NotFound => StatusCode::NOT_FOUND,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    (status, format!("{e}\n")).into_response()
}

/// Streams a file from the preopened directory, with its length.
async fn download(Path(name): Path<String>) -> Response {
    let path = match file_path(&name) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let mut file = match wasio::fs::File::open(&path).await {
        Ok(f) => f,
        Err(e) => return io_error(e),
    };
    let len = match file.metadata().await {
        Ok(m) => m.len(),
        Err(e) => return io_error(e),
    };
    let body = Body::new(wasio::http::Body::from_reader(file));
    ([(header::CONTENT_LENGTH, len.to_string())], body).into_response()
}

/// Streams the request body into a file; answers the byte count.
async fn upload(Path(name): Path<String>, body: Body) -> Response {
    let path = match file_path(&name) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let mut file = match wasio::fs::File::create(&path).await {
        Ok(f) => f,
        Err(e) => return io_error(e),
    };
    let mut data = body.into_data_stream();
    let mut total = 0u64;
    while let Some(chunk) = data.next().await {
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => return (StatusCode::BAD_REQUEST, format!("upload failed: {e}\n")).into_response(),
        };
        if let Err(e) = file.write_all(&chunk).await {
            return io_error(e);
        }
        total += chunk.len() as u64;
    }
    if let Err(e) = file.close().await {
        return io_error(e);
    }
    (StatusCode::CREATED, format!("{total}\n")).into_response()
}

#[derive(Deserialize)]
struct Slow {
    ms: u64,
}

/// Sleeps `ms` under a 200 ms budget: 504 past it.
async fn slow(Query(s): Query<Slow>) -> Response {
    let work = async {
        wasio::time::sleep(Duration::from_millis(s.ms)).await;
        format!("slept {} ms\n", s.ms)
    };
    match wasio::time::timeout(Duration::from_millis(200), work).await {
        Ok(text) => text.into_response(),
        Err(_) => (StatusCode::GATEWAY_TIMEOUT, "took longer than 200 ms\n").into_response(),
    }
}

#[derive(Deserialize)]
struct Fetch {
    url: String,
}

/// Calls `url` with wasio's client and answers its status and body; 502 if
/// it cannot be reached.
async fn fetch(Query(f): Query<Fetch>) -> Response {
    let request = match wasio::http::Request::get(&f.url).body(wasio::http::Body::empty()) {
        Ok(r) => r,
        Err(e) => return (StatusCode::BAD_REQUEST, format!("bad url: {e}\n")).into_response(),
    };
    match wasio::http::send(request).await {
        Ok(resp) => {
            let status = resp.status();
            match resp.into_body().bytes().await {
                Ok(bytes) => {
                    (StatusCode::OK, format!("upstream {}: {}", status.as_u16(), String::from_utf8_lossy(&bytes)))
                        .into_response()
                }
                Err(e) => (StatusCode::BAD_GATEWAY, format!("{e}\n")).into_response(),
            }
        }
        Err(e) => (StatusCode::BAD_GATEWAY, format!("{e}\n")).into_response(),
    }
}
