//! `kv-client`: a CLI component importing `example:kv/cache`, composed with
//! `kv-store` into one component (`cargo run -p xtask -- compose`). Its
//! bindings are generated ahead of time and checked in (`src/bindings.rs`,
//! `cargo run -p xtask -- bindings`). It exercises the cache through the
//! component boundary and prints one line per check:
//!
//! ```text
//! wasmtime run target/wasm32-wasip2/release/kv-app.wasm
//! ```

#[allow(clippy::all, clippy::undocumented_unsafe_blocks, missing_docs, missing_debug_implementations, unsafe_op_in_unsafe_fn)]
#[rustfmt::skip]
mod bindings;

use bindings::example::kv::cache;
use futures_util::{AsyncWriteExt, StreamExt};
use std::time::Duration;

#[wasio::main]
async fn main() -> Result<(), String> {
    // Plain calls.
    cache::set("greeting".into(), b"hello".to_vec()).await;
    let got = cache::get("greeting".into()).await;
    println!("get greeting: {:?}", got.as_deref().map(String::from_utf8_lossy));

    // A watcher sees later changes under its prefix, as a `Stream`.
    let mut events = wasio::wit::StreamReader::new(cache::watch("user/".into()).await);
    cache::set("user/ada".into(), b"1815".to_vec()).await;
    cache::set("other".into(), b"x".to_vec()).await;
    cache::remove("user/ada".into()).await;
    for _ in 0..2 {
        let e = events.next().await.ok_or("watch stream ended")?;
        println!("event: {} = {:?}", e.key, e.value.as_deref().map(String::from_utf8_lossy));
    }
    drop(events);

    // 200 concurrent calls from as many caller tasks.
    let mut calls = wasio::JoinSet::new();
    for i in 0..200u32 {
        calls.spawn(async move {
            cache::set(format!("k{i}"), i.to_le_bytes().to_vec()).await;
            cache::get(format!("k{i}")).await == Some(i.to_le_bytes().to_vec())
        });
    }
    let mut ok = 0;
    while let Some(r) = calls.join_next().await {
        ok += usize::from(r.map_err(|e| e.to_string())?);
    }
    println!("concurrent calls: {ok}/200 correct, max in flight at the store: {}", cache::stats().max_concurrent);

    // Cancelling a call across the boundary: the store's side is dropped.
    let before = cache::stats().cancelled;
    let slow = wasio::time::timeout(Duration::from_millis(50), cache::slow_get("greeting".into(), 60_000)).await;
    println!("slow-get under a 50 ms timeout: {}", if slow.is_err() { "timed out" } else { "finished" });
    wasio::time::sleep(Duration::from_millis(20)).await;
    println!("store saw cancellations: {}", cache::stats().cancelled - before);

    // A future dropped before it resolves: the store's write finds no reader.
    drop(cache::wait_for("later".into()).await);
    let waiting = wasio::wit::FutureReader::new(cache::wait_for("later".into()).await);
    cache::set("later".into(), b"now".to_vec()).await;
    println!("wait-for later: {:?}", String::from_utf8_lossy(&waiting.await));
    wasio::time::sleep(Duration::from_millis(20)).await;
    println!("futures dropped before resolving: {}", cache::stats().futures_dropped);

    // Backpressure across the boundary: a producer faster than its consumer
    // stays at most one batch ahead.
    let mut numbers = wasio::wit::StreamReader::new(cache::flood(100_000).await);
    let (mut sum, mut seen, mut max_ahead) = (0u64, 0u64, 0u64);
    while let Some(batch) = numbers.read_batch(1000).await {
        seen += batch.len() as u64;
        sum += batch.iter().sum::<u64>();
        if seen % 10_000 < 1000 {
            wasio::time::sleep(Duration::from_millis(1)).await; // a slow consumer
            max_ahead = max_ahead.max(cache::stats().flooded.saturating_sub(seen));
        }
    }
    println!("flood: {seen} numbers, sum {sum}, producer at most {max_ahead} ahead");

    // A byte stream handed to the store (`stream<u8>` as `AsyncWrite`).
    let (tx, rx) = bindings::wit_stream::new::<u8>();
    let upload = cache::upload("blob".into(), rx);
    let writer = async move {
        let mut tx = wasio::wit::ByteWriter::new(tx);
        for i in 0..64u8 {
            tx.write_all(&[i; 16 * 1024]).await?;
        }
        tx.close().await
    };
    let (stored, written) = futures_util::future::join(upload, writer).await;
    written.map_err(|e| e.to_string())?;
    println!("upload: store got {stored} bytes");
    Ok(())
}
