//! `bench-pg-native ADDR DATABASE_URL [POOL_SIZE]`: serves `GET
//! /notes/{id}` as `examples/pg-notes` does (one indexed `SELECT` through a
//! prepared statement on a connection checked out of a pool of
//! `POOL_SIZE`, default 4), natively on tokio's `current_thread` runtime.
//! Prints `listening` when ready.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::Mutex;
use tokio_postgres::{Client, NoTls, Statement};

struct Pool {
    slots: Vec<Arc<Mutex<(Client, Statement)>>>,
    next: AtomicUsize,
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let addr = args.next().expect("ADDR");
    let url = args.next().expect("DATABASE_URL");
    let size: usize = args.next().map_or(4, |s| s.parse().expect("POOL_SIZE"));
    let mut slots = Vec::new();
    for _ in 0..size {
        let (client, connection) = tokio_postgres::connect(&url, NoTls).await.expect("connect");
        tokio::spawn(connection);
        let statement = client.prepare("SELECT id, title, body FROM notes WHERE id = $1").await.expect("prepare");
        slots.push(Arc::new(Mutex::new((client, statement))));
    }
    let pool = Arc::new(Pool { slots, next: AtomicUsize::new(0) });
    let app = axum::Router::new().route("/notes/{id}", get(get_note)).with_state(pool);
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
    println!("listening");
    axum::serve(listener, app).await.unwrap();
}

/// The same fields, in the same order, as pg-notes answers.
#[derive(serde::Serialize)]
struct Note {
    id: i64,
    title: String,
    body: String,
}

async fn get_note(State(pool): State<Arc<Pool>>, Path(id): Path<i64>) -> Result<Json<Note>, StatusCode> {
    let slot = match pool.slots.iter().find_map(|s| s.clone().try_lock_owned().ok()) {
        Some(slot) => slot,
        None => pool.slots[pool.next.fetch_add(1, Ordering::Relaxed) % pool.slots.len()].clone().lock_owned().await,
    };
    let (client, statement) = &*slot;
    let row = client
        .query_opt(statement, &[&id])
        .await
        .map_err(|_| StatusCode::SERVICE_UNAVAILABLE)?
        .ok_or(StatusCode::NOT_FOUND)?;
    Ok(Json(Note { id: row.get(0), title: row.get(1), body: row.get(2) }))
}
