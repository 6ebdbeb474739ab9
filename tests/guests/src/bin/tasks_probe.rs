//! Test guest exporting `wasio:test/tasks`; its bindings come from a user's
//! own `wit_bindgen::generate!`, routed to wasio's executor.

use futures_channel::oneshot;
use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll};

wit_bindgen::generate!({
    path: "../wit",
    world: "tasks-probe",
    runtime_path: "::wasio::rt::bindgen_rt",
});

use testing::wasio::probe;

struct Guest;

thread_local! {
    static MAILBOX: RefCell<Option<oneshot::Sender<u64>>> = const { RefCell::new(None) };
}

/// Polls `fut` exactly once, then drops it.
async fn poll_once_then_drop<F: Future>(fut: F) -> bool {
    let mut fut = pin!(fut);
    std::future::poll_fn(|cx: &mut Context<'_>| Poll::Ready(fut.as_mut().poll(cx).is_pending())).await
}

impl exports::testing::wasio::tasks::Guest for Guest {
    async fn cancel_hang(times: u32) {
        for _ in 0..times {
            let lease = probe::Lease::new();
            let pending = poll_once_then_drop(probe::hang(&lease)).await;
            assert!(pending, "hang completed");
            drop(lease);
        }
    }

    async fn spawn_background(ms: u32, value: u64) {
        wasio::spawn(async move {
            probe::delay(ms).await;
            probe::report(value);
        });
    }

    async fn recv() -> u64 {
        let (tx, rx) = oneshot::channel();
        MAILBOX.with(|m| *m.borrow_mut() = Some(tx));
        rx.await.unwrap_or(u64::MAX)
    }

    async fn send(value: u64) {
        // Wait (yielding to the host) until a `recv` call is waiting.
        loop {
            if let Some(tx) = MAILBOX.with(|m| m.borrow_mut().take()) {
                let _ = tx.send(value);
                return;
            }
            wasio::yield_now().await;
        }
    }

    async fn join_set_sum(n: u32) -> u64 {
        let mut set = wasio::JoinSet::new();
        for i in 0..n {
            set.spawn(async move {
                wasio::yield_now().await;
                u64::from(i)
            });
        }
        let mut sum = 0;
        while let Some(r) = set.join_next().await {
            sum += r.expect("task cancelled");
        }
        sum
    }

    async fn block_on_sum(n: u32) -> u64 {
        let outer = wasio::spawn(async { 1 });
        let sum = sync_sum(n);
        // The export's own task context is intact after block_on.
        let also = wasio::spawn(async { 2 });
        sum + outer.await.unwrap() + also.await.unwrap() - 3
    }
}

/// Synchronous code calling async code.
fn sync_sum(n: u32) -> u64 {
    wasio::block_on(async move {
        let mut set = wasio::JoinSet::new();
        for i in 0..n {
            set.spawn(async move {
                probe::delay(1).await;
                u64::from(i)
            });
        }
        // A task still running when block_on returns is cancelled.
        wasio::spawn(std::future::pending::<()>());
        let mut sum = 0;
        while let Some(r) = set.join_next().await {
            sum += r.expect("task cancelled");
        }
        sum
    })
}

export!(Guest);

fn main() {}
