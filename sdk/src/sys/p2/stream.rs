//! WASI 0.2 `input-stream`/`output-stream` as poll-based readers and
//! writers (feature `p2`): reads and writes never block; when the host is
//! not ready, a pollable is registered with the executor's `wasi:io/poll`
//! loop, which wakes the task once it is.

use crate::rt::{Registration, register_pollable};
use std::future::poll_fn;
use std::io;
use std::task::{Context, Poll};
use wasip2::io::streams::{InputStream, OutputStream, StreamError};

/// An `io::Error` for a stream error of `what`.
pub(crate) fn stream_error(e: StreamError, what: &str) -> io::Error {
    match e {
        StreamError::Closed => io::Error::new(io::ErrorKind::BrokenPipe, format!("{what}: stream closed")),
        StreamError::LastOperationFailed(err) => {
            // WASI 0.2 gives only a description; the common socket failures
            // get their std kind from it.
            let text = err.to_debug_string();
            let lower = text.to_lowercase();
            let kind = if lower.contains("reset") {
                io::ErrorKind::ConnectionReset
            } else if lower.contains("broken pipe") {
                io::ErrorKind::BrokenPipe
            } else if lower.contains("aborted") {
                io::ErrorKind::ConnectionAborted
            } else {
                io::ErrorKind::Other
            };
            io::Error::new(kind, format!("{what}: {text}"))
        }
    }
}

/// Reads an `input-stream` in chunks. The registration is declared before
/// the stream, so its pollable (a child of the stream) is dropped first.
pub(crate) struct InputReader {
    waiting: Option<Registration>,
    stream: Option<InputStream>,
}

impl InputReader {
    pub(crate) fn new(stream: InputStream) -> InputReader {
        InputReader { waiting: None, stream: Some(stream) }
    }

    /// A reader at its end already.
    pub(crate) fn closed() -> InputReader {
        InputReader { waiting: None, stream: None }
    }

    /// The stream, unless the reader is at its end.
    pub(crate) fn stream(&self) -> Option<&InputStream> {
        self.stream.as_ref()
    }

    /// The next chunk of up to `max` bytes (never empty), or `None` at the
    /// end of the stream.
    pub(crate) fn poll_chunk(
        &mut self,
        cx: &mut Context<'_>,
        max: u64,
        what: &str,
    ) -> Poll<io::Result<Option<Vec<u8>>>> {
        let Some(stream) = &self.stream else { return Poll::Ready(Ok(None)) };
        let result = stream.read(max);
        self.waiting = None;
        match result {
            Ok(bytes) if !bytes.is_empty() => Poll::Ready(Ok(Some(bytes))),
            Ok(_) => {
                self.waiting = Some(register_pollable(stream.subscribe(), cx.waker()));
                Poll::Pending
            }
            Err(StreamError::Closed) => {
                self.stream = None;
                Poll::Ready(Ok(None))
            }
            Err(e) => Poll::Ready(Err(stream_error(e, what))),
        }
    }
}

/// Writes an `output-stream`: as much as the host accepts (`check-write`)
/// per write; a flush waits until the host has written everything.
pub(crate) struct OutputWriter {
    waiting: Option<Registration>,
    stream: Option<OutputStream>,
    /// A `flush` was requested and has not completed yet.
    flushing: bool,
}

impl OutputWriter {
    pub(crate) fn new(stream: OutputStream) -> OutputWriter {
        OutputWriter { waiting: None, stream: Some(stream), flushing: false }
    }

    /// The stream, unless [`close`](Self::close) was called.
    pub(crate) fn stream(&self) -> Option<&OutputStream> {
        self.stream.as_ref()
    }

    /// Whether [`close`](Self::close) was called.
    pub(crate) fn is_closed(&self) -> bool {
        self.stream.is_none()
    }

    /// Drops the stream (and any pollable subscribed to it).
    pub(crate) fn close(&mut self) {
        self.waiting = None;
        self.stream = None;
    }

    /// Takes the stream out (after dropping any pollable subscribed to it),
    /// for a caller that drops it in its own way.
    pub(crate) fn take(&mut self) -> Option<OutputStream> {
        self.waiting = None;
        self.stream.take()
    }

