//! Composed in front of `tasks_probe` by the test suite: calls the export
//! `tasks.cancellable` (or, with the argument `scoped`,
//! `tasks.cancellable-scoped`), then cancels that call (drops its future)
//! while it waits, and prints what the caller saw.

use std::time::Duration;

wit_bindgen::generate!({
    path: "../wit",
    world: "cancel-caller",
    runtime_path: "::wasio::rt::bindgen_rt",
});

use testing::wasio::tasks;

#[wasio::main]
async fn main() {
    // `scoped`: the callee holds 100 children in a `JoinSet`.
    let outcome = if wasio::env::args().nth(1).as_deref() == Some("scoped") {
        wasio::time::timeout(Duration::from_millis(20), tasks::cancellable_scoped(100, 41)).await
    } else {
        wasio::time::timeout(Duration::from_millis(20), tasks::cancellable(41)).await
    };
    println!("call outcome: {}", if outcome.is_err() { "cancelled by timeout" } else { "returned" });
    // Give the callee's spawned task time to finish after the cancel.
    wasio::time::sleep(Duration::from_millis(200)).await;
    println!("caller done");
}
