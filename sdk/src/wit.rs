//! Component Model `stream<T>` and `future<T>` ends as ordinary Rust async
//! types, for bindings of your own WIT worlds (see `wasio::bindgen!`).
//!
//! wit-bindgen gives every `stream<T>` and `future<T>` in a world the same
//! low-level types; this module wraps them:
//!
//! | WIT | readable end | writable end |
//! | --- | --- | --- |
//! | `stream<T>` | [`StreamReader<T>`]: [`Stream`] of `T` | [`StreamWriter<T>`]: [`Sink`] of `T` |
//! | `stream<u8>` | [`ByteReader`]: `AsyncRead` + `AsyncBufRead` | [`ByteWriter`]: `AsyncWrite` |
//! | `future<T>` | [`FutureReader<T>`]: `Future<Output = T>` | [`FutureWriter<T>`]: `write(value)` |
//!
//! Create a pair with the `wit_stream::new`/`wit_future::new` functions your
//! bindings module generates, and wrap it with [`stream`] or [`future`]:
//!
//! ```no_run
//! # use wasio::bindings; // your bindings module instead
//! use futures_util::StreamExt;
//! # async fn f() -> Result<(), wasio::wit::Closed> {
//! let (mut tx, mut rx) = wasio::wit::stream(bindings::wit_stream::new::<u8>());
//! wasio::spawn(async move { tx.send(7).await });
//! assert_eq!(rx.next().await, Some(7));
//! # Ok(()) }
//! ```
//!
//! Both ends may live in one component (e.g. a channel between two tasks)
//! for numeric payloads such as `stream<u8>`; Wasmtime (48, 49) traps when
//! one component both reads and writes a stream or future of any other
//! payload, so pass those to another component or to the host.
//!
//! Each end is one handle owned by this component until it is passed to
//! another (`into_inner` gives the wit-bindgen value to hand to a generated
//! function). Dropping an end closes it: the other side sees the stream end
//! (or, for a future, the default value the bindings define). Dropping a
//! read or write in flight cancels it on the host.

use crate::sys::stream;
use futures_core::Stream;
use futures_io::{AsyncBufRead, AsyncRead, AsyncWrite};
use futures_util::Sink;
use futures_util::future::LocalBoxFuture;
use std::collections::VecDeque;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use wit_bindgen::StreamResult;

/// wit-bindgen's readable end of a `stream<T>` (what generated functions take
/// and return).
pub type RawStreamReader<T> = wit_bindgen::StreamReader<T>;
/// wit-bindgen's writable end of a `stream<T>`.
pub type RawStreamWriter<T> = wit_bindgen::StreamWriter<T>;
/// wit-bindgen's readable end of a `future<T>`.
pub type RawFutureReader<T> = wit_bindgen::FutureReader<T>;
/// wit-bindgen's writable end of a `future<T>`.
pub type RawFutureWriter<T> = wit_bindgen::FutureWriter<T>;

/// Items moved per host read for element types larger than a byte.
const BATCH: usize = 256;

/// The other end of a stream or future is gone.
///
/// ```no_run
/// # async fn f(mut tx: wasio::wit::StreamWriter<u32>) {
/// if let Err(wasio::wit::Closed) = tx.send(1).await {
///     eprintln!("the reader went away");
/// }
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed;

impl fmt::Display for Closed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the other end of the stream or future is closed")
    }
}

impl std::error::Error for Closed {}

impl From<Closed> for std::io::Error {
    fn from(_: Closed) -> Self {
        std::io::Error::new(std::io::ErrorKind::BrokenPipe, Closed)
    }
}

/// Wraps a `(writer, reader)` pair made by the bindings' `wit_stream::new`.
///
/// ```no_run
/// # use wasio::bindings; // your bindings module instead
/// let (tx, rx) = wasio::wit::stream(bindings::wit_stream::new::<u8>());
/// ```
pub fn stream<T: 'static>(pair: (RawStreamWriter<T>, RawStreamReader<T>)) -> (StreamWriter<T>, StreamReader<T>) {
    (StreamWriter::new(pair.0), StreamReader::new(pair.1))
}

