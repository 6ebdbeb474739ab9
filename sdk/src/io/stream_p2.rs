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
        StreamError::LastOperationFailed(err) => io::Error::other(format!("{what}: {}", err.to_debug_string())),
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

    /// Whether [`close`](Self::close) was called.
    pub(crate) fn is_closed(&self) -> bool {
        self.stream.is_none()
    }

    /// Drops the stream (and any pollable subscribed to it).
    pub(crate) fn close(&mut self) {
        self.waiting = None;
        self.stream = None;
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
