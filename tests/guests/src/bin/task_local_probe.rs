//! An HTTP handler that scopes the request's `x-request-id` as a task-local
//! value and reads it back from 10 levels of spawned tasks, each yielding
//! and sleeping first so that concurrent requests interleave. Answers with
//! the ID the innermost task saw (`none` if it saw none).

use futures_util::future::LocalBoxFuture;
use std::time::Duration;
use wasio::http::{Body, Request};

wasio::task_local! {
    static REQUEST_ID: String;
}

fn nested(depth: u32) -> LocalBoxFuture<'static, Option<String>> {
    Box::pin(async move {
        wasio::yield_now().await;
        wasio::time::sleep(Duration::from_millis(1)).await;
        if depth == 0 {
            return REQUEST_ID.try_with(String::clone).ok();
        }
        wasio::spawn(nested(depth - 1)).await.ok().flatten()
    })
}

#[wasio::http::handler]
async fn handle(req: Request<Body>) -> String {
    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let seen = REQUEST_ID.scope(id, nested(10)).await;
    format!("{}\n", seen.as_deref().unwrap_or("none"))
}