/// Wraps a `(writer, reader)` pair made by the bindings' `wit_future::new`.
///
/// ```no_run
/// # async fn f(pair: (wasio::wit::RawFutureWriter<u32>, wasio::wit::RawFutureReader<u32>)) {
/// // `pair` from your bindings: `bindings::wit_future::new::<u32>(|| 0)`
/// let (tx, rx) = wasio::wit::future(pair);
/// wasio::spawn(tx.write(5));
/// assert_eq!(rx.await, 5);
/// # }
/// ```
pub fn future<T: 'static>(pair: (RawFutureWriter<T>, RawFutureReader<T>)) -> (FutureWriter<T>, FutureReader<T>) {
    (FutureWriter { inner: pair.0 }, FutureReader::new(pair.1))
}

type ReadFut<T> = LocalBoxFuture<'static, (RawStreamReader<T>, StreamResult, Vec<T>)>;

/// The readable end of a `stream<T>`: a [`Stream`] of its items, read from
/// the host in batches.
///
/// ```no_run
/// use futures_util::StreamExt;
/// # async fn f(raw: wasio::wit::RawStreamReader<String>) {
/// let mut events = wasio::wit::StreamReader::new(raw);
/// while let Some(event) = events.next().await {
///     println!("{event}");
/// }
/// # }
/// ```
pub struct StreamReader<T: 'static> {
    reader: Option<RawStreamReader<T>>,
    inflight: Option<ReadFut<T>>,
    items: VecDeque<T>,
}

impl<T: 'static> StreamReader<T> {
    /// Wraps wit-bindgen's readable end.
    ///
    /// ```no_run
    /// # fn f(raw: wasio::wit::RawStreamReader<u32>) {
    /// let rx = wasio::wit::StreamReader::new(raw);
    /// # }
    /// ```
    pub fn new(reader: RawStreamReader<T>) -> Self {
        StreamReader { reader: Some(reader), inflight: None, items: VecDeque::new() }
    }

    /// Reads up to `max` items (at least one), waiting for the writer;
    /// `None` once the stream has ended.
    ///
    /// ```no_run
    /// # async fn f(mut rx: wasio::wit::StreamReader<u32>) {
    /// while let Some(batch) = rx.read_batch(100).await {
    ///     println!("{} items", batch.len());
    /// }
    /// # }
    /// ```
    pub async fn read_batch(&mut self, max: usize) -> Option<Vec<T>> {
        let max = max.max(1);
        std::future::poll_fn(|cx| self.poll_fill(cx, max)).await?;
        let n = self.items.len().min(max);
        Some(self.items.drain(..n).collect())
    }

    /// Gives back wit-bindgen's end, e.g. to pass it to a generated
    /// function. `None` if the stream has ended, or if items were already
    /// buffered (they would be lost).
    ///
    /// ```no_run
    /// # fn f(rx: wasio::wit::StreamReader<u32>) {
    /// let raw: Option<wasio::wit::RawStreamReader<u32>> = rx.into_inner();
    /// # }
    /// ```
    pub fn into_inner(mut self) -> Option<RawStreamReader<T>> {
        if self.inflight.is_some() || !self.items.is_empty() {
            return None;
        }
        self.reader.take()
    }

    /// Makes sure items are buffered; `Ready(None)` at the end.
    fn poll_fill(&mut self, cx: &mut Context<'_>, want: usize) -> Poll<Option<()>> {
        while self.items.is_empty() {
            if self.inflight.is_none() {
                let Some(mut reader) = self.reader.take() else {
                    return Poll::Ready(None);
                };
                let cap = want.clamp(1, BATCH);
                self.inflight = Some(Box::pin(async move {
                    let (result, buf) = reader.read(Vec::with_capacity(cap)).await;
                    (reader, result, buf)
                }));
            }
            let (reader, result, buf) = ready!(self.inflight.as_mut().expect("read in flight").as_mut().poll(cx));
            self.inflight = None;
            self.items.extend(buf);
            if let StreamResult::Complete(_) = result {
                self.reader = Some(reader);
            } else if self.items.is_empty() {
                return Poll::Ready(None);
            }
        }
        Poll::Ready(Some(()))
    }
}

