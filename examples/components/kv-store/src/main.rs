//! `kv-store`: a component exporting `example:kv/cache`, written against
//! bindings from `wasio::bindgen!`. Every async export runs on wasio's
//! executor, so calls from the importing component run concurrently, can be
//! cancelled by the caller, and may leave tasks running (watchers, `flood`).

use exports::example::kv::cache::{Counters, Event, Guest};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::time::Duration;
use wasio::wit::{FutureWriter, StreamWriter};

wasio::bindgen!({ world: "store", path: "../wit" });

struct Store;

thread_local! {
    static DATA: RefCell<HashMap<String, Vec<u8>>> = RefCell::default();
    static WATCHERS: RefCell<Vec<(String, futures_channel::mpsc::UnboundedSender<Event>)>> = RefCell::default();
    static WAITERS: RefCell<Vec<(String, FutureWriter<Vec<u8>>)>> = RefCell::default();
    static STATS: RefCell<Counters> = const { RefCell::new(Counters { calls: 0, max_concurrent: 0, cancelled: 0, futures_dropped: 0, flooded: 0 }) };
    static IN_FLIGHT: Cell<u32> = const { Cell::new(0) };
}

/// Counts a call as in flight while it lives; a call dropped before
/// `finish` (the caller cancelled it) counts as cancelled.
struct Call {
    finished: bool,
}

impl Call {
    fn start() -> Call {
        let now = IN_FLIGHT.with(|n| {
            n.set(n.get() + 1);
            n.get()
        });
        STATS.with_borrow_mut(|s| {
            s.calls += 1;
            s.max_concurrent = s.max_concurrent.max(now);
        });
        Call { finished: false }
    }

    fn finish(mut self) {
        self.finished = true;
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        IN_FLIGHT.with(|n| n.set(n.get() - 1));
        if !self.finished {
            STATS.with_borrow_mut(|s| s.cancelled += 1);
        }
    }
}

fn notify(key: &str, value: Option<Vec<u8>>) {
    WATCHERS.with_borrow_mut(|w| {
        w.retain(|(prefix, tx)| {
            !key.starts_with(prefix.as_str())
                || tx.unbounded_send(Event { key: key.to_string(), value: value.clone() }).is_ok()
        })
    });
    if let Some(value) = value {
        let ready: Vec<_> = WAITERS.with_borrow_mut(|w| {
            let (ready, rest) = std::mem::take(w).into_iter().partition(|(k, _)| k == key);
            *w = rest;
            ready
        });
        for (_, tx) in ready {
            let value = value.clone();
            wasio::spawn(async move {
                if tx.write(value).await.is_err() {
                    STATS.with_borrow_mut(|s| s.futures_dropped += 1);
                }
            });
        }
    }
}

impl Guest for Store {
    async fn get(key: String) -> Option<Vec<u8>> {
        let call = Call::start();
        // A short host wait: concurrent callers overlap here.
        wasio::time::sleep(Duration::from_millis(1)).await;
        let value = DATA.with_borrow(|d| d.get(&key).cloned());
        call.finish();
        value
    }

    async fn set(key: String, value: Vec<u8>) {
        let call = Call::start();
        wasio::time::sleep(Duration::from_millis(1)).await;
        DATA.with_borrow_mut(|d| d.insert(key.clone(), value.clone()));
        notify(&key, Some(value));
        call.finish();
    }

    async fn remove(key: String) -> bool {
        let removed = DATA.with_borrow_mut(|d| d.remove(&key)).is_some();
        if removed {
            notify(&key, None);
        }
        removed
    }

    async fn slow_get(key: String, delay_ms: u32) -> Option<Vec<u8>> {
        let call = Call::start();
        wasio::time::sleep(Duration::from_millis(delay_ms.into())).await;
        let value = DATA.with_borrow(|d| d.get(&key).cloned());
        call.finish();
        value
    }

    async fn watch(prefix: String) -> wasio::wit::RawStreamReader<Event> {
        let (tx, rx) = wit_stream::new::<Event>();
        let mut tx = StreamWriter::new(tx);
        let (events_tx, mut events) = futures_channel::mpsc::unbounded();
        WATCHERS.with_borrow_mut(|w| w.push((prefix, events_tx)));
        // This task outlives the call; it ends when the reader drops the
        // stream (the next send fails) or the cache goes away.
        wasio::spawn(async move {
            use futures_util::StreamExt;
            while let Some(event) = events.next().await {
                if tx.send(event).await.is_err() {
                    break;
                }
            }
        });
        rx
    }

    async fn wait_for(key: String) -> wasio::wit::RawFutureReader<Vec<u8>> {
        let (tx, rx) = wit_future::new::<Vec<u8>>(Vec::new);
        WAITERS.with_borrow_mut(|w| w.push((key, FutureWriter::new(tx))));
        rx
    }

    async fn upload(key: String, data: wasio::wit::RawStreamReader<u8>) -> u64 {
        use futures_util::AsyncReadExt;
        let mut bytes = Vec::new();
        let n = wasio::wit::ByteReader::new(data).read_to_end(&mut bytes).await.unwrap_or(0);
        DATA.with_borrow_mut(|d| d.insert(key, bytes));
        n as u64
    }

    async fn flood(count: u64) -> wasio::wit::RawStreamReader<u64> {
        let (tx, rx) = wit_stream::new::<u64>();
        let mut tx = StreamWriter::new(tx);
        wasio::spawn(async move {
            // Batches of 64: each `send_batch` returns only once the reader
            // has taken the batch, so the producer never runs ahead of the
            // consumer by more than one batch.
            let mut next = 0;
            while next < count {
                let end = (next + 64).min(count);
                if tx.send_batch((next..end).collect()).await.is_err() {
                    return;
                }
                STATS.with_borrow_mut(|s| s.flooded = end);
                next = end;
            }
        });
        rx
    }

    fn stats() -> Counters {
        STATS.with_borrow(|s| *s)
    }
}

export!(Store);

/// Run as a command, the component says that its entry point is the
/// `example:kv/cache` export (and exits with status 1).
fn main() {
    wasio::process::wrong_entry_point("example:kv/cache@0.1.0");
}
