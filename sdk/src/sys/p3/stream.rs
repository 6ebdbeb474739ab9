//! Byte I/O over the Component Model's `stream<u8>`: the building blocks
//! behind stdio (and later files, sockets and bodies).
//!
//! Buffers are reused: a write copies the caller's bytes into a spare `Vec`
//! that comes back from the host after each transfer, and reads fill one
//! internal buffer that [`ByteReader::poll_fill_buf`] lends out.

use crate::bindings::wit_stream;
use futures_util::future::LocalBoxFuture;
use std::io;
use std::task::{Context, Poll, Waker, ready};
use wit_bindgen::{StreamReader, StreamResult, StreamWriter};

/// Largest chunk handed to the host in one write, and the read buffer size.
pub(crate) const CHUNK: usize = 256 * 1024;

type WriteFut = LocalBoxFuture<'static, (StreamWriter<u8>, StreamResult, Vec<u8>)>;
type ReadFut = LocalBoxFuture<'static, (StreamReader<u8>, StreamResult, Vec<u8>)>;
/// The host's final status of a transfer (`future<result<_, error-code>>`).
pub(crate) type DoneFut = LocalBoxFuture<'static, io::Result<()>>;

/// The writable end of a `stream<u8>`, shared by handles that take turns.
pub(crate) struct ByteWriter {
    writer: Option<StreamWriter<u8>>,
    /// The write in flight and the handle that started it (`None` once that
    /// handle is gone: the next writer finishes it first).
    inflight: Option<(WriteFut, Option<u64>)>,
    /// Tasks waiting for another handle's write to finish.
    waiters: Vec<Waker>,
    spare: Vec<u8>,
    done: Option<DoneFut>,
    closed: bool,
}

impl ByteWriter {
    /// A writer that hands its stream's readable end to the host with
    /// `start`, which returns the host's completion future.
    pub(crate) fn new(start: impl FnOnce(StreamReader<u8>) -> DoneFut) -> ByteWriter {
        let (writer, reader) = wit_stream::new::<u8>();
        let mut this = ByteWriter::from_writer(writer);
        this.done = Some(start(reader));
        this
    }

    /// A writer over an existing stream end, with no completion future.
    pub(crate) fn from_writer(writer: StreamWriter<u8>) -> ByteWriter {
        ByteWriter {
            writer: Some(writer),
            inflight: None,
            waiters: Vec::new(),
            spare: Vec::new(),
            done: None,
            closed: false,
        }
    }

    /// Polls the write in flight; `Ready` gives its byte count.
    fn poll_inflight(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let Some((fut, _)) = self.inflight.as_mut() else {
            return Poll::Ready(Ok(0));
        };
        let (writer, result, mut buf) = ready!(fut.as_mut().poll(cx));
        self.inflight = None;
        self.writer = Some(writer);
        buf.clear();
        self.spare = buf;
        for w in self.waiters.drain(..) {
            w.wake();
        }
        Poll::Ready(match result {
            StreamResult::Complete(n) => Ok(n),
            StreamResult::Dropped => Err(io::Error::new(io::ErrorKind::BrokenPipe, "the host closed the stream")),
            StreamResult::Cancelled => Err(io::Error::new(io::ErrorKind::Interrupted, "write cancelled")),
        })
    }

    /// Waits until no other handle's write is in flight. Finishes an
    /// orphaned write (its handle is gone) along the way.
    fn poll_turn(&mut self, me: u64, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            match &self.inflight {
                None => return Poll::Ready(Ok(())),
                Some((_, Some(owner))) if *owner == me => return Poll::Ready(Ok(())),
                Some((_, Some(_))) => {
                    if !self.waiters.iter().any(|w| w.will_wake(cx.waker())) {
                        self.waiters.push(cx.waker().clone());
                    }
                    return Poll::Pending;
                }
                Some((_, None)) => {
                    ready!(self.poll_inflight(cx))?;
                }
            }
        }
    }

    /// `AsyncWrite::poll_write` for handle `me`. Returns `Ready(Ok(n))` only
    /// once the host has taken the `n` bytes. After `Pending` the caller
    /// re-offers the same bytes (as `write_all` does); the in-flight write
    /// then completes for it.
    pub(crate) fn poll_write(&mut self, me: u64, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        ready!(self.poll_turn(me, cx))?;
        if self.inflight.is_some() {
            return self.poll_inflight(cx);
        }
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let Some(mut writer) = self.writer.take() else {
            return Poll::Ready(Err(closed()));
        };
        let mut data = std::mem::take(&mut self.spare);
        data.extend_from_slice(&buf[..buf.len().min(CHUNK)]);
        let fut: WriteFut = Box::pin(async move {
            let (result, rest) = writer.write(data).await;
            (writer, result, rest.into_vec())
        });
        self.inflight = Some((fut, Some(me)));
        self.poll_inflight(cx)
    }

    /// Completes any write in flight.
    pub(crate) fn poll_flush(&mut self, me: u64, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_turn(me, cx))?;
        ready!(self.poll_inflight(cx))?;
        Poll::Ready(Ok(()))
    }

    /// Flushes, closes the stream (the reader sees its end) and waits for the
    /// host to report the transfer's final status.
    pub(crate) fn poll_close(&mut self, me: u64, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_flush(me, cx))?;
        self.closed = true;
        self.writer = None;
        self.spare = Vec::new();
        if let Some(done) = self.done.as_mut() {
            let res = ready!(done.as_mut().poll(cx));
            self.done = None;
            return Poll::Ready(res);
        }
        Poll::Ready(Ok(()))
    }

    /// Handle `me` is going away: a write it left in flight is finished by
    /// the next writer.
    pub(crate) fn release(&mut self, me: u64) {
        if let Some((_, owner)) = self.inflight.as_mut()
            && *owner == Some(me)
        {
            *owner = None;
            for w in self.waiters.drain(..) {
                w.wake();
            }
        }
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed
    }
}