impl<T: 'static> Stream for StreamReader<T> {
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let this = self.get_mut();
        ready!(this.poll_fill(cx, BATCH));
        Poll::Ready(this.items.pop_front())
    }
}

impl<T: 'static> Unpin for StreamReader<T> {}

impl<T: 'static> fmt::Debug for StreamReader<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamReader").field("buffered", &self.items.len()).finish_non_exhaustive()
    }
}

type WriteFut<T> = LocalBoxFuture<'static, (RawStreamWriter<T>, Vec<T>)>;

/// The writable end of a `stream<T>`: a [`Sink`] of items, plus
/// [`send`](Self::send) and [`send_batch`](Self::send_batch) that return once
/// the reader has taken the items.
///
/// ```no_run
/// # async fn f(mut tx: wasio::wit::StreamWriter<String>) -> Result<(), wasio::wit::Closed> {
/// tx.send("hello".to_string()).await?;
/// tx.send_batch(vec!["a".into(), "b".into()]).await?;
/// drop(tx); // the reader sees the end of the stream
/// # Ok(()) }
/// ```
pub struct StreamWriter<T: 'static> {
    writer: Option<RawStreamWriter<T>>,
    inflight: Option<WriteFut<T>>,
    /// Items accepted by `start_send` and not yet written.
    pending: Vec<T>,
    closed: bool,
}

impl<T: 'static> StreamWriter<T> {
    /// Wraps wit-bindgen's writable end.
    ///
    /// ```no_run
    /// # fn f(raw: wasio::wit::RawStreamWriter<u32>) {
    /// let tx = wasio::wit::StreamWriter::new(raw);
    /// # }
    /// ```
    pub fn new(writer: RawStreamWriter<T>) -> Self {
        StreamWriter { writer: Some(writer), inflight: None, pending: Vec::new(), closed: false }
    }

    /// Sends one item; returns once the reader has taken it.
    ///
    /// ```no_run
    /// # async fn f(mut tx: wasio::wit::StreamWriter<u32>) {
    /// tx.send(1).await.expect("reader gone");
    /// # }
    /// ```
    pub async fn send(&mut self, item: T) -> Result<(), Closed> {
        self.send_batch(vec![item]).await
    }

    /// Sends every item of `items`; returns once the reader has taken them
    /// all, or `Err(Closed)` if it went away first.
    ///
    /// ```no_run
    /// # async fn f(mut tx: wasio::wit::StreamWriter<u32>) {
    /// tx.send_batch((0..100).collect()).await.expect("reader gone");
    /// # }
    /// ```
    pub async fn send_batch(&mut self, items: Vec<T>) -> Result<(), Closed> {
        std::future::poll_fn(|cx| self.poll_write_pending(cx)).await?;
        self.pending = items;
        std::future::poll_fn(|cx| self.poll_write_pending(cx)).await
    }

    /// Gives back wit-bindgen's end (e.g. to hand it to a generated
    /// function); `None` if it was closed or a write is still in flight.
    ///
    /// ```no_run
    /// # fn f(tx: wasio::wit::StreamWriter<u32>) {
    /// let raw: Option<wasio::wit::RawStreamWriter<u32>> = tx.into_inner();
    /// # }
    /// ```
    pub fn into_inner(mut self) -> Option<RawStreamWriter<T>> {
        if self.inflight.is_some() || !self.pending.is_empty() {
            return None;
        }
        self.writer.take()
    }

    /// Writes everything in `pending` (and finishes a write in flight).
    fn poll_write_pending(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Closed>> {
        loop {
            if let Some(fut) = self.inflight.as_mut() {
                let (writer, rest) = ready!(fut.as_mut().poll(cx));
                self.inflight = None;
                if !rest.is_empty() {
                    // `write_all` stops early only when the reader is gone.
                    drop(writer);
                    self.closed = true;
                    return Poll::Ready(Err(Closed));
                }
                self.writer = Some(writer);
            }
            if self.pending.is_empty() {
                return Poll::Ready(Ok(()));
            }
            let Some(mut writer) = self.writer.take() else {
                self.pending.clear();
                return Poll::Ready(Err(Closed));
            };
            let items = std::mem::take(&mut self.pending);
            self.inflight = Some(Box::pin(async move {
                let rest = writer.write_all(items).await;
                (writer, rest)
            }));
        }
    }
}

