//! Soak: one instance serves 100,000 HTTP requests, another 10,000 TCP
//! connections, on the embedded host. The guest's linear memory — measured
//! by the host's resource limiter, which sees every growth — must not grow
//! past a small bound over its size after the first 1,000.

use futures::StreamExt;
use std::time::Duration;
use wasio_tests::{component, linker, store};

/// Growth allowed between the first 1,000 and the end of a run: a leak of
/// even 100 bytes per request would exceed it.
const BOUND: usize = 1 << 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_thousand_http_requests_in_one_instance_in_bounded_memory() -> anyhow::Result<()> {
    use http_body_util::BodyExt;
    use wasmtime_wasi_http::p3::{Request, bindings::Service};

    let mut store = store(wasmtime_wasi::WasiCtxBuilder::new());
    let service = Service::instantiate_async(&mut store, &component("http-hello")?, &linker()?).await?;
    let table_start = store.data_mut().table_len();
    let mut memory_after_first = 0;
    for (round, count) in [(0, 1_000), (1, 99_000)] {
        let service = &service;
        let answered = tokio::time::timeout(
            Duration::from_secs(300),
            store.run_concurrent(async move |a| {
                // 32 requests in flight at a time, like a loaded server.
                futures::stream::iter(0..count)
                    .map(|i| async move {
                        let req = http::Request::get(format!("http://localhost/?n={round}-{i}"))
                            .body(http_body_util::Empty::<bytes::Bytes>::new())?;
                        let (req, _io) = Request::from_http(wasmtime_wasi_http::default_hooks(), req);
                        let res = service.handle(a, req).await?.map_err(|e| anyhow::anyhow!("{e:?}"))?;
                        let res = a.with(|s| res.into_http(s, async { Ok(()) }))?;
                        anyhow::ensure!(res.status() == 200, "status {}", res.status());
                        let body = res.into_body().collect().await.map_err(|e| anyhow::anyhow!("{e:?}"))?.to_bytes();
                        anyhow::ensure!(body == "Hello, WASI!\n", "body {body:?}");
                        anyhow::Ok(())
                    })
                    .buffer_unordered(32)
                    .fold(Ok(0usize), async |n, r| n.and_then(|n| r.map(|()| n + 1)))
                    .await
            }),
        )
        .await???;
        assert_eq!(answered, count, "requests answered");
        if round == 0 {
            memory_after_first = store.data().memory.bytes;
        }
    }
    let end = store.data().memory.bytes;
    assert!(memory_after_first > 0, "the limiter saw no guest memory");
    assert!(end <= memory_after_first + BOUND, "guest memory grew from {memory_after_first} to {end} bytes");
    wasio_tests::assert_no_leaks(&mut store, table_start).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_tcp_connections_through_one_instance_in_bounded_memory() -> anyhow::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = wasio_tests::free_addr();
    let mut ctx = wasmtime_wasi::WasiCtxBuilder::new();
    // tcp-echo logs a line per connection: keep it for failure messages.
    let log = wasmtime_wasi::p2::pipe::MemoryOutputPipe::new(usize::MAX);
    ctx.inherit_network().allow_tcp(true).stderr(log.clone()).args(&["tcp-echo", &addr.to_string()]);
    let mut store = store(ctx);
    let command =
        wasmtime_wasi::p3::bindings::Command::instantiate_async(&mut store, &component("tcp-echo")?, &linker()?)
            .await?;
    let memory = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    // Clients run on their own tasks; after each 1,000 connections they ask
    // the store's side (below) to record the guest's memory.
    let clients = tokio::spawn(async move {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while tokio::net::TcpStream::connect(addr).await.is_err() {
            anyhow::ensure!(std::time::Instant::now() < deadline, "tcp-echo did not listen");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        for batch in 0..10 {
            let conns = futures::stream::iter(0..1000u32).map(|i| async move {
                let mut s = tokio::net::TcpStream::connect(addr).await?;
                let msg = format!("connection {batch}-{i}");
                s.write_all(msg.as_bytes()).await?;
                s.shutdown().await?;
                let mut back = String::new();
                s.read_to_string(&mut back).await?;
                anyhow::ensure!(back == msg, "echoed {back:?} for {msg:?}");
                anyhow::Ok(())
            });
            // One connection at a time: each holds read and write buffers
            // of up to 256 KiB in the guest, so the number alive at once
            // (not a leak) would otherwise set the high-water mark.
            let results: Vec<_> = conns.buffer_unordered(1).collect().await;
            for r in results {
                r?;
            }
            let _ = tx.send(());
        }
        anyhow::Ok(())
    });
    let watched = memory.clone();
    let done = tokio::time::timeout(
        Duration::from_secs(300),
        store.run_concurrent(async move |a| {
            let server = std::pin::pin!(command.wasi_cli_run().call_run(a));
            let mut server = server;
            let mut batches = 0;
            loop {
                tokio::select! {
                    r = &mut server => anyhow::bail!("tcp-echo exited: {r:?}\n{}", String::from_utf8_lossy(&log.contents())),
                    got = rx.recv() => {
                        if got.is_none() { break; }
                        batches += 1;
                        // The last connection of the batch may still be
                        // closing in the guest: give it (up to 10 s) to get
                        // back to just the listening socket.
                        let deadline = std::time::Instant::now() + Duration::from_secs(10);
                        while a.with(|mut s| s.data_mut().table_len()) > 1 && std::time::Instant::now() < deadline {
                            tokio::time::sleep(Duration::from_millis(5)).await;
                        }
                        let seen = a.with(|mut s| (s.data_mut().memory.bytes, s.data_mut().table_len()));
                        watched.lock().unwrap().push(seen);
                        if batches == 10 { break; }
                    }
                }
            }
            anyhow::Ok(batches)
        }),
    )
    .await???;
    clients.await??;
    assert_eq!(done, 10, "batches of 1,000 connections");
    let seen = memory.lock().unwrap().clone();
    let memory: Vec<usize> = seen.iter().map(|s| s.0).collect();
    let (first, end) = (memory[0], *memory.last().unwrap());
    assert!(first > 0, "the limiter saw no guest memory");
    assert!(end <= first + BOUND, "guest memory grew from {first} to {end} bytes over 10,000 connections: {memory:?}");
    // The server is still running, so the leak check is that after every
    // batch the table holds its listening socket and nothing else.
    let tables: Vec<usize> = seen.iter().map(|s| s.1).collect();
    assert!(tables.iter().all(|&t| t == 1), "host resource table after each batch: {tables:?}");
    Ok(())
}