fn closed() -> io::Error {
    io::Error::new(io::ErrorKind::BrokenPipe, "stream already closed")
}

/// The readable end of a `stream<u8>` with one reusable buffer.
pub(crate) struct ByteReader {
    reader: Option<StreamReader<u8>>,
    inflight: Option<ReadFut>,
    buf: Vec<u8>,
    pos: usize,
    eof: bool,
    done: Option<DoneFut>,
}

impl ByteReader {
    /// Reads from `reader`; `done` reports the host's final status once the
    /// stream has ended.
    pub(crate) fn new(reader: StreamReader<u8>, done: Option<DoneFut>) -> ByteReader {
        ByteReader { reader: Some(reader), inflight: None, buf: Vec::new(), pos: 0, eof: false, done }
    }

    /// `AsyncBufRead::poll_fill_buf`: the buffered bytes, reading more from
    /// the host when empty; an empty slice at the end of the stream.
    pub(crate) fn poll_fill_buf(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        while self.pos >= self.buf.len() && !self.eof {
            if self.inflight.is_none() {
                let Some(mut reader) = self.reader.take() else {
                    self.eof = true;
                    break;
                };
                let mut buf = std::mem::take(&mut self.buf);
                buf.clear();
                if buf.capacity() < CHUNK {
                    buf.reserve(CHUNK);
                }
                self.pos = 0;
                self.inflight = Some(Box::pin(async move {
                    let (result, buf) = reader.read(buf).await;
                    (reader, result, buf)
                }));
            }
            let fut = self.inflight.as_mut().expect("read in flight");
            let (reader, result, buf) = ready!(fut.as_mut().poll(cx));
            self.inflight = None;
            self.buf = buf;
            match result {
                StreamResult::Complete(_) => self.reader = Some(reader),
                StreamResult::Dropped | StreamResult::Cancelled => {
                    drop(reader);
                    self.eof = true;
                }
            }
        }
        if self.pos >= self.buf.len() {
            // End of stream: give the buffer back now rather than when the
            // reader is dropped (a connection's task may linger).
            self.buf = Vec::new();
            self.pos = 0;
            // Surface the host's error, if any.
            if let Some(done) = self.done.as_mut() {
                let res = ready!(done.as_mut().poll(cx));
                self.done = None;
                res?;
            }
            return Poll::Ready(Ok(&[]));
        }
        Poll::Ready(Ok(&self.buf[self.pos..]))
    }

    /// Hands the buffered bytes over: swaps `other` (whose contents are
    /// discarded) with the internal buffer and returns the read position in
    /// the buffer `other` now holds.
    pub(crate) fn swap_buffer(&mut self, other: &mut Vec<u8>) -> usize {
        other.clear();
        std::mem::swap(&mut self.buf, other);
        std::mem::replace(&mut self.pos, 0)
    }

    /// `AsyncBufRead::consume`.
    pub(crate) fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.buf.len());
    }

    /// `AsyncRead::poll_read`: copies buffered bytes into `out`.
    pub(crate) fn poll_read(&mut self, cx: &mut Context<'_>, out: &mut [u8]) -> Poll<io::Result<usize>> {
        if out.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let avail = ready!(self.poll_fill_buf(cx))?;
        let n = avail.len().min(out.len());
        out[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Poll::Ready(Ok(n))
    }
}

crate::rt::unthreaded::unthreaded_send_sync!([] ByteWriter, [] ByteReader);