impl<T: 'static> Sink<T> for StreamWriter<T> {
    type Error = Closed;

    fn poll_ready(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Closed>> {
        let this = self.get_mut();
        if this.closed {
            return Poll::Ready(Err(Closed));
        }
        if this.pending.len() >= BATCH || this.inflight.is_some() {
            ready!(this.poll_write_pending(cx))?;
        }
        Poll::Ready(Ok(()))
    }

    fn start_send(self: Pin<&mut Self>, item: T) -> Result<(), Closed> {
        let this = self.get_mut();
        if this.closed {
            return Err(Closed);
        }
        this.pending.push(item);
        Ok(())
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Closed>> {
        self.get_mut().poll_write_pending(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Closed>> {
        let this = self.get_mut();
        ready!(this.poll_write_pending(cx))?;
        this.writer = None;
        this.closed = true;
        Poll::Ready(Ok(()))
    }
}

impl<T: 'static> Unpin for StreamWriter<T> {}

impl<T: 'static> fmt::Debug for StreamWriter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamWriter").field("pending", &self.pending.len()).finish_non_exhaustive()
    }
}

/// The readable end of a `future<T>`: a nameable, storable
/// `Future<Output = T>`. If the writer is dropped without writing, the value
/// is the default the bindings were generated with.
///
/// ```no_run
/// # async fn f(raw: wasio::wit::RawFutureReader<u32>) {
/// let value: u32 = wasio::wit::FutureReader::new(raw).await;
/// # }
/// ```
pub struct FutureReader<T: 'static> {
    fut: LocalBoxFuture<'static, T>,
}

impl<T: 'static> FutureReader<T> {
    /// Wraps wit-bindgen's readable end.
    ///
    /// ```no_run
    /// # fn f(raw: wasio::wit::RawFutureReader<u32>) {
    /// let rx = wasio::wit::FutureReader::new(raw);
    /// # }
    /// ```
    pub fn new(reader: RawFutureReader<T>) -> Self {
        FutureReader { fut: Box::pin(reader.into_future()) }
    }
}

impl<T: 'static> Future for FutureReader<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        self.fut.as_mut().poll(cx)
    }
}

impl<T: 'static> fmt::Debug for FutureReader<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FutureReader").finish_non_exhaustive()
    }
}

/// The writable end of a `future<T>`.
///
/// ```no_run
/// # async fn f(tx: wasio::wit::FutureWriter<u32>) {
/// if tx.write(42).await.is_err() {
///     eprintln!("nobody was waiting");
/// }
/// # }
/// ```
pub struct FutureWriter<T: 'static> {
    inner: RawFutureWriter<T>,
}

