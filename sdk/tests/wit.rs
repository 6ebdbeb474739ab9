//! Guest-side tests of `wasio::wit`: stream and future ends wrapped as
//! `Stream`, `Sink`, `Future`, `AsyncRead`/`AsyncWrite`, over real
//! Component Model streams and futures (both ends in this component).

use futures_util::{AsyncReadExt, AsyncWriteExt, SinkExt, StreamExt};
use wasio::bindings::wasi::sockets::types::ErrorCode;
use wasio::bindings::{wit_future, wit_stream};
use wasio::wit::{ByteReader, ByteWriter, Closed};

#[wasio::test]
async fn a_stream_carries_items_in_order_and_ends_when_the_writer_drops() {
    let (mut tx, rx) = wasio::wit::stream(wit_stream::new::<u8>());
    let writer = wasio::spawn(async move {
        for chunk in (0..=255u8).collect::<Vec<_>>().chunks(10) {
            tx.send_batch(chunk.to_vec()).await?;
        }
        tx.send(7).await
    });
    let got: Vec<u8> = rx.collect().await;
    writer.await.unwrap().unwrap();
    let mut want: Vec<u8> = (0..=255).collect();
    want.push(7);
    assert_eq!(got, want);
}

#[wasio::test]
async fn read_batch_honours_its_maximum() {
    let (mut tx, mut rx) = wasio::wit::stream(wit_stream::new::<u8>());
    wasio::spawn(async move { tx.send_batch(vec![1; 100]).await });
    let mut total = 0;
    while let Some(batch) = rx.read_batch(30).await {
        assert!(!batch.is_empty() && batch.len() <= 30, "batch of {}", batch.len());
        total += batch.len();
    }
    assert_eq!(total, 100);
}

#[wasio::test]
async fn sending_to_a_dropped_reader_is_closed() {
    let (mut tx, rx) = wasio::wit::stream(wit_stream::new::<u8>());
    drop(rx);
    assert_eq!(tx.send(1).await, Err(Closed));
    let err: std::io::Error = Closed.into();
    assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe);
}

#[wasio::test]
async fn the_sink_side_flushes_batches_and_closes() {
    let (tx, rx) = wasio::wit::stream(wit_stream::new::<u8>());
    let writer = wasio::spawn(async move {
        let mut tx = tx;
        let mut items = futures_util::stream::iter((0..1000u32).map(|i| Ok::<u8, Closed>((i % 251) as u8)));
        tx.send_all(&mut items).await?;
        tx.close().await
    });
    let got: Vec<u8> = rx.collect().await;
    writer.await.unwrap().unwrap();
    assert_eq!(got, (0..1000u32).map(|i| (i % 251) as u8).collect::<Vec<_>>());
}

#[wasio::test]
async fn byte_streams_are_async_read_and_write() {
    let (tx, rx) = wit_stream::new::<u8>();
    let data: Vec<u8> = (0..1_048_576u32).map(|i| (i * 31 % 256) as u8).collect();
    let expected = data.clone();
    let writer = wasio::spawn(async move {
        let mut tx = ByteWriter::new(tx);
        for chunk in data.chunks(10_000) {
            tx.write_all(chunk).await?;
        }
        tx.close().await
    });
    let mut got = Vec::new();
    ByteReader::new(rx).read_to_end(&mut got).await.unwrap();
    writer.await.unwrap().unwrap();
    assert!(got == expected, "1 MiB through stream<u8> differs");
}

/// Wasmtime traps on a future or stream of a non-numeric payload read and
/// written inside one component, and wasio's own bindings define futures of
/// `result` payloads only; so here only the no-reader case, where nothing
/// is copied. Values and defaults crossing components are checked by the
/// composed `examples/components` test.
#[wasio::test]
async fn writing_a_future_nobody_reads_gives_the_value_back() {
    type Payload = Result<(), ErrorCode>;
    let (tx, rx) = wasio::wit::future(wit_future::new::<Payload>(|| Ok(())));
    drop(rx);
    assert!(matches!(tx.write(Err(ErrorCode::Timeout)).await, Err(Err(ErrorCode::Timeout))));
}

/// Async ABI corner cases on `stream<u8>`: zero-length writes and reads,
/// reading after the writer is gone, a read cancelled mid-way (dropped)
/// and then retried, and a write after the reader is gone.
#[wasio::test]
async fn stream_corner_cases() {
    use std::future::Future;
    use std::task::{Context, Poll};

    // Zero-length operations complete without ending the stream.
    let (tx, rx) = wit_stream::new::<u8>();
    let (mut tx, mut rx) = (ByteWriter::new(tx), ByteReader::new(rx));
    assert_eq!(tx.write(&[]).await.unwrap(), 0);
    assert_eq!(rx.read(&mut []).await.unwrap(), 0);

    // A read polled once (pending: nothing written yet), then dropped —
    // its host read is cancelled — and a new read still gets the data.
    {
        let mut buf = [0u8; 8];
        let mut read = std::pin::pin!(rx.read(&mut buf));
        let pending =
            std::future::poll_fn(|cx: &mut Context<'_>| Poll::Ready(read.as_mut().poll(cx).is_pending())).await;
        assert!(pending, "nothing was written yet");
    }
    let writer = wasio::spawn(async move {
        tx.write_all(b"after cancel").await.unwrap();
        tx.close().await.unwrap();
    });
    let mut got = Vec::new();
    rx.read_to_end(&mut got).await.unwrap();
    writer.await.unwrap();
    assert_eq!(got, b"after cancel");
    // After the end, reads keep saying end.
    assert_eq!(rx.read(&mut [0u8; 4]).await.unwrap(), 0);

    // Writing after the reader dropped: BrokenPipe, not a trap.
    let (tx, rx) = wit_stream::new::<u8>();
    drop(rx);
    let err = ByteWriter::new(tx).write_all(b"x").await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe);
}

/// A yield loop in one task does not starve another: both make progress
/// in turn on the one executor.
#[wasio::test]
async fn yield_loops_interleave() {
    use std::cell::Cell;
    use std::rc::Rc;
    let turns = Rc::new(Cell::new(0u32));
    let other = turns.clone();
    let spinner = wasio::spawn(async move {
        for _ in 0..10_000 {
            other.set(other.get() + 1);
            wasio::yield_now().await;
        }
    });
    let mut seen_progress = 0;
    for _ in 0..100 {
        let before = turns.get();
        wasio::yield_now().await;
        if turns.get() > before {
            seen_progress += 1;
        }
    }
    spinner.await.unwrap();
    assert_eq!(turns.get(), 10_000);
    assert!(seen_progress >= 90, "the yielding task ran between only {seen_progress} of 100 turns");
}
