//! Standard I/O over WASI 0.2 `wasi:cli` streams (feature `p2`): the
//! `input-stream`/`output-stream` of the instance, read and written without
//! blocking, and waited on through the executor's `wasi:io/poll` loop.

use super::Which;
use super::stream_p2::{InputReader, OutputWriter};
use futures_io::{AsyncBufRead, AsyncRead, AsyncWrite};
use std::cell::RefCell;
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use wasip2::cli;

/// How much one read asks the host for.
const READ_CHUNK: u64 = 64 * 1024;

thread_local! {
    static STDIN: RefCell<Option<Rc<RefCell<InputReader>>>> = const { RefCell::new(None) };
    static STDOUT: RefCell<Option<Rc<RefCell<OutputWriter>>>> = const { RefCell::new(None) };
    static STDERR: RefCell<Option<Rc<RefCell<OutputWriter>>>> = const { RefCell::new(None) };
}

/// A handle to the instance's standard input; see [`stdin`]. Each handle
/// keeps what it has read but not yet consumed.
///
/// ```no_run
/// use futures_util::io::AsyncBufReadExt;
/// # async fn f() -> std::io::Result<()> {
/// let mut first = String::new();
/// wasio::io::stdin().read_line(&mut first).await?;
/// # Ok(()) }
/// ```
pub struct Stdin {
    inner: Rc<RefCell<InputReader>>,
    buf: Vec<u8>,
    pos: usize,
}

/// The instance's standard input (`wasi:cli/stdin`).
///
/// ```no_run
/// use futures_util::io::AsyncReadExt;
/// # async fn f() -> std::io::Result<()> {
/// let mut all = Vec::new();
/// wasio::io::stdin().read_to_end(&mut all).await?;
/// # Ok(()) }
/// ```
pub fn stdin() -> Stdin {
    let inner = STDIN.with(|s| {
        s.borrow_mut().get_or_insert_with(|| Rc::new(RefCell::new(InputReader::new(cli::stdin::get_stdin())))).clone()
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
        let avail = match self.as_mut().poll_fill_buf(cx) {
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

impl AsyncBufRead for Stdin {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let this = self.get_mut();
        if this.pos >= this.buf.len() {
            let chunk = match this.inner.borrow_mut().poll_chunk(cx, READ_CHUNK, "stdin") {
                Poll::Ready(Ok(chunk)) => chunk,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            };
            this.buf = chunk.unwrap_or_default();
            this.pos = 0;
        }
        Poll::Ready(Ok(&this.buf[this.pos..]))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let this = self.get_mut();
        this.pos = (this.pos + amt).min(this.buf.len());
    }
}

impl Which {
    fn name(self) -> &'static str {
        match self {
            Which::Out => "stdout",
            Which::Err => "stderr",
        }
    }
}

/// A handle to the instance's stdout or stderr; see [`stdout`](super::stdout), [`stderr`](super::stderr).
///
/// ```no_run
/// use futures_util::io::AsyncWriteExt;
/// # async fn f() -> std::io::Result<()> {
/// let mut err = wasio::io::stderr();
/// err.write_all(b"warning\n").await?;
/// err.flush().await?;
/// # Ok(()) }
/// ```
pub struct StdWriter {
    which: Which,
    inner: Rc<RefCell<OutputWriter>>,
}

pub(super) fn std_writer(which: Which) -> StdWriter {
    let slot = match which {
        Which::Out => &STDOUT,
        Which::Err => &STDERR,
    };
    let inner = slot.with(|s| {
        let mut s = s.borrow_mut();
        match s.as_ref() {
            Some(o) if !o.borrow().is_closed() => o.clone(),
            _ => {
                let stream = match which {
                    Which::Out => cli::stdout::get_stdout(),
                    Which::Err => cli::stderr::get_stderr(),
                };
                let o = Rc::new(RefCell::new(OutputWriter::new(stream)));
                *s = Some(o.clone());
                o
            }
        }
    });
    StdWriter { which, inner }
}

impl Clone for StdWriter {
    fn clone(&self) -> Self {
        StdWriter { which: self.which, inner: self.inner.clone() }
    }
}

impl std::fmt::Debug for StdWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StdWriter").field("stream", &self.which).finish()
    }
}

impl AsyncWrite for StdWriter {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.inner.borrow_mut().poll_write(cx, buf, self.which.name())
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner.borrow_mut().poll_flush(cx, self.which.name())
    }

    /// Flushes, then closes the stream for every handle; a later
    /// [`stdout`](super::stdout)/[`stderr`](super::stderr) call opens it again.
    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut inner = self.inner.borrow_mut();
        match inner.poll_flush(cx, self.which.name()) {
            Poll::Ready(r) => {
                inner.close();
                Poll::Ready(r)
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

/// Flushes and closes stdout and stderr if they were used. Called by
/// `#[wasio::main]` after `main`.
#[doc(hidden)]
pub async fn flush_stdio() {
    use futures_util::io::AsyncWriteExt;
    for (slot, which) in [(&STDOUT, Which::Out), (&STDERR, Which::Err)] {
        if slot.with(|s| s.borrow().as_ref().is_some_and(|o| !o.borrow().is_closed())) {
            let _ = std_writer(which).close().await;
        }
    }
}