impl<T: 'static> FutureWriter<T> {
    /// Wraps wit-bindgen's writable end.
    ///
    /// ```no_run
    /// # fn f(raw: wasio::wit::RawFutureWriter<u32>) {
    /// let tx = wasio::wit::FutureWriter::new(raw);
    /// # }
    /// ```
    pub fn new(inner: RawFutureWriter<T>) -> Self {
        FutureWriter { inner }
    }

    /// Writes the value; returns once the reader has taken it, or gives it
    /// back in `Err` if the reader is gone.
    ///
    /// ```no_run
    /// # async fn f(tx: wasio::wit::FutureWriter<String>) {
    /// tx.write("done".into()).await.ok();
    /// # }
    /// ```
    pub async fn write(self, value: T) -> Result<(), T> {
        self.inner.write(value).await.map_err(|e| e.value)
    }

    /// Gives back wit-bindgen's end.
    ///
    /// ```no_run
    /// # fn f(tx: wasio::wit::FutureWriter<u32>) {
    /// let raw: wasio::wit::RawFutureWriter<u32> = tx.into_inner();
    /// # }
    /// ```
    pub fn into_inner(self) -> RawFutureWriter<T> {
        self.inner
    }
}

impl<T: 'static> fmt::Debug for FutureWriter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FutureWriter").finish_non_exhaustive()
    }
}

/// The readable end of a `stream<u8>` as `AsyncRead` + `AsyncBufRead`,
/// reading from the host into one reused buffer.
///
/// ```no_run
/// use futures_util::AsyncReadExt;
/// # async fn f(raw: wasio::wit::RawStreamReader<u8>) -> std::io::Result<()> {
/// let mut text = String::new();
/// wasio::wit::ByteReader::new(raw).read_to_string(&mut text).await?;
/// # Ok(()) }
/// ```
pub struct ByteReader(stream::ByteReader);

impl ByteReader {
    /// Wraps wit-bindgen's readable end of a `stream<u8>`.
    ///
    /// ```no_run
    /// # fn f(raw: wasio::wit::RawStreamReader<u8>) {
    /// let rx = wasio::wit::ByteReader::new(raw);
    /// # }
    /// ```
    pub fn new(reader: RawStreamReader<u8>) -> Self {
        ByteReader(stream::ByteReader::new(reader, None))
    }
}

impl AsyncRead for ByteReader {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<std::io::Result<usize>> {
        self.get_mut().0.poll_read(cx, buf)
    }
}

impl AsyncBufRead for ByteReader {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<&[u8]>> {
        self.get_mut().0.poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.get_mut().0.consume(amt)
    }
}

impl fmt::Debug for ByteReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteReader").finish_non_exhaustive()
    }
}

/// The writable end of a `stream<u8>` as `AsyncWrite`: a write returns once
/// the reader has taken the bytes; `close` ends the stream.
///
/// ```no_run
/// use futures_util::AsyncWriteExt;
/// # async fn f(raw: wasio::wit::RawStreamWriter<u8>) -> std::io::Result<()> {
/// let mut tx = wasio::wit::ByteWriter::new(raw);
/// tx.write_all(b"hello").await?;
/// tx.close().await?;
/// # Ok(()) }
/// ```
pub struct ByteWriter(stream::ByteWriter);

impl ByteWriter {
    /// Wraps wit-bindgen's writable end of a `stream<u8>`.
    ///
    /// ```no_run
    /// # fn f(raw: wasio::wit::RawStreamWriter<u8>) {
    /// let tx = wasio::wit::ByteWriter::new(raw);
    /// # }
    /// ```
    pub fn new(writer: RawStreamWriter<u8>) -> Self {
        ByteWriter(stream::ByteWriter::from_writer(writer))
    }
}

impl AsyncWrite for ByteWriter {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        self.get_mut().0.poll_write(0, cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.get_mut().0.poll_flush(0, cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.get_mut().0.poll_close(0, cx)
    }
}

impl fmt::Debug for ByteWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteWriter").finish_non_exhaustive()
    }
}

crate::rt::unthreaded::unthreaded_send_sync!([T: Send + 'static] StreamReader<T>, [T: Send + 'static] StreamWriter<T>, [T: Send + 'static] FutureReader<T>, [T: Send + 'static] FutureWriter<T>);
