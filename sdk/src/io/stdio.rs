//! Standard I/O over WASI 0.3 `wasi:cli` streams.

use super::Which;
use super::stream::{ByteReader, ByteWriter, DoneFut};
use crate::bindings::wasi::cli;
use futures_io::{AsyncBufRead, AsyncRead, AsyncWrite};
use std::cell::{Cell, RefCell};
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, ready};

fn cli_error(e: cli::types::ErrorCode) -> io::Error {
    use cli::types::ErrorCode as E;
    let kind = match e {
        E::Io => io::ErrorKind::Other,
        E::IllegalByteSequence => io::ErrorKind::InvalidData,
        E::Pipe => io::ErrorKind::BrokenPipe,
    };
    io::Error::new(kind, format!("wasi:cli error: {e:?}"))
}

fn done_future(fut: wit_bindgen::FutureReader<Result<(), cli::types::ErrorCode>>) -> DoneFut {
    Box::pin(async move { fut.await.map_err(cli_error) })
}

thread_local! {
    static STDIN: RefCell<Option<Rc<RefCell<ByteReader>>>> = const { RefCell::new(None) };
    static STDOUT: RefCell<Option<Rc<RefCell<ByteWriter>>>> = const { RefCell::new(None) };
    static STDERR: RefCell<Option<Rc<RefCell<ByteWriter>>>> = const { RefCell::new(None) };
    static NEXT_HANDLE: Cell<u64> = const { Cell::new(1) };
}

fn next_handle() -> u64 {
    NEXT_HANDLE.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    })
}

/// A handle to the instance's standard input; see [`stdin`].
///
/// Each handle buffers what it has read (like a `BufReader`); bytes a handle
/// has buffered are not seen by other handles.
///
/// ```no_run
/// use futures_util::io::AsyncBufReadExt;
/// # async fn f() -> std::io::Result<()> {
/// let mut line = String::new();
/// wasio::io::stdin().read_line(&mut line).await?;
/// # Ok(()) }
/// ```
pub struct Stdin {
    inner: Rc<RefCell<ByteReader>>,
    buf: Vec<u8>,
    pos: usize,
}

/// The standard input of this instance (`wasi:cli/stdin`). Every handle
/// reads from the same host stream.
///
/// ```no_run
/// use futures_util::io::AsyncReadExt;
/// # async fn f() -> std::io::Result<()> {
/// let mut input = String::new();
/// wasio::io::stdin().read_to_string(&mut input).await?;
/// # Ok(()) }
/// ```
pub fn stdin() -> Stdin {
    let inner = STDIN.with(|s| {
        s.borrow_mut()
            .get_or_insert_with(|| {
                let (reader, done) = cli::stdin::read_via_stream();
                Rc::new(RefCell::new(ByteReader::new(reader, Some(done_future(done)))))
            })
            .clone()
    });
    Stdin { inner, buf: Vec::new(), pos: 0 }
}

impl std::fmt::Debug for Stdin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stdin").field("buffered", &(self.buf.len() - self.pos)).finish()
    }
}

impl AsyncRead for Stdin {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, out: &mut [u8]) -> Poll<io::Result<usize>> {
        if out.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let avail = ready!(self.as_mut().poll_fill_buf(cx))?;
        let n = avail.len().min(out.len());
        out[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Poll::Ready(Ok(n))
    }
}

impl AsyncBufRead for Stdin {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let this = self.get_mut();
        if this.pos >= this.buf.len() {
            // Take the shared reader's filled buffer, leaving ours (empty)
            // for its next read: no copy.
            let mut inner = this.inner.borrow_mut();
            ready!(inner.poll_fill_buf(cx))?;
            this.pos = inner.swap_buffer(&mut this.buf);
        }
        Poll::Ready(Ok(&this.buf[this.pos..]))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let this = self.get_mut();
        this.pos = (this.pos + amt).min(this.buf.len());
    }
}

/// A handle to this instance's standard output or error; see [`stdout`](super::stdout) and
/// [`stderr`](super::stderr).
///
/// ```no_run
/// use futures_util::io::AsyncWriteExt;
/// # async fn f() -> std::io::Result<()> {
/// let mut out = wasio::io::stdout();
/// out.write_all(b"hello\n").await?;
/// out.flush().await?;
/// # Ok(()) }
/// ```
pub struct StdWriter {
    which: Which,
    id: u64,
    inner: Rc<RefCell<ByteWriter>>,
}

pub(super) fn std_writer(which: Which) -> StdWriter {
    let make = || {
        Rc::new(RefCell::new(ByteWriter::new(|reader| match which {
            Which::Out => done_future(cli::stdout::write_via_stream(reader)),
            Which::Err => done_future(cli::stderr::write_via_stream(reader)),
        })))
    };
    let slot = match which {
        Which::Out => &STDOUT,
        Which::Err => &STDERR,
    };
    let inner = slot.with(|s| {
        let mut s = s.borrow_mut();
        if s.as_ref().is_none_or(|w| w.borrow().is_closed()) {
            *s = Some(make());
        }
        s.as_ref().unwrap().clone()
    });
    StdWriter { which, id: next_handle(), inner }
}

impl Clone for StdWriter {
    fn clone(&self) -> Self {
        StdWriter { which: self.which, id: next_handle(), inner: self.inner.clone() }
    }
}

impl std::fmt::Debug for StdWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StdWriter").field("stream", &self.which).finish()
    }
}

impl Drop for StdWriter {
    fn drop(&mut self) {
        self.inner.borrow_mut().release(self.id);
    }
}

impl AsyncWrite for StdWriter {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.inner.borrow_mut().poll_write(self.id, cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner.borrow_mut().poll_flush(self.id, cx)
    }

    /// Closes the stream for every handle and waits until the host has
    /// written everything. A later [`stdout`](super::stdout)/[`stderr`](super::stderr) call opens a new
    /// stream.
    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner.borrow_mut().poll_close(self.id, cx)
    }
}

/// Closes stdout and stderr if they were used, waiting for the host to
/// write out everything. Called by `#[wasio::main]` after `main`.
#[doc(hidden)]
pub async fn flush_stdio() {
    use futures_util::io::AsyncWriteExt;
    for (slot, which) in [(&STDOUT, Which::Out), (&STDERR, Which::Err)] {
        if slot.with(|s| s.borrow().as_ref().is_some_and(|w| !w.borrow().is_closed())) {
            let _ = std_writer(which).close().await;
        }
    }
}
