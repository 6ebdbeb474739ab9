//! A notes service on PostgreSQL: an axum `Router` served by wasio, talking
//! to the database through tokio-postgres over `wasio::net`.
//!
//! - `POST /notes` `{"title","body"}` → 201 with the note; a title taken
//!   already → 409 (the unique violation, SQLSTATE 23505)
//! - `GET /notes?limit=N`, `GET /notes/{id}` (404 when missing),
//!   `DELETE /notes/{id}` (204, or 404)
//! - `POST /notes/batch` `[{"title","body"}, …]`: all in one transaction, or
//!   none (409 and a rollback on a duplicate)
//! - `POST /import`: the request body, `title<TAB>body` lines, streamed into
//!   `COPY notes (title, body) FROM STDIN`
//! - `GET /events?count=N`: server-sent events, one per note created
//!   (`LISTEN notes`), streamed after the handler returned
//! - `GET /stats`, `POST /pool/close`: the instance's connection pool
//!
//! The database is down or went away → 503; the pool reconnects when it is
//! back. Configuration: `DATABASE_URL` (`postgres://user@host:port/db`),
//! `PG_POOL_SIZE` (connections per instance, default 4).
//!
//! ```sh
//! psql -h 127.0.0.1 -U postgres -f examples/pg-notes/schema.sql
//! wasmtime serve -Scli -Sinherit-network -Sallow-ip-name-lookup \
//!     --env DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!     target/wasm32-wasip2/release/pg-notes.wasm
//! curl -d '{"title":"a","body":"b"}' -H 'content-type: application/json' localhost:8080/notes
//! ```

use axum::Json;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::{SinkExt, StreamExt};
use pg_notes::{Pool, PoolOptions};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::time::Duration;
use tokio_postgres::error::SqlState;

#[derive(Clone)]
struct App {
    pool: Pool,
    config: tokio_postgres::Config,
}

#[wasio::http::service]
fn app() -> Router {
    let url = wasio::env::var("DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let config = pg_notes::config(&url).unwrap_or_else(|e| panic!("DATABASE_URL: {e}"));
    let size = wasio::env::var("PG_POOL_SIZE").ok().and_then(|s| s.parse().ok()).unwrap_or(4);
    // WASI 0.2 `wasmtime serve` runs each request in a fresh instance, and a
    // connection left open would keep the finished call alive: close it
    // when the request gives it back.
    let idle_timeout = if cfg!(feature = "p2") { Duration::ZERO } else { Duration::from_secs(10) };
    let pool = Pool::new(config.clone(), PoolOptions { size, idle_timeout });
    Router::new()
        .route("/notes", get(list).post(create))
        .route("/notes/{id}", get(get_note).delete(delete_note))
        .route("/notes/batch", post(create_batch))
        .route("/import", post(import))
        .route("/events", get(events))
        .route("/stats", get(stats))
        .route("/pool/close", post(close_pool))
        .with_state(App { pool, config })
}

#[derive(Deserialize)]
struct NewNote {
    title: String,
    body: String,
}

#[derive(Serialize)]
struct Note {
    id: i64,
    title: String,
    body: String,
}

impl From<tokio_postgres::Row> for Note {
    fn from(row: tokio_postgres::Row) -> Note {
        Note { id: row.get(0), title: row.get(1), body: row.get(2) }
    }
}

/// What a handler fails with, as an HTTP answer.
enum AppError {
    Db(pg_notes::Error),
    NotFound,
    BadRequest(String),
}

impl From<pg_notes::Error> for AppError {
    fn from(e: pg_notes::Error) -> Self {
        AppError::Db(e)
    }
}

impl From<tokio_postgres::Error> for AppError {
    fn from(e: tokio_postgres::Error) -> Self {
        AppError::Db(e.into())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            AppError::NotFound => (StatusCode::NOT_FOUND, json!({ "error": "no such note" })),
            AppError::BadRequest(e) => (StatusCode::BAD_REQUEST, json!({ "error": e })),
            AppError::Db(e) => {
                let status = if e.sqlstate() == Some(&SqlState::UNIQUE_VIOLATION) {
                    StatusCode::CONFLICT
                } else if e.is_unavailable() {
                    StatusCode::SERVICE_UNAVAILABLE
                } else {
                    StatusCode::INTERNAL_SERVER_ERROR
                };
                let sqlstate = e.sqlstate().map(|c| c.code().to_string());
                (status, json!({ "error": e.to_string(), "sqlstate": sqlstate }))
            }
        };
        (status, Json(body)).into_response()
    }
}

#[derive(Deserialize)]
struct ListQuery {
    limit: Option<i64>,
}

async fn list(State(app): State<App>, Query(q): Query<ListQuery>) -> Result<Json<Vec<Note>>, AppError> {
    let mut db = app.pool.get().await?;
    let statement = db.prepare_cached("SELECT id, title, body FROM notes ORDER BY id LIMIT $1").await?;
    let rows = db.query(&statement, &[&q.limit.unwrap_or(100)]).await?;
    Ok(Json(rows.into_iter().map(Note::from).collect()))
}

