//! Test guest exporting `wasio:test/tasks`; its bindings come from a user's
//! own `wit_bindgen::generate!`, routed to wasio's executor.

use futures_channel::oneshot;
use std::cell::RefCell;
use std::future::{Future, IntoFuture};
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

wit_bindgen::generate!({
    path: "../wit",
    world: "tasks-probe",
    runtime_path: "::wasio::rt::bindgen_rt",
});

use testing::wasio::probe;

struct Guest;

thread_local! {
    static INSIDE: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
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

    async fn cancel_io(kind: probe::IoKind, times: u32) {
        for _ in 0..times {
            let pending = match kind {
                probe::IoKind::StreamRead => {
                    let mut s = probe::never_stream();
                    let pending = poll_once_then_drop(s.read(Vec::with_capacity(64))).await;
                    drop(s);
                    pending
                }
                probe::IoKind::StreamWrite => {
                    let (mut tx, rx) = wit_stream::new::<u8>();
                    probe::sink_stream(rx);
                    let pending = poll_once_then_drop(tx.write(vec![7; 64])).await;
                    drop(tx);
                    pending
                }
                probe::IoKind::FutureRead => {
                    let f = probe::never_future();
                    poll_once_then_drop(f.into_future()).await
                }
                probe::IoKind::FutureWrite => {
                    let (tx, rx) = wit_future::new::<u32>(|| 0);
                    probe::sink_future(rx);
                    poll_once_then_drop(tx.write(5)).await
                }
            };
            assert!(pending, "{kind:?} completed");
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

    async fn sleep_order(n: u32, max_ms: u32, seed: u64) -> Vec<u32> {
        let fired = std::rc::Rc::new(RefCell::new(Vec::with_capacity(n as usize)));
        let start = wasio::time::Instant::now();
        let mut set = wasio::JoinSet::new();
        let mut x = seed | 1;
        for _ in 0..n {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let ms = (x % u64::from(max_ms.max(1))) as u32;
            let fired = fired.clone();
            set.spawn(async move {
                // 500 ms first, so every sleep is registered before any fires.
                wasio::time::sleep_until(start + Duration::from_millis(500 + u64::from(ms))).await;
                fired.borrow_mut().push(ms);
            });
        }
        while set.join_next().await.is_some() {}
        fired.take()
    }

    async fn dropped_sleeps(n: u32) -> (u32, u32) {
        let wakes = Arc::new(AtomicU32::new(0));
        let waker = Waker::from(Arc::new(CountWake(wakes.clone())));
        let mut sleeps: Vec<_> = (0..n).map(|_| Box::pin(wasio::time::sleep(Duration::from_millis(30)))).collect();
        for s in &mut sleeps {
            assert!(s.as_mut().poll(&mut Context::from_waker(&waker)).is_pending());
        }
        drop(sleeps);
        let pending = wasio::time::stats().pending_timers as u32;
        wasio::time::sleep(Duration::from_millis(60)).await;
        (wakes.load(Ordering::SeqCst), pending)
    }

    async fn limited(max: u32, ms: u32) {
        let _permit = wasio::rt::concurrency_limit(max as usize);
        let now = INSIDE.with(|i| {
            i.set(i.get() + 1);
            i.get()
        });
        probe::report(now);
        probe::delay(ms).await;
        INSIDE.with(|i| i.set(i.get() - 1));
    }

    async fn cancellable(value: u64) {
        wasio::spawn(async move {
            probe::delay(50).await;
            probe::report(value + 1);
        });
        let lease = probe::Lease::new();
        probe::hang(&lease).await;
        unreachable!("hang returned");
    }

    async fn cancellable_scoped(children: u32, value: u64) {
        wasio::spawn(async move {
            probe::delay(50).await;
            probe::report(value + 1);
        });
        let mut scope = wasio::JoinSet::new();
        for i in 0..children {
            scope.spawn(async move {
                if i % 2 == 0 {
                    let lease = probe::Lease::new();
                    probe::hang(&lease).await;
                } else {
                    wasio::time::sleep(Duration::from_secs(60)).await;
                }
            });
        }
        scope.join_all().await;
        unreachable!("the children returned");
    }

    async fn timeout_hang(ms: u32) -> bool {
        let lease = probe::Lease::new();
        let r = wasio::time::timeout(Duration::from_millis(ms.into()), probe::hang(&lease)).await;
        drop(lease);
        r.is_err()
    }
}

struct CountWake(Arc<AtomicU32>);

impl std::task::Wake for CountWake {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
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
