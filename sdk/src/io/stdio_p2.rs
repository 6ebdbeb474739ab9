//! Standard I/O over WASI 0.2 `wasi:cli` streams (feature `p2`): the
//! `input-stream`/`output-stream` of the instance, read and written without
//! blocking, and waited on through the executor's `wasi:io/poll` loop.

use super::Which;
use super::stream_p2::{InputReader, OutputWriter};
use futures_io::AsyncWrite;
use std::cell::RefCell;
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use wasip2::cli;

/// How much one read asks the host for.
const READ_CHUNK: u64 = 64 * 1024;

/// The reader every [`Stdin`](super::Stdin) handle shares.
pub(super) type Input = InputReader;

thread_local! {
    static STDIN: RefCell<Option<Rc<RefCell<InputReader>>>> = const { RefCell::new(None) };
    static STDOUT: RefCell<Option<Rc<RefCell<OutputWriter>>>> = const { RefCell::new(None) };
    static STDERR: RefCell<Option<Rc<RefCell<OutputWriter>>>> = const { RefCell::new(None) };
}

/// The instance's stdin stream (`wasi:cli/stdin`), opened on first use.
pub(super) fn shared_stdin() -> Rc<RefCell<Input>> {
    STDIN.with(|s| {
        s.borrow_mut().get_or_insert_with(|| Rc::new(RefCell::new(InputReader::new(cli::stdin::get_stdin())))).clone()
    })
}

/// Refills a handle's `buf` with the next chunk read from the host (an
/// empty `buf` at the end); the unread bytes start at 0.
pub(super) fn refill(input: &RefCell<Input>, cx: &mut Context<'_>, buf: &mut Vec<u8>) -> Poll<io::Result<usize>> {
    match input.borrow_mut().poll_chunk(cx, READ_CHUNK, "stdin") {
        Poll::Ready(Ok(chunk)) => {
            *buf = chunk.unwrap_or_default();
            Poll::Ready(Ok(0))
        }
        Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
        Poll::Pending => Poll::Pending,
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

crate::rt::unthreaded::unthreaded_send_sync!([] StdWriter);