async fn create(State(app): State<App>, Json(new): Json<NewNote>) -> Result<(StatusCode, Json<Note>), AppError> {
    let mut db = app.pool.get().await?;
    // Insert and tell `LISTEN notes` listeners, in one statement.
    let statement = db
        .prepare_cached(
            "WITH ins AS (INSERT INTO notes (title, body) VALUES ($1, $2) RETURNING id) \
             SELECT id, pg_notify('notes', $1) FROM ins",
        )
        .await?;
    let row = db.query_one(&statement, &[&new.title, &new.body]).await?;
    Ok((StatusCode::CREATED, Json(Note { id: row.get(0), title: new.title, body: new.body })))
}

async fn get_note(State(app): State<App>, Path(id): Path<i64>) -> Result<Json<Note>, AppError> {
    let mut db = app.pool.get().await?;
    let statement = db.prepare_cached("SELECT id, title, body FROM notes WHERE id = $1").await?;
    let row = db.query_opt(&statement, &[&id]).await?.ok_or(AppError::NotFound)?;
    Ok(Json(row.into()))
}

async fn delete_note(State(app): State<App>, Path(id): Path<i64>) -> Result<StatusCode, AppError> {
    let mut db = app.pool.get().await?;
    let statement = db.prepare_cached("DELETE FROM notes WHERE id = $1").await?;
    match db.execute(&statement, &[&id]).await? {
        0 => Err(AppError::NotFound),
        _ => Ok(StatusCode::NO_CONTENT),
    }
}

/// Every note or none: one transaction, rolled back (when dropped
/// uncommitted) on the first error.
async fn create_batch(
    State(app): State<App>,
    Json(notes): Json<Vec<NewNote>>,
) -> Result<(StatusCode, Json<Vec<i64>>), AppError> {
    let mut db = app.pool.get().await?;
    let tx = db.transaction().await?;
    let statement = tx.prepare("INSERT INTO notes (title, body) VALUES ($1, $2) RETURNING id").await?;
    let mut ids = Vec::with_capacity(notes.len());
    for note in &notes {
        ids.push(tx.query_one(&statement, &[&note.title, &note.body]).await?.get(0));
    }
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(ids)))
}

/// Streams the request body into `COPY … FROM STDIN` chunk by chunk: the
/// instance holds one chunk at a time, whatever the upload's size.
async fn import(State(app): State<App>, body: Body) -> Result<Json<serde_json::Value>, AppError> {
    let db = app.pool.get().await?;
    let sink = db.copy_in::<_, Bytes>("COPY notes (title, body) FROM STDIN").await?;
    let mut sink = std::pin::pin!(sink);
    let mut chunks = body.into_data_stream();
    while let Some(chunk) = chunks.next().await {
        // Dropping the unfinished sink aborts the COPY (nothing is stored).
        let chunk = chunk.map_err(|e| AppError::BadRequest(format!("upload failed: {e}")))?;
        sink.send(chunk).await?;
    }
    let rows = sink.as_mut().finish().await?;
    Ok(Json(json!({ "imported": rows, "memory_bytes": memory_bytes() })))
}

#[derive(Deserialize)]
struct EventsQuery {
    count: Option<usize>,
}

/// `LISTEN notes` on a connection of its own, answered as server-sent
/// events: a `: listening` comment once the server has the `LISTEN`, then
/// one `data:` event per notification, `count` of them (default 10).
async fn events(State(app): State<App>, Query(q): Query<EventsQuery>) -> Result<Response, AppError> {
    let (client, notifications) = pg_notes::listen(&app.config, "notes").await?;
    let events = notifications.take(q.count.unwrap_or(10)).map(move |n| {
        // The stream owns the client: the connection lives as long as the body.
        let _ = &client;
        Ok::<_, std::convert::Infallible>(format!("data: {}\n\n", n.payload()))
    });
    let body = futures_util::stream::once(async { Ok(": listening\n\n".to_string()) }).chain(events);
    Ok(([(header::CONTENT_TYPE, "text/event-stream")], Body::from_stream(body)).into_response())
}

async fn stats(State(app): State<App>) -> Json<serde_json::Value> {
    let s = app.pool.stats();
    Json(json!({ "open": s.open, "opened": s.opened, "memory_bytes": memory_bytes() }))
}

/// Closes the pool's idle connections (the tests use it before counting the
/// instance's host handles).
async fn close_pool(State(app): State<App>) -> Json<serde_json::Value> {
    app.pool.close_idle();
    stats(State(app)).await
}

/// The instance's linear memory, in bytes.
fn memory_bytes() -> usize {
    #[cfg(target_arch = "wasm32")]
    return core::arch::wasm32::memory_size(0) * 65536;
    #[cfg(not(target_arch = "wasm32"))]
    0
}
