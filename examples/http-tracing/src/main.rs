//! `http-tracing`: an HTTP handler that logs with `tracing`.
//!
//! ```text
//! wasmtime serve -Scli --addr 127.0.0.1:8080 target/wasm32-wasip2/release/http-tracing.wasm
//! curl -H 'x-request-id: 42' http://127.0.0.1:8080/
//! ```
//!
//! Each request runs in a `request{id=…}` span. The task it spawns (here a
//! lookup that sleeps a little, so that concurrent requests interleave)
//! logs inside that span too: wasio's `tracing` feature runs every task in
//! the span that was current when it was spawned. `tracing-subscriber`'s
//! formatter writes through `wasio::io::stderr_log`, which queues the
//! lines and writes them with a task, so logging never blocks the
//! instance. stderr:
//!
//! ```text
//!  INFO request{id=42}: http_tracing: start
//!  INFO request{id=42}: http_tracing: looked up user=user-42
//!  INFO request{id=42}: http_tracing: done
//! ```

use std::sync::Once;
use std::time::Duration;
use tracing::Instrument;
use wasio::http::{Body, Request};

fn init_logging() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        tracing_subscriber::fmt().with_writer(wasio::io::stderr_log).with_ansi(false).without_time().init();
    });
}

#[wasio::http::handler]
async fn handle(req: Request<Body>) -> String {
    init_logging();
    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-").to_string();
    let span = tracing::info_span!("request", %id);
    async move {
        tracing::info!("start");
        let lookup = wasio::spawn(async move {
            wasio::time::sleep(Duration::from_millis(2)).await;
            let user = format!("user-{id}");
            tracing::info!(%user, "looked up");
            user
        });
        let user = lookup.await.unwrap_or_default();
        tracing::info!("done");
        format!("hello, {user}\n")
    }
    .instrument(span)
    .await
}
