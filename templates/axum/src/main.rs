//! An axum `Router` served by wasio: `wasmtime serve` calls it for every
//! request, many at once.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Clone, Default)]
struct AppState {
    visits: Arc<AtomicU64>,
}

#[derive(Serialize)]
struct User {
    id: u32,
    name: String,
}

#[wasio::http::service]
fn app() -> Router {
    Router::new()
        .route("/", get(|| async { "Hello from {{project-name}}!\n" }))
        .route("/users/{id}", get(user))
        .route("/visits", get(visits))
        .with_state(AppState::default())
}

async fn user(Path(id): Path<u32>) -> Json<User> {
    Json(User { id, name: format!("user-{id}") })
}

async fn visits(State(state): State<AppState>) -> String {
    format!("{}\n", state.visits.fetch_add(1, Ordering::Relaxed) + 1)
}

#[wasio::test]
async fn routes_answer() {
    use wasio::http::{Body, Request, StatusCode, call_service};
    let res = call_service(app(), Request::get("/users/7").body(Body::empty()).unwrap()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.into_body().text().await.unwrap(), r#"{"id":7,"name":"user-7"}"#);
    let res = call_service(app(), Request::get("/users/x").body(Body::empty()).unwrap()).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}