    /// Waits until the host accepts bytes (after a flush: until the flush
    /// is done); returns how many.
    fn poll_permit(&mut self, cx: &mut Context<'_>, what: &str) -> Poll<io::Result<u64>> {
        let Some(stream) = &self.stream else {
            return Poll::Ready(Err(io::Error::new(io::ErrorKind::BrokenPipe, format!("{what} is closed"))));
        };
        let result = stream.check_write();
        self.waiting = None;
        match result {
            Ok(0) => {
                self.waiting = Some(register_pollable(stream.subscribe(), cx.waker()));
                Poll::Pending
            }
            Ok(n) => Poll::Ready(Ok(n)),
            Err(e) => Poll::Ready(Err(stream_error(e, what))),
        }
    }

    /// Writes a prefix of `buf` the host accepts now; `Ok(n)` once the host
    /// has taken those `n` bytes.
    pub(crate) fn poll_write(&mut self, cx: &mut Context<'_>, buf: &[u8], what: &str) -> Poll<io::Result<usize>> {
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let permit = match self.poll_permit(cx, what) {
            Poll::Ready(Ok(n)) => n,
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Pending => return Poll::Pending,
        };
        let n = buf.len().min(usize::try_from(permit).unwrap_or(usize::MAX));
        let Some(stream) = &self.stream else { return Poll::Ready(Ok(0)) };
        Poll::Ready(stream.write(&buf[..n]).map(|()| n).map_err(|e| stream_error(e, what)))
    }

    /// Flushes: done once the host has written out everything.
    pub(crate) fn poll_flush(&mut self, cx: &mut Context<'_>, what: &str) -> Poll<io::Result<()>> {
        let Some(stream) = &self.stream else { return Poll::Ready(Ok(())) };
        if !self.flushing {
            stream.flush().map_err(|e| stream_error(e, what))?;
            self.flushing = true;
        }
        match self.poll_permit(cx, what) {
            Poll::Ready(r) => {
                self.flushing = false;
                Poll::Ready(r.map(|_| ()))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    /// Writes all of `buf`.
    pub(crate) async fn write_all(&mut self, mut buf: &[u8], what: &str) -> io::Result<()> {
        while !buf.is_empty() {
            let n = poll_fn(|cx| self.poll_write(cx, buf, what)).await?;
            buf = &buf[n..];
        }
        Ok(())
    }

    /// Flushes (see [`poll_flush`](Self::poll_flush)).
    pub(crate) async fn flush(&mut self, what: &str) -> io::Result<()> {
        poll_fn(|cx| self.poll_flush(cx, what)).await
    }
}

/// An [`InputReader`] with a buffer: `AsyncRead` and `AsyncBufRead`
/// semantics for a byte stream (a TCP connection's input).
pub(crate) struct BufInput {
    reader: InputReader,
    buf: Vec<u8>,
    pos: usize,
    what: &'static str,
}

/// How much one read of a [`BufInput`] asks the host for.
const BUF_CHUNK: u64 = 64 * 1024;

impl BufInput {
    pub(crate) fn new(stream: InputStream, what: &'static str) -> BufInput {
        BufInput { reader: InputReader::new(stream), buf: Vec::new(), pos: 0, what }
    }

    pub(crate) fn poll_fill_buf(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        if self.pos >= self.buf.len() {
            let chunk = match self.reader.poll_chunk(cx, BUF_CHUNK, self.what) {
                Poll::Ready(Ok(chunk)) => chunk,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            };
            self.buf = chunk.unwrap_or_default();
            self.pos = 0;
        }
        Poll::Ready(Ok(&self.buf[self.pos..]))
    }

    pub(crate) fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.buf.len());
    }

    pub(crate) fn poll_read(&mut self, cx: &mut Context<'_>, out: &mut [u8]) -> Poll<io::Result<usize>> {
        if out.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let avail = match self.poll_fill_buf(cx) {
            Poll::Ready(Ok(avail)) => avail,
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Pending => return Poll::Pending,
        };
        let n = avail.len().min(out.len());
        out[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Poll::Ready(Ok(n))
    }
}
