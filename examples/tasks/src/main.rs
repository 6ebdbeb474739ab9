//! `tasks`: spawns N tasks (default 1,000) in a chain: task `i` receives a
//! running total from task `i - 1` over a channel, adds `i` and passes it
//! on. A `JoinSet` joins them all; one long-running task is aborted.
//!
//! ```text
//! wasmtime run target/wasm32-wasip2/release/tasks.wasm 1000
//! ```

use futures_channel::oneshot;

#[wasio::main]
async fn main() -> Result<(), String> {
    let n: u64 = match wasio::env::args().nth(1) {
        Some(raw) => raw.parse().map_err(|e| format!("bad task count {raw:?}: {e}"))?,
        None => 1000,
    };

    // A task that would run forever, aborted below.
    let long = wasio::spawn(async {
        loop {
            wasio::yield_now().await;
        }
    });

    let (first_tx, mut prev_rx) = oneshot::channel::<u64>();
    let mut set = wasio::JoinSet::new();
    for i in 0..n {
        let (tx, rx) = oneshot::channel::<u64>();
        let rx_in = std::mem::replace(&mut prev_rx, rx);
        set.spawn(async move {
            let total = rx_in.await.map_err(|_| "sender dropped")?;
            tx.send(total + i).map_err(|_| "receiver dropped")?;
            Ok::<u64, &'static str>(i)
        });
    }
    first_tx.send(0).map_err(|_| "first task gone")?;
    let chained = prev_rx.await.map_err(|_| "chain broken")?;

    let mut joined = 0u64;
    let mut count = 0u64;
    while let Some(res) = set.join_next().await {
        joined += res.map_err(|e| e.to_string())??;
        count += 1;
    }

    long.abort();
    let cancelled = match long.await {
        Ok(()) => false,
        Err(e) => e.is_cancelled(),
    };

    println!("tasks joined: {count}");
    println!("sum through channels: {chained}");
    println!("sum of task outputs: {joined}");
    println!("long task cancelled: {cancelled}");
    if chained != joined || !cancelled {
        return Err("mismatch".into());
    }
    Ok(())
}
